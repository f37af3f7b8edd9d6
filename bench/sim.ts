// `guarantor simulate` throughput: package-days per second on one thread (target >= 1,000,000 per core), and
// 10,000 runs per strategy of the example's 36-month horizon on 1 and on 2 worker threads (target < 10 s on this
// 2-core machine for the whole set of strategies), the 1-worker time being the baseline measured in the same run.
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadPackageFile } from '../src/package-files.js';
import type { simulate as Simulate } from '../src/cli/simulate.js';
import { resolveParams, Simulator, planTasks, type ExperimentSpec } from '../src/core/sim/experiment.js';
import { F, FIELDS } from '../src/core/sim/engine.js';
import { strategies, strategyNames } from '../src/core/sim/strategies/index.js';

const pkg = loadPackageFile(join('examples', 'ukraine-2026.yaml')).model!;
const spec = (runs: number, names = strategyNames): ExperimentSpec => ({
  pkg,
  adversary: 'RU',
  params: resolveParams(pkg),
  strategies: names.map((n) => ({ name: n, label: n, options: strategies[n]!.options.parse({}) })),
  seed: 1,
  runs,
  sensitivityRuns: 0,
});

// 1. One thread, no workers: package-days per second, per strategy and overall.
const perStrategy: string[] = [];
let days = 0;
let ms = 0;
for (let s = 0; s < strategyNames.length; s++) {
  const one = spec(2000, [strategyNames[s]!]);
  const sim = new Simulator(one);
  sim.runTask({ variant: 0, strategy: 0, from: 0, to: 50 }); // warm up the JIT
  const t0 = process.hrtime.bigint();
  let d = 0;
  for (const t of planTasks(one)) {
    const rec = sim.runTask(t);
    for (let i = F.days; i < rec.length; i += FIELDS) d += rec[i]!;
  }
  const el = Number(process.hrtime.bigint() - t0) / 1e6;
  days += d;
  ms += el;
  perStrategy.push(`  ${strategyNames[s]!.padEnd(20)} ${(d / el / 1000).toFixed(2).padStart(7)} M package-days/s`);
}
const perCore = (days / ms) * 1000;
console.log('one thread, 2,000 runs per strategy:');
console.log(perStrategy.join('\n'));
console.log(
  `  all strategies       ${(perCore / 1e6).toFixed(2).padStart(7)} M package-days/s  (target >= 1 M per core)`,
);

// 2. The CLI path: 10,000 runs per strategy, every strategy, on 1 and 2 workers (worker start-up included). The
// compiled CLI (dist/, `npm run build`) is what users run; from source each worker would first compile TypeScript.
const compiled = resolve('dist', 'cli', 'simulate.js');
const { simulate } = (
  existsSync(compiled) ? await import(pathToFileURL(compiled).href) : await import('../src/cli/simulate.js')
) as { simulate: typeof Simulate };
console.log(
  `\nworkers run ${existsSync(compiled) ? 'the compiled CLI (dist/)' : 'from source through tsx (run `npm run build` first for the real figure)'}`,
);
const full = spec(10_000);
// CPU time (all threads) is reported beside wall time: on a shared, oversubscribed machine the wall-clock speed-up
// says more about the neighbours than about us.
const time = async (workers: number) => {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r = await simulate(full, workers);
  const c = process.cpuUsage(c0);
  return {
    ms: Number(process.hrtime.bigint() - t0) / 1e6,
    cpuMs: (c.user + c.system) / 1000,
    runDays: r.runDays,
    report: r,
  };
};
const w1 = await time(1);
const w2 = await time(2);
const same = JSON.stringify(w1.report) === JSON.stringify(w2.report);
const runs = full.runs * full.strategies.length;
console.log(`\n10,000 runs x ${full.strategies.length} strategies (${runs} runs, ${w1.runDays} package-days):`);
console.log(
  `  1 worker:  ${(w1.ms / 1000).toFixed(2)} s wall, ${(w1.cpuMs / 1000).toFixed(2)} s CPU  ${(((w1.runDays / w1.ms) * 1000) / 1e6).toFixed(2)} M package-days/s`,
);
console.log(
  `  2 workers: ${(w2.ms / 1000).toFixed(2)} s wall, ${(w2.cpuMs / 1000).toFixed(2)} s CPU  ${(((w2.runDays / w2.ms) * 1000) / 1e6).toFixed(2)} M package-days/s  (target < 10 s)`,
);
console.log(
  `  speed-up 1 -> 2 workers: ${(w1.ms / w2.ms).toFixed(2)}x wall; on two free cores at most ${((2 * w1.cpuMs) / w2.cpuMs).toFixed(2)}x (CPU); identical reports: ${same}`,
);
console.log(
  `  load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores`,
);
if (!same) process.exitCode = 1;
console.log(
  JSON.stringify({
    bench: 'sim',
    unit: 'ms',
    value: Math.round(w2.ms),
    baselines: { 'one-worker': Math.round(w1.ms) },
    ratios: { 'one-worker': +(w2.ms / w1.ms).toFixed(3) },
    runs,
    package_days: w2.runDays,
    package_days_per_s_one_thread: Math.round(perCore),
    package_days_per_s_two_workers: Math.round((w2.runDays / w2.ms) * 1000),
    speedup_1_to_2_workers: +(w1.ms / w2.ms).toFixed(2),
    cpu_ms_one_worker: Math.round(w1.cpuMs),
    cpu_ms_two_workers: Math.round(w2.cpuMs),
    load_average: +loadavg()[0]!.toFixed(1),
  }),
);
