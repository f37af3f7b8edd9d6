import { describe, expect, it } from 'vitest';
import { run, runAfterFix, said } from '../sample.js';
import { phaseGap } from './phase-gap.js';

const phases = (from: string) => [
  { set: ['prohibitions', 'no-fire', 'until'], to: '30d' },
  {
    set: ['prohibitions', 'phase-two'],
    to: { binds: ['A', 'B'], activities: ['artillery-fire'], inside: 'buffer', follows: 'no-fire', from },
  },
];

describe('phase-gap', () => {
  it('is silent when the next phase starts as the last ends', () => expect(run(phaseGap, phases('30d'))).toEqual([]));
  it('reports the days between phases', () => {
    expect(run(phaseGap, phases('40d')).map((f) => said(f.args))).toEqual([
      {
        prohibition: 'phase-two',
        previous: 'no-fire',
        gap: '10 days',
        end: '2026-07-01',
        activities: 'artillery-fire',
      },
    ]);
  });
  it('is fixed by starting the next phase at once', () => expect(runAfterFix(phaseGap, phases('40d'))).toEqual([]));
});
