import { describe, expect, it } from 'vitest';
import { run, runAfterFix, said } from '../sample.js';
import { sustainmentShortfall } from './sustainment-shortfall.js';

const half = [{ set: ['sustainment', 'commitments', 1, 'amount'], to: '0.5e9 EUR' }];

describe('sustainment-shortfall', () => {
  it('is silent when commitments meet the requirement', () => expect(run(sustainmentShortfall)).toEqual([]));
  it('reports the average coverage and the months below half', () => {
    const f = run(sustainmentShortfall, half);
    expect(f.map((x) => [x.code, said(x.args)])).toEqual([
      ['sustainment-shortfall', { requirement: 'financing', coverage: '75%', short: 0, months: 12 }],
    ]);
    expect(f[0]!.scale).toBeCloseTo(0.25);
  });
  it('reports a requirement nobody commits to', () => {
    const f = run(sustainmentShortfall, [
      { set: ['sustainment', 'requirements', 'interceptors'], to: { quantity: 100, per: 'year' } },
    ]);
    expect(f.map((x) => [x.code, said(x.args), x.scale])).toEqual([
      ['requirement-uncommitted', { requirement: 'interceptors' }, 0.5],
    ]);
  });
  it('is fixed by committing the gap', () => expect(runAfterFix(sustainmentShortfall, half)).toEqual([]));
});
