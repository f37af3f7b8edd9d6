// Calibration against history: the likelihood, the discrimination figure, and the fit with its leave-one-out check.
import { describe, expect, it } from 'vitest';
import { calibrationGrid, discrimination, gridPoints, logLikelihood, outcomesSchema } from './calibration.js';
import { defaultParams } from './params.js';

describe('calibration', () => {
  it('scores held and failed histories by a geometric hazard over horizons', () => {
    // Failed on day 3 of the first horizon: the chance of a collapse in one horizon.
    expect(logLikelihood('failed', 3, 1000, 0.4, 100)).toBeCloseTo(Math.log(0.4));
    // Failed in the third horizon: survived two, then failed.
    expect(logLikelihood('failed', 2500, 1000, 0.4, 100)).toBeCloseTo(2 * Math.log(0.6) + Math.log(0.4));
    // Held for 2.5 horizons.
    expect(logLikelihood('held', 2500, 1000, 0.4, 100)).toBeCloseTo(2.5 * Math.log(0.6));
    // A share of 0 or 1 from n runs is kept 1/(2n) from the edge.
    expect(logLikelihood('failed', 3, 1000, 0, 50)).toBeCloseTo(Math.log(0.01));
    expect(Number.isFinite(logLikelihood('held', 9000, 1000, 1, 50))).toBe(true);
  });

  it('counts held/failed pairs ordered correctly, ties as half', () => {
    const d = discrimination([
      { outcome: 'failed', p: 0.9 },
      { outcome: 'failed', p: 0.3 },
      { outcome: 'held', p: 0.3 },
      { outcome: 'held', p: 0.1 },
    ]);
    expect(d).toEqual({ pairs: 4, correct: 3.5, share: 0.875 });
  });

  it('searches a grid that holds every default', () => {
    const p = defaultParams();
    for (const g of calibrationGrid) expect(g.values).toContain(p[g.name]);
    expect(gridPoints()).toHaveLength(calibrationGrid.reduce((n, g) => n * g.values.length, 1));
  });

  it('refuses an outcome that is neither held nor failed, naming the field', () => {
    const r = outcomesSchema.safeParse({ agreements: { 'x.yaml': { adversary: 'A', outcome: 'maybe', source: 's' } } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['agreements', 'x.yaml', 'outcome']);
  });
});
