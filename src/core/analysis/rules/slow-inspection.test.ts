import { describe, expect, it } from 'vitest';
import { run } from '../sample.js';
import { slowInspection } from './slow-inspection.js';

const team = (extra: Record<string, unknown>) => [
  {
    set: ['verification', 'team'],
    to: {
      kind: 'inspection-team',
      operator: 'M',
      latency: '1d',
      detects: { 'artillery-fire': 0.5, 'troop-presence': 0.9 },
      ...extra,
    },
  },
];

describe('slow-inspection', () => {
  it('is silent for continuous sensors and for acts that last', () => expect(run(slowInspection)).toEqual([]));
  it('reports an inspection on request that claims to catch a shot', () => {
    expect(run(slowInspection, team({ 'on-request': '48h' })).map((f) => [f.args['activity'], f.args['how']])).toEqual([
      ['artillery-fire', 'within 48 hours of a request'],
    ]);
  });
  it('reports a quota ("twice a month")', () => {
    expect(run(slowInspection, team({ quota: { count: 2, per: '1mo' } })).map((f) => f.args['how'])).toEqual([
      '2 times every 30 days 10 hours',
    ]);
  });
});
