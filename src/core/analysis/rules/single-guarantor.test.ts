import { describe, expect, it } from 'vitest';
import { run, said } from '../sample.js';
import { singleGuarantor } from './single-guarantor.js';

describe('single-guarantor', () => {
  it('is silent at an even split', () => expect(run(singleGuarantor)).toEqual([]));
  it('reports a guarantor carrying more than half', () => {
    expect(
      run(singleGuarantor, [{ set: ['sustainment', 'commitments', 0, 'amount'], to: '3e9 EUR' }]).map((f) =>
        said(f.args),
      ),
    ).toEqual([{ by: 'G1', share: '75%', requirement: 'financing' }]);
  });
});
