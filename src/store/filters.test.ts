import { describe, expect, it } from 'vitest';
import { observationPlan } from './filters.js';
import { TimeFloor } from './time-floor.js';

/** A floor over rows whose seq is their time (in order), but for late reports at the given seqs. */
async function floorOver(rows: number, late: Map<number, number> = new Map()): Promise<TimeFloor> {
  const floor = new TimeFloor(
    async (after, through, size) => {
      const blocks = new Map<number, { min: number; max: number }>();
      for (let seq = after + 1; seq <= Math.min(rows, through); seq++) {
        const t = late.get(seq) ?? seq;
        const b = Math.floor(seq / size);
        const m = blocks.get(b);
        blocks.set(b, { min: Math.min(m?.min ?? Infinity, t), max: Math.max(m?.max ?? -Infinity, t) });
      }
      return [...blocks].map(([block, m]) => ({ block, ...m }));
    },
    10,
    60_000,
  );
  await floor.warm();
  return floor;
}

describe('observation plans', () => {
  it('stop a window at its ceiling, then read only the rows no block holds yet', async () => {
    const floor = await floorOver(1_005); // blocks 0..99 complete, 100 still filling
    // The last page of a long window: after the cursor up to the block holding the window's last row.
    expect(await observationPlan({ limit: 100, from: 200, to: 600 }, 590, floor)).toEqual({
      ranges: [{ after: 590, through: 599 }, { after: 999 }],
      index: undefined,
    });
    // Past the window's last block only the unread rows are left.
    expect(await observationPlan({ limit: 100, to: 600 }, 700, floor)).toEqual({ ranges: [{ after: 999 }] });
    // With equality filters, by their index (SQLite would otherwise read the whole seq range).
    expect(await observationPlan({ limit: 100, to: 600, source: 'radar', activity: 'x' }, 0, floor)).toEqual({
      ranges: [{ after: 0, through: 599 }, { after: 999 }],
      index: 'source_activity',
    });
    // A window that reaches the latest rows is one range; a region is read by its index.
    expect(await observationPlan({ limit: 100, from: 900, to: 2_000, region: 'UA-14' }, 0, floor)).toEqual({
      ranges: [{ after: 899 }],
      index: 'region',
    });
  });

  it('read a short window spread far by a late report through the time index', async () => {
    const floor = await floorOver(1_005, new Map([[950, 205]]));
    expect(await observationPlan({ limit: 100, from: 200, to: 210 }, 0, floor)).toEqual({
      ranges: [{ after: 199 }],
      index: 'time',
    });
    // A long one walks up to that report's block.
    expect(await observationPlan({ limit: 100, from: 200, to: 600 }, 0, floor)).toEqual({
      ranges: [{ after: 199, through: 959 }, { after: 999 }],
      index: undefined,
    });
  });
});
