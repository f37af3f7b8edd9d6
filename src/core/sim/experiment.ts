/**
 * An experiment: a package, an adversary, strategies, model parameters, a seed and a number of runs, plus the
 * sensitivity variants. Work is cut into tasks (variant x strategy x a range of runs); any thread can run any task,
 * and a run's random stream depends only on (seed, strategy, run), so the numbers are the same whatever the number of
 * workers or the chunk size. Results are placed by run index and summarised in a fixed order.
 */
import type { Package } from '../spec/schema.js';
import { DAY } from '../spec/units.js';
import { compile, type CompiledModel } from './compile.js';
import { unstatedDefaults, type UnstatedDefault } from './defaults.js';
import { Engine, F, FIELDS, Outcome, type CredibilityLinks } from './engine.js';
import { defaultParams, type ModelParams, type ParamName } from './params.js';
import { Xoshiro128 } from './rng.js';
import { allItems, sensitivityItem, sensitivityItems, type End, type SensitivityItem } from './sensitivity.js';
import { histogram, summarise, wilson, type Interval, type Summary } from './stats.js';
import { strategies } from './strategies/index.js';
import type { StrategyRunner } from './strategies/strategy.js';
import { itemAt, present } from '../item-at.js';

export interface StrategyChoice {
  /** Strategy module name. */
  name: string;
  /** How reports name it (the name, or name with options). */
  label: string;
  /** Options as parsed by the strategy's schema. */
  options: unknown;
}

/** Everything a worker needs; structured-cloneable. */
export interface ExperimentSpec {
  pkg: Package;
  adversary: string;
  params: ModelParams;
  strategies: StrategyChoice[];
  seed: number;
  runs: number;
  /** Runs per strategy for each sensitivity variant; 0 for none. */
  sensitivityRuns: number;
  /** Sensitivity item ids to use; when absent, every aggregate item that applies (and every clause with `sensitivityPerClause`). */
  sensitivityItems?: string[];
  sensitivityPerClause?: boolean;
  /** False when the adversary was derived from the package rather than named (default true). */
  adversaryNamed?: boolean;
}

/** A variant: the base case, or one sensitivity item at one end. */
/** The base model, or one sensitivity item moved to one end. */
export type Variant = { id: string; item?: undefined; end?: undefined } | { id: string; item: string; end: End };

export interface Task {
  variant: number;
  strategy: number;
  from: number;
  to: number;
}

/** The package values that replace parameter defaults, then the scenario's overrides. */
export function resolveParams(pkg: Package, overrides: Partial<ModelParams> = {}): ModelParams {
  const p = defaultParams();
  if (pkg.assumptions['advance-rate'] !== undefined) p['advance-rate'] = (pkg.assumptions['advance-rate'] * DAY) / 1000;
  if (pkg.assumptions['national-decision'] !== undefined)
    p['national-decision'] = pkg.assumptions['national-decision'] / DAY;
  return { ...p, ...overrides };
}

export function variantsOf(spec: ExperimentSpec): Variant[] {
  const out: Variant[] = [{ id: 'base' }];
  if (spec.sensitivityRuns <= 0) return out;
  const wanted = spec.sensitivityItems ? new Set(spec.sensitivityItems) : undefined;
  for (const item of wanted || spec.sensitivityPerClause ? allItems(spec.pkg) : sensitivityItems) {
    if (wanted && !wanted.has(item.id)) continue;
    if (!item.describe(spec.pkg, spec.params)) continue;
    out.push(
      { id: `${item.id}:low`, item: item.id, end: 'low' },
      { id: `${item.id}:high`, item: item.id, end: 'high' },
    );
  }
  return out;
}

/** A sensitivity item named by a variant: variantsOf took its id from the same lists. */
function knownItem(id: string, pkg: Package): SensitivityItem {
  return present(sensitivityItem(id, pkg), `sensitivity item ${id}`);
}

export function runsOf(spec: ExperimentSpec, variant: number): number {
  return variant === 0 ? spec.runs : spec.sensitivityRuns;
}

/** Tasks of at most `chunk` runs, base case first. */
export function planTasks(spec: ExperimentSpec, chunk = 250): Task[] {
  const tasks: Task[] = [];
  const variants = variantsOf(spec);
  variants.forEach((_, v) => {
    const n = runsOf(spec, v);
    for (let s = 0; s < spec.strategies.length; s++) {
      for (let from = 0; from < n; from += chunk)
        tasks.push({ variant: v, strategy: s, from, to: Math.min(n, from + chunk) });
    }
  });
  return tasks;
}

/** Runs tasks on one thread, compiling each variant once. */
export class Simulator {
  private readonly variants: Variant[];
  private readonly models = new Map<number, CompiledModel>();
  private readonly engines = new Map<number, Engine>();
  private readonly runners = new Map<string, StrategyRunner>();
  private readonly rng = new Xoshiro128();

  constructor(readonly spec: ExperimentSpec) {
    this.variants = variantsOf(spec);
  }

  model(v: number): CompiledModel {
    let m = this.models.get(v);
    if (!m) {
      const variant = itemAt(this.variants, v);
      let pkg = this.spec.pkg;
      let params = this.spec.params;
      if (variant.item) ({ pkg, params } = knownItem(variant.item, pkg).apply(pkg, params, variant.end));
      m = compile(pkg, params, this.spec.adversary);
      this.models.set(v, m);
    }
    return m;
  }

  /** One record of FIELDS numbers per run of the task, in run order. */
  runTask(task: Task): Float64Array {
    const m = this.model(task.variant);
    let engine = this.engines.get(task.variant);
    if (!engine) {
      engine = new Engine(m, this.rng);
      this.engines.set(task.variant, engine);
    }
    const key = `${task.variant}/${task.strategy}`;
    let runner = this.runners.get(key);
    if (!runner) {
      const choice = itemAt(this.spec.strategies, task.strategy);
      runner = itemAt(strategies, choice.name).prepare(m, choice.options);
      this.runners.set(key, runner);
    }
    const out = new Float64Array((task.to - task.from) * FIELDS);
    for (let r = task.from; r < task.to; r++) {
      this.rng.reseed(this.spec.seed, task.strategy, r);
      engine.run(runner, out, (r - task.from) * FIELDS);
    }
    return out;
  }
}

/** Collects task results into per-(variant, strategy) arrays indexed by run. */
export class ResultSet {
  readonly data: Float64Array[][];
  runDays = 0;

  constructor(readonly spec: ExperimentSpec) {
    const variants = variantsOf(spec);
    this.data = variants.map((_, v) => spec.strategies.map(() => new Float64Array(runsOf(spec, v) * FIELDS)));
  }

  add(task: Task, records: Float64Array): void {
    itemAt(itemAt(this.data, task.variant), task.strategy).set(records, task.from * FIELDS);
    for (let i = F.days; i < records.length; i += FIELDS) this.runDays += itemAt(records, i);
  }
}

export interface Share {
  count: number;
  share: number;
  ci95: Interval;
}

export interface StrategyResult {
  strategy: string;
  label: string;
  summary: string;
  /** What the strategy does against this package (where it says). */
  plan?: string;
  runs: number;
  outcomes: { hold: Share; erode: Share; collapse: Share };
  /** Days from the first violation to the first material response, over runs that had both. */
  responseDays: Summary & {
    histogram: { edges: number[]; counts: number[] };
    noResponseShare: number;
    noViolationShare: number;
  };
  groundKm: Summary;
  collapseDay: Summary;
  /** Mean per run. */
  violations: { committed: number; detected: number; declared: number; punished: number };
  offensivesPerRun: number;
  /** Ids of the report's `defaults` that affect this strategy's figures. */
  defaults: string[];
}

export interface TornadoRow {
  item: string;
  kind: 'parameter' | 'clause';
  label: string;
  lowLabel: string;
  highLabel: string;
  low: number;
  high: number;
  /** |high - low| in collapse share. */
  swing: number;
}

export interface SimulationReport {
  version: 1;
  package: string;
  title: string;
  seed: number;
  runs: number;
  horizonDays: number;
  adversary: string;
  strategies: StrategyResult[];
  /** Collapse share averaged over strategies, per variant: the tornado's metric. */
  sensitivity?: { runs: number; metric: string; base: number; rows: TornadoRow[] };
  params: ModelParams;
  runDays: number;
  /** Defaults standing in for what the package does not say (docs/simulation.md, Unstated is not stated). */
  defaults: UnstatedDefault[];
  /** The detection chain behind the credibility of the response to an armed advance, on day 0. */
  credibility: CredibilityLinks;
  /** Third-party actors with personnel on the ground: each offensive is less likely by `peacekeeping` (presence.ts). */
  presence: string[];
}

export const responseEdges = [0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 60, 90, 180, 365, 100000];

function sameRecords(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** Mean collapse share over the strategies of one variant. */
function collapseShare(records: Float64Array[]): number {
  let sum = 0;
  for (const r of records) {
    const n = r.length / FIELDS;
    let c = 0;
    for (let i = 0; i < n; i++) if (r[i * FIELDS + F.outcome] === Outcome.Collapse) c++;
    sum += n ? c / n : 0;
  }
  return records.length ? sum / records.length : 0;
}

export function buildReport(spec: ExperimentSpec, results: ResultSet): SimulationReport {
  const base = itemAt(results.data, 0);
  const horizonDays = Math.max(1, Math.ceil(spec.pkg.horizon / DAY));
  const model = compile(spec.pkg, spec.params, spec.adversary);
  const strategyResults = spec.strategies.map((choice, s): StrategyResult => {
    const rec = itemAt(base, s);
    const n = spec.runs;
    const col = (f: number) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = itemAt(rec, i * FIELDS + f);
      return out;
    };
    const outcome = col(F.outcome);
    const count = (o: number) => outcome.reduce((a, x) => a + (x === o ? 1 : 0), 0);
    const share = (o: number): Share => ({ count: count(o), share: n ? count(o) / n : 0, ci95: wilson(count(o), n) });
    const delays = col(F.responseDelay);
    const measured = delays.filter((d) => d >= 0);
    const noViolation = delays.filter((d) => d === -2).length;
    const noResponse = delays.filter((d) => d === -1).length;
    const collapseDays = col(F.collapseDay).filter((d) => d >= 0);
    const meanOf = (f: number) => col(f).reduce((a, x) => a + x, 0) / Math.max(1, n);
    return {
      strategy: choice.name,
      label: choice.label,
      summary: itemAt(strategies, choice.name).summary,
      plan: itemAt(strategies, choice.name).prepare(model, choice.options).plan,
      runs: n,
      outcomes: { hold: share(Outcome.Hold), erode: share(Outcome.Erode), collapse: share(Outcome.Collapse) },
      responseDays: {
        ...summarise(measured),
        histogram: { edges: responseEdges, counts: histogram(measured, responseEdges) },
        noResponseShare: n ? noResponse / n : 0,
        noViolationShare: n ? noViolation / n : 0,
      },
      groundKm: summarise(col(F.groundKm)),
      collapseDay: summarise(collapseDays),
      violations: {
        committed: meanOf(F.committed),
        detected: meanOf(F.detected),
        declared: meanOf(F.declared),
        punished: meanOf(F.punished),
      },
      offensivesPerRun: meanOf(F.offensives),
      defaults: [],
    };
  });
  // Which defaults affect which strategy: where the tornado moved the default's input, a strategy is affected when
  // its runs differ between the two ends (the same random numbers, so any difference is the default's doing);
  // otherwise every strategy is marked.
  const defaults = unstatedDefaults(spec.pkg, spec.params, spec.adversary, spec.adversaryNamed ?? true);
  const variantsForDefaults = variantsOf(spec);
  for (const d of defaults) {
    const low = variantsForDefaults.findIndex((v) => v.item === d.input && v.end === 'low');
    strategyResults.forEach((sr, si) => {
      if (low < 0 || !sameRecords(itemAt(itemAt(results.data, low), si), itemAt(itemAt(results.data, low + 1), si)))
        sr.defaults.push(d.id);
    });
  }
  const report: SimulationReport = {
    version: 1,
    package: spec.pkg.package,
    title: spec.pkg.title,
    seed: spec.seed,
    runs: spec.runs,
    horizonDays,
    adversary: spec.adversary,
    strategies: strategyResults,
    params: spec.params,
    runDays: results.runDays,
    defaults,
    credibility: new Engine(model, new Xoshiro128()).credibilityAtStart(),
    presence: model.presence,
  };
  const variants = variantsOf(spec);
  if (variants.length > 1) {
    // The tornado compares variants on the same random numbers: the base at the sensitivity run count.
    const baseShare = collapseShare(base.map((r) => r.subarray(0, Math.min(spec.runs, spec.sensitivityRuns) * FIELDS)));
    const rows: TornadoRow[] = [];
    for (let v = 1; v < variants.length; v += 2) {
      const id = present(itemAt(variants, v).item, `variant ${v}'s sensitivity item`);
      const item = knownItem(id, spec.pkg);
      const ends = present(item.describe(spec.pkg, spec.params), `the ends of sensitivity item ${id}`);
      const low = collapseShare(itemAt(results.data, v));
      const high = collapseShare(itemAt(results.data, v + 1));
      rows.push({
        item: item.id,
        kind: item.kind,
        label: item.label,
        lowLabel: ends.low,
        highLabel: ends.high,
        low,
        high,
        swing: Math.abs(high - low),
      });
    }
    rows.sort(
      (a, b) =>
        b.swing - a.swing ||
        Math.max(Math.abs(b.low - baseShare), Math.abs(b.high - baseShare)) -
          Math.max(Math.abs(a.low - baseShare), Math.abs(a.high - baseShare)) ||
        (a.item < b.item ? -1 : 1),
    );
    report.sensitivity = {
      runs: spec.sensitivityRuns,
      metric: 'collapse share, mean over strategies',
      base: baseShare,
      rows,
    };
  }
  return report;
}

/** Run a whole experiment on this thread (tests, small runs); the CLI spreads the same tasks over workers. */
export function runExperiment(
  spec: ExperimentSpec,
  chunk = 250,
  onTask?: (done: number, total: number) => void,
): SimulationReport {
  const sim = new Simulator(spec);
  const results = new ResultSet(spec);
  const tasks = planTasks(spec, chunk);
  tasks.forEach((t, i) => {
    results.add(t, sim.runTask(t));
    onTask?.(i + 1, tasks.length);
  });
  return buildReport(spec, results);
}

export type { ParamName };
