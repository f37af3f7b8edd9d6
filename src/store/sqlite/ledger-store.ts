/**
 * The sustainment ledger on the embedded SQLite store, over the operations store's connection. better-sqlite3 is
 * synchronous, so each transaction (IMMEDIATE: it holds the write lock from its start) runs without yielding; it
 * waits, yielding, while the operations store holds a transaction open across an await.
 */
import type Database from 'better-sqlite3';
import type { SustainmentAlert } from '../../core/ledger/alerts.js';
import { sameFields, type LedgerFields, type LedgerRecord } from '../../core/ledger/record.js';
import {
  LedgerConflictError,
  type AlertFilter,
  type LedgerAppendResult,
  type LedgerFilter,
  type LedgerMeta,
  type LedgerStore,
} from '../../core/ports/ledger.js';
import type { Page } from '../../core/ports/store.js';
import { encodeCursor } from '../cursor.js';
import {
  ALERT_ORDER,
  alertConditions,
  alertOf,
  ledgerConditions,
  recordOf,
  refOf,
  storedRecord,
  where,
} from '../ledger-rows.js';
import { alertEntry, ledgerEntry } from '../log-entries.js';
import { appendEntries } from './tlog-store.js';
import { itemAt } from '../../core/item-at.js';

function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    byId: p('SELECT seq, doc FROM ledger_records WHERE id = ?'),
    head: p('SELECT coalesce(max(seq), 0) AS seq FROM ledger_records'),
    insert: p(
      'INSERT INTO ledger_records (seq, id, type, by_actor, requirement, ref, recorded_at, submitted_by, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    since: p('SELECT doc FROM ledger_records WHERE seq > ? ORDER BY seq LIMIT ?'),
    alerts: p('SELECT doc FROM ledger_alerts'),
    alert: p('SELECT doc FROM ledger_alerts WHERE key = ?'),
    upsertAlert: p(
      'INSERT INTO ledger_alerts (key, kind, requirement, guarantor, month, state, revision, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, requirement = excluded.requirement, guarantor = excluded.guarantor, month = excluded.month, state = excluded.state, revision = excluded.revision, doc = excluded.doc',
    ),
    open: p(`SELECT doc FROM ledger_alerts WHERE state <> 'resolved' ${ALERT_ORDER}`),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class SqliteLedgerStore implements LedgerStore {
  readonly #db: Database.Database;
  readonly #s: Statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#s = prepareStatements(db);
  }

  async #tx<T>(f: () => T): Promise<T> {
    while (this.#db.inTransaction) await new Promise((r) => setImmediate(r));
    return this.#db.transaction(f).immediate();
  }

  async appendLedger(records: readonly LedgerFields[], meta: LedgerMeta): Promise<LedgerAppendResult> {
    return this.#tx(() => {
      const seqs: number[] = [];
      const fresh: LedgerRecord[] = [];
      let next = (this.#s.head.get() as { seq: number }).seq + 1;
      records.forEach((r, index) => {
        const old = this.#s.byId.get(r.id) as { seq: number; doc: string } | undefined;
        if (old) {
          if (!sameFields(recordOf(old.doc), r)) throw new LedgerConflictError(index, r.id);
          seqs.push(Number(old.seq));
          return;
        }
        const rec = storedRecord(r, next++, meta);
        this.#s.insert.run(
          rec.seq,
          rec.id,
          rec.type,
          rec.by,
          rec.requirement,
          refOf(rec),
          meta.recordedAt,
          meta.submittedBy,
          JSON.stringify(rec),
        );
        seqs.push(rec.seq);
        fresh.push(rec);
      });
      appendEntries(this.#db, fresh.map(ledgerEntry)); // each record is a log entry (docs/tlog.md)
      return { accepted: fresh.length, duplicates: records.length - fresh.length, seqs };
    });
  }

  async ledgerSince(after: number, limit: number): Promise<LedgerRecord[]> {
    return (this.#s.since.all(after, limit) as { doc: string }[]).map((r) => recordOf(r.doc));
  }

  async ledgerHead(): Promise<number> {
    return Number((this.#s.head.get() as { seq: number }).seq);
  }

  async listLedger(q: LedgerFilter): Promise<Page<LedgerRecord>> {
    const w = where(ledgerConditions(q), () => '?');
    const rows = this.#db
      .prepare(`SELECT doc FROM ledger_records ${w.sql} ORDER BY seq LIMIT ?`)
      .all(...(w.params as (string | number)[]), q.limit + 1) as { doc: string }[];
    const items = rows.slice(0, q.limit).map((r) => recordOf(r.doc));
    return rows.length > q.limit ? { items, next: encodeCursor(itemAt(items, items.length - 1).seq) } : { items };
  }

  #writeAlert(a: SustainmentAlert): void {
    this.#s.upsertAlert.run(a.key, a.kind, a.requirement, a.guarantor, a.month, a.state, a.revision, JSON.stringify(a));
  }

  async syncAlerts(
    ledgerSeq: number,
    f: (stored: ReadonlyMap<string, SustainmentAlert>) => SustainmentAlert[],
  ): Promise<SustainmentAlert[] | 'stale'> {
    return this.#tx(() => {
      if (Number((this.#s.head.get() as { seq: number }).seq) !== ledgerSeq) return 'stale' as const;
      const stored = new Map(
        (this.#s.alerts.all() as { doc: string }[]).map((r) => alertOf(r.doc)).map((a) => [a.key, a]),
      );
      const changes = f(stored);
      for (const a of changes) this.#writeAlert(a);
      appendEntries(this.#db, changes.map(alertEntry));
      return changes;
    });
  }

  async updateAlert(
    key: string,
    f: (a: SustainmentAlert) => SustainmentAlert | undefined,
  ): Promise<{ alert: SustainmentAlert; changed: boolean } | undefined> {
    return this.#tx(() => {
      const r = this.#s.alert.get(key) as { doc: string } | undefined;
      if (!r) return undefined;
      const old = alertOf(r.doc);
      const next = f(old);
      if (!next) return { alert: old, changed: false };
      this.#writeAlert(next);
      appendEntries(this.#db, [alertEntry(next)]);
      return { alert: next, changed: true };
    });
  }

  async getAlert(key: string): Promise<SustainmentAlert | undefined> {
    const r = this.#s.alert.get(key) as { doc: string } | undefined;
    return r && alertOf(r.doc);
  }

  async listAlerts(q: AlertFilter): Promise<SustainmentAlert[]> {
    const w = where(alertConditions(q), () => '?');
    return (
      this.#db
        .prepare(`SELECT doc FROM ledger_alerts ${w.sql} ${ALERT_ORDER} LIMIT ?`)
        .all(...(w.params as (string | number)[]), q.limit) as { doc: string }[]
    ).map((r) => alertOf(r.doc));
  }

  async openAlerts(): Promise<SustainmentAlert[]> {
    return (this.#s.open.all() as { doc: string }[]).map((r) => alertOf(r.doc));
  }
}
