/**
 * `guarantor simulate FILE`: Monte Carlo runs of a package against adversary strategies, spread over worker threads.
 * Every task's numbers depend only on the seed, the strategy and the run index, so the report is identical whatever
 * `--workers` says (a test holds us to it).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { startWorker } from '../worker-thread.js';
import { SingleBar, Presets } from 'cli-progress';
import { hasErrors, type Diagnostic } from '../core/diagnostics/diagnostic.js';
import { renderText as renderDiagnostics } from '../core/diagnostics/render/text.js';
import {
  buildReport,
  planTasks,
  ResultSet,
  Simulator,
  type ExperimentSpec,
  type SimulationReport,
  type Task,
} from '../core/sim/experiment.js';
import { renderHtml } from '../core/sim/render/html.js';
import { renderMarkdown } from '../core/sim/render/markdown.js';
import { renderText } from '../core/sim/render/text.js';
import { loadScenario } from '../core/sim/scenario.js';
import { loadPackageFile, readText } from '../package-files.js';
import { UsageError } from './usage-error.js';
import { toolVersion } from '../version.js';
import { itemAt } from '../core/item-at.js';

const formats = ['text', 'json', 'markdown', 'html'] as const;
type Format = (typeof formats)[number];

/** Sensitivity runs per strategy per end when neither the scenario nor the command line says. */
export const DEFAULT_SENSITIVITY_RUNS = 500;

interface Options {
  scenario?: string;
  runs?: string;
  seed?: string;
  workers?: string;
  format: string;
  sensitivityRuns?: string;
  perClause?: boolean;
}

const int = (name: string, v: string | undefined, min: number): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v)))
    throw new UsageError(`--${name} takes a whole number of at least ${min}, not "${v}"`);
  return Number(v);
};

export function register(program: Command): void {
  program
    .command('simulate')
    .description('stress-test a package: Monte Carlo runs against adversary strategies, with a sensitivity tornado')
    .argument('<file>', 'package file (YAML)')
    .option('-s, --scenario <file>', 'scenario file choosing strategies and model parameters (docs/simulation.md)')
    .option('-n, --runs <n>', 'runs per strategy (default: the scenario, else 10000)')
    .option('--seed <n>', 'random seed (default: the scenario, else 1)')
    .option('-w, --workers <n>', 'worker threads (default: one per core)')
    .option(
      '--sensitivity-runs <n>',
      `runs per strategy for each end of each sensitivity input; 0 for none (default ${DEFAULT_SENSITIVITY_RUNS})`,
    )
    .option('--per-clause', 'add one tornado input per trigger, response tier and source (slower)')
    .option('-f, --format <format>', `output format: ${formats.join(', ')}`, 'text')
    .action(async (file: string, opts: Options) => {
      process.exitCode = await runSimulate(file, opts);
    });
}

export async function runSimulate(file: string, opts: Options): Promise<number> {
  if (!formats.includes(opts.format as Format))
    throw new UsageError(`unknown format "${opts.format}"; use one of ${formats.join(', ')}`);
  const runs = int('runs', opts.runs, 1);
  const seed = int('seed', opts.seed, 0);
  const workers = int('workers', opts.workers, 1) ?? availableParallelism();
  const sensitivityRuns = int('sensitivity-runs', opts.sensitivityRuns, 0);

  const loaded = loadPackageFile(file);
  const sources = new Map([[loaded.file, loaded.source.text]]);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  let spec: ExperimentSpec | undefined;
  if (loaded.model) {
    const text = opts.scenario === undefined ? undefined : readText(opts.scenario);
    const sc = loadScenario(text, loaded.model, {
      file: opts.scenario ?? file,
      packageFile: file,
      packageSource: loaded.source,
    });
    if (sc.source) sources.set(sc.source.file, sc.source.text);
    diagnostics.push(...sc.diagnostics);
    if (sc.scenario) {
      const s = sc.scenario;
      const n = runs ?? s.runs;
      spec = {
        pkg: loaded.model,
        adversary: s.adversary,
        adversaryNamed: s.adversaryNamed,
        params: s.params,
        strategies: s.strategies,
        seed: seed ?? s.seed,
        runs: n,
        sensitivityRuns: Math.min(n, sensitivityRuns ?? s.sensitivityRuns ?? DEFAULT_SENSITIVITY_RUNS),
        sensitivityItems: s.sensitivityItems,
        sensitivityPerClause: opts.perClause === true || s.sensitivityPerClause,
      };
    }
  }
  if (diagnostics.length)
    process.stderr.write(
      renderDiagnostics(diagnostics, { sources, color: process.stderr.isTTY === true && !process.env['NO_COLOR'] }),
    );
  if (!spec || hasErrors(diagnostics)) return 1;

  const bar = process.stderr.isTTY
    ? new SingleBar(
        { format: 'simulating [{bar}] {percentage}% | {value}/{total} tasks | {eta}s left', hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  const report = await simulate(
    spec,
    workers,
    bar && {
      start: (total) => bar.start(total, 0),
      tick: (done) => bar.update(done),
      stop: () => bar.stop(),
    },
  );
  process.stdout.write(render(report, opts.format as Format));
  return 0;
}

export function render(report: SimulationReport, format: Format): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ tool: { name: 'guarantor', version: toolVersion }, ...report }, null, 2) + '\n';
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    default:
      return renderText(report);
  }
}

export interface Progress {
  start(total: number): void;
  tick(done: number): void;
  stop(): void;
}

/** Run an experiment on `workers` threads (1: on this thread) and build its report. */
export async function simulate(spec: ExperimentSpec, workers: number, progress?: Progress): Promise<SimulationReport> {
  const tasks = planTasks(spec);
  const results = new ResultSet(spec);
  progress?.start(tasks.length);
  try {
    if (workers <= 1) {
      const sim = new Simulator(spec);
      // Yield between tasks so the progress bar can draw.
      for (let i = 0; i < tasks.length; i++) {
        const task = itemAt(tasks, i);
        results.add(task, sim.runTask(task));
        progress?.tick(i + 1);
        if (progress && i % 8 === 7) await new Promise((r) => setImmediate(r));
      }
    } else {
      await runOnWorkers(spec, tasks, Math.min(workers, tasks.length), (t, rec, done) => {
        results.add(t, rec);
        progress?.tick(done);
      });
    }
  } finally {
    progress?.stop();
  }
  return buildReport(spec, results);
}

function runOnWorkers(
  spec: ExperimentSpec,
  tasks: Task[],
  n: number,
  onResult: (t: Task, records: Float64Array, done: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const pool: Worker[] = [];
    const finish = (err?: Error) => {
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    for (let i = 0; i < n; i++) {
      const w = startWorker(import.meta.url, 'simulate-worker', spec);
      pool.push(w);
      const feed = () => {
        if (next < tasks.length) w.postMessage(tasks[next++]);
      };
      w.on('message', (msg: { task: Task; records: Float64Array }) => {
        onResult(msg.task, msg.records, ++done);
        if (done === tasks.length) finish();
        else feed();
      });
      w.on('error', (e) => {
        if (!failed) {
          failed = true;
          finish(e);
        }
      });
      feed();
    }
  });
}
