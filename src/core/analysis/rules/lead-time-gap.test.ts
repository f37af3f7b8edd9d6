import { describe, expect, it } from 'vitest';
import { run, runAfterFix, said } from '../sample.js';
import { leadTimeGap } from './lead-time-gap.js';

const slow = [{ set: ['sustainment', 'commitments', 0, 'lead-time'], to: '3mo' }];

describe('lead-time-gap', () => {
  it('is silent when stock covers the lead time', () =>
    expect(
      run(leadTimeGap, [...slow, { set: ['sustainment', 'requirements', 'financing', 'stock'], to: '3mo' }]),
    ).toEqual([]));
  it('reports a lead time longer than the stock', () =>
    expect(run(leadTimeGap, slow).map((f) => said(f.args))).toEqual([
      { n: 1, by: 'G1', requirement: 'financing', lead: '3 months', stock: 'zero time' },
    ]));
  it('is fixed by stocking for the lead time', () => expect(runAfterFix(leadTimeGap, slow)).toEqual([]));
});
