// One judgment semantics: the simulator's compiled judgment (the chance that a case is declared by vote, dismissed,
// or declared by the deadline default) agrees with the live judgment rules (core/ops/judgment-rules.ts) on every rule
// type, veto, quorum, recusal and deadline default. The expected figures here are computed independently: every
// combination of votes is tallied and put to `verdictOf` directly, recusal and the default applied as
// docs/operations/judgment.md states them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackageAt as loadPackageFile } from '../../../test/support/package-file.js';
import { verdictOf, type Rule, type Tally } from '../ops/judgment-rules.js';
import type { Judgment, Package } from '../spec/schema.js';
import { HOUR } from '../spec/units.js';
import type { RuleType } from '../spec/vocabulary.js';
import { compileJudgment } from './compile.js';
import { resolveParams } from './experiment.js';

const example = loadPackageFile(join('examples', 'ukraine-2026.yaml')).model!;
const ADVERSARY = 'RU';

function expected(pkg: Package, q: number): { declare: number; dismiss: number; deadlineDeclare: number } {
  const j = pkg.judgment!;
  const roleOf = (a: string) => pkg.actors[a]!.role;
  const recused = (m: string) =>
    j.recuse === 'parties'
      ? roleOf(m) === 'party' || roleOf(m) === 'protected' || m === ADVERSARY
      : j.recuse === 'none'
        ? false
        : j.recuse.includes(m);
  const eligible = j.members.filter((m) => !recused(m));
  const veto = new Set(j.rule.type === 'unanimity' || j.rule.type === 'consensus' ? j.members : (j.rule.veto ?? []));
  const tb = j['tie-break'];
  const rule: Rule = {
    type: j.rule.type,
    fraction: j.rule.fraction,
    quorum: j.rule.quorum,
    tieBreak:
      tb === undefined ? undefined : tb === 'declare' || tb === 'dismiss' ? { kind: tb } : { kind: 'actor', actor: tb },
  };
  const fixedVote = (m: string): boolean | undefined => (m === ADVERSARY ? false : m === 'UA' ? true : undefined);
  const uncertain = eligible.filter((m) => fixedVote(m) === undefined);
  let declare = 0;
  let dismiss = 0;
  let deadlineDeclare = 0;
  for (let mask = 0; mask < 1 << uncertain.length; mask++) {
    let w = 1;
    const vote = new Map<string, boolean>();
    for (const m of eligible) vote.set(m, fixedVote(m)!);
    uncertain.forEach((m, i) => {
      const yes = (mask & (1 << i)) !== 0;
      vote.set(m, yes);
      w *= yes ? q : 1 - q;
    });
    if (w === 0) continue;
    const t: Tally = { declare: 0, dismiss: 0, abstain: 0, eligible: eligible.length, blocked: false };
    for (const m of eligible) {
      if (vote.get(m)) t.declare++;
      else {
        t.dismiss++;
        if (veto.has(m)) t.blocked = true;
      }
    }
    if (rule.tieBreak?.kind === 'actor' && vote.has(rule.tieBreak.actor))
      t.tieBreakVote = vote.get(rule.tieBreak.actor) ? 'declare' : 'dismiss';
    const v = verdictOf(rule, t).verdict;
    if (v === 'declare') declare += w;
    else if (v === 'dismiss') dismiss += w;
    else if (j.deadline !== undefined && j['on-deadline'] === 'declare') deadlineDeclare += w;
  }
  return { declare, dismiss, deadlineDeclare };
}

const rules: Judgment['rule'][] = [
  { type: 'majority' },
  { type: 'majority', quorum: 4 },
  { type: 'majority', veto: ['US'] },
  { type: 'qualified-majority' },
  { type: 'qualified-majority', fraction: 0.75, veto: ['FR', 'UK'] },
  { type: 'qualified-majority', fraction: 0.6, quorum: 6 },
  { type: 'unanimity' },
  { type: 'consensus' },
  { type: 'reverse-consensus' },
  { type: 'reverse-consensus', fraction: 0.4, quorum: 3 },
];
const recusals: Judgment['recuse'][] = ['none', 'parties', ['UA']];
const defaults: { deadline?: number; 'on-deadline'?: Judgment['on-deadline'] }[] = [
  {},
  { deadline: 48 * HOUR },
  { deadline: 48 * HOUR, 'on-deadline': 'declare' },
  { deadline: 48 * HOUR, 'on-deadline': 'dismiss' },
  { deadline: 48 * HOUR, 'on-deadline': 'no-decision' },
];
const tieBreaks: Judgment['tie-break'][] = [undefined, 'declare', 'US'];

describe('the simulator judges as the live rules do', () => {
  const covered = new Set<RuleType>();
  for (const rule of rules) {
    for (const recuse of recusals) {
      for (const d of defaults) {
        for (const tieBreak of tieBreaks) {
          if (tieBreak !== undefined && rule.type !== 'majority') continue;
          const name = `${JSON.stringify(rule)} recuse ${JSON.stringify(recuse)} ${JSON.stringify(d)} tie-break ${tieBreak ?? '-'}`;
          it(name, () => {
            const pkg = structuredClone(example);
            pkg.judgment = {
              ...pkg.judgment!,
              members: ['FR', 'UK', 'DE', 'US', 'CMM', 'UA', 'RU'],
              rule,
              recuse,
              deadline: d.deadline,
              'on-deadline': d['on-deadline'],
              'tie-break': tieBreak,
            };
            for (const q of [0, 0.7, 1]) {
              const m = compileJudgment(pkg, resolveParams(pkg, { 'member-declare': q }), ADVERSARY);
              const e = expected(pkg, q);
              expect(m.pDeclare, `declare by vote, q=${q}`).toBeCloseTo(e.declare, 12);
              expect(m.pDismiss, `dismiss by vote, q=${q}`).toBeCloseTo(e.dismiss, 12);
              expect(m.pDeadlineDeclare, `declared by the deadline default, q=${q}`).toBeCloseTo(e.deadlineDeclare, 12);
            }
            covered.add(rule.type);
          });
        }
      }
    }
  }
  it('covers every rule type', () => {
    expect([...covered].sort()).toEqual([
      'consensus',
      'majority',
      'qualified-majority',
      'reverse-consensus',
      'unanimity',
    ]);
  });

  it('dismisses on a veto, as the live rules do (a block is not left to the deadline default)', () => {
    const pkg = structuredClone(example);
    pkg.judgment = {
      ...pkg.judgment!,
      members: [...pkg.judgment!.members, 'RU'],
      rule: { type: 'majority', veto: ['RU'] },
      recuse: 'none',
      deadline: 48 * HOUR,
      'on-deadline': 'declare',
    };
    const m = compileJudgment(pkg, resolveParams(pkg), ADVERSARY);
    expect(m.pDismiss).toBe(1);
    expect(m.pDeclare + m.pDeadlineDeclare).toBe(0);
  });
});
