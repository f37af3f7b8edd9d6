/**
 * The sustainment ledger on PostgreSQL, for several servers over one database. Every write takes one
 * transaction-scoped advisory lock, so `seq` (a sequence drawn inside the lock) is commit order and a reader that
 * asks for records after the highest seq it has seen misses none; alert rows are keyed, and `syncAlerts` applies
 * transitions only when the ledger has not moved since they were derived: two servers never raise one alert twice.
 * A server killed mid-transaction leaves nothing: its locks go with the rollback and the next pass derives again.
 */
import type pg from 'pg';
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
import { transaction } from './transaction.js';
import { itemAt } from '../../core/item-at.js';

/** One lock per schema: servers over one schema serialise; tests in other schemas do not wait on it. */
const LOCK = "SELECT pg_advisory_xact_lock(hashtext('guarantor.ledger.' || current_schema()))";

export class PostgresLedgerStore implements LedgerStore {
  constructor(readonly pool: pg.Pool) {}

  #tx<T>(f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return transaction(this.pool, async (c) => {
      await c.query(LOCK);
      return f(c);
    });
  }

  async appendLedger(records: readonly LedgerFields[], meta: LedgerMeta): Promise<LedgerAppendResult> {
    return this.#tx(async (c) => {
      const ids = records.map((r) => r.id);
      const old = new Map(
        (
          (await c.query('SELECT seq, id, doc FROM ledger_records WHERE id = ANY($1::text[])', [ids])).rows as {
            seq: string;
            id: string;
            doc: string;
          }[]
        ).map((r) => [r.id, r]),
      );
      const seqs: number[] = [];
      const fresh: LedgerRecord[] = [];
      const wanted = records.filter((r) => !old.has(r.id)).length;
      const drawn = wanted
        ? (
            (await c.query("SELECT nextval('ledger_records_seq_seq') AS s FROM generate_series(1, $1)", [wanted]))
              .rows as { s: string }[]
          )
            .map((r) => Number(r.s))
            .sort((a, b) => a - b)
        : [];
      let k = 0;
      records.forEach((r, index) => {
        const o = old.get(r.id);
        if (o) {
          if (!sameFields(recordOf(o.doc), r)) throw new LedgerConflictError(index, r.id);
          seqs.push(Number(o.seq));
          return;
        }
        const rec = storedRecord(r, itemAt(drawn, k++), meta);
        seqs.push(rec.seq);
        fresh.push(rec);
      });
      if (fresh.length) {
        await c.query(
          `INSERT INTO ledger_records (seq, id, type, by_actor, requirement, ref, recorded_at, submitted_by, doc)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[])`,
          [
            fresh.map((r) => r.seq),
            fresh.map((r) => r.id),
            fresh.map((r) => r.type),
            fresh.map((r) => r.by),
            fresh.map((r) => r.requirement),
            fresh.map(refOf),
            fresh.map(() => meta.recordedAt),
            fresh.map(() => meta.submittedBy),
            fresh.map((r) => JSON.stringify(r)),
          ],
        );
        await appendEntries(this.pool, c, fresh.map(ledgerEntry)); // each record is a log entry (docs/tlog.md)
      }
      return { accepted: fresh.length, duplicates: records.length - fresh.length, seqs };
    });
  }

  async ledgerSince(after: number, limit: number): Promise<LedgerRecord[]> {
    return (
      (await this.pool.query('SELECT doc FROM ledger_records WHERE seq > $1 ORDER BY seq LIMIT $2', [after, limit]))
        .rows as { doc: string }[]
    ).map((r) => recordOf(r.doc));
  }

  async ledgerHead(): Promise<number> {
    return Number((await this.pool.query('SELECT coalesce(max(seq), 0) AS seq FROM ledger_records')).rows[0].seq);
  }

  async listLedger(q: LedgerFilter): Promise<Page<LedgerRecord>> {
    const w = where(ledgerConditions(q), (n) => `$${n}`);
    const rows = (
      await this.pool.query(`SELECT doc FROM ledger_records ${w.sql} ORDER BY seq LIMIT $${w.params.length + 1}`, [
        ...w.params,
        q.limit + 1,
      ])
    ).rows as { doc: string }[];
    const items = rows.slice(0, q.limit).map((r) => recordOf(r.doc));
    return rows.length > q.limit ? { items, next: encodeCursor(itemAt(items, items.length - 1).seq) } : { items };
  }

  async #writeAlerts(c: pg.PoolClient, list: readonly SustainmentAlert[]): Promise<void> {
    if (!list.length) return;
    await c.query(
      `INSERT INTO ledger_alerts (key, kind, requirement, guarantor, month, state, revision, doc)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])
       ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, requirement = excluded.requirement, guarantor = excluded.guarantor, month = excluded.month,
         state = excluded.state, revision = excluded.revision, doc = excluded.doc`,
      [
        list.map((a) => a.key),
        list.map((a) => a.kind),
        list.map((a) => a.requirement),
        list.map((a) => a.guarantor),
        list.map((a) => a.month),
        list.map((a) => a.state),
        list.map((a) => a.revision),
        list.map((a) => JSON.stringify(a)),
      ],
    );
    await appendEntries(this.pool, c, list.map(alertEntry));
  }

  async syncAlerts(
    ledgerSeq: number,
    f: (stored: ReadonlyMap<string, SustainmentAlert>) => SustainmentAlert[],
  ): Promise<SustainmentAlert[] | 'stale'> {
    return this.#tx(async (c) => {
      const head = Number((await c.query('SELECT coalesce(max(seq), 0) AS seq FROM ledger_records')).rows[0].seq);
      if (head !== ledgerSeq) return 'stale' as const;
      const stored = new Map(
        ((await c.query('SELECT doc FROM ledger_alerts')).rows as { doc: string }[])
          .map((r) => alertOf(r.doc))
          .map((a) => [a.key, a]),
      );
      const changes = f(stored);
      await this.#writeAlerts(c, changes);
      return changes;
    });
  }

  async updateAlert(
    key: string,
    f: (a: SustainmentAlert) => SustainmentAlert | undefined,
  ): Promise<{ alert: SustainmentAlert; changed: boolean } | undefined> {
    return this.#tx(async (c) => {
      const r = (await c.query('SELECT doc FROM ledger_alerts WHERE key = $1', [key])).rows[0] as
        { doc: string } | undefined;
      if (!r) return undefined;
      const old = alertOf(r.doc);
      const next = f(old);
      if (!next) return { alert: old, changed: false };
      await this.#writeAlerts(c, [next]);
      return { alert: next, changed: true };
    });
  }

  async getAlert(key: string): Promise<SustainmentAlert | undefined> {
    const r = (await this.pool.query('SELECT doc FROM ledger_alerts WHERE key = $1', [key])).rows[0] as
      { doc: string } | undefined;
    return r && alertOf(r.doc);
  }

  async listAlerts(q: AlertFilter): Promise<SustainmentAlert[]> {
    const w = where(alertConditions(q), (n) => `$${n}`);
    return (
      (
        await this.pool.query(`SELECT doc FROM ledger_alerts ${w.sql} ${ALERT_ORDER} LIMIT $${w.params.length + 1}`, [
          ...w.params,
          q.limit,
        ])
      ).rows as { doc: string }[]
    ).map((r) => alertOf(r.doc));
  }

  async openAlerts(): Promise<SustainmentAlert[]> {
    return (
      (await this.pool.query(`SELECT doc FROM ledger_alerts WHERE state <> 'resolved' ${ALERT_ORDER}`)).rows as {
        doc: string;
      }[]
    ).map((r) => alertOf(r.doc));
  }
}
