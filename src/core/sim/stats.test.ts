import { describe, expect, it } from 'vitest';
import { histogram, quantileSorted, summarise, wilson } from './stats.js';

describe('statistics', () => {
  it('computes Wilson intervals (published values for n = 10)', () => {
    const a = wilson(0, 10);
    expect(a.low).toBe(0);
    expect(a.high).toBeCloseTo(0.2775, 4);
    const b = wilson(5, 10);
    expect(b.low).toBeCloseTo(0.2366, 4);
    expect(b.high).toBeCloseTo(0.7634, 4);
    const c = wilson(1, 10);
    expect(c.low).toBeCloseTo(0.0179, 4);
    expect(c.high).toBeCloseTo(0.4042, 4);
    expect(wilson(10, 10).high).toBeCloseTo(1, 12);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('takes type-7 quantiles like R and NumPy', () => {
    const xs = Float64Array.from([1, 2, 3, 4, 10]);
    expect(quantileSorted(xs, 0.5)).toBe(3);
    expect(quantileSorted(xs, 0.9)).toBeCloseTo(7.6);
    expect(quantileSorted(xs, 0.1)).toBeCloseTo(1.4);
    expect(quantileSorted(xs, 0)).toBe(1);
    expect(Number.isNaN(quantileSorted(new Float64Array(0), 0.5))).toBe(true);
  });

  it('summarises and bins', () => {
    const s = summarise([5, 1, 3]);
    expect(s).toMatchObject({ n: 3, mean: 3, p50: 3, max: 5 });
    expect(histogram([0, 0.5, 1, 2, 7, 1000], [0, 1, 2, 5, 10])).toEqual([2, 1, 1, 2]);
  });
});
