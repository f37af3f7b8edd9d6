import { describe, expect, it } from 'vitest';
import { run } from '../sample.js';
import { missingAssumption } from './missing-assumption.js';

describe('missing-assumption', () => {
  it('is silent when the assumptions the timeline needs are stated', () => expect(run(missingAssumption)).toEqual([]));
  it('reports a missing advance rate when a trigger is on an advance', () => {
    expect(
      run(missingAssumption, [{ delete: ['assumptions', 'advance-rate'] }]).map((f) => f.args['assumption']),
    ).toEqual(['advance-rate']);
  });
  it('reports a missing national-decision time only when a response is not automatic', () => {
    expect(run(missingAssumption, [{ delete: ['assumptions', 'national-decision'] }])).toEqual([]);
    expect(
      run(missingAssumption, [
        { delete: ['assumptions', 'national-decision'] },
        { set: ['responses', 'serious', 0, 'automatic'], to: false },
      ]).map((f) => f.args['assumption']),
    ).toEqual(['national-decision']);
  });
});
