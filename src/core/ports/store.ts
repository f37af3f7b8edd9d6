/**
 * The storage port: what the server and the operations flow need from a store, declared in the core and implemented
 * by `src/store/sqlite` and `src/store/postgres`. Both adapters pass one contract suite (`src/store/contract.test.ts`).
 *
 * Exactly once: an ingest call inserts the new observations, runs the pipeline on them through an `OpsReader` that
 * reads inside the same transaction, writes what it returns, and commits, all under one write lock (SQLite's writer
 * lock; on PostgreSQL a transaction-scoped advisory lock). So the acknowledgement implies the observations are stored
 * and processed, a batch is never half-written, and two servers on one PostgreSQL never fuse or open a case twice.
 */
import type { Observation } from '../ops/observation.js';
import type { CaseworkStore } from './casework.js';
import type { OpsReader, Maybe } from './ops-reader.js';
import type { LogStore } from './tlog.js';
import type { Incident } from '../ops/incident.js';
import type { Violation } from '../ops/violation.js';
import type { CaseOpening } from '../ops/trigger.js';

/** Roles an API key can hold (docs/design OPERATIONS.md "Roles"); the public has no key. */
export const roles = ['monitor', 'analyst', 'member', 'guarantor', 'admin', 'party', 'auditor'] as const;
export type Role = (typeof roles)[number];

/** An observation as stored: its store-assigned sequence number and who sent it, when. */
export interface StoredObservation extends Observation {
  /** Assigned in commit order; the id clients see. */
  seq: number;
  receivedAt: number;
  /** The API key id that submitted it. */
  submittedBy: string;
}

/** What the pipeline returns for a batch; the store writes all of it in the ingest transaction. */
export interface ProcessedBatch {
  incidentRevisions: Incident[];
  violations: Violation[];
  caseOpenings: CaseOpening[];
  /** Open cases the batch revised (late or changed evidence): the new revision of each; absent means none. */
  caseRevisions?: CaseOpening[];
  /** Observations beyond the late-arrival window: stored and logged, not fused; absent means none. */
  late?: number;
}

/** Runs the operations pipeline on the batch's new observations, reading prior state through `reader`. */
export type BatchProcessor = (observations: readonly Observation[], reader: OpsReader) => Maybe<ProcessedBatch>;

export interface IngestMeta {
  receivedAt: number;
  submittedBy: string;
}

export interface IngestResult {
  /** Newly stored. */
  accepted: number;
  /** Already stored under the same (source, sourceId): a retry; not processed again. */
  duplicates: number;
  /** The sequence number of each input item, in input order (the existing one for a duplicate). */
  ids: number[];
  incidentRevisions: number;
  violations: number;
  cases: number;
  /** Open cases revised by late or changed evidence. */
  caseRevisions: number;
  /**
   * New observations beyond the late-arrival window (docs/operations/fusion.md, "Late reports"): stored and logged as
   * context, not fused into incidents, so they change no violation or case.
   */
  late: number;
}

/** A page of a list, oldest first; `next` is an opaque cursor, absent on the last page. */
export interface Page<T> {
  items: T[];
  next?: string;
}

interface Paging {
  /** From a previous page's `next`. */
  cursor?: string;
  /** 1..1000. */
  limit: number;
}

/** Time filters select by the record's time (event time; for cases, when the case opened): from <= t < to. */
export interface ObservationFilter extends Paging {
  from?: number;
  to?: number;
  source?: string;
  activity?: string;
  region?: string;
}

export interface IncidentFilter extends Paging {
  from?: number;
  to?: number;
  activity?: string;
  region?: string;
  status?: string;
  /** Newest first (by detection), for a map that shows the latest; default oldest first. */
  order?: 'oldest' | 'newest';
}

export interface ViolationFilter extends Paging {
  from?: number;
  to?: number;
  zone?: string;
  region?: string;
  prohibition?: string;
  party?: string;
  status?: string;
  /** Newest first (by detection), for a map that shows the latest; default oldest first. */
  order?: 'oldest' | 'newest';
}

/** Cases by the time they opened (the processing clock). */
export interface CaseFilter extends Paging {
  from?: number;
  to?: number;
  severity?: string;
  trigger?: string;
  party?: string;
}

export interface StoredCase extends CaseOpening {
  seq: number;
}

export interface ApiKeyRecord {
  /** Public part of the key, also in the key text: looked up, then the hash compared. */
  id: string;
  /** SHA-256 of the whole key text, hex. */
  hash: string;
  /** The package actor the key acts for (e.g. CMM); `*` for an operator key bound to no actor. */
  actor: string;
  role: Role;
  label: string;
  createdAt: number;
  revokedAt?: number;
}

export interface StoreStatus {
  dialect: 'sqlite' | 'postgres';
  observations: number;
  incidents: number;
  violations: number;
  cases: number;
  /** Migrations applied, in order. */
  migrations: string[];
}

/**
 * Where this server's batches go when several servers share a store (docs/operations/scaling.md): the URL of the
 * server that processes the store's ingest, when it is another one.
 */
export interface IngestRouter {
  /** The owner's URL, when another server owns the ingest and is known; undefined: process here. */
  target(): string | undefined;
  /** The owner did not answer: process here until it is found again. */
  failed(target: string): void;
  close(): Promise<void>;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Joins the servers that share this store in choosing one to process ingest; `self` is this server's URL as the
   * others reach it. Absent where one server owns the store (SQLite).
   */
  ingestRouter?(self: string): Promise<IngestRouter>;
  /**
   * Stores the batch and processes the new observations in one transaction; resolves after commit.
   */
  ingest(observations: readonly Observation[], meta: IngestMeta, process: BatchProcessor): Promise<IngestResult>;

  listObservations(q: ObservationFilter): Promise<Page<StoredObservation>>;
  getObservation(seq: number): Promise<StoredObservation | undefined>;
  listIncidents(q: IncidentFilter): Promise<Page<Incident>>;
  /** Latest revision. */
  getIncident(id: string): Promise<Incident | undefined>;
  /** Every revision, oldest first. */
  incidentHistory(id: string): Promise<Incident[]>;
  listViolations(q: ViolationFilter): Promise<Page<Violation>>;
  getViolation(id: string): Promise<Violation | undefined>;
  /** Active violations with event time in [from, to), by time then insertion order: one range scan (the daily report). */
  activeViolationsBetween(from: number, to: number): Promise<Violation[]>;
  listCases(q: CaseFilter): Promise<Page<StoredCase>>;
  getCase(id: string): Promise<StoredCase | undefined>;
  /** These cases by id, in one read (the ids not stored are absent). */
  getCases(ids: readonly string[]): Promise<Map<string, StoredCase>>;

  createApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked at `at`; false when there is no such key or it was already revoked. */
  revokeApiKey(id: string, at: number): Promise<boolean>;
  /** Active admin keys: the server prints a bootstrap key only when there are none. */
  countActiveAdmins(): Promise<number>;

  /** The casework store over the same database (case files, votes, timers, member keys). */
  casework(): CaseworkStore;
  /** The transparency log over the same database. */
  transparencyLog(): LogStore;

  status(): Promise<StoreStatus>;
  /** Whether the store answers a trivial query now: `/healthz`, and load balancers, read it. Never throws. */
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export interface StoreHealth {
  ok: boolean;
  /** Why not, when not: e.g. the database connection was lost. */
  reason?: string;
}

/** A bad cursor or filter from a client: the server answers 400. */
export class StoreQueryError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/**
 * The batch was not stored, through no fault of its own (a batch before it failed to commit, or the store's writer
 * restarted): the client should send it again. The server answers 503 with Retry-After.
 */
export class StoreUnavailableError extends Error {}
