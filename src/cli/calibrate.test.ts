import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { baselineOf, withBaseline } from '../core/analysis/baseline.js';
import { calibrate, gridPoints } from '../core/sim/calibration.js';
import { loadLibrary, runCalibrate } from './calibrate.js';
import { UsageError } from './usage-error.js';

const dir = mkdtempSync(join(tmpdir(), 'guarantor-calibrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small library: Minsk II and NATO with their outcomes, plus a package with no outcome. */
function library(outcomes: string): string {
  const d = mkdtempSync(join(dir, 'lib-'));
  for (const f of ['minsk-ii-2015.yaml', 'nato-1949.yaml', 'korea-1953.yaml'])
    cpSync(join('examples', 'historical', f), join(d, f));
  cpSync(join('examples', 'historical', 'data'), join(d, 'data'), { recursive: true });
  cpSync(join('examples', 'replay'), join(dir, 'replay'), { recursive: true });
  writeFileSync(join(d, 'outcomes.yaml'), outcomes);
  return d;
}
const good = `agreements:
  minsk-ii-2015.yaml: { adversary: DPR, outcome: failed, failed: 2015-02-18, source: HISTORY.md }
  nato-1949.yaml: { adversary: attacker, outcome: held, observed-until: 2026-01-01, source: HISTORY.md }
`;

describe('guarantor calibrate', () => {
  let out = '';
  beforeEach(() => {
    out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  it('gives the same report on one worker and on two, and says which package it left out', async () => {
    const d = library(good);
    expect(await runCalibrate(d, { runs: '3', seed: '4', workers: '1', format: 'json' })).toBe(0);
    const one = JSON.parse(out);
    out = '';
    await runCalibrate(d, { runs: '3', seed: '4', workers: '2', format: 'json' });
    const two = JSON.parse(out);
    expect(two).toEqual(one);
    expect(one.rows.map((r: { file: string }) => r.file)).toEqual(['minsk-ii-2015.yaml', 'nato-1949.yaml']);
    expect(one.skipped).toEqual([{ file: 'korea-1953.yaml', reason: 'no outcome recorded in outcomes.yaml' }]);
    out = '';
    await runCalibrate(d, { runs: '3', seed: '4', workers: '1', format: 'markdown' });
    expect(out).toContain('Leave-one-out discrimination: ');
    expect(out).toContain('Left out: `korea-1953.yaml`: no outcome recorded in outcomes.yaml.');
  }, 120_000);

  it('refuses a broken outcomes file, naming the field', async () => {
    const d = library(`agreements:\n  nato-1949.yaml: { adversary: attacker, outcome: lasted, source: x }\n`);
    await expect(runCalibrate(d, { runs: '3', seed: '1', format: 'text' })).rejects.toThrow(UsageError);
    await expect(runCalibrate(d, { runs: '3', seed: '1', format: 'text' })).rejects.toThrow(
      /agreements\.nato-1949\.yaml\.outcome/,
    );
    const e = library(
      `agreements:\n  nato-1949.yaml: { adversary: nobody, outcome: held, observed-until: 2026-01-01, source: x }\n`,
    );
    await expect(runCalibrate(e, { runs: '3', seed: '1', format: 'text' })).rejects.toThrow(
      /needs at least two agreements/,
    );
    await expect(
      runCalibrate(library(good), { runs: '3', seed: '1', format: 'text', baseline: 'mid' }),
    ).rejects.toThrow(/--baseline takes estimate, low, high, not "mid"/);
  });
});

// Moved from core/sim/calibration.test.ts: it reads the library through the CLI's loader.
describe('calibration of the historical library', () => {
  it('fits the library and predicts each agreement from a fit made without it', async () => {
    const { agreements, skipped } = loadLibrary('examples/historical');
    expect(agreements.length).toBeGreaterThanOrEqual(4);
    expect(skipped.filter((s) => s.reason !== 'no outcome recorded in outcomes.yaml')).toEqual([]);
    const some = agreements.filter((a) => ['minsk-ii-2015.yaml', 'nato-1949.yaml'].includes(a.file));
    const r = await calibrate(some, { runs: 4, seed: 3 });
    expect(r.rows).toHaveLength(2);
    expect(r.fit.point).toBeGreaterThanOrEqual(0);
    for (const row of r.rows) {
      expect(gridPoints()).toContainEqual(row.loo.params);
      expect(row.loo.ci95.low).toBeLessThanOrEqual(row.loo.collapse);
      expect(row.loo.ci95.high).toBeGreaterThanOrEqual(row.loo.collapse);
    }
    expect(r.discrimination.pairs).toBe(1);
    // The same seed gives the same report.
    expect(await calibrate(some, { runs: 4, seed: 3 })).toEqual(r);
  });
});

// The measurement itself: each agreement's leave-one-out prediction comes from a fit that did not see it.
describe('leave-one-out', () => {
  it('predicts an agreement at the fit made without it, which its own history would have moved', async () => {
    const { agreements } = loadLibrary('examples/historical');
    const pick = (f: string) => agreements.find((a) => a.file === f)!;
    const held = pick('nato-1949.yaml');
    const failed = pick('minsk-ii-2015.yaml');
    // Collapse shares set by hand per agreement and grid point: NATO's long history pulls the fit to embolden 0.02
    // (where it rarely collapses); Minsk II alone prefers embolden 0.05 or 0.1 (where it collapses more).
    const share = (file: string, embolden: number) =>
      file === held.file ? (embolden === 0.02 ? 0.01 : 0.99) : embolden === 0.02 ? 0.5 : 0.6;
    const runs = 1000;
    const r = await calibrate([held, failed], {
      runs,
      seed: 1,
      run: async (spec) => {
        const file = spec.pkg.package === held.pkg.package ? held.file : failed.file;
        return { collapses: Math.round(share(file, spec.params.embolden) * runs), runs };
      },
    });
    expect(r.fit.params.embolden).toBe(0.02);
    const nato = r.rows.find((x) => x.file === held.file)!;
    // Fitted on both, NATO is predicted at 1%; fitted without it, at 99%: its own outcome was left out.
    expect(nato.fitted.collapse).toBeCloseTo(0.01);
    expect(nato.loo.params.embolden).not.toBe(0.02);
    expect(nato.loo.collapse).toBeCloseTo(0.99);
    // Pairs: the failed agreement's prediction (0.5 at the fit without it, embolden 0.02) against NATO's 0.99.
    const minsk = r.rows.find((x) => x.file === failed.file)!;
    expect(minsk.loo.params.embolden).toBe(0.02);
    expect(r.discrimination).toEqual({ pairs: 1, correct: 0, share: 0 });
  });
});

// The war's baseline: a package's `context` multiplies the hazard of its simulated share; the simulation alone is kept.
describe("the war's baseline in the calibration", () => {
  it('takes 1 - (1 - p)^m as the prediction, and reports the simulated share and the simulation alone beside it', async () => {
    const { agreements } = loadLibrary('examples/historical');
    const pick = (f: string) => agreements.find((a) => a.file === f)!;
    const held = pick('nato-1949.yaml');
    const bare = pick('minsk-ii-2015.yaml');
    const failed = { ...bare, pkg: { ...bare.pkg, context: { ending: 'no-victory' as const, source: 'test' } } };
    const runs = 1000;
    const run = async (spec: { pkg: { package: string } }) => ({
      collapses: spec.pkg.package === held.pkg.package ? 550 : 500,
      runs,
    });
    const r = await calibrate([held, failed], { runs, seed: 1, run });
    const m = baselineOf(failed.pkg.context).multiplier;
    expect(m).toBeGreaterThan(1);
    const minsk = r.rows.find((x) => x.file === failed.file)!;
    expect(minsk.baseline.multiplier).toBe(m);
    expect(minsk.loo.simulated).toBe(0.5);
    expect(minsk.loo.collapse).toBeCloseTo(withBaseline(0.5, m), 12);
    expect(minsk.loo.ci95.low).toBeLessThan(minsk.loo.collapse);
    const nato = r.rows.find((x) => x.file === held.file)!;
    expect(nato.baseline.multiplier).toBe(1);
    expect(nato.loo.collapse).toBe(0.55);
    // With the baseline, Minsk II (0.5 raised to 1 - 0.5^m = 0.558) is ordered above NATO (0.55); alone, it is not.
    expect(r.discrimination).toEqual({ pairs: 1, correct: 1, share: 1 });
    expect(r.simulationAlone.discrimination).toEqual({ pairs: 1, correct: 0, share: 0 });
    // The sensitivity: each multiplier at an end of its range.
    const high = await calibrate([held, failed], { runs, seed: 1, run, baselineEnd: 'high' });
    expect(high.baselineEnd).toBe('high');
    const b = baselineOf(failed.pkg.context);
    expect(high.rows.find((x) => x.file === failed.file)!.loo.collapse).toBeCloseTo(withBaseline(0.5, b.high), 12);
    // Without any context the two are the same procedure.
    const plain = await calibrate([held, bare], { runs, seed: 1, run });
    expect(plain.simulationAlone.discrimination).toEqual(plain.discrimination);
  });
});
