import { describe, expect, it } from 'vitest';
import { run, runAfterFix, said } from '../sample.js';
import { commitmentCliff } from './commitment-cliff.js';

const ends = [{ set: ['sustainment', 'commitments', 1, 'until'], to: '2026-12' }];

describe('commitment-cliff', () => {
  it('is silent when commitments last the horizon', () => expect(run(commitmentCliff)).toEqual([]));
  it('reports the month coverage drops and by how much', () => {
    expect(run(commitmentCliff, ends).map((f) => said(f.args))).toEqual([
      { n: 2, by: 'G2', requirement: 'financing', month: '2027-01', left: '5 months', before: '100%', after: '50%' },
    ]);
  });
  it('is silent for a commitment ending with the horizon', () =>
    expect(run(commitmentCliff, [{ set: ['sustainment', 'commitments', 1, 'until'], to: '2027-05' }])).toEqual([]));
  it('is fixed by extending it', () => expect(runAfterFix(commitmentCliff, ends)).toEqual([]));
});
