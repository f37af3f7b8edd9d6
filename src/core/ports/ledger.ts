/**
 * The storage port of the sustainment ledger (issue 17, docs/operations/ledger.md): ledger records (pledges,
 * withdrawals, deliveries) and decay alerts, with a transparency-log entry for every record and every alert
 * transition written in the same transaction. Implemented by `src/store/sqlite/ledger-store.ts` and
 * `src/store/postgres/ledger-store.ts` over the operations store's database; both pass `src/store/contract.test.ts`.
 *
 * Exactly once: records are appended under one write lock (SQLite's; a transaction-scoped advisory lock on
 * PostgreSQL), so `seq` is commit order and a reader that asks for records after the highest seq it has seen misses
 * none. Alerts are one row per key; `syncAlerts` applies the transitions the core derives, under the same lock and
 * only if the ledger has not moved since the caller derived them, so two servers never raise one alert twice.
 */
import type { AlertKind, AlertState, SustainmentAlert } from '../ledger/alerts.js';
import type { LedgerFields, LedgerRecord } from '../ledger/record.js';
import type { Page } from './store.js';

export interface LedgerMeta {
  recordedAt: number;
  /** The API key id that submitted the batch. */
  submittedBy: string;
}

export interface LedgerAppendResult {
  /** Newly stored. */
  accepted: number;
  /** Already stored with the same fields (a retry). */
  duplicates: number;
  /** The seq of each item, in input order (the existing one for a duplicate). */
  seqs: number[];
}

export interface LedgerFilter {
  cursor?: string;
  limit: number;
  type?: LedgerRecord['type'];
  by?: string;
  requirement?: string;
  /** Deliveries against, withdrawals of, and revisions of this pledge, and the pledge itself. */
  pledge?: string;
  /** By the time the record was stored: from <= recordedAt < to. */
  from?: number;
  to?: number;
}

export interface AlertFilter {
  state?: AlertState;
  kind?: AlertKind;
  requirement?: string;
  guarantor?: string;
  limit: number;
}

export interface LedgerStore {
  /**
   * Stores a validated batch in one transaction, each record with its log entry; an id already stored is a
   * duplicate when its fields are the same, and a `LedgerConflictError` (nothing stored) when they differ.
   */
  appendLedger(records: readonly LedgerFields[], meta: LedgerMeta): Promise<LedgerAppendResult>;
  /** Records with seq > `after`, in seq order (the server folds them into its `LedgerIndex`). */
  ledgerSince(after: number, limit: number): Promise<LedgerRecord[]>;
  /** The highest seq stored (0 when empty). */
  ledgerHead(): Promise<number>;
  listLedger(q: LedgerFilter): Promise<Page<LedgerRecord>>;
  /**
   * Under the write lock: when the ledger's head is still `ledgerSeq`, reads every stored alert, applies `f` (the
   * core's `alertTransitions`) and writes what it returns, each change a log entry; `'stale'` when the ledger moved.
   */
  syncAlerts(
    ledgerSeq: number,
    f: (stored: ReadonlyMap<string, SustainmentAlert>) => SustainmentAlert[],
  ): Promise<SustainmentAlert[] | 'stale'>;
  /** Reads the alert locked, applies `f`, writes and logs what it returns; undefined when there is no such alert. */
  updateAlert(
    key: string,
    f: (a: SustainmentAlert) => SustainmentAlert | undefined,
  ): Promise<{ alert: SustainmentAlert; changed: boolean } | undefined>;
  getAlert(key: string): Promise<SustainmentAlert | undefined>;
  /** Alerts by month of the shortfall, then key. */
  listAlerts(q: AlertFilter): Promise<SustainmentAlert[]>;
  /** Alerts not yet resolved (open or acknowledged): what the daily report lists. */
  openAlerts(): Promise<SustainmentAlert[]>;
}

/** A record's id is already stored with other fields: nothing of the batch was stored (the server answers 409). */
export class LedgerConflictError extends Error {
  constructor(
    readonly index: number,
    readonly id: string,
  ) {
    super(`item ${index}: id ${JSON.stringify(id)} is already the id of another record`);
  }
}
