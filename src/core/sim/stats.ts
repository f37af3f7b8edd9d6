import { itemAt } from '../item-at.js';
/** Statistics for simulation output: binomial confidence intervals, quantiles, histograms. */

export interface Interval {
  low: number;
  high: number;
}

/** 1.959964: the two-sided 95% point of the standard normal. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion (Wilson 1927, JASA 22:209-212): well behaved near 0 and 1, where
 * the normal (Wald) interval collapses to a point; Brown, Cai & DasGupta (Stat. Sci. 2001) recommend it.
 */
export function wilson(successes: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Quantile of sorted data by linear interpolation between order statistics (Hyndman & Fan 1996, type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (q <= 0) return itemAt(sorted, 0);
  if (q >= 1) return itemAt(sorted, n - 1);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return itemAt(sorted, lo) + (h - lo) * (itemAt(sorted, hi) - itemAt(sorted, lo));
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += itemAt(xs, i);
  return xs.length ? s / xs.length : NaN;
}

export interface Summary {
  n: number;
  mean: number;
  p10: number;
  p50: number;
  p90: number;
  max: number;
}

export function summarise(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    mean: mean(sorted),
    p10: quantileSorted(sorted, 0.1),
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    max: sorted.length ? itemAt(sorted, sorted.length - 1) : NaN,
  };
}

/** Counts of values in [edges[i], edges[i+1]); the last bin is closed on the right and catches everything above. */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = itemAt(values, i);
    if (v < itemAt(edges, 0)) continue;
    let b = edges.length - 2;
    for (let k = 1; k < edges.length - 1; k++) {
      if (v < itemAt(edges, k)) {
        b = k - 1;
        break;
      }
    }
    counts[b] = itemAt(counts, b) + 1;
  }
  return counts;
}
