import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR } from '../spec/units.js';
import { castVote, expireJudgment, openJudgment, type JudgmentPlan } from './judgment.js';
import { certainVerdict, verdictOf, type Choice } from './judgment-rules.js';

const members = ['A', 'B', 'C', 'D', 'E', 'F'];
const T0 = 0;

const planArb: fc.Arbitrary<JudgmentPlan> = fc
  .record({
    type: fc.constantFrom('majority', 'qualified-majority', 'unanimity', 'consensus', 'reverse-consensus' as const),
    fraction: fc.option(fc.constantFrom(0.5, 0.6, 2 / 3, 0.75, 1), { nil: undefined }),
    quorum: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    veto: fc.subarray(members, { maxLength: 2 }),
    tieBreak: fc.option(fc.constantFrom('declare', 'dismiss', 'A', 'CMM'), { nil: undefined }),
    onDeadline: fc.constantFrom('declare', 'dismiss', 'no-decision' as const),
  })
  .map((r) => ({
    body: 'Commission',
    members,
    rule: {
      type: r.type,
      ...(r.fraction === undefined ? {} : { fraction: r.fraction }),
      ...(r.quorum === undefined ? {} : { quorum: r.quorum }),
      ...(r.tieBreak === undefined
        ? {}
        : {
            tieBreak:
              r.tieBreak === 'declare' || r.tieBreak === 'dismiss'
                ? { kind: r.tieBreak }
                : { kind: 'actor' as const, actor: r.tieBreak },
          }),
    },
    veto: r.type === 'unanimity' || r.type === 'consensus' ? members : r.veto,
    recuse: 'none' as const,
    deadline: 48 * HOUR,
    onDeadline: r.onDeadline,
    roles: Object.fromEntries([...members, 'CMM'].map((m) => [m, 'guarantor' as const])),
  }));

const voteArb = fc.record({
  member: fc.constantFrom(...members, 'CMM'),
  choice: fc.constantFrom<Choice>('declare', 'dismiss', 'abstain'),
});

describe('judgment rules (properties)', () => {
  it('an early decision is never contradicted by the votes that could have followed (soundness)', () => {
    fc.assert(
      fc.property(
        planArb,
        fc.array(voteArb, { maxLength: 10 }),
        fc.array(voteArb, { maxLength: 8 }),
        (plan, before, after) => {
          let s = openJudgment(plan, { caseId: 'c', severity: 's', openedAt: T0 });
          let t = T0;
          for (const v of before) {
            if (s.outcome) break;
            s = castVote(plan, s, { ...v, at: ++t }).state;
          }
          if (!s.outcome) return;
          // Replay the decided votes without the early decision, add any later votes by members not yet voted, expire.
          const decided = s.outcome;
          const voted = new Set(s.votes.map((v) => v.member));
          const final = new Map(s.votes.map((v) => [v.member, v.choice]));
          for (const v of after) if (!voted.has(v.member)) final.set(v.member, v.choice);
          const tally = {
            declare: 0,
            dismiss: 0,
            abstain: 0,
            eligible: members.length,
            blocked: false,
            tieBreakVote: undefined as Choice | undefined,
          };
          for (const [m, c] of final) {
            if (members.includes(m)) {
              tally[c] += 1;
              if (c === 'dismiss' && plan.veto.includes(m)) tally.blocked = true;
            }
          }
          const tb = plan.rule.tieBreak;
          if (tb?.kind === 'actor') tally.tieBreakVote = final.get(tb.actor);
          const { tieBreakVote, ...rest } = tally;
          const v = verdictOf(plan.rule, tieBreakVote === undefined ? rest : { ...rest, tieBreakVote });
          expect(v.verdict).toBe(decided.effect);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('once everyone has voted, a decision is taken at once unless the votes say nothing (completeness)', () => {
    fc.assert(
      fc.property(
        planArb,
        fc.array(fc.constantFrom<Choice>('declare', 'dismiss', 'abstain'), { minLength: 7, maxLength: 7 }),
        (plan, cs) => {
          let s = openJudgment(plan, { caseId: 'c', severity: 's', openedAt: T0 });
          [...members, 'CMM'].forEach((m, i) => {
            if (!s.outcome) s = castVote(plan, s, { member: m, choice: cs[i]!, at: T0 + i + 1 }).state;
          });
          const atDeadline = expireJudgment(plan, s, T0 + 48 * HOUR);
          if (!s.outcome) expect(atDeadline.outcome!.result).toBe('defaulted');
          else expect(atDeadline.outcome).toBe(s.outcome);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('certainVerdict with nobody pending is the verdict itself', () => {
    fc.assert(
      fc.property(planArb, fc.nat(6), fc.nat(6), fc.nat(6), fc.boolean(), (plan, d, x, a, blocked) => {
        const t = { declare: d, dismiss: x, abstain: a, eligible: 6, blocked };
        const v = verdictOf(plan.rule, t);
        const c = certainVerdict(plan.rule, t, { ordinary: 0, veto: 0 });
        expect(c?.verdict ?? 'none').toBe(v.verdict);
      }),
    );
  });
});
