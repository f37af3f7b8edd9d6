import { describe, expect, it } from 'vitest';
import { mix32, Xoshiro128 } from './rng.js';

describe('xoshiro128** streams', () => {
  it('gives the same stream for the same (seed, stream, run) and reseeds without state leaking', () => {
    const a = new Xoshiro128(42, 3, 17);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    for (let i = 0; i < 1000; i++) a.next();
    a.reseed(42, 3, 17);
    expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(first);
  });

  it('gives different streams for neighbouring seeds, strategies and runs', () => {
    const take = (s: number, st: number, r: number) => new Xoshiro128(s, st, r).nextUint32();
    const values = new Set([
      take(1, 0, 0),
      take(2, 0, 0),
      take(1, 1, 0),
      take(1, 0, 1),
      take(1, 1, 1),
      take(2 ** 33, 0, 0),
    ]);
    expect(values.size).toBe(6);
  });

  it('is uniform on [0, 1): mean, variance and decile counts within sampling error', () => {
    const r = new Xoshiro128(7, 0, 0);
    const n = 200_000;
    const bins = new Array(10).fill(0);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      sq += x * x;
      bins[Math.floor(x * 10)]++;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sq / n - (sum * sum) / n / n - 1 / 12)).toBeLessThan(0.002);
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile.
    const chi = bins.reduce((a, c) => a + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(27.9);
  });

  it('mixes seeds (avalanche: one flipped bit changes about half the output bits)', () => {
    let total = 0;
    for (let i = 0; i < 32; i++) total += popcount(mix32(12345) ^ mix32(12345 ^ (1 << i)));
    expect(total / 32).toBeGreaterThan(12);
    expect(total / 32).toBeLessThan(20);
  });
});

function popcount(x: number): number {
  let c = 0;
  for (let v = x >>> 0; v; v >>>= 1) c += v & 1;
  return c;
}
