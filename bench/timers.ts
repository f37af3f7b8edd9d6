// 1,000 concurrent open cases under the example package, each with a running judgment clock and a vote or two
// on it; half already declared, so their response tasks and escalation steps are running too. Measures the timer
// pass: (a) the idle pass when nothing is due (the pass a server runs every second), (b) the pass in which every
// judgment deadline falls due at once (defaults apply, 4,500 tasks and their timers are created), and (c) a pass
// two weeks on in which every task timer falls due. Baseline in the same run: the naive pass that sorts all timers
// (`dueTimers`) and fires the due ones, on the same data.
import { readFileSync } from 'node:fs';
import { casePlans, fireTimer, MemoryCasework, voteOnCase, type CaseFile } from '../src/core/ops/index.js';
import { ManualClock } from '../src/core/ops/index.js';
import { dueTimers, type Timer } from '../src/core/ops/index.js';
import { loadPackage } from '../src/core/spec/load.js';
import { CaseworkService } from '../src/server/casework.js';
import { SqliteCaseworkStore } from '../src/store/sqlite/casework-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { DAY, HOUR, MINUTE } from '../src/core/spec/units.js';

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

/**
 * The same 1,000 cases through `CaseworkService` on the SQLite store (in memory), as the server runs them: the same
 * votes (cast through the store, unsigned: signature checks are not timer work), then the same three passes.
 */
async function storePasses(): Promise<{
  idle: number;
  deadlines: number;
  tasks: number;
  fired: number;
  firedTasks: number;
}> {
  const store = SqliteStore.open({ path: ':memory:' });
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
  const [deadlines, fired] = await pass(T0 + N * MINUTE + 48 * HOUR);
  const [tasks, firedTasks] = await pass(T0 + 14 * DAY);
  await store.close();
  return { idle, deadlines, tasks, fired, firedTasks };
}
const sqRuns: Awaited<ReturnType<typeof storePasses>>[] = [];
for (let r = 0; r < 5; r++) sqRuns.push(await storePasses());
const sq = {
  idle: median(sqRuns.map((r) => r.idle)),
  deadlines: median(sqRuns.map((r) => r.deadlines)),
  tasks: median(sqRuns.map((r) => r.tasks)),
  fired: sqRuns[0]!.fired,
  firedTasks: sqRuns[0]!.firedTasks,
};

const value = sq.deadlines;
const memory = median(deadlines);
const baseline = median(naiveDeadlines);
console.log(
  `${counts.cases} open cases, ${counts.timers} running timers before the passes; ${counts.tasks} tasks after`,
);
console.log('through CaseworkService on the SQLite store (in memory), one transaction per pass (median of 5):');
console.log(`  idle pass (nothing due):                      ${sq.idle.toFixed(3)} ms`);
console.log(`  every judgment deadline due (${sq.fired} timers): ${value.toFixed(2)} ms  (target < 50 ms)`);
console.log(`  every task timer due two weeks on (${sq.firedTasks} timers): ${sq.tasks.toFixed(2)} ms`);
console.log('in memory (MemoryCasework, no store), as context (median of 7):');
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
    baselines: { 'memory-pass': +memory.toFixed(2), 'naive-sort-pass': +baseline.toFixed(2) },
    ratios: { 'memory-pass': +(value / memory).toFixed(2), 'naive-sort-pass': +(value / baseline).toFixed(2) },
    sqlite_idle_pass_ms: +sq.idle.toFixed(3),
    sqlite_task_pass_ms: +sq.tasks.toFixed(2),
    idle_pass_ms: +median(idle).toFixed(3),
    naive_idle_pass_ms: +median(naiveIdle).toFixed(3),
    task_pass_ms: +median(tasks).toFixed(2),
    cases: counts.cases,
    timers: counts.timers,
  }),
);
