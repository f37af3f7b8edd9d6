import { describe, expect, it } from 'vitest';
import { TimeFloor } from './time-floor.js';
import { mulberry32 } from '../../test/support/mulberry32.js';

/** Rows as seq -> time, with a reader over them as a store's SQL reads them. */
function table() {
  const times: number[] = [0]; // seq 0 is never used
  const read = async (after: number, through: number, size: number) => {
    const blocks = new Map<number, { min: number; max: number }>();
    for (let seq = after + 1; seq < Math.min(times.length, through + 1); seq++) {
      const b = Math.floor(seq / size);
      const t = times[seq] ?? NaN;
      const m = blocks.get(b);
      blocks.set(b, { min: Math.min(m?.min ?? Infinity, t), max: Math.max(m?.max ?? -Infinity, t) });
    }
    return [...blocks].map(([block, m]) => ({ block, ...m }));
  };
  return { times, read };
}

describe('time floor', () => {
  it('bounds every row at or after `from` from below, out of order and as rows arrive', async () => {
    const r = mulberry32(22);
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

  it('bounds every row before `to` from above, but for the rows no block holds yet, as rows arrive', async () => {
    const r = mulberry32(23);
    const t = table();
    const floor = new TimeFloor(t.read, 2, 0);
    let clock = 1_000;
    let gaps = 0;
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 1 + Math.floor(r() * 40); i++) {
        clock += Math.floor(r() * 100);
        t.times.push(r() < 0.2 ? clock - Math.floor(r() * 2_000) : clock);
      }
      for (const warmed of [false, true]) {
        if (warmed) await floor.warm();
        for (let k = 0; k < 10; k++) {
          const to = Math.floor(r() * (clock + 500));
          const { through, unread } = await floor.ceiling(to);
          expect(through).toBeLessThanOrEqual(unread);
          if (through < unread) gaps++;
          // No row between the two is before `to`; unread covers every row no complete block holds.
          for (let seq = through + 1; seq <= Math.min(unread, t.times.length - 1); seq++)
            expect(t.times[seq]).toBeGreaterThanOrEqual(to);
          // Tight to a block: the block ending at `through` holds a row before `to`.
          if (through > 0) expect(Math.min(...t.times.slice(through - 1, through + 1))).toBeLessThan(to);
        }
      }
    }
    expect(gaps).toBeGreaterThan(50);
    expect(await floor.ceiling(-Infinity)).toEqual({ through: 0, unread: expect.any(Number) });
  });

  it('refuses a block size that is not a positive integer', () => {
    expect(() => new TimeFloor(async () => [], 0)).toThrow(/positive integer/);
    expect(() => new TimeFloor(async () => [], 2.5)).toThrow(/positive integer/);
  });
});
