// Strategies that discriminate (issue 21): across the historical library, each strategy's collapse share differs
// between the strongest and the weakest package, with the 95% intervals apart. Strongest and weakest are the packages
// with the lowest and highest collapse share averaged over every strategy (a first pass of RANK_RUNS runs each); each
// strategy is then held, on RUNS runs, to separating those two by itself: a strategy that collapses every package
// alike (as probe-and-escalate once did) fails here even when the others separate them. `compliant` and `salami`
// never launch an offensive, so their collapse share is 0 by construction and the docs say so.
// `UPDATE_DOCS=1 npx vitest run test/sim-spread.test.ts` writes the tables into docs/simulation.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLibrary } from '../src/cli/calibrate.js';
import type { Agreement } from '../src/core/sim/calibration.js';
import { resolveParams, runExperiment, type SimulationReport } from '../src/core/sim/experiment.js';
import { strategies, strategyNames } from '../src/core/sim/strategies/index.js';

const RANK_RUNS = 200;
const RUNS = 600;
const SEED = 2121;
const { agreements } = loadLibrary(join('examples', 'historical'));

const simulate = (a: Agreement, runs: number): SimulationReport =>
  runExperiment({
    pkg: a.pkg,
    adversary: a.entry.adversary,
    params: resolveParams(a.pkg),
    strategies: strategyNames.map((n) => ({ name: n, label: n, options: strategies[n]!.options.parse({}) })),
    seed: SEED,
    runs,
    sensitivityRuns: 0,
  });
const mean = (r: SimulationReport) =>
  r.strategies.reduce((s, x) => s + x.outcomes.collapse.share, 0) / r.strategies.length;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

describe('strategies discriminate between the strongest and the weakest historical package', () => {
  const ranked = agreements
    .map((a) => ({ a, r: simulate(a, RANK_RUNS) }))
    .sort((x, y) => mean(x.r) - mean(y.r) || (x.a.file < y.a.file ? -1 : 1));
  const strongest = ranked[0]!.a;
  const weakest = ranked[ranked.length - 1]!.a;
  const weak = simulate(weakest, RUNS);
  const strong = simulate(strongest, RUNS);
  const rows = strategyNames.map((name, i) => ({
    name,
    w: weak.strategies[i]!.outcomes,
    s: strong.strategies[i]!.outcomes,
  }));

  it('has a strongest and a weakest package', () => {
    expect(ranked.length).toBeGreaterThanOrEqual(4);
    expect(mean(ranked[0]!.r)).toBeLessThan(mean(ranked[ranked.length - 1]!.r));
  });

  for (const name of strategyNames) {
    it(name, () => {
      const { w, s } = rows.find((r) => r.name === name)!;
      if (name === 'compliant' || name === 'salami') {
        // No offensive, so no collapse in either: the docs say why this strategy cannot separate them by collapse.
        expect(w.collapse.count + s.collapse.count).toBe(0);
        return;
      }
      expect(
        w.collapse.ci95.low,
        `${name}: weakest ${pct(w.collapse.share)} against strongest ${pct(s.collapse.share)}`,
      ).toBeGreaterThan(s.collapse.ci95.high);
    });
  }

  it('writes the tables into docs/simulation.md on request', () => {
    const interval = (x: { share: number; ci95: { low: number; high: number } }) =>
      `${pct(x.share)} (${pct(x.ci95.low)} to ${pct(x.ci95.high)})`;
    const table = [
      `Weakest: \`${weakest.file}\` (adversary ${weakest.entry.adversary}); strongest: \`${strongest.file}\` (adversary ${strongest.entry.adversary}); ${RUNS} runs per strategy, seed ${SEED}, default parameters.`,
      '',
      '| strategy | collapse, weakest (95% interval) | collapse, strongest (95% interval) | spread | erode, weakest | erode, strongest |',
      '|---|---|---|---:|---:|---:|',
      ...rows.map(
        ({ name, w, s }) =>
          `| \`${name}\` | ${interval(w.collapse)} | ${interval(s.collapse)} | ${((w.collapse.share - s.collapse.share) * 100).toFixed(1)} pts | ${pct(w.erode.share)} | ${pct(s.erode.share)} |`,
      ),
      '',
      `Every package of the library, strongest first (collapse share per strategy, ${RANK_RUNS} runs each, same seed; the outcome is history's, from \`outcomes.yaml\`):`,
      '',
      `| package | outcome | ${strategyNames.join(' | ')} | mean |`,
      `|---|---|${strategyNames.map(() => '---:').join('|')}|---:|`,
      ...ranked.map(
        ({ a, r }) =>
          `| \`${a.file}\` | ${a.entry.outcome} | ${r.strategies.map((s) => pct(s.outcomes.collapse.share)).join(' | ')} | ${pct(mean(r))} |`,
      ),
    ].join('\n');
    if (process.env['UPDATE_DOCS']) {
      const file = join('docs', 'simulation.md');
      const page = readFileSync(file, 'utf8');
      writeFileSync(
        file,
        page.replace(
          /<!-- spread:begin -->[\s\S]*?<!-- spread:end -->/,
          `<!-- spread:begin -->\n${table}\n<!-- spread:end -->`,
        ),
      );
    }
    expect(table).toContain('| `surge` |');
  });
});
