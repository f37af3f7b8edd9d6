import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPackage } from '../spec/load.js';
import { judgmentSchema, type Package } from '../spec/schema.js';
import { HOUR } from '../spec/units.js';
import {
  castVote,
  expireJudgment,
  judgmentPlan,
  judgmentView,
  openJudgment,
  unjudged,
  type JudgmentPlan,
  type JudgmentState,
} from './judgment.js';
import type { Choice } from './judgment-rules.js';

const example = loadPackage(readFileSync('examples/ukraine-2026.yaml', 'utf8'), { file: 'ukraine-2026.yaml' }).model!;
const T0 = Date.UTC(2026, 6, 1, 12);

/** The example package with its judgment clause replaced (given as YAML would give it). */
function planWith(judgment: Record<string, unknown>, actors?: Package['actors']): JudgmentPlan {
  const pkg: Package = {
    ...example,
    actors: { ...example.actors, ...actors },
    judgment: judgmentSchema.parse({ body: 'Commission', deadline: '48h', ...judgment }),
  };
  return judgmentPlan(pkg)!;
}

function open(plan: JudgmentPlan, attributedTo?: string[]): JudgmentState {
  return openJudgment(plan, {
    caseId: 'c1',
    severity: 'serious',
    openedAt: T0,
    ...(attributedTo ? { attributedTo } : {}),
  });
}

/** Casts votes one hour apart; each must be accepted. */
function vote(plan: JudgmentPlan, s: JudgmentState, votes: [string, Choice][], start = T0 + HOUR): JudgmentState {
  votes.forEach(([member, choice], i) => {
    const r = castVote(plan, s, { member, choice, at: start + i * HOUR });
    if (!r.ok) throw new Error(`${member} ${choice}: ${r.rejection.message}`);
    s = r.state;
  });
  return s;
}

const five = ['A', 'B', 'C', 'D', 'E'];
const guarantors: Package['actors'] = Object.fromEntries(five.map((m) => [m, { name: m, role: 'guarantor' as const }]));
const plan5 = (rule: Record<string, unknown>, rest: Record<string, unknown> = {}) =>
  planWith({ members: five, rule, ...rest }, guarantors);

describe('judgment: the example package', () => {
  const plan = judgmentPlan(example)!;

  it('opens with a 48-hour clock and all five members eligible (none is a party)', () => {
    const s = open(plan);
    expect(s.deadline).toBe(T0 + 48 * HOUR);
    expect(s.electorate).toEqual(['FR', 'UK', 'DE', 'US', 'CMM']);
    expect(s.recused).toEqual([]);
    expect(s.outcome).toBeUndefined();
  });

  it('declares the moment a majority of three is certain, not before', () => {
    let s = vote(plan, open(plan), [
      ['FR', 'declare'],
      ['UK', 'declare'],
    ]);
    expect(s.outcome).toBeUndefined();
    s = vote(plan, s, [['DE', 'declare']], T0 + 5 * HOUR);
    expect(s.outcome).toMatchObject({
      result: 'declared',
      by: 'vote',
      at: T0 + 5 * HOUR,
      reason: 'majority',
      nonVoters: ['US', 'CMM'],
    });
  });

  it('applies the default (declare) at the deadline when too few voted, and names who did not', () => {
    let s = vote(plan, open(plan), [
      ['FR', 'dismiss'],
      ['UK', 'declare'],
    ]);
    expect(expireJudgment(plan, s, T0 + 48 * HOUR - 1)).toBe(s);
    s = expireJudgment(plan, s, T0 + 48 * HOUR);
    expect(s.outcome).toMatchObject({
      result: 'defaulted',
      default: 'declare',
      effect: 'declare',
      at: T0 + 48 * HOUR,
      reason: 'deadline-default',
      nonVoters: ['DE', 'US', 'CMM'],
    });
  });

  it('the tie-breaker CMM settles a 2-2 tie with its own vote', () => {
    const s = vote(plan, open(plan), [
      ['FR', 'declare'],
      ['UK', 'dismiss'],
      ['DE', 'declare'],
      ['US', 'dismiss'],
    ]);
    expect(s.outcome).toBeUndefined();
    const d = vote(plan, s, [['CMM', 'dismiss']], T0 + 10 * HOUR);
    expect(d.outcome).toMatchObject({ result: 'dismissed', reason: 'majority' });
    const a = vote(plan, s, [['CMM', 'abstain']], T0 + 10 * HOUR);
    // Everyone voted, 2-2 with an abstaining tie-breaker: nothing decides until the deadline's default.
    expect(a.outcome).toBeUndefined();
    expect(expireJudgment(plan, a, T0 + 48 * HOUR).outcome).toMatchObject({ result: 'defaulted', default: 'declare' });
  });

  it('rejects a vote after the deadline, and one at the deadline instant', () => {
    const s = open(plan);
    for (const at of [T0 + 48 * HOUR, T0 + 49 * HOUR]) {
      const r = castVote(plan, s, { member: 'FR', choice: 'declare', at });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.rejection).toMatchObject({ code: 'after-deadline', member: 'FR' });
      expect(r.state.rejections).toHaveLength(1);
    }
    expect(castVote(plan, s, { member: 'FR', choice: 'declare', at: T0 + 48 * HOUR - 1 }).ok).toBe(true);
  });

  it('rejects a non-member, a vote before opening, an unknown choice and a vote after the decision', () => {
    const s = open(plan);
    const cases: [Parameters<typeof castVote>[2], string][] = [
      [{ member: 'RU', choice: 'dismiss', at: T0 + 1 }, 'not-a-member'],
      [{ member: 'FR', choice: 'declare', at: T0 - 1 }, 'before-open'],
      [{ member: 'FR', choice: 'maybe' as Choice, at: T0 + 1 }, 'unknown-choice'],
    ];
    for (const [v, code] of cases) {
      const r = castVote(plan, s, v);
      expect(r.ok ? 'accepted' : r.rejection.code).toBe(code);
    }
    const decided = vote(plan, s, [
      ['FR', 'declare'],
      ['UK', 'declare'],
      ['DE', 'declare'],
    ]);
    const r = castVote(plan, decided, { member: 'US', choice: 'dismiss', at: T0 + 10 * HOUR });
    expect(r.ok ? 'accepted' : r.rejection.code).toBe('decided');
    expect(r.state.outcome).toEqual(decided.outcome);
  });

  it('a changed vote counts as the last one before the decision, and both stay on the record', () => {
    let s = vote(plan, open(plan), [
      ['FR', 'declare'],
      ['UK', 'declare'],
    ]);
    s = vote(plan, s, [['FR', 'dismiss']], T0 + 3 * HOUR);
    expect(s.votes.map((v) => [v.member, v.choice, v.previous])).toEqual([
      ['FR', 'declare', undefined],
      ['UK', 'declare', undefined],
      ['FR', 'dismiss', 'declare'],
    ]);
    s = vote(plan, s, [['DE', 'declare']], T0 + 4 * HOUR);
    expect(s.outcome).toBeUndefined(); // 2 declare, 1 dismiss: US and CMM could still tie it
    s = vote(plan, s, [['US', 'declare']], T0 + 5 * HOUR);
    expect(s.outcome).toMatchObject({ result: 'declared', tally: { declare: 3, dismiss: 1 } });
    const view = judgmentView(plan, s, T0 + 6 * HOUR);
    expect(view.votes.find((v) => v.member === 'FR')).toMatchObject({ choice: 'dismiss', changed: true });
  });

  it('shows a running clock and the tally', () => {
    const s = vote(plan, open(plan), [['FR', 'declare']]);
    const v = judgmentView(plan, s, T0 + 10 * HOUR);
    expect(v).toMatchObject({
      status: 'open',
      timeLeft: 38 * HOUR,
      tally: { declare: 1, dismiss: 0, abstain: 0, eligible: 5 },
      pending: ['UK', 'DE', 'US', 'CMM'],
    });
    expect(judgmentView(plan, s, T0 + 50 * HOUR).timeLeft).toBe(0);
  });
});

describe('judgment: recusal', () => {
  const actors: Package['actors'] = {
    ...guarantors,
    P: { name: 'P', role: 'party' },
    Q: { name: 'Q', role: 'protected' },
  };

  it('recuse: parties removes the parties to the conflict and the attributed member, and rejects their votes', () => {
    const plan = planWith(
      { members: ['A', 'B', 'C', 'P', 'Q'], rule: { type: 'majority' }, recuse: 'parties' },
      actors,
    );
    const s = open(plan, ['C']);
    expect(s.recused).toEqual([
      { member: 'C', reason: 'attributed' },
      { member: 'P', reason: 'party-to-conflict' },
      { member: 'Q', reason: 'party-to-conflict' },
    ]);
    expect(s.electorate).toEqual(['A', 'B']);
    const r = castVote(plan, s, { member: 'P', choice: 'dismiss', at: T0 + HOUR });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.rejection.code).toBe('recused');
      expect(r.rejection.message).toContain('party to the conflict');
    }
    expect(
      vote(plan, s, [
        ['A', 'declare'],
        ['B', 'declare'],
      ]).outcome,
    ).toMatchObject({ result: 'declared', tally: { eligible: 2 } });
  });

  it('recuse: a list recuses exactly the listed members; none recuses nobody', () => {
    expect(open(planWith({ members: ['A', 'P'], rule: { type: 'majority' }, recuse: ['A'] }, actors)).recused).toEqual([
      { member: 'A', reason: 'listed' },
    ]);
    expect(
      open(planWith({ members: ['A', 'P'], rule: { type: 'majority' }, recuse: 'none' }, actors), ['P']).recused,
    ).toEqual([]);
  });

  it('a body with every member recused waits for its default', () => {
    const plan = planWith(
      { members: ['P', 'Q'], rule: { type: 'majority' }, recuse: 'parties', 'on-deadline': 'dismiss' },
      actors,
    );
    const s = open(plan);
    expect(s.electorate).toEqual([]);
    expect(expireJudgment(plan, s, T0 + 48 * HOUR).outcome).toMatchObject({
      result: 'defaulted',
      default: 'dismiss',
      effect: 'dismiss',
    });
  });
});

describe('judgment: majority', () => {
  it('abstentions do not count toward either side', () => {
    const plan = plan5({ type: 'majority' });
    const s = vote(plan, open(plan), [
      ['A', 'abstain'],
      ['B', 'abstain'],
      ['C', 'abstain'],
      ['D', 'declare'],
      ['E', 'abstain'],
    ]);
    expect(s.outcome).toMatchObject({ result: 'declared', tally: { declare: 1, abstain: 4 } });
  });

  it('a tie without tie-break waits for the deadline; with tie-break declare or dismiss it decides', () => {
    const votes: [string, Choice][] = [
      ['A', 'declare'],
      ['B', 'dismiss'],
      ['C', 'abstain'],
      ['D', 'declare'],
      ['E', 'dismiss'],
    ];
    const none = plan5({ type: 'majority' }, { 'on-deadline': 'no-decision' });
    const s = vote(none, open(none), votes);
    expect(s.outcome).toBeUndefined();
    expect(expireJudgment(none, s, T0 + 48 * HOUR).outcome).toMatchObject({
      result: 'defaulted',
      default: 'no-decision',
      effect: 'none',
      nonVoters: [],
    });
    for (const tb of ['declare', 'dismiss'] as const) {
      const p = plan5({ type: 'majority' }, { 'tie-break': tb });
      const four = vote(p, open(p), votes.slice(0, 4));
      // 2-1 with E to vote: E dismissing ties it, so the tie-break decides already when it favours the leader.
      if (tb === 'declare') expect(four.outcome).toMatchObject({ effect: 'declare', reason: 'majority' });
      else
        expect(vote(p, four, votes.slice(4), T0 + 10 * HOUR).outcome).toMatchObject({
          effect: 'dismiss',
          reason: 'tie-broken',
        });
    }
  });

  it('a tie-breaker that is not a member votes only to break a tie', () => {
    const plan = planWith({ members: ['A', 'B'], rule: { type: 'majority' }, 'tie-break': 'CMM' }, guarantors);
    let s = open(plan);
    expect(s.casting).toBe('CMM');
    s = vote(plan, s, [
      ['CMM', 'dismiss'],
      ['A', 'declare'],
    ]);
    expect(s.outcome).toBeUndefined();
    s = vote(plan, s, [['B', 'dismiss']], T0 + 5 * HOUR);
    expect(s.outcome).toMatchObject({
      result: 'dismissed',
      reason: 'tie-broken',
      tally: { declare: 1, dismiss: 1, eligible: 2 },
    });
  });

  it('quorum: too few votes (abstentions count) leave the decision to the deadline', () => {
    const plan = plan5({ type: 'majority', quorum: 3 }, { 'on-deadline': 'dismiss' });
    let s = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'declare'],
    ]);
    expect(s.outcome).toBeUndefined();
    expect(expireJudgment(plan, s, T0 + 48 * HOUR).outcome).toMatchObject({
      result: 'defaulted',
      default: 'dismiss',
      nonVoters: ['C', 'D', 'E'],
    });
    s = vote(plan, s, [['C', 'abstain']], T0 + 10 * HOUR);
    // 2 declare, 1 abstain: quorum met; D and E could only tie it, and there is no tie-break.
    expect(s.outcome).toBeUndefined();
    expect(expireJudgment(plan, s, T0 + 48 * HOUR).outcome).toMatchObject({
      result: 'declared',
      by: 'deadline',
      reason: 'majority',
    });
  });

  it('a veto holder dismissing blocks the declaration at once, even against a majority', () => {
    const plan = plan5({ type: 'majority', veto: ['E'] });
    let s = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'declare'],
    ]);
    s = vote(plan, s, [['E', 'dismiss']], T0 + 5 * HOUR);
    expect(s.outcome).toMatchObject({ result: 'dismissed', reason: 'veto', blockedBy: ['E'], at: T0 + 5 * HOUR });
  });

  it('a majority is not certain while a veto holder has yet to vote', () => {
    const plan = plan5({ type: 'majority', veto: ['E'] });
    let s = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'declare'],
      ['C', 'declare'],
    ]);
    expect(s.outcome).toBeUndefined();
    s = vote(plan, s, [['E', 'abstain']], T0 + 10 * HOUR);
    expect(s.outcome).toMatchObject({ result: 'declared' });
  });
});

describe('judgment: qualified majority', () => {
  it('declares at exactly the fraction of declare + dismiss votes, and dismisses below it', () => {
    const plan = plan5({ type: 'qualified-majority', fraction: 0.75 });
    const yes = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'declare'],
      ['C', 'declare'],
      ['D', 'dismiss'],
      ['E', 'abstain'],
    ]);
    expect(yes.outcome).toMatchObject({ result: 'declared', reason: 'qualified-majority' });
    const no = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'declare'],
      ['C', 'dismiss'],
    ]);
    // 2/3 < 3/4 so far, but D and E could still lift it to 4/5: not certain yet.
    expect(no.outcome).toBeUndefined();
    expect(vote(plan, no, [['D', 'dismiss']], T0 + 10 * HOUR).outcome).toMatchObject({ result: 'dismissed' });
  });

  it('defaults to two thirds', () => {
    const plan = plan5({ type: 'qualified-majority' });
    const s = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'declare'],
      ['C', 'dismiss'],
      ['D', 'abstain'],
      ['E', 'abstain'],
    ]);
    expect(s.outcome).toMatchObject({ result: 'declared' });
  });
});

describe('judgment: unanimity and consensus', () => {
  it('unanimity: every eligible member must declare', () => {
    const plan = plan5({ type: 'unanimity' });
    const s = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'declare'],
      ['C', 'declare'],
      ['D', 'declare'],
    ]);
    expect(s.outcome).toBeUndefined();
    expect(vote(plan, s, [['E', 'declare']], T0 + 10 * HOUR).outcome).toMatchObject({
      result: 'declared',
      reason: 'unanimous',
    });
  });

  it('unanimity: one dismiss blocks, and the record names the blocker', () => {
    const plan = plan5({ type: 'unanimity' });
    const s = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'dismiss'],
    ]);
    expect(s.outcome).toMatchObject({
      result: 'dismissed',
      reason: 'objection',
      blockedBy: ['B'],
      nonVoters: ['C', 'D', 'E'],
    });
  });

  it('unanimity: an abstention withholds unanimity and the default decides', () => {
    const plan = plan5({ type: 'unanimity' }, { 'on-deadline': 'no-decision' });
    const s = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'declare'],
      ['C', 'declare'],
      ['D', 'declare'],
      ['E', 'abstain'],
    ]);
    expect(s.outcome).toBeUndefined();
    expect(expireJudgment(plan, s, T0 + 48 * HOUR).outcome).toMatchObject({
      result: 'defaulted',
      default: 'no-decision',
      effect: 'none',
    });
  });

  it('consensus: abstentions do not block; an objection does', () => {
    const plan = plan5({ type: 'consensus' });
    const s = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'abstain'],
      ['C', 'abstain'],
      ['D', 'abstain'],
      ['E', 'abstain'],
    ]);
    expect(s.outcome).toMatchObject({ result: 'declared', reason: 'consensus' });
    const o = vote(plan, open(plan), [
      ['A', 'declare'],
      ['B', 'dismiss'],
    ]);
    expect(o.outcome).toMatchObject({ result: 'dismissed', reason: 'objection', blockedBy: ['B'] });
  });

  it('consensus: at the deadline, declare votes with no objection carry', () => {
    const plan = plan5({ type: 'consensus' }, { 'on-deadline': 'dismiss' });
    const s = vote(plan, open(plan), [['A', 'declare']]);
    expect(s.outcome).toBeUndefined();
    expect(expireJudgment(plan, s, T0 + 48 * HOUR).outcome).toMatchObject({
      result: 'declared',
      by: 'deadline',
      nonVoters: ['B', 'C', 'D', 'E'],
    });
  });
});

describe('judgment: reverse consensus', () => {
  it('the finding stands at the deadline unless overturned, whatever on-deadline says', () => {
    const plan = plan5({ type: 'reverse-consensus' }, { 'on-deadline': 'dismiss' });
    const s = vote(plan, open(plan), [
      ['A', 'dismiss'],
      ['B', 'dismiss'],
    ]);
    expect(s.outcome).toBeUndefined();
    expect(expireJudgment(plan, s, T0 + 48 * HOUR).outcome).toMatchObject({
      result: 'declared',
      reason: 'finding-stands',
      by: 'deadline',
    });
  });

  it('a majority of members overturns it at once', () => {
    const plan = plan5({ type: 'reverse-consensus' });
    const s = vote(plan, open(plan), [
      ['A', 'dismiss'],
      ['B', 'dismiss'],
      ['C', 'dismiss'],
    ]);
    expect(s.outcome).toMatchObject({ result: 'dismissed', reason: 'overturned', at: T0 + 3 * HOUR });
  });

  it('with a fraction, that share of eligible members must overturn; once impossible, the finding stands early', () => {
    const plan = plan5({ type: 'reverse-consensus', fraction: 0.8 });
    let s = vote(plan, open(plan), [
      ['A', 'dismiss'],
      ['B', 'dismiss'],
      ['C', 'declare'],
    ]);
    expect(s.outcome).toBeUndefined(); // D and E dismissing would make 4 of 5
    s = vote(plan, s, [['D', 'abstain']], T0 + 10 * HOUR);
    expect(s.outcome).toMatchObject({ result: 'declared', reason: 'finding-stands', by: 'vote' });
  });

  it('quorum gates the overturn only', () => {
    const plan = plan5({ type: 'reverse-consensus', fraction: 0.2, quorum: 3 });
    let s = vote(plan, open(plan), [['A', 'dismiss']]);
    expect(s.outcome).toBeUndefined();
    expect(expireJudgment(plan, s, T0 + 48 * HOUR).outcome).toMatchObject({ result: 'declared' });
    s = vote(
      plan,
      s,
      [
        ['B', 'abstain'],
        ['C', 'declare'],
      ],
      T0 + 10 * HOUR,
    );
    expect(s.outcome).toMatchObject({ result: 'dismissed', reason: 'overturned' });
  });
});

describe('judgment: without a deadline or a judgment clause', () => {
  it('no deadline: the clock never runs out', () => {
    const plan = planWith({ members: five, rule: { type: 'majority' }, deadline: undefined }, guarantors);
    const s = open(plan);
    expect(s.deadline).toBeNull();
    expect(expireJudgment(plan, s, T0 + 1e12)).toBe(s);
    expect(judgmentView(plan, s, T0).timeLeft).toBeNull();
  });

  it('no judgment clause: the case lapses undecided at once', () => {
    const { judgment: _, ...rest } = example;
    expect(judgmentPlan(rest as Package)).toBeUndefined();
    expect(unjudged({ caseId: 'c', severity: 'minor', openedAt: T0 }).outcome).toMatchObject({
      result: 'defaulted',
      default: 'no-decision',
      reason: 'no-judgment',
    });
  });
});
