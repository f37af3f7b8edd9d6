/**
 * Calibration against history: the model's free parameters fitted to what happened to the agreements of the
 * historical library (held or failed, and how soon) by maximum likelihood over a fixed grid, with a leave-one-out
 * check (each agreement predicted by the fit made without it). docs/simulation.md ("Calibration against history")
 * states the procedure; it was fixed, and committed, before the first results table was seen.
 *
 * The likelihood. A package's simulation covers one horizon H (its `horizon`). p_i(theta) is the share of runs that
 * collapse within it, averaged over the attack strategies (the adversary's strategy is not known: an equal mixture).
 * Successive horizons are taken as independent trials (assumption), so an agreement that failed on day d contributes
 * (1 - p)^floor(d / H) x p, and one that held for T days contributes (1 - p)^(T / H). p is kept within
 * [1 / (2n), 1 - 1 / (2n)] for n runs (a continuity correction: a finite sample never proves a probability 0 or 1).
 *
 * The fit maximises the summed log-likelihood over every point of the grid (no optimiser to tune); leave-one-out
 * refits over the same precomputed table, so each agreement's prediction comes from parameters chosen without it.
 * Discrimination is the share of (held, failed) pairs whose leave-one-out predictions are ordered correctly (a tie
 * counts half): the C statistic.
 *
 * The war's baseline (core/analysis/baseline.ts): a package that states its `context` has its collapse share p per
 * horizon taken as 1 - (1 - p)^m, m the baseline's hazard multiplier, in the likelihood and in every prediction; the
 * fit and the leave-one-out check are also made with every m = 1 (the simulation alone), so the report shows both.
 */
import * as z from 'zod';
import type { Package } from '../spec/schema.js';
import { DAY } from '../spec/units.js';
import { runExperiment, resolveParams, type ExperimentSpec } from './experiment.js';
import type { ModelParams, ParamName } from './params.js';
import { wilson, type Interval } from './stats.js';
import { strategies } from './strategies/index.js';
import { itemAt } from '../item-at.js';
import { baselineOf, withBaseline, type Baseline } from '../analysis/baseline.js';

/** The free parameters and the grid each is searched over: fixed before any fit was run. Defaults are on the grid. */
export const calibrationGrid: readonly { name: ParamName; values: readonly number[]; role: string }[] = [
  { name: 'embolden', values: [0.02, 0.05, 0.1], role: 'emboldening' },
  { name: 'deterrence-weight', values: [0.4, 0.8, 1], role: 'deterrence' },
  { name: 'victim-report', values: [0.5, 0.9, 1], role: 'detection' },
  { name: 'national-on-time', values: [0.3, 0.5, 0.8], role: 'national decision' },
];

/** The strategies whose mean collapse share is an agreement's predicted failure chance per horizon. */
export const calibrationStrategies = ['surge', 'blind-then-strike', 'probe-and-escalate', 'deniable'] as const;

const isoDate = z.union([
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  z.date().transform((d) => d.toISOString().slice(0, 10)),
]);

export const outcomesSchema = z.strictObject({
  agreements: z.record(
    z.string(),
    z.discriminatedUnion('outcome', [
      z.strictObject({ adversary: z.string(), outcome: z.literal('failed'), failed: isoDate, source: z.string() }),
      z.strictObject({
        adversary: z.string(),
        outcome: z.literal('held'),
        'observed-until': isoDate,
        source: z.string(),
      }),
    ]),
  ),
});
export type Outcomes = z.output<typeof outcomesSchema>;
export type OutcomeEntry = Outcomes['agreements'][string];

export interface Agreement {
  file: string;
  pkg: Package;
  entry: OutcomeEntry;
}

export interface CalibrationOptions {
  runs: number;
  seed: number;
  /** Called after each grid point of each agreement (for progress). */
  onPoint?: (done: number, total: number) => void;
  /** Which value of each baseline multiplier to use: its estimate (default) or an end of its range (sensitivity). */
  baselineEnd?: 'estimate' | 'low' | 'high';
  /** Runs one experiment (a worker pool in the CLI); default: on this thread. */
  run?: (spec: ExperimentSpec) => Promise<{ collapses: number; runs: number }>;
}

export interface Fit {
  /** Index into the grid's points. */
  point: number;
  params: Record<string, number>;
  logLikelihood: number;
}

export interface AgreementRow {
  file: string;
  package: string;
  adversary: string;
  outcome: 'held' | 'failed';
  /** Days from `effective` to the failure, or to the end of observation. */
  days: number;
  horizonDays: number;
  /** The war's baseline from the package's `context` (multiplier 1 when it states none). */
  baseline: Baseline;
  /**
   * Leave-one-out: the fit without this agreement, and this agreement's predicted collapse share under it, with the
   * baseline applied (`simulated`: the simulation's share at that fit, before it).
   */
  loo: { params: Record<string, number>; collapse: number; ci95: Interval; simulated: number };
  /** Under the fit on every agreement. */
  fitted: { collapse: number; ci95: Interval };
}

export interface CalibrationReport {
  version: 2;
  grid: { name: string; role: string; values: number[] }[];
  strategies: string[];
  runs: number;
  seed: number;
  /** The value of each baseline multiplier used: its estimate, or an end of its range. */
  baselineEnd: 'estimate' | 'low' | 'high';
  fit: Fit;
  /** The summed log-likelihood at the model's default parameters, for comparison. */
  defaultLogLikelihood: number;
  rows: AgreementRow[];
  /** Share of (held, failed) pairs ordered correctly by the leave-one-out predictions; ties count half. */
  discrimination: { pairs: number; correct: number; share: number };
  /** The same procedure with every baseline multiplier 1: the simulation alone. */
  simulationAlone: {
    fit: Fit;
    discrimination: { pairs: number; correct: number; share: number };
  };
  /** Agreements in the library without an outcome, or whose adversary is not an actor: left out, with the reason. */
  skipped: { file: string; reason: string }[];
}

/** Every point of the grid, in a fixed order (the last parameter varies fastest). */
export function gridPoints(): Record<string, number>[] {
  let points: Record<string, number>[] = [{}];
  for (const g of calibrationGrid) points = points.flatMap((p) => g.values.map((v) => ({ ...p, [g.name]: v })));
  return points;
}

const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;

/** Days from the package's `effective` to the failure (or to the end of observation). */
export function daysObserved(a: Agreement): number {
  const start = a.pkg.effective.start / DAY;
  const end = a.entry.outcome === 'failed' ? dayOf(a.entry.failed) : dayOf(a.entry['observed-until']);
  return Math.max(0, end - start);
}

/** Log-likelihood of one agreement's history given its collapse share p per horizon of H days. */
export function logLikelihood(
  outcome: 'held' | 'failed',
  days: number,
  horizonDays: number,
  p: number,
  n: number,
): number {
  const eps = 1 / (2 * n);
  const q = Math.min(1 - eps, Math.max(eps, p));
  if (outcome === 'failed') return Math.floor(days / horizonDays) * Math.log(1 - q) + Math.log(q);
  return (days / horizonDays) * Math.log(1 - q);
}

/** C statistic: the share of (held, failed) pairs in which the failed one has the higher prediction; ties count half. */
export function discrimination(rows: readonly { outcome: 'held' | 'failed'; p: number }[]): {
  pairs: number;
  correct: number;
  share: number;
} {
  let pairs = 0;
  let correct = 0;
  for (const f of rows) {
    if (f.outcome !== 'failed') continue;
    for (const h of rows) {
      if (h.outcome !== 'held') continue;
      pairs++;
      correct += f.p > h.p ? 1 : f.p === h.p ? 0.5 : 0;
    }
  }
  return { pairs, correct, share: pairs ? correct / pairs : NaN };
}

function specFor(a: Agreement, params: ModelParams, o: CalibrationOptions): ExperimentSpec {
  return {
    pkg: a.pkg,
    adversary: a.entry.adversary,
    params,
    strategies: calibrationStrategies.map((n) => ({
      name: n,
      label: n,
      options: itemAt(strategies, n).options.parse({}),
    })),
    seed: o.seed,
    runs: o.runs,
    sensitivityRuns: 0,
  };
}

async function collapseCount(
  spec: ExperimentSpec,
  o: CalibrationOptions,
): Promise<{ collapses: number; runs: number }> {
  if (o.run) return o.run(spec);
  const r = runExperiment(spec);
  return {
    collapses: r.strategies.reduce((s, x) => s + x.outcomes.collapse.count, 0),
    runs: r.strategies.reduce((s, x) => s + x.runs, 0),
  };
}

export async function calibrate(agreements: readonly Agreement[], o: CalibrationOptions): Promise<CalibrationReport> {
  const points = gridPoints();
  const total = agreements.length * (points.length + 1);
  let done = 0;
  // table[i][k]: collapses of agreement i at grid point k (common random numbers: same seeds at every point); every
  // experiment is independent, so a worker pool may run them in any order.
  const count = async (spec: ExperimentSpec) => {
    const c = await collapseCount(spec, o);
    o.onPoint?.(++done, total);
    return c;
  };
  const table = await Promise.all(
    agreements.map((a) =>
      Promise.all(points.map((point) => count(specFor(a, resolveParams(a.pkg, point as Partial<ModelParams>), o)))),
    ),
  );
  const atDefault = await Promise.all(agreements.map((a) => count(specFor(a, resolveParams(a.pkg), o))));
  const days = agreements.map(daysObserved);
  const horizon = agreements.map((a) => Math.max(1, Math.ceil(a.pkg.horizon / DAY)));
  const baselines = agreements.map((a) => baselineOf(a.pkg.context));
  const none = agreements.map(() => 1);
  const end = o.baselineEnd ?? 'estimate';
  const withIt = baselines.map((b) => (end === 'low' ? b.low : end === 'high' ? b.high : b.multiplier));
  const ll = (i: number, c: { collapses: number; runs: number }, m: readonly number[]) =>
    logLikelihood(
      itemAt(agreements, i).entry.outcome,
      itemAt(days, i),
      itemAt(horizon, i),
      withBaseline(c.collapses / c.runs, itemAt(m, i)),
      c.runs,
    );
  const best = (without: number, m: readonly number[]): Fit => {
    let fit: Fit = { point: -1, params: {}, logLikelihood: -Infinity };
    points.forEach((params, k) => {
      let sum = 0;
      for (let i = 0; i < agreements.length; i++) if (i !== without) sum += ll(i, itemAt(itemAt(table, i), k), m);
      // Ties go to the earlier grid point: a fixed order, so the fit is reproducible.
      if (sum > fit.logLikelihood + 1e-12) fit = { point: k, params, logLikelihood: sum };
    });
    return fit;
  };
  // The baseline transform is increasing in p, so it carries the Wilson interval's ends.
  const share = (c: { collapses: number; runs: number }, m: number) => {
    const ci = wilson(c.collapses, c.runs);
    return {
      collapse: withBaseline(c.collapses / c.runs, m),
      ci95: { low: withBaseline(ci.low, m), high: withBaseline(ci.high, m) },
    };
  };
  const fit = best(-1, withIt);
  const rows: AgreementRow[] = agreements.map((a, i) => {
    const loo = best(i, withIt);
    const atLoo = itemAt(itemAt(table, i), loo.point);
    return {
      file: a.file,
      package: a.pkg.package,
      adversary: a.entry.adversary,
      outcome: a.entry.outcome,
      days: itemAt(days, i),
      horizonDays: itemAt(horizon, i),
      baseline: itemAt(baselines, i),
      loo: { params: loo.params, ...share(atLoo, itemAt(withIt, i)), simulated: atLoo.collapses / atLoo.runs },
      fitted: share(itemAt(itemAt(table, i), fit.point), itemAt(withIt, i)),
    };
  });
  const alone = agreements.map((a, i) => {
    const c = itemAt(itemAt(table, i), best(i, none).point);
    return { outcome: a.entry.outcome, p: c.collapses / c.runs };
  });
  return {
    version: 2,
    grid: calibrationGrid.map((g) => ({ name: g.name, role: g.role, values: [...g.values] })),
    strategies: [...calibrationStrategies],
    runs: o.runs,
    seed: o.seed,
    baselineEnd: end,
    fit,
    defaultLogLikelihood: atDefault.reduce((s, c, i) => s + ll(i, c, withIt), 0),
    rows,
    discrimination: discrimination(rows.map((r) => ({ outcome: r.outcome, p: r.loo.collapse }))),
    simulationAlone: { fit: best(-1, none), discrimination: discrimination(alone) },
    skipped: [],
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const years = (d: number) => (d < 365.2425 ? `${Math.round(d)} d` : `${(d / 365.2425).toFixed(1)} y`);
const baselineText = (b: Baseline) =>
  b.factors.length === 0
    ? '1 (no war, or not coded)'
    : `${b.factors.map((f) => f.level).join(', ')}: ${b.multiplier.toFixed(2)} (${b.low.toFixed(2)} to ${b.high.toFixed(2)})`;
const paramText = (p: Record<string, number>) => calibrationGrid.map((g) => `${g.name} ${p[g.name]}`).join(', ');

/** The report as the markdown table docs/simulation.md carries. */
export function calibrationMarkdown(r: CalibrationReport): string {
  const out: string[] = [];
  out.push(
    `Fit on all ${r.rows.length} agreements (${r.runs} runs per strategy per grid point, seed ${r.seed}${r.baselineEnd === 'estimate' ? '' : `; every baseline multiplier at the ${r.baselineEnd} end of its range`}): ${paramText(r.fit.params)}; ` +
      `log-likelihood ${r.fit.logLikelihood.toFixed(2)} (${r.defaultLogLikelihood.toFixed(2)} at the default parameters).`,
    '',
    '| agreement | adversary | outcome | after | war baseline: hazard multiplier (range) | predicted collapse share per horizon, fitted without it (95% interval) | simulated, before the baseline | fitted without it | under the fit on all |',
    '|---|---|---|---:|---|---|---:|---|---:|',
  );
  for (const row of r.rows) {
    out.push(
      `| \`${row.file}\` | ${row.adversary} | ${row.outcome} | ${years(row.days)} | ${baselineText(row.baseline)} | ${pct(row.loo.collapse)} (${pct(row.loo.ci95.low)} to ${pct(row.loo.ci95.high)}) | ${pct(row.loo.simulated)} | ${paramText(row.loo.params)} | ${pct(row.fitted.collapse)} |`,
    );
  }
  out.push(
    '',
    `A scenario adopts the fit with \`model: { ${calibrationGrid.map((g) => `${g.name}: ${r.fit.params[g.name]}`).join(', ')} }\`; the defaults stay the documented assumptions.`,
  );
  const d = r.discrimination;
  const a = r.simulationAlone.discrimination;
  out.push(
    '',
    `Leave-one-out discrimination: ${d.correct} of ${d.pairs} held/failed pairs ordered correctly, **${d.pairs ? d.share.toFixed(2) : 'n/a'}**.`,
    '',
    `The simulation alone (every baseline multiplier 1; fit on all: ${paramText(r.simulationAlone.fit.params)}): ${a.correct} of ${a.pairs} pairs, **${a.pairs ? a.share.toFixed(2) : 'n/a'}**.`,
  );
  for (const s of r.skipped) out.push('', `Left out: \`${s.file}\`: ${s.reason}.`);
  return out.join('\n') + '\n';
}
