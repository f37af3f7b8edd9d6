import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { uncountedLimit } from './uncounted-limit.js';

const limit = [
  {
    set: ['prohibitions', 'forces'],
    to: {
      binds: ['A', 'B'],
      activities: ['troop-presence', 'heavy-weapon-presence'],
      inside: 'buffer',
      limit: { personnel: 3500, tank: 75 },
    },
  },
];

describe('uncounted-limit', () => {
  it('is silent when an inspection team covers the zone', () => {
    const team = {
      set: ['verification', 'team'],
      to: {
        kind: 'inspection-team',
        operator: 'M',
        revisit: '15d',
        latency: '1d',
        covers: ['buffer'],
        detects: { 'troop-presence': 0.9 },
      },
    };
    expect(run(uncountedLimit, [...limit, team])).toEqual([]);
  });
  it('reports a limit nobody counts (a radar sees fire, not tanks)', () => {
    expect(run(uncountedLimit, limit).map((f) => f.args['limits'])).toEqual(['3500 personnel and 75 tank']);
  });
  it('is fixed by an inspection team', () => expect(runAfterFix(uncountedLimit, limit)).toEqual([]));
});
