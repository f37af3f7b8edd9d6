import { describe, expect, it } from 'vitest';
import { run, runAfterFix, said } from '../sample.js';
import { uncoveredProhibition } from './uncovered-prohibition.js';

const mines = [{ set: ['prohibitions', 'no-mines'], to: { binds: ['A'], activities: ['mine-laying', 'jamming'] } }];

describe('uncovered-prohibition', () => {
  it('is silent when every prohibition has a trigger', () => expect(run(uncoveredProhibition)).toEqual([]));
  it('names the prohibition no trigger covers and what the violator can do', () => {
    const f = run(uncoveredProhibition, mines);
    expect(f.map((x) => [x.path, said(x.args)])).toEqual([
      [['prohibitions', 'no-mines'], { prohibition: 'no-mines', activities: 'mine-laying or jamming' }],
    ]);
    expect(f[0]!.scale).toBeCloseTo(1 / 3);
  });
  it('is fixed by the trigger it proposes', () => expect(runAfterFix(uncoveredProhibition, mines)).toEqual([]));
});
