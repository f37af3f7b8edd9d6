import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { missingJudgment } from './missing-judgment.js';

describe('missing-judgment', () => {
  it('is silent when there is a judgment body', () => expect(run(missingJudgment)).toEqual([]));
  it('reports a package with prohibitions and no judgment body', () => {
    const f = run(missingJudgment, [{ delete: ['judgment'] }]);
    expect(f.map((x) => [x.code, x.path])).toEqual([['judgment-missing', ['responses']]]);
  });
  it('proposes a body of the neutral actors', () => {
    const f = run(missingJudgment, [{ delete: ['judgment'] }]);
    expect(f[0]!.fix!.description).toContain('M, G1, G2');
    expect(runAfterFix(missingJudgment, [{ delete: ['judgment'] }])).toEqual([]);
  });
});
