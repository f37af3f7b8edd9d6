/**
 * The WHERE clauses of list queries, written once for both dialects: each condition is SQL with `?` for its
 * value; the PostgreSQL adapter numbers them. Columns are fixed strings, never client input.
 */
import type { CaseFilter, IncidentFilter, ObservationFilter, ViolationFilter } from '../core/ports/store.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Condition {
  sql: string;
  value: unknown;
}

function time(out: Condition[], column: string, f: { from?: number; to?: number }): void {
  if (f.from !== undefined) out.push({ sql: `${column} >= ?`, value: f.from });
  if (f.to !== undefined) out.push({ sql: `${column} < ?`, value: f.to });
}

function eq(out: Condition[], column: string, value: string | undefined): void {
  if (value !== undefined) out.push({ sql: `${column} = ?`, value });
}

function zone(out: Condition[], dialect: Dialect, value: string | undefined): void {
  if (value === undefined) return;
  // SQLite keeps zones as ",a,b,"; PostgreSQL as a text[].
  out.push(
    dialect === 'sqlite' ? { sql: 'instr(zones, ?) > 0', value: `,${value},` } : { sql: '? = ANY(zones)', value },
  );
}

export function observationConditions(f: ObservationFilter): Condition[] {
  const out: Condition[] = [];
  time(out, 'time', f);
  eq(out, 'source', f.source);
  eq(out, 'activity', f.activity);
  eq(out, 'region', f.region);
  return out;
}

export function incidentConditions(f: IncidentFilter): Condition[] {
  const out: Condition[] = [];
  time(out, 'time', f);
  eq(out, 'activity', f.activity);
  eq(out, 'region', f.region);
  eq(out, 'status', f.status);
  return out;
}

export function violationConditions(f: ViolationFilter, dialect: Dialect): Condition[] {
  const out: Condition[] = [];
  time(out, 'time', f);
  zone(out, dialect, f.zone);
  eq(out, 'region', f.region);
  eq(out, 'prohibition', f.prohibition);
  eq(out, 'party', f.party);
  eq(out, 'status', f.status);
  return out;
}

export function caseConditions(f: CaseFilter): Condition[] {
  const out: Condition[] = [];
  time(out, 'opened_at', f);
  eq(out, 'severity', f.severity);
  eq(out, 'trigger_id', f.trigger);
  eq(out, 'party', f.party);
  return out;
}

/**
 * `SELECT seq, doc FROM table WHERE seq > cursor AND ... ORDER BY seq LIMIT n+1`, placeholders as `?`; `newest`:
 * `seq < cursor` (none for the first page) and `ORDER BY seq DESC`.
 */
export function pageQuery(
  table: string,
  conditions: readonly Condition[],
  after: number,
  limit: number,
  newest = false,
): { sql: string; values: unknown[] } {
  const start = newest ? (after > 0 ? [{ sql: 'seq < ?', value: after }] : []) : [{ sql: 'seq > ?', value: after }];
  const all = [...start, ...conditions];
  return {
    sql: `SELECT seq, doc FROM ${table}${all.length ? ` WHERE ${all.map((c) => c.sql).join(' AND ')}` : ''} ORDER BY seq${newest ? ' DESC' : ''} LIMIT ?`,
    values: [...all.map((c) => c.value), limit + 1],
  };
}

/** Numbers `?` placeholders as `$1, $2, ...` for PostgreSQL (our SQL has no `?` inside literals). */
export function numbered(sql: string, start = 1): string {
  let n = start;
  return sql.replace(/\?/g, () => `$${n++}`);
}
