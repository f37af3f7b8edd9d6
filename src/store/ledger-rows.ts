/**
 * What both ledger stores share: a record's columns, the list filter as SQL conditions (`?` placeholders; the
 * PostgreSQL adapter numbers them), and rows back to records and alerts. Columns are fixed strings, never input.
 */
import type { SustainmentAlert } from '../core/ledger/alerts.js';
import { ledgerFields, type LedgerFields, type LedgerRecord } from '../core/ledger/record.js';
import type { AlertFilter, LedgerFilter, LedgerMeta } from '../core/ports/ledger.js';
import { decodeCursor } from './cursor.js';
import type { Condition } from './filters.js';

/** The pledge a record refers to: a delivery's pledge, a withdrawal's target, a revision's predecessor. */
export function refOf(r: LedgerFields): string | null {
  return r.type === 'delivery' ? r.pledge : r.type === 'withdrawal' ? r.withdraws : (r.supersedes ?? null);
}

/** The stored record: its fields in a fixed order, then the store's. */
export function storedRecord(r: LedgerFields, seq: number, meta: LedgerMeta): LedgerRecord {
  return { ...ledgerFields(r), seq, recordedAt: meta.recordedAt, submittedBy: meta.submittedBy } as LedgerRecord;
}

export function ledgerConditions(f: LedgerFilter): Condition[] {
  const out: Condition[] = [{ sql: 'seq > ?', value: decodeCursor(f.cursor) }];
  if (f.type !== undefined) out.push({ sql: 'type = ?', value: f.type });
  if (f.by !== undefined) out.push({ sql: 'by_actor = ?', value: f.by });
  if (f.requirement !== undefined) out.push({ sql: 'requirement = ?', value: f.requirement });
  if (f.pledge !== undefined) out.push({ sql: '(ref = ? OR id = ?)', value: [f.pledge, f.pledge] });
  if (f.from !== undefined) out.push({ sql: 'recorded_at >= ?', value: f.from });
  if (f.to !== undefined) out.push({ sql: 'recorded_at < ?', value: f.to });
  return out;
}

export function alertConditions(f: AlertFilter): Condition[] {
  const out: Condition[] = [];
  if (f.state !== undefined) out.push({ sql: 'state = ?', value: f.state });
  if (f.kind !== undefined) out.push({ sql: 'kind = ?', value: f.kind });
  if (f.requirement !== undefined) out.push({ sql: 'requirement = ?', value: f.requirement });
  if (f.guarantor !== undefined) out.push({ sql: 'guarantor = ?', value: f.guarantor });
  return out;
}

/** Conditions as SQL and parameters; a condition may bind several values (an array). */
export function where(
  conds: readonly Condition[],
  placeholder: (n: number) => string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const parts = conds.map((c) => {
    const values = Array.isArray(c.value) ? c.value : [c.value];
    let k = 0;
    return c.sql.replace(/\?/g, () => {
      params.push(values[k++]);
      return placeholder(params.length);
    });
  });
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export const recordOf = (doc: string): LedgerRecord => JSON.parse(doc) as LedgerRecord;
export const alertOf = (doc: string): SustainmentAlert => JSON.parse(doc) as SustainmentAlert;
export const ALERT_ORDER = 'ORDER BY month, key';
