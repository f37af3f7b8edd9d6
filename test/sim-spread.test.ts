// Strategies that discriminate (issue 21): across the historical library, each strategy's collapse share differs
// between the strongest and the weakest package (by the static analysis's overall score, which knows nothing of the
// simulation or of history), with the 95% intervals apart. `compliant` and `salami` never launch an offensive, so
// their collapse share is 0 by construction; for them the spread is in erosion (salami) or nowhere (compliant).
// `UPDATE_DOCS=1 npx vitest run test/sim-spread.test.ts` writes the table into docs/simulation.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLibrary } from '../src/cli/calibrate.js';
import { loadPackageFile } from '../src/cli/files.js';
import { analyse } from '../src/core/analysis/index.js';
import { resolveParams, runExperiment, type SimulationReport } from '../src/core/sim/experiment.js';
import { strategies, strategyNames } from '../src/core/sim/strategies/index.js';

const RUNS = 600;
const { agreements } = loadLibrary(join('examples', 'historical'));
const scored = agreements
  .map((a) => ({ ...a, overall: analyse(loadPackageFile(join('examples', 'historical', a.file)))!.scorecard.overall }))
  .sort((x, y) => x.overall - y.overall || (x.file < y.file ? -1 : 1));
const weakest = scored[0]!;
const strongest = scored[scored.length - 1]!;

const simulate = (a: (typeof scored)[number]): SimulationReport =>
  runExperiment({
    pkg: a.pkg,
    adversary: a.entry.adversary,
    params: resolveParams(a.pkg),
    strategies: strategyNames.map((n) => ({ name: n, label: n, options: strategies[n]!.options.parse({}) })),
    seed: 2121,
    runs: RUNS,
    sensitivityRuns: 0,
  });

describe('strategies discriminate between the strongest and the weakest historical package', () => {
  const weak = simulate(weakest);
  const strong = simulate(strongest);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const rows = strategyNames.map((name, i) => {
    const w = weak.strategies[i]!.outcomes;
    const s = strong.strategies[i]!.outcomes;
    return { name, w, s };
  });

  it('has two packages with different scores', () => {
    expect(strongest.overall).toBeGreaterThan(weakest.overall);
  });

  for (const name of strategyNames) {
    it(name, () => {
      const { w, s } = rows.find((r) => r.name === name)!;
      if (name === 'compliant' || name === 'salami') {
        // No offensive, so no collapse in either: the docs say why this strategy cannot separate them by collapse.
        expect(w.collapse.count + s.collapse.count).toBe(0);
        return;
      }
      expect(w.collapse.ci95.low, `${name}: weakest ${pct(w.collapse.share)} against strongest ${pct(s.collapse.share)}`).toBeGreaterThan(s.collapse.ci95.high);
    });
  }

  it('writes the table into docs/simulation.md on request', () => {
    const table = [
      `Weakest: \`${weakest.file}\` (overall score ${weakest.overall}, adversary ${weakest.entry.adversary}); strongest: \`${strongest.file}\` (overall ${strongest.overall}, adversary ${strongest.entry.adversary}); ${RUNS} runs per strategy, seed 2121, default parameters.`,
      '',
      '| strategy | collapse, weakest (95% interval) | collapse, strongest (95% interval) | spread | erode, weakest | erode, strongest |',
      '|---|---|---|---:|---:|---:|',
      ...rows.map(
        ({ name, w, s }) =>
          `| \`${name}\` | ${pct(w.collapse.share)} (${pct(w.collapse.ci95.low)} to ${pct(w.collapse.ci95.high)}) | ${pct(s.collapse.share)} (${pct(s.collapse.ci95.low)} to ${pct(s.collapse.ci95.high)}) | ${((w.collapse.share - s.collapse.share) * 100).toFixed(1)} pts | ${pct(w.erode.share)} | ${pct(s.erode.share)} |`,
      ),
    ].join('\n');
    if (process.env['UPDATE_DOCS']) {
      const file = join('docs', 'simulation.md');
      const page = readFileSync(file, 'utf8');
      writeFileSync(file, page.replace(/<!-- spread:begin -->[\s\S]*?<!-- spread:end -->/, `<!-- spread:begin -->\n${table}\n<!-- spread:end -->`));
    }
    expect(table).toContain('| `surge` |');
  });
});
