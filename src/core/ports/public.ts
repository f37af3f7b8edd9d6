/**
 * The storage port of the public face (issue 19, docs/operations/public.md): the live feed's durable event log, the
 * published status of each place, CAP message chains, crossing settings, and webhook subscriptions with their
 * deliveries. Implemented by `src/store/sqlite/public-store.ts` and `src/store/postgres/public-store.ts` over the
 * operations database.
 *
 * One writer at a time: the projector reads the transparency log after its cursor, computes what changed, and
 * commits events, status, CAP messages and the new cursor in one transaction that first checks the cursor is still
 * where it read it (and, on PostgreSQL, holds an advisory lock), so event ids are dense in commit order and no
 * change is published twice, whichever server projects.
 */
import type { CrossingSetting, StatusViolation } from '../public/area-status.js';
import type { CapMessage } from '../public/cap.js';
import type { Violation } from '../ops/index.js';

/** Who may receive an event: everyone, the roles that read findings, or the roles that read cases. */
export const audiences = ['public', 'findings', 'cases'] as const;
export type Audience = (typeof audiences)[number];

export const eventKinds = ['status', 'cap', 'case', 'violation'] as const;
export type EventKind = (typeof eventKinds)[number];

export interface NewFeedEvent {
  kind: EventKind;
  audience: Audience;
  /** epoch ms, when the projector published it */
  at: number;
  data: Record<string, unknown>;
}

export interface FeedEvent extends NewFeedEvent {
  /** Dense, increasing in commit order: the SSE `id` and the webhook's idempotency key. */
  seq: number;
}

/** A transparency-log entry the projector follows: violations and case events (kind and record id only). */
export interface LogMark {
  idx: number;
  kind: string;
  recordId: string;
}

export interface PublishedArea {
  /** `region:CODE`, `zone:ID`, `crossing:ID` */
  key: string;
  state: string;
  since: number;
}

export interface ProjectionCommit {
  /** The cursor the projector read; the commit is refused if it moved. */
  from: number;
  /** The log index it has now followed up to. */
  to: number;
  events: NewFeedEvent[];
  areas: PublishedArea[];
  /** The whole status document when it changed (JSON text). */
  status?: { doc: string; at: number };
  cap: { message: CapMessage; xml: string }[];
}

export interface StoredCap {
  message: CapMessage;
  xml: string;
}

export interface WebhookRecord {
  id: string;
  url: string;
  /** The signing secret (`whsec_` + base64). Kept to sign; shown once when created. */
  secret: string;
  kinds: EventKind[];
  createdAt: number;
  createdBy: string;
  removedAt?: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  webhook: string;
  event: number;
  status: DeliveryStatus;
  attempts: number;
  nextAt: number;
  lastStatus?: number;
  lastError?: string;
  deliveredAt?: number;
}

export interface DeliveryOutcome {
  ok: boolean;
  at: number;
  status?: number;
  error?: string;
  /** When to try again; absent when delivered or dead. */
  nextAt?: number;
  dead?: boolean;
}

export interface PublicStore {
  /** Calls `wake` when another server commits events (PostgreSQL NOTIFY); resolves to a function that stops listening. */
  listen?(wake: () => void): Promise<() => Promise<void>>;
  /** Runs `f` while no other server projects (PostgreSQL: a session advisory lock, tried, not waited for). */
  withProjectionLock<T>(f: () => Promise<T>): Promise<T | undefined>;
  projectionState(): Promise<{ cursor: number; areas: Map<string, { state: string; since: number }> }>;
  /** Log entries after `idx` of the kinds that change the public face, in order. */
  logAfter(idx: number, limit: number): Promise<LogMark[]>;
  /** The current rows of these violations, by id (one read for a pass, not one per violation). */
  violations(ids: readonly string[]): Promise<Map<string, Violation>>;
  /** Active violations with time >= from (only what the status needs, and their ids). */
  activeViolationsSince(from: number): Promise<(StatusViolation & { id: string })[]>;
  /** Cases whose CAP chain has not ended (their phase is checked every pass). */
  openCapCases(): Promise<string[]>;
  /** These cases' CAP chains, oldest message first, in one read (a case with no message is absent). */
  capChains(caseIds: readonly string[]): Promise<Map<string, CapMessage[]>>;
  /** Commits a projection pass; the new events' ids, or undefined when another pass moved the cursor first. */
  commitProjection(c: ProjectionCommit): Promise<number[] | undefined>;

  eventsAfter(seq: number, limit: number): Promise<FeedEvent[]>;
  lastEventSeq(): Promise<number>;
  /**
   * Deletes the feed events published before `before` (ms), except the newest event (ids are never reused) and any
   * that an undelivered or dead-lettered webhook delivery still needs; returns how many went.
   */
  pruneFeed(before: number): Promise<number>;
  /** The highest event id ever pruned (0 when none): a client that has seen less has missed events. */
  feedPrunedThrough(): Promise<number>;
  publicStatus(): Promise<{ doc: string; at: number } | undefined>;
  /** The latest message of each chain, newest first (ended chains within `since`). */
  currentCap(since: number, limit: number): Promise<StoredCap[]>;
  getCap(identifier: string): Promise<StoredCap | undefined>;

  addCrossingSetting(s: CrossingSetting & { keyId: string }): Promise<void>;
  /** The latest setting of each crossing. */
  crossingSettings(): Promise<Map<string, CrossingSetting>>;

  createWebhook(w: WebhookRecord): Promise<void>;
  listWebhooks(): Promise<WebhookRecord[]>;
  getWebhook(id: string): Promise<WebhookRecord | undefined>;
  /** Marks it removed; its pending deliveries are dropped. False when unknown or already removed. */
  removeWebhook(id: string, at: number): Promise<boolean>;
  /**
   * Claims up to `limit` pending deliveries due at `now` (at most one per webhook, oldest first), leasing them until
   * `leaseUntil` so no other server sends them meanwhile; skips `busy` webhooks (this server is still sending to them).
   */
  claimDeliveries(
    now: number,
    leaseUntil: number,
    limit: number,
    busy: readonly string[],
  ): Promise<{ delivery: Delivery; webhook: WebhookRecord; event: FeedEvent }[]>;
  finishDelivery(webhook: string, event: number, outcome: DeliveryOutcome): Promise<void>;
  listDeliveries(webhook: string, status: DeliveryStatus | undefined, limit: number): Promise<Delivery[]>;
  /** Puts a dead delivery back to pending, due at `now`; false when there is no such dead delivery. */
  retryDelivery(webhook: string, event: number, now: number): Promise<boolean>;
}
