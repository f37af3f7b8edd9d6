// 1,000 concurrent open cases under the example package, each with a running judgment clock and a vote or two
// on it; half already declared, so their response tasks and escalation steps are running too. Measures the timer
// pass as the server runs it, through `CaseworkService` on the SQLite store (one transaction per pass, every record
// it writes on the transparency log), under the server's Node.js flags: (a) the idle pass when nothing is due (the
// pass a server runs every second), (b) the headline, the pass in which every judgment deadline falls due at once
// (defaults apply, tasks and their timers are created), and (c) a pass two weeks on in which every task timer falls
// due. Baselines in the same run: the bare rows (every row the store's pass wrote, replayed with plain multi-row
// statements into the database as it was before the pass: what SQLite alone costs for that pass), the same pass in
// memory (MemoryCasework: the transitions without a store or log) and the naive in-memory pass that sorts all
// timers (`dueTimers`). docs/benchmarks.md, "Timers".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { serverNodeFlags } from '../test/support/child.js';
import { casePlans, fireTimer, MemoryCasework, voteOnCase, type CaseFile } from '../src/core/ops/index.js';
import { ManualClock } from '../src/core/ops/index.js';
import { dueTimers, type Timer } from '../src/core/ops/index.js';
import { loadPackage } from '../src/core/spec/load.js';
import { CaseworkService } from '../src/server/casework.js';
import { SqliteCaseworkStore } from '../src/store/sqlite/casework-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { DAY, HOUR, MINUTE } from '../src/core/spec/units.js';
import { decodeEntry } from '../src/core/tlog/entry.js';
import { caseStepRecords } from '../src/store/log-entries.js';

// The store path runs as the server does: under bin/guarantor.js's Node.js flags (a larger young generation).
if (!serverNodeFlags.every((f) => process.execArgv.includes(f))) {
  const r = spawnSync(process.execPath, [...serverNodeFlags, ...process.execArgv, import.meta.filename], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

const pkg = loadPackage(readFileSync('examples/ukraine-2026.yaml', 'utf8'), { file: 'ukraine-2026.yaml' }).model!;
const plans = casePlans(pkg);
const T0 = Date.UTC(2026, 6, 1);
const N = 1000;
const severities = ['minor', 'serious', 'armed-attack'];

function setUp(): { work: MemoryCasework; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const work = new MemoryCasework(plans, clock);
  for (let i = 0; i < N; i++) {
    clock.set(T0 + i * MINUTE);
    const id = `case-${String(i).padStart(4, '0')}`;
    work.open({ caseId: id, severity: severities[i % 3]!, attributedTo: ['RU'] });
    work.vote(id, { member: 'FR', choice: 'declare' });
    if (i % 2 === 0) {
      work.vote(id, { member: 'UK', choice: 'declare' });
      work.vote(id, { member: 'DE', choice: 'declare' });
    }
  }
  return { work, clock };
}

function time(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * The baseline: sort every scheduled timer, fire the due ones in order, and repeat while firing created due ones
 * (a declaration's tasks, an overdue task's next escalation step), as a pass without a priority queue would.
 */
function naivePass(files: Map<string, CaseFile>, timers: Timer[], now: number): Timer[] {
  let pending = timers;
  for (;;) {
    const due = dueTimers(pending, now);
    if (due.length === 0) return pending;
    const fired = new Set(due.map((t) => t.key));
    const created: Timer[] = [];
    for (const t of due) {
      const step = fireTimer(plans, files.get(t.caseId)!, t);
      files.set(t.caseId, step.file);
      created.push(...step.timers);
    }
    pending = [...pending.filter((t) => !fired.has(t.key)), ...created];
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const runs = 7;
const idle: number[] = [];
const deadlines: number[] = [];
const tasks: number[] = [];
const naiveDeadlines: number[] = [];
const naiveIdle: number[] = [];
let counts = { cases: 0, timers: 0, firedDeadlines: 0, firedTasks: 0, tasks: 0 };
for (let r = 0; r < runs; r++) {
  const { work, clock } = setUp();
  const timersBefore = work.queue.size;
  clock.set(T0 + N * MINUTE);
  idle.push(time(() => work.tick()));
  clock.set(T0 + N * MINUTE + 48 * HOUR);
  let fired = 0;
  deadlines.push(time(() => (fired = work.tick().length)));
  const firedDeadlines = fired;
  clock.set(T0 + 14 * DAY);
  tasks.push(time(() => (fired = work.tick().length)));
  counts = {
    cases: work.files.size,
    timers: timersBefore,
    firedDeadlines,
    firedTasks: fired,
    tasks: [...work.files.values()].reduce((n, f) => n + f.tasks.length, 0),
  };

  const base = setUp();
  const files = new Map(base.work.files);
  const timers = base.work.queue.toArray();
  naiveIdle.push(time(() => naivePass(files, timers, T0 + N * MINUTE)));
  naiveDeadlines.push(time(() => naivePass(files, timers, T0 + N * MINUTE + 48 * HOUR)));
}

/** The rows one pass wrote, as plain values, and the database as it was before the pass. */
interface PassRows {
  before: Buffer;
  entries: unknown[][];
  nodes: unknown[][];
  timers: unknown[][];
  firedKeys: string[];
  tasks: unknown[][];
  files: unknown[][];
  head: unknown[];
}

/** Every row the pass changed: new log entries and nodes, new timers, timers it marked fired, changed tasks and files. */
function passRows(db: Database.Database, before: Buffer): PassRows {
  const pre = new Database(before);
  const keys = (d: Database.Database, sql: string) =>
    new Set((d.prepare(sql).raw().all() as unknown[][]).map((r) => r.join('\n')));
  const preNodes = keys(pre, 'SELECT level, idx FROM tlog_node');
  const preTimers = new Map(
    (pre.prepare('SELECT key, fired_at FROM timers').raw().all() as [string, number | null][]).map(([k, f]) => [k, f]),
  );
  const preTasks = keys(pre, 'SELECT task_id, doc FROM case_tasks');
  const preFiles = keys(pre, 'SELECT case_id, doc FROM case_files');
  const size = (pre.prepare('SELECT size FROM tlog_head').pluck().get() as number) ?? 0;
  pre.close();
  const all = (sql: string) => db.prepare(sql).raw().all() as unknown[][];
  const timers = all('SELECT key, case_id, kind, rank, step, at, task_id, fired_at FROM timers');
  return {
    before,
    entries: all(`SELECT idx, kind, record_id, leaf, leaf_key, entry FROM tlog_entry WHERE idx >= ${size}`),
    nodes: all('SELECT level, idx, hash FROM tlog_node').filter((r) => !preNodes.has(`${r[0]}\n${r[1]}`)),
    timers: timers.filter((r) => !preTimers.has(r[0] as string)),
    firedKeys: timers
      .filter((r) => preTimers.has(r[0] as string) && preTimers.get(r[0] as string) === null && r[7] !== null)
      .map((r) => r[0] as string),
    tasks: all('SELECT task_id, case_id, actor, status, urgency, due_at, failed_at, doc, task_id FROM case_tasks')
      .filter((r) => !preTasks.has(`${r[0]}\n${r[7]}`))
      .map((r) => r.slice(0, 8)),
    files: all('SELECT status, deadline, decided_at, effect, responding, doc, case_id FROM case_files').filter(
      (r) => !preFiles.has(`${r[6]}\n${r[5]}`),
    ),
    head: db.prepare('SELECT size, root FROM tlog_head').raw().get() as unknown[],
  };
}

/** What a replay of the bare rows leaves out or slims (`TIMERS_VARIANTS=1`): what a different layout would save. */
type Variant =
  | 'log'
  | 'no-tree-nodes'
  | 'no-task-docs'
  | 'files-without-tasks'
  | 'no-timer-rows'
  | 'no-task-rows'
  | 'no-timer-indexes'
  | 'no-task-indexes';

/**
 * The bare rows: the pass's rows written into the database as it was before the pass, in one transaction, by plain
 * multi-row INSERTs (100 rows each, prepared once), one UPDATE marking the fired timers and one per changed file:
 * no reading, no transitions, no serialising or hashing. A variant writes the log's rows alone (entries, nodes,
 * head), or leaves out the tree nodes, the task rows' documents, the tasks inside the case files' documents, the
 * timer rows (new and marked fired), the task rows, or the secondary indexes of the timers or the task rows (dropped
 * before the replay). Returns milliseconds.
 */
function bareRows(rows: PassRows, variant?: Variant): number {
  const db = new Database(rows.before);
  if (variant === 'no-timer-indexes') db.exec('DROP INDEX timers_due; DROP INDEX timers_case');
  if (variant === 'no-task-indexes')
    db.exec(
      'DROP INDEX case_tasks_case; DROP INDEX case_tasks_order; DROP INDEX case_tasks_actor; DROP INDEX case_tasks_failed',
    );
  const taskRows = variant === 'no-task-docs' ? rows.tasks.map((r) => [...r.slice(0, 7), '']) : rows.tasks;
  const fileRows =
    variant === 'files-without-tasks'
      ? rows.files.map((r) => [...r.slice(0, 5), JSON.stringify({ ...JSON.parse(r[5] as string), tasks: [] }), r[6]])
      : rows.files;
  const insert = (target: string, width: number, values: unknown[][], tail = '') => {
    const one = `(${new Array(width).fill('?').join(', ')})`;
    const stmts = new Map<number, Database.Statement>();
    for (const n of new Set([100, values.length % 100]))
      if (n) stmts.set(n, db.prepare(`INSERT INTO ${target} VALUES ${new Array(n).fill(one).join(', ')} ${tail}`));
    return () => {
      for (let i = 0; i < values.length; i += 100) {
        const chunk = values.slice(i, i + 100);
        stmts.get(chunk.length)?.run(chunk.flat());
      }
    };
  };
  const entries = insert('tlog_entry (idx, kind, record_id, leaf, leaf_key, entry)', 6, rows.entries);
  const nodes = insert('tlog_node (level, idx, hash)', 3, rows.nodes);
  const head = db.prepare('UPDATE tlog_head SET size = ?, root = ? WHERE id = 1');
  const timers = insert('timers (key, case_id, kind, rank, step, at, task_id, fired_at)', 8, rows.timers);
  const fired = db.prepare('UPDATE timers SET fired_at = ? WHERE key IN (SELECT value FROM json_each(?))');
  const tasks = insert(
    'case_tasks (task_id, case_id, actor, status, urgency, due_at, failed_at, doc)',
    8,
    taskRows,
    'ON CONFLICT (task_id) DO UPDATE SET status = excluded.status, urgency = excluded.urgency, due_at = excluded.due_at, failed_at = excluded.failed_at, doc = excluded.doc',
  );
  const file = db.prepare(
    'UPDATE case_files SET status = ?, deadline = ?, decided_at = ?, effect = ?, responding = ?, doc = ? WHERE case_id = ?',
  );
  const firedKeys = JSON.stringify(rows.firedKeys);
  const t0 = process.hrtime.bigint();
  db.transaction(() => {
    entries();
    if (variant !== 'no-tree-nodes') nodes();
    head.run(...rows.head);
    if (variant === 'log') return;
    if (variant !== 'no-timer-rows') {
      timers();
      fired.run(T0, firedKeys);
    }
    if (variant !== 'no-task-rows') tasks();
    for (const f of fileRows) file.run(...f);
  }).immediate();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  db.close();
  return ms;
}

/**
 * The same 1,000 cases through `CaseworkService` on the SQLite store, as the server runs them: the same votes (cast
 * through the store, unsigned: signature checks are not timer work), then the same three passes. In memory
 * (`:memory:`) unless `file`: a database file in WAL mode with synchronous=FULL, as `guarantor serve` opens it.
 */
async function storePasses(file?: string): Promise<{
  idle: number;
  deadlines: number;
  tasks: number;
  fired: number;
  firedTasks: number;
  rows: PassRows | undefined;
}> {
  const store = SqliteStore.open({ path: file ?? ':memory:' });
  const insert = store.db.prepare(
    'INSERT INTO cases (id, case_key, trigger_id, severity, party, opened_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const id = `case-${String(i).padStart(4, '0')}`;
    ids.push(id);
    const doc = {
      id,
      key: id,
      trigger: 't',
      severity: severities[i % 3],
      party: 'RU',
      windowStart: T0,
      windowEnd: null,
      breachAt: T0,
      openedAt: T0 + i * MINUTE,
      evidence: [],
    };
    insert.run(id, id, 't', doc.severity, 'RU', doc.openedAt, JSON.stringify(doc));
  }
  const clock = new ManualClock(T0);
  const cw = new SqliteCaseworkStore(store.db);
  const svc = new CaseworkService(cw, pkg, clock);
  clock.set(T0);
  await svc.catchUp();
  for (let i = 0; i < N; i++) {
    clock.set(T0 + i * MINUTE);
    await svc.catchUp();
    const members = i % 2 === 0 ? ['FR', 'UK', 'DE'] : ['FR'];
    for (const member of members)
      await cw.updateCase(ids[i]!, (f) => {
        const r = voteOnCase(plans, f!, { member, choice: 'declare', at: T0 + i * MINUTE });
        return { step: r, result: undefined };
      });
  }
  const pass = async (at: number): Promise<[number, number]> => {
    clock.set(at);
    const t0 = process.hrtime.bigint();
    const n = (await svc.catchUp()).length;
    return [Number(process.hrtime.bigint() - t0) / 1e6, n];
  };
  const [idle] = await pass(T0 + N * MINUTE);
  // The bare rows are replayed into an in-memory copy (a WAL file's image does not open from memory).
  const before = file ? undefined : store.db.serialize();
  const [deadlines, fired] = await pass(T0 + N * MINUTE + 48 * HOUR);
  const rows = before && passRows(store.db, before);
  const [tasks, firedTasks] = await pass(T0 + 14 * DAY);
  await store.close();
  return { idle, deadlines, tasks, fired, firedTasks, rows };
}

const sqRuns: Awaited<ReturnType<typeof storePasses>>[] = [];
const bare: number[] = [];
const bareLog: number[] = [];
for (let r = 0; r < 5; r++) {
  const run = await storePasses();
  sqRuns.push(run);
  // Alternated with the store's passes, on the rows of the run just measured.
  if (!run.rows) throw new Error('bug: an in-memory run keeps its rows');
  bare.push(bareRows(run.rows));
  bareLog.push(bareRows(run.rows, 'log'));
}
// TIMERS_VARIANTS=1: the bare rows again without parts of them, alternated with the full replay (docs/operations/judgment.md).
const variants: [Variant | 'every row', number[]][] = [];
if (process.env['TIMERS_VARIANTS']) {
  const rows = sqRuns[0]!.rows!;
  const names = [
    'every row',
    'no-tree-nodes',
    'no-task-docs',
    'files-without-tasks',
    'no-timer-rows',
    'no-task-rows',
    'no-timer-indexes',
    'no-task-indexes',
  ] as const;
  for (const n of names) variants.push([n, []]);
  for (let r = 0; r < 7; r++)
    for (const [n, xs] of variants) xs.push(bareRows(rows, n === 'every row' ? undefined : n));
}
const dir = mkdtempSync(join(tmpdir(), 'guarantor-timers-'));
const fileRuns: number[] = [];
for (let r = 0; r < 3; r++) fileRuns.push((await storePasses(join(dir, `run-${r}.db`))).deadlines);
rmSync(dir, { recursive: true, force: true });
const sq = {
  idle: median(sqRuns.map((r) => r.idle)),
  deadlines: median(sqRuns.map((r) => r.deadlines)),
  tasks: median(sqRuns.map((r) => r.tasks)),
  fired: sqRuns[0]!.fired,
  firedTasks: sqRuns[0]!.firedTasks,
  rows: sqRuns[0]!.rows!,
};

const value = sq.deadlines;
const memory = median(deadlines);
const baseline = median(naiveDeadlines);
const bareMs = median(bare);
const bareLogMs = median(bareLog);
const fileMs = median(fileRuns);
/**
 * The log entries the same pass wrote before case steps (one per record: each step's records, and every other entry):
 * context for the layout change (docs/operations/judgment.md, "Timers").
 */
function oneEntryPerRecord(entries: unknown[][]): number {
  let n = 0;
  for (const r of entries) {
    if (r[1] !== 'case-step') {
      n++;
      continue;
    }
    const d = decodeEntry(new Uint8Array(r[5] as Buffer));
    const subs = d.ok ? caseStepRecords(d.entry.record) : 'undecodable';
    if (typeof subs === 'string') throw new Error(`bug: case step ${String(r[2])}: ${subs}`);
    n += subs.length;
  }
  return n;
}
const written = {
  log_entries: sq.rows.entries.length,
  log_entries_one_per_record: oneEntryPerRecord(sq.rows.entries),
  tree_nodes: sq.rows.nodes.length,
  timers_new: sq.rows.timers.length,
  timers_fired: sq.rows.firedKeys.length,
  task_rows: sq.rows.tasks.length,
  case_files: sq.rows.files.length,
};
console.log(
  `${counts.cases} open cases, ${counts.timers} running timers before the passes; ${counts.tasks} tasks after`,
);
console.log(
  `the server's path: CaseworkService on the SQLite store (in memory), one transaction per pass, Node ${serverNodeFlags.join(' ')} (median of 5):`,
);
console.log(`  idle pass (nothing due):                      ${sq.idle.toFixed(3)} ms`);
console.log(`  every judgment deadline due (${sq.fired} timers): ${value.toFixed(2)} ms  (target < 50 ms)`);
console.log(`  every task timer due two weeks on (${sq.firedTasks} timers): ${sq.tasks.toFixed(2)} ms`);
console.log(
  `  the deadline pass on a database file (WAL, synchronous=FULL, as guarantor serve; median of 3): ${fileMs.toFixed(2)} ms`,
);
console.log(
  `  rows it wrote: ${written.log_entries} log entries, ${written.tree_nodes} tree nodes, ${written.timers_new} timers (${written.timers_fired} more marked fired), ${written.task_rows} task rows, ${written.case_files} case files`,
);
console.log(
  `  (one case step per case changed; one entry per record, as before case steps, would be ${written.log_entries_one_per_record} log entries and about as many tree nodes)`,
);
console.log(`baseline, the bare rows (those rows alone, plain multi-row statements, one transaction; median of 5):`);
console.log(
  `  every row: ${bareMs.toFixed(2)} ms; the log's rows alone (entries, nodes, head): ${bareLogMs.toFixed(2)} ms`,
);
for (const [n, xs] of variants) console.log(`  variant ${n}: ${median(xs).toFixed(2)} ms (median of 7)`);
console.log('in memory (MemoryCasework, no store, no log), as context (median of 7):');
console.log(`  idle pass (nothing due):                      ${median(idle).toFixed(3)} ms`);
console.log(`  every judgment deadline due (${counts.firedDeadlines} timers): ${memory.toFixed(2)} ms`);
console.log(`  every task timer due two weeks on (${counts.firedTasks} timers): ${median(tasks).toFixed(2)} ms`);
console.log(
  `baseline, naive sort-all pass on the deadlines (in memory):  ${baseline.toFixed(2)} ms; idle: ${median(naiveIdle).toFixed(3)} ms`,
);
console.log(
  JSON.stringify({
    bench: 'timers',
    unit: 'ms',
    value: +value.toFixed(2),
    baselines: {
      'bare-rows': +bareMs.toFixed(2),
      'memory-pass': +memory.toFixed(2),
      'naive-sort-pass': +baseline.toFixed(2),
    },
    ratios: {
      'bare-rows': +(value / bareMs).toFixed(2),
      'memory-pass': +(value / memory).toFixed(2),
      'naive-sort-pass': +(value / baseline).toFixed(2),
    },
    bare_log_rows_ms: +bareLogMs.toFixed(2),
    ...(variants.length
      ? { bare_variants_ms: Object.fromEntries(variants.map(([n, xs]) => [n, +median(xs).toFixed(2)])) }
      : {}),
    sqlite_file_pass_ms: +fileMs.toFixed(2),
    sqlite_idle_pass_ms: +sq.idle.toFixed(3),
    sqlite_task_pass_ms: +sq.tasks.toFixed(2),
    idle_pass_ms: +median(idle).toFixed(3),
    naive_idle_pass_ms: +median(naiveIdle).toFixed(3),
    task_pass_ms: +median(tasks).toFixed(2),
    cases: counts.cases,
    timers: counts.timers,
    written,
  }),
);
