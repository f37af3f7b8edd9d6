/**
 * The storage port of casework (issue 6): case files (judgment + response tasks), their durable timers, vote
 * nonces and members' public keys. Implemented beside the operations store by `src/store/sqlite/casework-store.ts`
 * and `src/store/postgres/casework-store.ts`, over the same database.
 *
 * Every write goes through a transition function from `core/ops/casework.ts`, applied inside the store's
 * transaction with the case file locked, so the effect, the timers it schedules, the nonce it consumes and the
 * fired mark of the timer that caused it commit together or not at all.
 */
import type { CaseFile, CaseStep } from '../ops/casework.js';
import type { ResponseFailure, ResponseTask } from '../ops/response.js';
import type { Timer } from '../ops/timer.js';
import type { CaseOpening } from '../ops/trigger.js';

/** A signed vote's nonce, consumed in the vote's transaction: a second use fails the transaction. */
export interface NonceUse {
  nonce: string;
  member: string;
  digest: string;
  receivedAt: number;
}

/** What a case update decides: the new step to write (or none), and the caller's result. */
export interface CaseUpdate<T> {
  step?: CaseStep;
  nonce?: NonceUse;
  result: T;
}

export interface MemberKey {
  member: string;
  fingerprint: string;
  publicKey: string;
  createdAt: number;
  revokedAt?: number;
}

/** What registering a member key did, or why it did not. */
export type MemberKeyRegistration =
  /** `added` false: this member already holds exactly this key, active (a retry). */
  | { ok: true; added: boolean; revoked: MemberKey[] }
  /** The member holds another active key, and the request did not ask to rotate. */
  | { ok: false; reason: 'member-has-key'; active: MemberKey }
  /** The key was registered before: for another member, or for this one and revoked. */
  | { ok: false; reason: 'key-taken'; holder: MemberKey };

export interface CaseFileQuery {
  status?: 'open' | 'decided';
  limit: number;
}

/** Orders of the case board (docs/dashboard.md "Cases at scale"). */
export const caseSorts = ['severity', 'deadline', 'newest'] as const;
export type CaseSort = (typeof caseSorts)[number];

/**
 * A page of cases with their files. `severity`: most severe first (the package's `severities` list is least severe
 * first), open before decided, then open ones by the soonest deadline and decided ones by the latest decision;
 * `deadline`: the same without severity; `newest`: by opening, newest first. Ties by case id.
 */
export interface CaseBoardQuery {
  sort: CaseSort;
  /** The package's severities, least severe first; a severity not in it ranks below all. */
  severities: readonly string[];
  status?: 'open' | 'decided';
  trigger?: string;
  severity?: string;
  party?: string;
  /** A region code of the package's regions layer: cases with evidence located there. */
  region?: string;
  /** Opened at or after, before (epoch ms). */
  from?: number;
  to?: number;
  /** Part of a case id. */
  search?: string;
  limit: number;
  cursor?: string;
}

export interface CaseBoardPage {
  items: { opening: CaseOpening; file: CaseFile }[];
  /** Cases matching the filters, on every page. */
  total: number;
  next?: string;
}

export const taskStates = ['overdue', 'open', 'acknowledged', 'delivered'] as const;
export type TaskState = (typeof taskStates)[number];

/** Response tasks, most urgent first: overdue and undelivered, not acknowledged, acknowledged, delivered; then due. */
export interface TaskQuery {
  actor?: string;
  /** `overdue`: overdue and not delivered; the others are the task's status. */
  state?: TaskState;
  limit: number;
  cursor?: string;
}

export interface TaskCounts {
  actor: string;
  open: number;
  acknowledged: number;
  delivered: number;
  /** Overdue and not delivered. */
  overdue: number;
}

export interface TaskPage {
  items: ResponseTask[];
  next?: string;
  /** Every actor's counts (only `actor`'s when the query names one). */
  actors: TaskCounts[];
}

/** A declared breach as the public sees it: where its evidence lies, and whether a response is under way. */
export interface DeclaredBreach {
  caseId: string;
  regions: string[];
  responding: boolean;
}

export interface CaseworkStore {
  /** Opens a case file for every stored case opening that has none yet (oldest first); returns how many. */
  adoptCases(open: (c: CaseOpening) => CaseStep): Promise<number>;
  /**
   * Reads the case file locked, applies `f`, writes what it returns; `undefined` file when the case has none, and then
   * a returned step inserts it (an inspection request: a case file no case opening made).
   */
  updateCase<T>(caseId: string, f: (file: CaseFile | undefined) => CaseUpdate<T>): Promise<T>;
  /**
   * One transaction of a timer pass: claims cases with unfired timers due at `now`, earliest first (on PostgreSQL:
   * skipping cases another server holds), fires their due timers and those firing makes due, in firing order
   * (`fireDue`), writes each changed case file once and marks the timers fired, all or nothing. Returns the timers
   * fired, in order; empty when nothing is due. A pass calls it until it returns none.
   */
  firePass(now: number, fire: (file: CaseFile, timer: Timer) => CaseStep): Promise<Timer[]>;
  getCaseFile(caseId: string): Promise<CaseFile | undefined>;
  /** These cases' files by case id, in one read (cases without a file are absent). */
  getCaseFiles(caseIds: readonly string[]): Promise<Map<string, CaseFile>>;
  listCaseFiles(q: CaseFileQuery): Promise<CaseFile[]>;
  /** The case board: cases sorted, filtered and paged in the database (adopted cases only). */
  listCaseBoard(q: CaseBoardQuery): Promise<CaseBoardPage>;
  listTasks(q: TaskQuery): Promise<TaskPage>;
  /** Every response failure, in the order they happened. */
  listFailures(): Promise<ResponseFailure[]>;
  /** Every case declared a breach, however many cases there are. */
  declaredBreaches(): Promise<DeclaredBreach[]>;
  /** Unfired timers, in firing order (for views and tests). */
  pendingTimers(caseId?: string): Promise<Timer[]>;
  nonceUsed(nonce: string): Promise<boolean>;
  /**
   * Registers a member's key, and logs it and any key it revokes, in one transaction: one active key per member (`rotate` revokes the active one, at
   * the new key's time), and a key only ever for one member (a key once registered, even revoked, is never taken
   * again).
   */
  registerMemberKey(k: MemberKey, rotate: boolean): Promise<MemberKeyRegistration>;
  /** Revokes a member's key at `at`, and logs it revoked: the key as revoked now, `'already'` if it was, undefined if there is none. */
  revokeMemberKey(member: string, fingerprint: string, at: number): Promise<MemberKey | 'already' | undefined>;
  listMemberKeys(): Promise<MemberKey[]>;
  /**
   * Rebuilds the timers table from the log, at start (docs/operations/judgment.md): first logs the records stored
   * before their kind was logged (migration 0015's backfill), then arms every logged timer whose effect is not in the
   * logged case state, puts back spent ones as fired, and removes rows the log never scheduled.
   */
  restoreTimers(now: number): Promise<TimerRestore>;
}

export interface TimerRestore {
  /** Records logged now because they were stored before migration 0015 (API keys, member keys, timers). */
  backfilled: number;
  /** Logged timers with an effect still to fire. */
  pending: number;
  /** Rows changed to match the log: re-armed, re-timed or put back. */
  repaired: number;
  /** Rows the log never scheduled, removed. */
  removed: number;
}

/** A nonce used twice: the transaction is rolled back and the vote answered as a replay. */
export class NonceReplayError extends Error {
  constructor(readonly nonce: string) {
    super(`nonce ${nonce} was already used`);
  }
}
