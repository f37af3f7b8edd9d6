/**
 * `guarantor calibrate [DIR]`: fit the simulation's free parameters to what history says of the agreements in a
 * library (default examples/historical: its package files and outcomes.yaml), with a leave-one-out check
 * (docs/simulation.md, "Calibration against history"). Experiments are spread over worker threads; each one's numbers
 * depend only on its seed, so the report is the same whatever `--workers` says.
 */
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { hasErrors } from '../core/diagnostics/diagnostic.js';
import {
  calibrate,
  calibrationMarkdown,
  outcomesSchema,
  type Agreement,
  type CalibrationReport,
} from '../core/sim/calibration.js';
import type { ExperimentSpec } from '../core/sim/experiment.js';
import { startWorker } from '../worker-thread.js';
import { loadPackageFile, readText } from '../package-files.js';
import { UsageError } from './usage-error.js';
import { toolVersion } from '../version.js';

const formats = ['text', 'json', 'markdown'] as const;

interface Options {
  runs: string;
  seed: string;
  workers?: string;
  format: string;
  baseline?: string;
}

const int = (name: string, v: string, min: number): number => {
  if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v)))
    throw new UsageError(`--${name} takes a whole number of at least ${min}, not "${v}"`);
  return Number(v);
};

export function register(program: Command): void {
  program
    .command('calibrate')
    .description("fit the simulation's free parameters to a historical library's outcomes, with a leave-one-out check")
    .argument('[dir]', 'library directory holding package files and outcomes.yaml', join('examples', 'historical'))
    .option('-n, --runs <n>', 'runs per strategy per grid point', '200')
    .option('--seed <n>', 'random seed', '1')
    .option('-w, --workers <n>', 'worker threads (default: one per core)')
    .option('-f, --format <format>', `output format: ${formats.join(', ')}`, 'text')
    .option(
      '--baseline <end>',
      'each war baseline multiplier at: estimate, or the low or high end of its range',
      'estimate',
    )
    .action(async (dir: string, opts: Options) => {
      process.exitCode = await runCalibrate(dir, opts);
    });
}

/** The library's agreements with an outcome, and those left out with the reason. */
export function loadLibrary(dir: string): { agreements: Agreement[]; skipped: { file: string; reason: string }[] } {
  const outcomesFile = join(dir, 'outcomes.yaml');
  let raw: unknown;
  try {
    raw = parse(readText(outcomesFile));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${outcomesFile}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = outcomesSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UsageError(`${outcomesFile}: \`${i?.path.join('.') || '(top)'}\`: ${i?.message ?? 'invalid'}`);
  }
  const outcomes = parsed.data.agreements;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'outcomes.yaml')
    .sort();
  const agreements: Agreement[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const file of files) {
    const entry = outcomes[file];
    if (!entry) {
      skipped.push({ file, reason: 'no outcome recorded in outcomes.yaml' });
      continue;
    }
    const loaded = loadPackageFile(join(dir, file));
    if (!loaded.model || hasErrors(loaded.diagnostics)) {
      skipped.push({ file, reason: 'the package has errors (`guarantor check`)' });
      continue;
    }
    if (!loaded.model.actors[entry.adversary]) {
      skipped.push({ file, reason: `adversary \`${entry.adversary}\` is not an actor of the package` });
      continue;
    }
    agreements.push({ file, pkg: loaded.model, entry });
  }
  for (const file of Object.keys(outcomes))
    if (!files.includes(file)) skipped.push({ file, reason: 'no such package file' });
  return { agreements, skipped };
}

export async function runCalibrate(dir: string, opts: Options): Promise<number> {
  if (!(formats as readonly string[]).includes(opts.format))
    throw new UsageError(`unknown format "${opts.format}"; use one of ${formats.join(', ')}`);
  const ends = ['estimate', 'low', 'high'] as const;
  const baselineEnd = ends.find((e) => e === (opts.baseline ?? 'estimate'));
  if (!baselineEnd) throw new UsageError(`--baseline takes ${ends.join(', ')}, not "${opts.baseline}"`);
  const runs = int('runs', opts.runs, 1);
  const seed = int('seed', opts.seed, 0);
  const workers = opts.workers === undefined ? availableParallelism() : int('workers', opts.workers, 1);
  const { agreements, skipped } = loadLibrary(dir);
  if (agreements.length < 2)
    throw new UsageError(`${dir}: calibration needs at least two agreements with outcomes; found ${agreements.length}`);
  const pool = workers > 1 ? new Pool(workers) : undefined;
  let report: CalibrationReport;
  try {
    report = await calibrate(agreements, {
      runs,
      seed,
      baselineEnd,
      run: pool ? (spec) => pool.run(spec) : undefined,
      onPoint: process.stderr.isTTY
        ? (d, t) => process.stderr.write(`\rcalibrating: ${d}/${t} experiments`)
        : undefined,
    });
  } finally {
    await pool?.close();
    if (process.stderr.isTTY) process.stderr.write('\n');
  }
  report.skipped = skipped;
  if (opts.format === 'json')
    process.stdout.write(
      JSON.stringify({ tool: { name: 'guarantor', version: toolVersion }, ...report }, null, 2) + '\n',
    );
  else process.stdout.write(calibrationMarkdown(report));
  return 0;
}

/** A fixed pool of calibration workers; experiments queue and go to whichever worker is free. */
class Pool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { id: number; spec: ExperimentSpec }[] = [];
  private readonly waiting = new Map<
    number,
    { resolve: (r: { collapses: number; runs: number }) => void; reject: (e: Error) => void }
  >();
  private next = 0;

  constructor(n: number) {
    for (let i = 0; i < n; i++) {
      const w = startWorker(import.meta.url, 'calibrate-worker', null);
      w.on('message', (m: { id: number; collapses: number; runs: number }) => {
        this.waiting.get(m.id)?.resolve({ collapses: m.collapses, runs: m.runs });
        this.waiting.delete(m.id);
        this.feed(w);
      });
      w.on('error', (e) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      });
      this.all.push(w);
      this.idle.push(w);
    }
  }

  run(spec: ExperimentSpec): Promise<{ collapses: number; runs: number }> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.queue.push({ id, spec });
      const w = this.idle.pop();
      if (w) this.feed(w);
    });
  }

  private feed(w: Worker): void {
    const job = this.queue.shift();
    if (job) w.postMessage(job);
    else this.idle.push(w);
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
