/**
 * The decision rules of the package language (`judgment.rule.type`) as functions of a tally, and the test for
 * when an outcome is already certain, whatever the members who have not voted yet do.
 *
 * Semantics (docs/operations/judgment.md is the user-facing statement of the same):
 * - Blocking objections come first and need no quorum: a dismiss vote by a `veto` holder blocks a declaration (a
 *   Security Council veto); under `unanimity` and `consensus` every eligible member holds such a veto.
 * - `quorum` counts votes cast, abstentions included (an abstaining member took part). Under `reverse-consensus`
 *   quorum gates only the overturn: a finding stands without any vote.
 * - `majority`: more declare than dismiss votes; abstentions are not counted (UN Charter Art. 18(3): "members
 *   present and voting"; GA rule 86: abstainers are "considered as not voting"). A tie goes to `tie-break`.
 * - `qualified-majority`: declare when declare / (declare + dismiss) >= `fraction` (default 2/3, the UN Charter
 *   Art. 18(2) "important questions" threshold); abstentions are not counted, as for majority.
 * - `unanimity`: every eligible member declares; an abstention or a missing vote withholds unanimity (no decision).
 * - `consensus`: at least one declare and no objection; abstentions do not block.
 * - `reverse-consensus`: the finding stands unless enough eligible members vote dismiss: more than half of them, or
 *   at least `fraction` of them when given.
 */
import type { RuleType } from '../spec/vocabulary.js';

export type Choice = 'declare' | 'dismiss' | 'abstain';
export const choices: readonly Choice[] = ['declare', 'dismiss', 'abstain'];

/** What the votes say: declare, dismiss, or nothing yet (the deadline default will apply). */
export type Verdict = 'declare' | 'dismiss' | 'none';

export type TieBreak = { kind: 'declare' } | { kind: 'dismiss' } | { kind: 'actor'; actor: string };

export interface Rule {
  type: RuleType;
  fraction?: number;
  quorum?: number;
  tieBreak?: TieBreak;
}

/** Counts over the eligible members, plus what the count alone cannot say. */
export interface Tally {
  declare: number;
  dismiss: number;
  abstain: number;
  /** Eligible (not recused) members. */
  eligible: number;
  /** A member holding a veto (every member under unanimity and consensus) has voted dismiss. */
  blocked: boolean;
  /** The vote of the tie-breaking actor, when the tie-break is an actor and that actor has voted. */
  tieBreakVote?: Choice;
}

export const verdictReasons = [
  'veto',
  'objection',
  'quorum-not-met',
  'no-votes',
  'majority',
  'tie-broken',
  'tie',
  'qualified-majority',
  'unanimous',
  'not-unanimous',
  'consensus',
  'overturned',
  'finding-stands',
] as const;
export type VerdictReason = (typeof verdictReasons)[number];

export interface RuleVerdict {
  verdict: Verdict;
  reason: VerdictReason;
}

const EPS = 1e-9;

/** Whether every eligible member is a veto holder under this rule type. */
// An unpublished rule is run at its worst case: as if it needed every member (docs/language.md).
export const everyoneHoldsVeto = (type: RuleType): boolean =>
  type === 'unanimity' || type === 'consensus' || type === 'unpublished';

export function verdictOf(rule: Rule, t: Tally): RuleVerdict {
  if (t.blocked) return { verdict: 'dismiss', reason: everyoneHoldsVeto(rule.type) ? 'objection' : 'veto' };
  const cast = t.declare + t.dismiss + t.abstain;
  if (rule.type === 'reverse-consensus') {
    const overturned =
      rule.fraction === undefined ? t.dismiss * 2 > t.eligible : t.dismiss + EPS >= rule.fraction * t.eligible;
    const quorate = rule.quorum === undefined || cast >= rule.quorum;
    return overturned && quorate
      ? { verdict: 'dismiss', reason: 'overturned' }
      : { verdict: 'declare', reason: 'finding-stands' };
  }
  if (rule.quorum !== undefined && cast < rule.quorum) return { verdict: 'none', reason: 'quorum-not-met' };
  switch (rule.type) {
    case 'majority': {
      if (t.declare + t.dismiss === 0) return { verdict: 'none', reason: 'no-votes' };
      if (t.declare !== t.dismiss)
        return { verdict: t.declare > t.dismiss ? 'declare' : 'dismiss', reason: 'majority' };
      return breakTie(rule.tieBreak, t.tieBreakVote);
    }
    case 'qualified-majority': {
      const voting = t.declare + t.dismiss;
      if (voting === 0) return { verdict: 'none', reason: 'no-votes' };
      const f = rule.fraction ?? 2 / 3;
      return { verdict: t.declare + EPS >= f * voting ? 'declare' : 'dismiss', reason: 'qualified-majority' };
    }
    case 'unanimity':
    case 'unpublished':
      return t.declare === t.eligible && t.eligible > 0
        ? { verdict: 'declare', reason: 'unanimous' }
        : { verdict: 'none', reason: 'not-unanimous' };
    case 'consensus':
      return t.declare > 0 ? { verdict: 'declare', reason: 'consensus' } : { verdict: 'none', reason: 'no-votes' };
  }
}

function breakTie(tb: TieBreak | undefined, vote: Choice | undefined): RuleVerdict {
  if (tb === undefined) return { verdict: 'none', reason: 'tie' };
  if (tb.kind !== 'actor') return { verdict: tb.kind, reason: 'tie-broken' };
  if (vote === 'declare' || vote === 'dismiss') return { verdict: vote, reason: 'tie-broken' };
  return { verdict: 'none', reason: 'tie' };
}

/** Who has not voted yet, grouped by what their vote can change. */
export interface Pending {
  /** Pending eligible members holding no veto (and not the tie-breaker). */
  ordinary: number;
  /** Pending eligible members holding a veto (not the tie-breaker). */
  veto: number;
  /** The tie-breaking actor, when it has not voted: whether it is an eligible member, and whether it holds a veto. */
  tieBreaker?: { member: boolean; veto: boolean };
}

type Completion = Choice | 'absent';
const completions: readonly Completion[] = ['declare', 'dismiss', 'abstain', 'absent'];

/**
 * The verdict if it no longer depends on the pending votes: every way the members who have not voted could vote
 * (or not vote at all) gives the same verdict, and that verdict is a decision (not `none`). Votes already cast are
 * taken as they stand: a member may change its vote only until the decision.
 *
 * Counts are enumerated, not members, so the cost is O(p^3) in the pending members and stops at the first
 * disagreement; judgment bodies have tens of members, not thousands.
 */
export function certainVerdict(rule: Rule, t: Tally, pending: Pending): RuleVerdict | undefined {
  let first: RuleVerdict | undefined;
  const see = (v: RuleVerdict): boolean => {
    if (v.verdict === 'none') return false;
    if (first === undefined) first = v;
    return first.verdict === v.verdict;
  };
  const tbOptions: readonly (Completion | undefined)[] = pending.tieBreaker ? completions : [undefined];
  for (const tb of tbOptions) {
    const base: Tally = { ...t };
    if (tb !== undefined && pending.tieBreaker) {
      if (tb !== 'absent') base.tieBreakVote = tb;
      if (pending.tieBreaker.member && tb !== 'absent') base[tb] += 1;
      if (pending.tieBreaker.veto && tb === 'dismiss') base.blocked = true;
    }
    const p = pending.ordinary + pending.veto;
    for (let x = 0; x <= p; x++) {
      // Can the x dismiss votes avoid / include a veto holder?
      const vetoOptions: boolean[] = [];
      if (x <= pending.ordinary) vetoOptions.push(false);
      if (x >= 1 && pending.veto >= 1) vetoOptions.push(true);
      for (let d = 0; d + x <= p; d++) {
        for (let a = 0; a + d + x <= p; a++) {
          for (const veto of vetoOptions) {
            const v = verdictOf(rule, {
              ...base,
              declare: base.declare + d,
              dismiss: base.dismiss + x,
              abstain: base.abstain + a,
              blocked: base.blocked || veto,
            });
            if (!see(v)) return undefined;
          }
        }
      }
    }
  }
  // "Nobody else votes" is one of the completions, so the verdict as things stand agrees; its reason is the honest one.
  return first === undefined ? undefined : verdictOf(rule, t);
}
