// Sanity against history (issue 8): under the same strategies, a package with no trigger, no judge and no response
// (Minsk II, 2015) collapses far more often than the Korean Armistice with the US-ROK Mutual Defense Treaty behind
// it; and strengthening the example package's weakest clause, as `guarantor compare` names it, lowers its collapse
// share. The historical packages are minimal encodings in test/fixtures/sim/ (from HISTORY.md).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackageFile } from '../src/cli/files.js';
import { bestSingleFix } from '../src/core/analysis/best-fix.js';
import type { Package } from '../src/core/spec/schema.js';
import { resolveParams, runExperiment, type SimulationReport } from '../src/core/sim/experiment.js';
import { strategies } from '../src/core/sim/strategies/index.js';

const attacks = ['surge', 'blind-then-strike', 'deniable'];
const all = ['compliant', 'salami', 'probe-and-escalate', ...attacks];

function simulate(pkg: Package, adversary: string, names = all, runs = 1500): SimulationReport {
  return runExperiment({
    pkg,
    adversary,
    params: resolveParams(pkg),
    strategies: names.map((n) => ({ name: n, label: n, options: strategies[n]!.options.parse({}) })),
    seed: 1953,
    runs,
    sensitivityRuns: 0,
  });
}
const collapse = (r: SimulationReport, name: string) => r.strategies.find((s) => s.strategy === name)!.outcomes.collapse;
const meanCollapse = (r: SimulationReport) => r.strategies.reduce((a, s) => a + s.outcomes.collapse.share, 0) / r.strategies.length;

describe('simulation against history', () => {
  const minsk = loadPackageFile(join('test', 'fixtures', 'sim', 'minsk-ii.yaml'));
  const korea = loadPackageFile(join('test', 'fixtures', 'sim', 'korea-1953.yaml'));

  it('loads both historical fixtures', () => {
    expect(minsk.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(korea.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('collapses Minsk II far more often than the Korean Armistice with its treaty, strategy by strategy', () => {
    const m = simulate(minsk.model!, 'RU');
    const k = simulate(korea.model!, 'KPA');
    for (const s of attacks) {
      // Far more often: at least 1.5 times, with the 95% intervals apart.
      expect(collapse(m, s).share).toBeGreaterThan(1.5 * collapse(k, s).share);
      expect(collapse(m, s).ci95.low).toBeGreaterThan(collapse(k, s).ci95.high);
    }
    expect(meanCollapse(m)).toBeGreaterThan(meanCollapse(k) + 0.15);
    // Neither collapses when the adversary complies.
    expect(collapse(m, 'compliant').share).toBe(0);
    expect(collapse(k, 'compliant').share).toBe(0);
  });

  it("lowers the example package's collapse share when its weakest clause is strengthened", () => {
    const example = loadPackageFile(join('examples', 'ukraine-2026.yaml')).model!;
    const fix = bestSingleFix(example);
    expect(fix, 'the analysis names a best single fix').toBeDefined();
    const before = simulate(example, 'RU', all, 1000);
    const after = simulate(fix!.apply(example), 'RU', all, 1000);
    // Same seed, so the same random numbers: the difference is the fix.
    expect(meanCollapse(after)).toBeLessThan(meanCollapse(before) - 0.01);
    for (const s of all) expect(collapse(after, s).share).toBeLessThanOrEqual(collapse(before, s).share + 0.02);
  });
});
