// The war baseline's effect sizes in src/core/analysis/baseline.ts are what scripts/baseline-effects.ts computes from
// the UCDP Conflict Termination data kept in examples/historical/data: the numbers cannot drift from their source.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimate, libraryConflicts, ucdpDay } from '../scripts/baseline-effects.js';
import { baselineEvidence } from '../src/core/analysis/baseline.js';

describe('baseline effect sizes', () => {
  it('are the ones the dataset gives', () => {
    const e = estimate();
    expect({ all: e.all, ending: e.ending, intensity: e.intensity }).toEqual({
      all: baselineEvidence.all,
      ending: baselineEvidence.ending,
      intensity: baselineEvidence.intensity,
    });
    expect(e.leftOut).toBe(53);
  });

  it("leave out every conflict a library package's context cites", () => {
    const dir = 'examples/historical';
    const cited = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && f !== 'outcomes.yaml')
      .flatMap((f) =>
        [...readFileSync(`${dir}/${f}`, 'utf8').matchAll(/\bconflict (1-\d+)/g)].map((m) => `${f}: ${m[1]}`),
      );
    expect(cited.length).toBeGreaterThanOrEqual(17);
    expect(cited.filter((c) => !libraryConflicts.has(c.split(': ')[1] ?? ''))).toEqual([]);
  });

  it("read the file's three date layouts", () => {
    const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
    expect(ucdpDay('1974-06-20')).toBe(day(1974, 6, 20));
    expect(ucdpDay('2007/11/27')).toBe(day(2007, 11, 27));
    expect(ucdpDay('8/16/74')).toBe(day(1974, 8, 16));
    expect(ucdpDay('6/18/00')).toBe(day(2000, 6, 18));
    expect(ucdpDay('.')).toBeUndefined();
    expect(() => ucdpDay('June 1974')).toThrow(/unreadable date/);
  });
});
