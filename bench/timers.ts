// 1,000 concurrent open cases under the example package, each with a running judgment clock and a vote or two
// on it; half already declared, so their response tasks and escalation steps are running too. Measures the timer
// pass: (a) the idle pass when nothing is due (the pass a server runs every second), (b) the pass in which every
// judgment deadline falls due at once (defaults apply, 4,500 tasks and their timers are created), and (c) a pass
// two weeks on in which every task timer falls due. Baseline in the same run: the naive pass that sorts all timers
// (`dueTimers`) and fires the due ones, on the same data.
import { readFileSync } from 'node:fs';
import { casePlans, fireTimer, MemoryCasework, type CaseFile } from '../src/core/ops/casework.js';
import { ManualClock } from '../src/core/ops/clock.js';
import { dueTimers, type Timer } from '../src/core/ops/timer.js';
import { loadPackage } from '../src/core/spec/load.js';
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

/** The baseline: every pass sorts every scheduled timer and fires the due ones. */
function naivePass(files: Map<string, CaseFile>, timers: Timer[], now: number): Timer[] {
  const due = dueTimers(timers, now);
  const fired = new Set(due.map((t) => t.key));
  for (const t of due) {
    const step = fireTimer(plans, files.get(t.caseId)!, t);
    files.set(t.caseId, step.file);
    for (const n of step.timers) if (n.at <= now) fired.add(n.key);
    timers.push(...step.timers);
  }
  return timers.filter((t) => !fired.has(t.key));
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
  naiveDeadlines.push(time(() => naivePass(files, timers, T0 + N * MINUTE + 48 * HOUR)));
}

const value = median(deadlines);
const baseline = median(naiveDeadlines);
console.log(`${counts.cases} open cases, ${counts.timers} running timers before the passes; ${counts.tasks} tasks after`);
console.log(`idle pass (nothing due):                      ${median(idle).toFixed(3)} ms`);
console.log(`every judgment deadline due (${counts.firedDeadlines} timers): ${value.toFixed(2)} ms  (target < 50 ms)`);
console.log(`every task timer due two weeks on (${counts.firedTasks} timers): ${median(tasks).toFixed(2)} ms`);
console.log(`baseline, naive sort-all pass on the deadlines:  ${baseline.toFixed(2)} ms`);
console.log(
  JSON.stringify({
    bench: 'timers',
    unit: 'ms',
    value: +value.toFixed(2),
    baselines: { 'naive-sort-pass': +baseline.toFixed(2) },
    ratios: { 'naive-sort-pass': +(value / baseline).toFixed(2) },
    idle_pass_ms: +median(idle).toFixed(3),
    task_pass_ms: +median(tasks).toFixed(2),
    cases: counts.cases,
    timers: counts.timers,
  }),
);
