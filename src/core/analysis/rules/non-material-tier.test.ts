import { describe, expect, it } from 'vitest';
import { run, runAfterFix, said } from '../sample.js';
import { nonMaterialTier } from './non-material-tier.js';

const talk = [
  {
    set: ['responses', 'serious'],
    to: [
      { by: 'G1', do: 'consult', within: '24h' },
      { by: 'M', do: 'public-report', within: '12h' },
      { by: 'G2', do: 'consult', within: '2d' },
    ],
  },
];

describe('non-material-tier', () => {
  it('is silent when each tier has a material action', () => expect(run(nonMaterialTier)).toEqual([]));
  it('reports a tier of consultation and reports only', () =>
    expect(run(nonMaterialTier, talk).map((f) => said(f.args))).toEqual([
      { severity: 'serious', actions: 'consult and public-report' },
    ]));
  it('is fixed by adding a material action', () => expect(runAfterFix(nonMaterialTier, talk)).toEqual([]));
});
