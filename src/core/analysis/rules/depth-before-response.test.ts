import { describe, expect, it } from 'vitest';
import { run, runAfterFix, said } from '../sample.js';
import { depthBeforeResponse } from './depth-before-response.js';

describe('depth-before-response', () => {
  it('is silent when the first material response comes before the violator is through the buffer', () =>
    expect(run(depthBeforeResponse)).toEqual([]));
  it('reports the depth gained beyond the narrowest buffer around the line', () => {
    // 1 km at 5 km/d = 4.8h; + 15m detection; + 24h deadline; + 24h + 72h national decision = 125.05h = 26.05 km
    const f = run(depthBeforeResponse, [{ set: ['responses', 'armed-attack', 0, 'automatic'], to: false }]);
    expect(f.map((x) => said(x.args))).toEqual([
      { trigger: 'advance', rate: 'advance rate of 5 km/day', depth: '26.1 km', limit: 'the 20 km of buffer `buffer`' },
    ]);
  });
  it('is silent without an advance-rate assumption', () =>
    expect(
      run(depthBeforeResponse, [
        { delete: ['assumptions', 'advance-rate'] },
        { set: ['responses', 'armed-attack', 0, 'automatic'], to: false },
      ]),
    ).toEqual([]));
  it('is fixed by an automatic response', () =>
    expect(
      runAfterFix(depthBeforeResponse, [{ set: ['responses', 'armed-attack', 0, 'automatic'], to: false }]),
    ).toEqual([]));
});
