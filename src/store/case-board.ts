/**
 * The case board's SQL, written once for both dialects (placeholders `?`; the PostgreSQL adapter numbers them):
 * cases joined with their files, sorted by a key of plain columns, filtered, and paged by keyset (the cursor holds
 * the last row's sort key, so a page costs the same at row 10 and row 10,000, and cases that arrive meanwhile do
 * not shift it). Also the derived columns of a case file and its task rows (migration 0090-case-board).
 */
import type { CaseFile } from '../core/ops/index.js';
import type { ResponseFailure, ResponseTask } from '../core/ops/index.js';
import { StoreQueryError } from '../core/ports/store.js';
import type { CaseBoardQuery, TaskQuery } from '../core/ports/casework.js';
import type { Dialect } from './filters.js';

/** Far beyond any epoch ms: "no deadline" sorts after every deadline. */
const NEVER = 9_007_199_254_740_991;

export interface Built {
  sql: string;
  values: unknown[];
}

/** The columns `#write` keeps beside a case file's document. */
export function fileColumns(f: CaseFile): { decidedAt: number | null; effect: string | null; responding: number } {
  const o = f.judgment.outcome;
  return {
    decidedAt: o?.at ?? null,
    effect: o?.effect ?? null,
    responding: f.tasks.some((t) => t.status !== 'open') ? 1 : 0,
  };
}

/** 0: overdue and undelivered; 1: not acknowledged; 2: acknowledged; 3: delivered. As in the migration. */
export function urgency(t: ResponseTask): number {
  if (t.status === 'delivered') return 3;
  if (t.overdue) return 0;
  return t.status === 'acknowledged' ? 2 : 1;
}

/** A task row written again (both dialects): the row of its id takes the task's new state. */
export const TASK_UPSERT = `ON CONFLICT (task_id) DO UPDATE SET case_id = excluded.case_id, actor = excluded.actor,
  status = excluded.status, urgency = excluded.urgency, due_at = excluded.due_at, failed_at = excluded.failed_at,
  doc = excluded.doc`;

/**
 * A task's row of `case_tasks`: task_id, case_id, actor, status, urgency, due_at, failed_at, doc; `doc` when the
 * caller serialised the task already (its log entry's canonical JSON).
 */
export function taskRow(t: ResponseTask, doc = JSON.stringify(t)): unknown[] {
  return [t.id, t.caseId, t.actor, t.status, urgency(t), t.dueAt, t.failure?.at ?? null, doc];
}

/** ",UA-14,UA-23," (or "," for none): a region filter is one substring test. */
export function regionList(regions: Iterable<string | undefined | null>): string {
  const set = [...new Set([...regions].filter((r): r is string => typeof r === 'string' && r !== ''))].sort();
  return set.length ? `,${set.join(',')},` : ',';
}

export const regionsOf = (list: string): string[] => list.split(',').filter(Boolean);

/**
 * Sets a case file's regions again from its case's current revision (a revision's evidence may place it elsewhere),
 * as `regionList` would from the violations' rows, so run it after the batch's violations are written. One
 * placeholder: the case id on SQLite, an array of ids (`text[]`) on PostgreSQL. A case not yet adopted has no file:
 * adoption reads the current revision.
 */
export function reviseRegionsSql(dialect: Dialect): string {
  return dialect === 'sqlite'
    ? `UPDATE case_files SET regions = COALESCE((
         SELECT ',' || group_concat(DISTINCT v.region ORDER BY v.region) || ','
         FROM cases c, json_each(c.doc, '$.evidence') e JOIN violations v ON v.id = json_extract(e.value, '$.violation')
         WHERE c.id = case_files.case_id AND v.region <> ''), ',')
       WHERE case_id = ?`
    : `UPDATE case_files f SET regions = COALESCE((
         SELECT ',' || string_agg(DISTINCT v.region COLLATE "C", ',' ORDER BY v.region COLLATE "C") || ','
         FROM cases c CROSS JOIN jsonb_array_elements(c.doc::jsonb->'evidence') e JOIN violations v ON v.id = e->>'violation'
         WHERE c.id = f.case_id AND v.region <> ''), ',')
       WHERE f.case_id = ANY($1::text[])`;
}

function encode(kind: string, key: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify([kind, ...key])).toString('base64url');
}

/** The sort key after which the page starts; throws a StoreQueryError for anything this server did not issue. */
function decode(
  kind: string,
  cursor: string | undefined,
  shape: readonly ('n' | 's')[],
): (number | string)[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString()) : null;
  } catch {
    parsed = null;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed[0] === kind &&
    parsed.length === shape.length + 1 &&
    shape.every((t, i) => {
      const v: unknown = parsed[i + 1];
      return t === 'n' ? Number.isSafeInteger(v) : typeof v === 'string' && v.length <= 200;
    });
  if (!ok)
    throw new StoreQueryError(
      'cursor',
      'is not a cursor of this list and order (pass the `next` of a previous page unchanged, with the same sort)',
    );
  return (parsed as unknown[]).slice(1) as (number | string)[];
}

const contains = (dialect: Dialect, column: string) =>
  dialect === 'sqlite' ? `instr(${column}, ?) > 0` : `strpos(${column}, ?) > 0`;

/** `(a, b, c) > (?, ?, ?)` with PostgreSQL's parameter types spelled out. */
function after(dialect: Dialect, columns: readonly string[], shape: readonly ('n' | 's')[]): string {
  const ps = shape.map((t) => (dialect === 'sqlite' ? '?' : t === 'n' ? '?::bigint' : '?::text'));
  return `(${columns.join(', ')}) > (${ps.join(', ')})`;
}

/** Rows: opening (cases.doc), file (case_files.doc), k0..kn (the sort key). And the count of every match. */
export function caseBoardQuery(dialect: Dialect, q: CaseBoardQuery): { page: Built; count: Built } {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    values.push(value);
  };
  if (q.status) add('f.status = ?', q.status);
  if (q.trigger) add('c.trigger_id = ?', q.trigger);
  if (q.severity) add('c.severity = ?', q.severity);
  if (q.party) add('c.party = ?', q.party);
  if (q.region) add(contains(dialect, 'f.regions'), `,${q.region},`);
  if (q.from !== undefined) add('c.opened_at >= ?', q.from);
  if (q.to !== undefined) add('c.opened_at < ?', q.to);
  if (q.search) add(contains(dialect, 'c.id'), q.search.toLowerCase());
  const from = `FROM cases c JOIN case_files f ON f.case_id = c.id${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;

  const open = "f.status = 'open'";
  const status = `CASE WHEN ${open} THEN 0 ELSE 1 END`;
  const time = `CASE WHEN ${open} THEN COALESCE(f.deadline, ${NEVER}) ELSE -COALESCE(f.decided_at, 0) END`;
  const keyValues: unknown[] = [];
  let keys: string[];
  if (q.sort === 'severity') {
    // Most severe first: the package lists severities least severe first.
    const order = [...q.severities].reverse();
    const rank = order.length
      ? `CASE c.severity ${order
          .map(() => 'WHEN ? THEN')
          .map((w, i) => `${w} ${i}`)
          .join(' ')} ELSE ${order.length} END`
      : '0';
    keyValues.push(...order);
    keys = [rank, status, time, 'c.id'];
  } else if (q.sort === 'deadline') keys = [status, time, 'c.id'];
  else keys = ['-c.opened_at', 'c.id'];
  const shape = keys.map((_, i) => (i === keys.length - 1 ? 's' : 'n')) as ('n' | 's')[];
  const cursor = decode(`cases-${q.sort}`, q.cursor, shape);
  const names = keys.map((_, i) => `k${i}`);
  const inner = `SELECT c.doc AS opening, f.doc AS file, ${keys.map((k, i) => `${k} AS ${names[i]}`).join(', ')} ${from}`;
  const sql = `SELECT * FROM (${inner}) board${cursor ? ` WHERE ${after(dialect, names, shape)}` : ''} ORDER BY ${names.join(', ')} LIMIT ?`;
  return {
    page: { sql, values: [...keyValues, ...values, ...(cursor ?? []), q.limit + 1] },
    count: { sql: `SELECT count(*) AS n ${from}`, values },
  };
}

/** The cursor after a board row (its k0..kn). */
export function caseBoardCursor(sort: string, row: Record<string, unknown>): string {
  const key: (number | string)[] = [];
  for (let i = 0; `k${i}` in row; i++) key.push(Number(row[`k${i}`])); // PostgreSQL answers bigints as text
  key[key.length - 1] = String(row[`k${key.length - 1}`]); // the case id
  return encode(`cases-${sort}`, key);
}

/** Rows: doc, urgency, due (the sort key) and task_id. */
export function taskQuery(dialect: Dialect, q: TaskQuery): { page: Built; counts: Built } {
  const where: string[] = [];
  const values: unknown[] = [];
  if (q.actor !== undefined) {
    where.push('actor = ?');
    values.push(q.actor);
  }
  const countWhere = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const countValues = [...values];
  if (q.state === 'overdue') where.push('urgency = 0');
  else if (q.state) {
    where.push('status = ?');
    values.push(q.state);
  }
  const shape = ['n', 'n', 's'] as const;
  const cursor = decode('tasks', q.cursor, shape);
  const inner = `SELECT doc, urgency, COALESCE(due_at, ${NEVER}) AS due, task_id FROM case_tasks${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  const sum = (cond: string) => `sum(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  return {
    page: {
      sql: `SELECT * FROM (${inner}) t${cursor ? ` WHERE ${after(dialect, ['urgency', 'due', 'task_id'], shape)}` : ''} ORDER BY urgency, due, task_id LIMIT ?`,
      values: [...values, ...(cursor ?? []), q.limit + 1],
    },
    counts: {
      sql: `SELECT actor, ${sum("status = 'open'")} AS open, ${sum("status = 'acknowledged'")} AS acknowledged, ${sum("status = 'delivered'")} AS delivered, ${sum('urgency = 0')} AS overdue FROM case_tasks${countWhere} GROUP BY actor ORDER BY actor`,
      values: countValues,
    },
  };
}

export function taskCursor(row: { urgency: unknown; due: unknown; task_id: string }): string {
  return encode('tasks', [Number(row.urgency), Number(row.due), row.task_id]);
}

/** The failure of a task read from the failed tasks (`failed_at` set): such a task has one. */
export function failureOf(task: ResponseTask): ResponseFailure {
  if (!task.failure) throw new Error(`task ${task.id}: marked failed but has no failure`);
  return task.failure;
}
