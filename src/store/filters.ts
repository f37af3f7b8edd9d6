/**
 * The WHERE clauses of list queries, written once for both dialects: each condition is SQL with `?` for its
 * value; the PostgreSQL adapter numbers them. Columns are fixed strings, never client input.
 */
import type { CaseFilter, IncidentFilter, ObservationFilter, ViolationFilter } from '../core/ports/store.js';
import type { TimeFloor } from './time-floor.js';

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
 * `seq < cursor` (none for the first page) and `ORDER BY seq DESC`. `via`: how the page should be read (see
 * observationPlan), said the dialect's way; `through`: no row after this seq.
 */
export function pageQuery(
  table: string,
  conditions: readonly Condition[],
  after: number,
  limit: number,
  newest = false,
  via?: { dialect: Dialect; index?: ObservationIndex | undefined },
  through?: number,
): { sql: string; values: unknown[] } {
  const start = newest ? (after > 0 ? [{ sql: 'seq < ?', value: after }] : []) : [{ sql: 'seq > ?', value: after }];
  const end = through === undefined ? [] : [{ sql: 'seq <= ?', value: through }];
  // SQLite takes the index it is told; on a walk in seq order, `+time` keeps it off the time index, which it would
  // otherwise range over and sort (it has no statistics to weigh the two). PostgreSQL plans from its statistics;
  // told that the order comes from a sort, it reads the time range rather than walking seq order past rows outside it.
  const walk = via?.dialect === 'sqlite' && via.index !== 'time';
  const all = [
    ...start,
    ...end,
    ...conditions.map((c) => (walk && c.sql.startsWith('time ') ? { ...c, sql: `+${c.sql}` } : c)),
  ];
  const from = via?.dialect === 'sqlite' && via.index ? `${table} INDEXED BY ${table}_${via.index}` : table;
  const order = via?.dialect === 'postgres' && via.index === 'time' ? 'seq + 0' : 'seq';
  const where = all.length ? ` WHERE ${all.map((c) => c.sql).join(' AND ')}` : '';
  const values = [...all.map((c) => c.value), limit + 1];
  const direction = newest ? ' DESC' : '';
  // A sorted window sorts seqs alone, then reads the page's documents, not every row's.
  if (via?.index === 'time')
    return {
      sql: `SELECT seq, doc FROM ${table} WHERE seq IN (SELECT seq FROM ${from}${where} ORDER BY ${order}${direction} LIMIT ?) ORDER BY seq${direction}`,
      values,
    };
  return { sql: `SELECT seq, doc FROM ${from}${where} ORDER BY ${order}${direction} LIMIT ?`, values };
}

/** Up to this many blocks of seqs between a window's ends, it is read by the time index and sorted. */
const SHORT_WINDOW = 8;

/** The observation indexes a page may be read by (`observations_<name>`). */
export type ObservationIndex = 'time' | 'region' | 'source_activity' | 'source' | 'activity';

/** How an observation page is read: seq ranges in order until the page is full, and by which index. */
export interface ObservationPlan {
  /** after < seq <= through (no `through`: to the latest row). */
  ranges: { after: number; through?: number }[];
  index?: ObservationIndex | undefined;
}

/**
 * The index of a walk with equality filters, in seq order within each value: SQLite, without statistics, would
 * otherwise take a seq range of the table when both ends are bounded and read every row in it.
 */
function equalityIndex(f: ObservationFilter): ObservationIndex | undefined {
  if (f.region !== undefined) return 'region';
  if (f.source !== undefined) return f.activity !== undefined ? 'source_activity' : 'source';
  return f.activity !== undefined ? 'activity' : undefined;
}

/**
 * Where an observation page starts and stops and which index reads it (time-floor.ts): after the cursor or the time
 * floor of `from`, whichever is later; with `to`, up to its ceiling, then the rows no block holds yet (so the last
 * page of a window stops near the window, not at the table's end). A window whose rows in time order span a few
 * blocks but whose late reports lie far beyond them is read by the time index and sorted (a walk would read every
 * row between). Equality filters by their index (equalityIndex), a region's by the region index, which holds
 * region-level reports only (SQLite, without statistics, would walk a source's).
 */
export async function observationPlan(
  f: ObservationFilter,
  cursor: number,
  floor: TimeFloor,
): Promise<ObservationPlan> {
  const start = f.from === undefined ? 0 : await floor.before(f.from);
  const after = Math.max(cursor, start);
  const index = equalityIndex(f);
  if (f.to === undefined) return { ranges: [{ after }], index };
  const { through, unread } = await floor.ceiling(f.to);
  const short = SHORT_WINDOW * floor.size;
  if (through - start > short && (await floor.before(f.to)) - start <= short)
    return { ranges: [{ after }], index: 'time' };
  if (through >= unread) return { ranges: [{ after }], index };
  const ranges = [{ after, through }, { after: Math.max(after, unread) }].filter(
    (r) => r.through === undefined || r.through > r.after,
  );
  return { ranges, index };
}

/** Numbers `?` placeholders as `$1, $2, ...` for PostgreSQL (our SQL has no `?` inside literals). */
export function numbered(sql: string, start = 1): string {
  let n = start;
  return sql.replace(/\?/g, () => `$${n++}`);
}
