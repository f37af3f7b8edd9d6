import { describe, expect, it } from 'vitest';
import { TimeFloor } from './time-floor.js';
import { rng } from '../../test/support/observations.js';

/** Rows as seq -> time, with a reader over them as a store's SQL reads them. */
function table() {
  const times: number[] = [0]; // seq 0 is never used
  const read = async (after: number, size: number) => {
    const max = new Map<number, number>();
    for (let seq = after + 1; seq < times.length; seq++) {
      const b = Math.floor(seq / size);
      max.set(b, Math.max(max.get(b) ?? -Infinity, times[seq] ?? -Infinity));
    }
    return [...max].map(([block, m]) => ({ block, max: m }));
  };
  return { times, read };
}

describe('time floor', () => {
  it('bounds every row at or after `from` from below, out of order and as rows arrive', async () => {
    const r = rng(22);
    const t = table();
    const floor = new TimeFloor(t.read, 8, 0);
    let clock = 1_000;
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 1 + Math.floor(r() * 40); i++) {
        clock += Math.floor(r() * 100);
        // One report in five is late, by up to 2,000.
        t.times.push(r() < 0.2 ? clock - Math.floor(r() * 2_000) : clock);
      }
      for (let k = 0; k < 20; k++) {
        const from = Math.floor(r() * (clock + 500));
        const bound = await floor.before(from);
        for (let seq = 1; seq <= Math.min(bound, t.times.length - 1); seq++) expect(t.times[seq]).toBeLessThan(from);
        // Tight to a block: the block after the bound's has a row at or after `from`, or is not complete yet.
        const next = Math.floor((bound + 1) / 8);
        const complete = (next + 1) * 8 <= t.times.length - 1;
        if (complete && bound + 1 < t.times.length) {
          const inBlock = t.times.slice(Math.max(1, next * 8), (next + 1) * 8);
          const before = t.times.slice(1, next * 8);
          expect(Math.max(...inBlock, ...before)).toBeGreaterThanOrEqual(from);
        }
      }
    }
    expect(await floor.before(-Infinity)).toBe(0);
  });

  it('refuses a block size that is not a positive integer', () => {
    expect(() => new TimeFloor(async () => [], 0)).toThrow(/positive integer/);
    expect(() => new TimeFloor(async () => [], 2.5)).toThrow(/positive integer/);
  });
});
