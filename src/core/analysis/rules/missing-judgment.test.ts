import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { missingJudgment } from './missing-judgment.js';

describe('missing-judgment', () => {
  it('is silent when there is a judgment body', () => expect(run(missingJudgment)).toEqual([]));
  it('counts the responses left waiting for a declaration', () => {
    const f = run(missingJudgment, [{ delete: ['judgment'] }, { set: ['responses', 'armed-attack', 0, 'upon'], to: 'trigger' }]);
    expect(f.map((x) => x.args)).toEqual([{ count: 1 }]);
  });
  it('proposes a body of the neutral actors', () => {
    const f = run(missingJudgment, [{ delete: ['judgment'] }]);
    expect(f[0]!.fix!.description).toContain('M, G1, G2');
    expect(runAfterFix(missingJudgment, [{ delete: ['judgment'] }])).toEqual([]);
  });
});
