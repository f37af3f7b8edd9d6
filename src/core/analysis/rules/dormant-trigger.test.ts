import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { dormantTrigger } from './dormant-trigger.js';

const wakes = (w: unknown) => [{ set: ['triggers', 'fire', 'wakes'], to: w }];

describe('dormant-trigger', () => {
  it('is silent for a trigger that wakes inside the horizon', () => {
    expect(run(dormantTrigger, wakes({ held: '90d' }))).toEqual([]);
    expect(run(dormantTrigger, wakes({ at: '2026-09-01' }))).toEqual([]);
  });
  it('reports a wake beyond the horizon, or the lapse of a clause that never lapses', () => {
    expect(run(dormantTrigger, wakes({ held: '2y' })).map((f) => f.args['why'])).toEqual([
      'that lies beyond the horizon (2027-06-01)',
    ]);
    expect(run(dormantTrigger, wakes({ 'on-lapse-of': 'no-advance' })).map((f) => f.args['why'])).toEqual([
      'that prohibition has no `until`, so it never lapses',
    ]);
  });
  it("reports a wake after the agreement's own term", () => {
    const f = run(dormantTrigger, [
      ...wakes({ held: '8mo' }),
      { set: ['term'], to: { length: '6mo', renewal: 'decision' } },
    ]);
    expect(f.map((x) => x.args['why'])).toEqual(["the agreement's own term ends first (2026-11-30)"]);
  });
  it('is fixed by applying from the start', () =>
    expect(runAfterFix(dormantTrigger, wakes({ held: '2y' }))).toEqual([]));
});
