import { describe, expect, it } from 'vitest';
import { TimeFloor } from './time-floor.js';
import { rng } from '../../test/support/observations.js';

/** Rows as seq -> time, with a reader over them as a store's SQL reads them. */
function table() {
  const times: number[] = [0]; // seq 0 is never used
  const read = async (after: number, through: number, size: number) => {
    const max = new Map<number, number>();
    for (let seq = after + 1; seq < Math.min(times.length, through + 1); seq++) {
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
    const floor = new TimeFloor(t.read, 2, 0);
    let clock = 1_000;
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 1 + Math.floor(r() * 40); i++) {
        clock += Math.floor(r() * 100);
        // One report in five is late, by up to 2,000.
        t.times.push(r() < 0.2 ? clock - Math.floor(r() * 2_000) : clock);
      }
      // Before the floor has read the new rows (one chunk a query): looser, still a bound. After warm(): tight.
      for (const warmed of [false, true]) {
        if (warmed) await floor.warm();
        for (let k = 0; k < 10; k++) {
          const from = Math.floor(r() * (clock + 500));
          const bound = await floor.before(from);
          for (let seq = 1; seq <= Math.min(bound, t.times.length - 1); seq++) expect(t.times[seq]).toBeLessThan(from);
          // Tight to a block: up to the end of the block after the bound, some row reaches `from`, unless that block
          // may still fill (the last one).
          const next = Math.floor((bound + 1) / 2);
          if (warmed && (next + 1) * 2 <= t.times.length - 1)
            expect(Math.max(...t.times.slice(1, (next + 1) * 2))).toBeGreaterThanOrEqual(from);
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
