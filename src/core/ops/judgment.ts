/**
 * Judgment of a breach case as a pure state machine: a case opens with its clock, eligible members vote, the
 * package's rule decides, and when the deadline passes the package's default applies. Every function returns a new
 * state; nothing here reads the time: votes carry their instant and `expire` is told what time it is.
 *
 * The state is plain JSON so the store can keep it as is; the history it carries (every accepted vote, changes
 * included, and every rejected attempt) is the record the case timeline shows.
 */
import type { Package } from '../spec/schema.js';
import type { DeadlineDefault, Role } from '../spec/vocabulary.js';
import {
  certainVerdict,
  choices,
  everyoneHoldsVeto,
  type Choice,
  type Pending,
  type Rule,
  type Tally,
  type TieBreak,
  verdictOf,
  type VerdictReason,
} from './judgment-rules.js';
import { itemAt } from '../item-at.js';

export type { Choice } from './judgment-rules.js';

/** The package's judgment clause, resolved once per package version. */
export interface JudgmentPlan {
  body: string;
  /** Members in package order. */
  members: readonly string[];
  rule: Rule;
  /** Members whose dismiss vote blocks a declaration (all members under unanimity and consensus). */
  veto: readonly string[];
  recuse: 'parties' | 'none' | readonly string[];
  /** Milliseconds from opening to the deadline; absent: no deadline, only votes decide. */
  deadline?: number;
  /** What happens at the deadline when the votes have not decided; `no-decision` when the package is silent. */
  onDeadline: DeadlineDefault;
  /** Roles of every actor in the package, to find the parties concerned. */
  roles: Readonly<Record<string, Role>>;
}

export function judgmentPlan(pkg: Package): JudgmentPlan | undefined {
  const j = pkg.judgment;
  if (!j) return undefined;
  const tb = j['tie-break'];
  const tieBreak: TieBreak | undefined =
    tb === undefined ? undefined : tb === 'declare' || tb === 'dismiss' ? { kind: tb } : { kind: 'actor', actor: tb };
  const rule: Rule = { type: j.rule.type, fraction: j.rule.fraction, quorum: j.rule.quorum, tieBreak };
  return {
    body: j.body,
    members: [...j.members],
    rule,
    veto: everyoneHoldsVeto(j.rule.type) ? [...j.members] : [...(j.rule.veto ?? [])],
    recuse: j.recuse,
    deadline: j.deadline,
    onDeadline: j['on-deadline'] ?? 'no-decision',
    roles: Object.fromEntries(Object.entries(pkg.actors).map(([id, a]) => [id, a.role])),
  };
}

/** What judgment needs to know about a case when it opens. */
export interface JudgmentCase {
  caseId: string;
  severity: string;
  openedAt: number;
  /** Actors the case attributes the violation to (recused under `recuse: parties` when they are members). */
  attributedTo?: readonly string[];
}

export type RecusalReason = 'party-to-conflict' | 'attributed' | 'listed';

export interface Recusal {
  member: string;
  reason: RecusalReason;
}

export interface VoteInput {
  member: string;
  choice: Choice;
  /** When the vote was received (the server's clock), epoch ms. */
  at: number;
  reason?: string;
  /** Digest of the signed statement that carried the vote, when it was signed. */
  statement?: string;
  /** The signed statement itself and its signature, so anyone can check offline that the member cast this vote. */
  signed?: { statement: string; signature: string };
  /** The random salt of the vote's sealed log entry (docs/tlog.md, "Sealed entries"): hex, chosen by the server. */
  salt?: string;
}

export interface VoteRecord extends VoteInput {
  /** Position in the case's accepted votes, from 1. */
  seq: number;
  /** The member's previous vote, when this one changes it. */
  previous?: Choice;
}

export type RejectionCode =
  'not-a-member' | 'recused' | 'before-open' | 'after-deadline' | 'decided' | 'unknown-choice';

export interface Rejection {
  code: RejectionCode;
  message: string;
  member: string;
  choice: string;
  at: number;
  /** As on a vote: the signed statement refused, and the salt of its sealed log entry. */
  signed?: { statement: string; signature: string };
  salt?: string;
}

export type OutcomeResult = 'declared' | 'dismissed' | 'defaulted';

export interface Outcome {
  result: OutcomeResult;
  /** For `defaulted`: the package's `on-deadline` that applied. */
  default?: DeadlineDefault;
  /** What the outcome does: a declaration instantiates the responses; `none` leaves the case undecided. */
  effect: 'declare' | 'dismiss' | 'none';
  at: number;
  by: 'vote' | 'deadline' | 'no-judgment';
  reason: VerdictReason | 'deadline-default' | 'no-judgment';
  tally: { declare: number; dismiss: number; abstain: number; eligible: number };
  /** Each eligible member's counted vote, in member order. */
  votes: { member: string; choice: Choice }[];
  /** Veto holders (every member under unanimity or consensus) whose dismiss vote blocked a declaration. */
  blockedBy: string[];
  /** Eligible members that never voted: on the record. */
  nonVoters: string[];
}

export interface JudgmentState {
  version: 1;
  caseId: string;
  severity: string;
  openedAt: number;
  deadline: number | null;
  /** Eligible members, in package order. */
  electorate: string[];
  recused: Recusal[];
  /** A tie-breaking actor that is not an eligible member: its vote counts only to break a tie. */
  casting?: string;
  /** Every accepted vote in order, changes included. */
  votes: VoteRecord[];
  rejections: Rejection[];
  outcome?: Outcome;
}

const partyRoles: ReadonlySet<Role> = new Set<Role>(['party', 'protected']);

/**
 * Who is recused: under `recuse: parties`, members that are parties to the conflict (role `party` or
 * `protected`) and members the case attributes the violation to; under a list, the members listed.
 */
export function recusals(plan: JudgmentPlan, c: JudgmentCase): Recusal[] {
  const out: Recusal[] = [];
  const attributed = new Set(c.attributedTo ?? []);
  for (const m of plan.members) {
    if (plan.recuse === 'none') continue;
    if (plan.recuse === 'parties') {
      if (partyRoles.has(itemAt(plan.roles, m))) out.push({ member: m, reason: 'party-to-conflict' });
      else if (attributed.has(m)) out.push({ member: m, reason: 'attributed' });
    } else if (plan.recuse.includes(m)) out.push({ member: m, reason: 'listed' });
  }
  return out;
}

export function openJudgment(plan: JudgmentPlan, c: JudgmentCase): JudgmentState {
  const recused = recusals(plan, c);
  const out = new Set(recused.map((r) => r.member));
  const electorate = plan.members.filter((m) => !out.has(m));
  const tb = plan.rule.tieBreak;
  const casting = tb?.kind === 'actor' && !plan.members.includes(tb.actor) ? tb.actor : undefined;
  const state: JudgmentState = {
    version: 1,
    caseId: c.caseId,
    severity: c.severity,
    openedAt: c.openedAt,
    deadline: plan.deadline === undefined ? null : c.openedAt + plan.deadline,
    electorate,
    recused,
    ...(casting === undefined ? {} : { casting }),
    votes: [],
    rejections: [],
  };
  // A body with every member recused cannot vote: nothing to wait for but the deadline (or, without one, nothing).
  return decideIfCertain(plan, state, c.openedAt);
}

/** A case under a package with no judgment clause: nobody judges, and the record says so at once. */
export function unjudged(c: JudgmentCase): JudgmentState {
  return {
    version: 1,
    caseId: c.caseId,
    severity: c.severity,
    openedAt: c.openedAt,
    deadline: null,
    electorate: [],
    recused: [],
    votes: [],
    rejections: [],
    outcome: {
      result: 'defaulted',
      default: 'no-decision',
      effect: 'none',
      at: c.openedAt,
      by: 'no-judgment',
      reason: 'no-judgment',
      tally: { declare: 0, dismiss: 0, abstain: 0, eligible: 0 },
      votes: [],
      blockedBy: [],
      nonVoters: [],
    },
  };
}

export type VoteResult =
  { ok: true; state: JudgmentState; vote: VoteRecord } | { ok: false; state: JudgmentState; rejection: Rejection };

/**
 * Records a vote, or a rejection with its reason. The vote window is [openedAt, deadline): a vote at the deadline
 * instant is late. A member may change its vote until the decision; the last vote counts and every earlier one stays
 * on the record. The decision is taken as soon as no pending vote can change it.
 */
export function castVote(plan: JudgmentPlan, state: JudgmentState, v: VoteInput): VoteResult {
  const reject = (code: RejectionCode, message: string): VoteResult => {
    const rejection: Rejection = {
      code,
      message,
      member: v.member,
      choice: String(v.choice),
      at: v.at,
      ...(v.signed ? { signed: v.signed } : {}),
      ...(v.salt ? { salt: v.salt } : {}),
    };
    return { ok: false, state: { ...state, rejections: [...state.rejections, rejection] }, rejection };
  };
  if (!(choices as readonly string[]).includes(v.choice))
    return reject('unknown-choice', `"${String(v.choice)}" is not a vote; vote declare, dismiss or abstain`);
  const recusal = state.recused.find((r) => r.member === v.member);
  if (recusal)
    return reject(
      'recused',
      `${v.member} is recused from judging case ${state.caseId} (${recusalText[recusal.reason]})`,
    );
  if (!state.electorate.includes(v.member) && state.casting !== v.member) {
    return reject('not-a-member', `${v.member} is not a member of ${plan.body}; members: ${plan.members.join(', ')}`);
  }
  if (state.outcome)
    return reject(
      'decided',
      `case ${state.caseId} was already decided (${state.outcome.result}) at ${iso(state.outcome.at)}`,
    );
  if (v.at < state.openedAt)
    return reject(
      'before-open',
      `the vote at ${iso(v.at)} precedes the opening of case ${state.caseId} at ${iso(state.openedAt)}`,
    );
  if (state.deadline !== null && v.at >= state.deadline) {
    return reject(
      'after-deadline',
      `the judgment deadline of case ${state.caseId} passed at ${iso(state.deadline)}; the vote arrived at ${iso(v.at)}`,
    );
  }
  if (state.votes.length && v.at < itemAt(state.votes, state.votes.length - 1).at) {
    // Votes are recorded in the order they arrive; a caller feeding them out of order is a bug, not a user error.
    throw new RangeError(
      `vote at ${v.at} is earlier than the last recorded vote at ${itemAt(state.votes, state.votes.length - 1).at}`,
    );
  }
  const previous = lastVoteOf(state, v.member)?.choice;
  const vote: VoteRecord = { ...v, seq: state.votes.length + 1, ...(previous === undefined ? {} : { previous }) };
  const next = decideIfCertain(plan, { ...state, votes: [...state.votes, vote] }, v.at);
  return { ok: true, state: next, vote };
}

/** Applies the deadline: when `now` has reached it and the case is open, the votes or the default decide. */
export function expireJudgment(plan: JudgmentPlan, state: JudgmentState, now: number): JudgmentState {
  if (state.outcome || state.deadline === null || now < state.deadline) return state;
  const t = tallyOf(plan, state);
  const v = verdictOf(plan.rule, t);
  if (v.verdict !== 'none')
    return { ...state, outcome: outcomeOf(plan, state, t, v.verdict, v.reason, state.deadline, 'deadline') };
  const d = plan.onDeadline;
  const effect = d === 'no-decision' ? 'none' : d;
  return {
    ...state,
    outcome: {
      ...outcomeOf(plan, state, t, effect, 'deadline-default', state.deadline, 'deadline'),
      result: 'defaulted',
      default: d,
    },
  };
}

/** Each member's counted vote: the last one it cast. */
export function currentVotes(state: JudgmentState): Map<string, VoteRecord> {
  const m = new Map<string, VoteRecord>();
  for (const v of state.votes) m.set(v.member, v);
  return m;
}

function lastVoteOf(state: JudgmentState, member: string): VoteRecord | undefined {
  for (let i = state.votes.length - 1; i >= 0; i--) if (itemAt(state.votes, i).member === member) return state.votes[i];
  return undefined;
}

export function tallyOf(plan: JudgmentPlan, state: JudgmentState): Tally {
  const cur = currentVotes(state);
  const veto = new Set(plan.veto);
  const t: Tally = { declare: 0, dismiss: 0, abstain: 0, eligible: state.electorate.length, blocked: false };
  for (const m of state.electorate) {
    const c = cur.get(m)?.choice;
    if (c === undefined) continue;
    t[c] += 1;
    if (c === 'dismiss' && veto.has(m)) t.blocked = true;
  }
  const tb = plan.rule.tieBreak;
  if (tb?.kind === 'actor') {
    const c = cur.get(tb.actor)?.choice;
    if (c !== undefined) t.tieBreakVote = c;
  }
  return t;
}

/** Members (and the casting actor) who have not voted yet, grouped by what their vote can change. */
export function pendingOf(plan: JudgmentPlan, state: JudgmentState): Pending {
  const cur = currentVotes(state);
  const veto = new Set(plan.veto);
  const tb = plan.rule.tieBreak;
  const tbActor = tb?.kind === 'actor' ? tb.actor : undefined;
  const p: Pending = { ordinary: 0, veto: 0 };
  for (const m of state.electorate) {
    if (cur.has(m)) continue;
    if (m === tbActor) p.tieBreaker = { member: true, veto: veto.has(m) };
    else if (veto.has(m)) p.veto += 1;
    else p.ordinary += 1;
  }
  if (state.casting !== undefined && !cur.has(state.casting)) p.tieBreaker = { member: false, veto: false };
  return p;
}

function decideIfCertain(plan: JudgmentPlan, state: JudgmentState, at: number): JudgmentState {
  if (state.outcome) return state;
  const t = tallyOf(plan, state);
  const v = certainVerdict(plan.rule, t, pendingOf(plan, state));
  if (!v || v.verdict === 'none') return state;
  return { ...state, outcome: outcomeOf(plan, state, t, v.verdict, v.reason, at, 'vote') };
}

function outcomeOf(
  plan: JudgmentPlan,
  state: JudgmentState,
  t: Tally,
  effect: 'declare' | 'dismiss' | 'none',
  reason: Outcome['reason'],
  at: number,
  by: Outcome['by'],
): Outcome {
  const cur = currentVotes(state);
  const veto = new Set(plan.veto);
  const votes = state.electorate.flatMap((m) => {
    const c = cur.get(m)?.choice;
    return c === undefined ? [] : [{ member: m, choice: c }];
  });
  return {
    result: effect === 'declare' ? 'declared' : effect === 'dismiss' ? 'dismissed' : 'defaulted',
    effect,
    at,
    by,
    reason,
    tally: { declare: t.declare, dismiss: t.dismiss, abstain: t.abstain, eligible: t.eligible },
    votes,
    blockedBy: t.blocked ? votes.filter((v) => v.choice === 'dismiss' && veto.has(v.member)).map((v) => v.member) : [],
    nonVoters: state.electorate.filter((m) => !cur.has(m)),
  };
}

/** The judgment as of `now`: for listings with running clocks and for the tally endpoint. */
export interface JudgmentView {
  caseId: string;
  severity: string;
  status: 'open' | 'decided';
  openedAt: number;
  deadline: number | null;
  /** Milliseconds until the deadline (0 once passed); null without a deadline. */
  timeLeft: number | null;
  tally: { declare: number; dismiss: number; abstain: number; eligible: number };
  /** What the votes say now, if nobody else voted. */
  leaning: { verdict: 'declare' | 'dismiss' | 'none'; reason: VerdictReason };
  votes: { member: string; choice: Choice; at: number; reason?: string; changed: boolean }[];
  pending: string[];
  recused: Recusal[];
  outcome?: Outcome;
}

export function judgmentView(plan: JudgmentPlan, state: JudgmentState, now: number): JudgmentView {
  const t = tallyOf(plan, state);
  const cur = currentVotes(state);
  const changed = new Set(state.votes.filter((v) => v.previous !== undefined).map((v) => v.member));
  const voters = [...state.electorate, ...(state.casting === undefined ? [] : [state.casting])];
  return {
    caseId: state.caseId,
    severity: state.severity,
    status: state.outcome ? 'decided' : 'open',
    openedAt: state.openedAt,
    deadline: state.deadline,
    timeLeft: state.deadline === null ? null : Math.max(0, state.deadline - now),
    tally: { declare: t.declare, dismiss: t.dismiss, abstain: t.abstain, eligible: t.eligible },
    leaning: verdictOf(plan.rule, t),
    votes: voters.flatMap((m) => {
      const v = cur.get(m);
      return v
        ? [
            {
              member: m,
              choice: v.choice,
              at: v.at,
              ...(v.reason === undefined ? {} : { reason: v.reason }),
              changed: changed.has(m),
            },
          ]
        : [];
    }),
    pending: voters.filter((m) => !cur.has(m)),
    recused: state.recused,
    ...(state.outcome ? { outcome: state.outcome } : {}),
  };
}

const recusalText: Record<RecusalReason, string> = {
  'party-to-conflict': 'a party to the conflict, and the package recuses the parties',
  attributed: 'the case attributes the violation to it, and the package recuses the parties',
  listed: 'listed under judgment.recuse',
};

const iso = (t: number): string => new Date(t).toISOString();
