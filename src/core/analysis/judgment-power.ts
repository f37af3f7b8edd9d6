/**
 * Who can stop the judgment body from declaring a breach. Follows the decision semantics of `judgment.rule`
 * (docs/language.md; the same rules the live commission runs in core/ops): a `veto` holder's dismiss vote blocks;
 * under unanimity and consensus every eligible member holds such a veto; a member the quorum cannot do without
 * can block by staying away.
 */
import type { Judgment } from '../spec/schema.js';
import type { PackageView } from './package-view.js';
import { itemAt } from '../item-at.js';

export interface Blocker {
  actor: string;
  /** How: "a veto", "an objection under consensus", "staying away: the quorum of 3 needs its vote". */
  how: string;
}

export interface JudgmentPower {
  /** Members who vote (not recused). */
  eligible: string[];
  /** Every eligible member who can block alone. */
  blockers: Blocker[];
  /** The blockers that are parties (or bodies staffed only by parties): a violator judging itself. */
  partyBlockers: Blocker[];
  /** The body is made only of the opposing sides and has no tie-break. */
  twoSided: boolean;
  /** Eligible parties that cannot block alone but vote on their own breach, and how many allies they need to. */
  partyVoters: { actor: string; allies: number }[];
}

/** Dismiss votes that stop a declaration when all `eligible` members vote (abstentions aside). */
export function blockingMinority(j: Judgment, eligible: number): number {
  switch (j.rule.type) {
    case 'majority': {
      // A tie does not declare, unless a tie-break (`declare`, or an actor, assumed to side with the finding) does.
      const tb = j['tie-break'];
      return tb === undefined || tb === 'dismiss' ? Math.ceil(eligible / 2) : Math.floor(eligible / 2) + 1;
    }
    case 'qualified-majority':
      return Math.floor(eligible * (1 - (j.rule.fraction ?? 2 / 3)) + 1e-9) + 1;
    case 'reverse-consensus':
      return j.rule.fraction === undefined
        ? Math.floor(eligible / 2) + 1
        : Math.ceil(eligible * j.rule.fraction - 1e-9);
    default:
      return 1;
  }
}

export function recusedOf(j: Judgment, view: PackageView): Set<string> {
  if (j.recuse === 'parties') return new Set(j.members.filter((m) => view.isPartyControlled(m)));
  if (j.recuse === 'none') return new Set();
  return new Set(j.recuse);
}

export function judgmentPower(j: Judgment, view: PackageView): JudgmentPower {
  const recused = recusedOf(j, view);
  const eligible = j.members.filter((m) => !recused.has(m));
  const blockers: Blocker[] = [];
  // An unpublished rule is read at its worst case: as if every member's objection blocked.
  const everyone = j.rule.type === 'unanimity' || j.rule.type === 'consensus' || j.rule.type === 'unpublished';
  const vetoes = new Set(j.rule.veto ?? []);
  const nonParty = eligible.filter((m) => !view.isPartyControlled(m)).length;
  const need = blockingMinority(j, eligible.length);
  // A sole voting member with no veto written is the judge, not a blocker: its dismissal is the decision itself
  // (an impartial arbiter or a force commander deciding alone). Only a party judging alone can block its own breach.
  const sole = eligible.length === 1 && !vetoes.has(itemAt(eligible, 0));
  for (const m of eligible) {
    if (sole && !view.isPartyControlled(m)) continue;
    if (everyone)
      blockers.push({
        actor: m,
        how:
          j.rule.type === 'unanimity'
            ? 'withholding unanimity'
            : j.rule.type === 'unpublished'
              ? 'an objection, at worst under an unpublished rule'
              : 'an objection under consensus',
      });
    else if (vetoes.has(m)) blockers.push({ actor: m, how: 'a veto' });
    else if (need <= 1)
      blockers.push({
        actor: m,
        how: `a single dismiss vote, which is enough among ${eligible.length} voting member${eligible.length === 1 ? '' : 's'}`,
      });
    else if (
      j.rule.quorum !== undefined &&
      view.isPartyControlled(m) &&
      j.rule.quorum > nonParty &&
      j.rule.type !== 'reverse-consensus'
    ) {
      blockers.push({
        actor: m,
        how: `staying away: the quorum of ${j.rule.quorum} cannot be met without the parties`,
      });
    }
  }
  const partyBlockers = blockers.filter((b) => view.isPartyControlled(b.actor));
  const twoSided =
    eligible.length >= 2 && eligible.every((m) => view.isPartyControlled(m)) && j['tie-break'] === undefined;
  const partyVoters = eligible
    .filter((m) => view.isPartyControlled(m) && !blockers.some((b) => b.actor === m))
    .map((actor) => ({ actor, allies: Math.max(0, need - 1) }));
  return { eligible, blockers, partyBlockers, twoSided, partyVoters };
}
