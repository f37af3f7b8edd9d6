import { describe, expect, it } from 'vitest';
import { analyseModel } from './analyse.js';
import { bestSingleFix, rankFixes } from './best-fix.js';
import { samplePackage } from './sample.js';

describe('best single fix', () => {
  it('finds nothing to fix in the strong sample', () => expect(bestSingleFix(samplePackage())).toBeUndefined());
  it('picks the change that raises the overall score most, and reports before and after', () => {
    const m = samplePackage([
      { delete: ['judgment'] },
      { delete: ['sustainment', 'commitments', 1, 'form'] },
      { set: ['sustainment', 'commitments', 1, 'form'], to: 'treaty' },
    ]);
    const best = bestSingleFix(m)!;
    expect(best.code).toBe('judgment-missing');
    expect(best.before).toBe(analyseModel(m).scorecard.overall);
    expect(best.after).toBe(analyseModel(best.apply(m)).scorecard.overall);
    expect(best.gain).toBeGreaterThan(0);
    for (const r of rankFixes(m)) expect(r.gain).toBeLessThanOrEqual(best.gain);
  });
  it('never changes the model it is given', () => {
    const m = samplePackage([{ delete: ['judgment'] }, { set: ['responses', 'serious', 0, 'automatic'], to: false }]);
    const before = JSON.stringify(m);
    rankFixes(m);
    expect(JSON.stringify(m)).toBe(before);
  });
  it('ranks every suggested fix deterministically (gain, then description)', () => {
    const m = samplePackage([{ delete: ['verification', 'acoustic'] }, { delete: ['control'] }]);
    const a = rankFixes(m).map((r) => [r.description, r.gain]);
    expect(rankFixes(m).map((r) => [r.description, r.gain])).toEqual(a);
    expect(a.length).toBeGreaterThan(1);
  });
  it('re-scores at most `limit` candidates', () => {
    const m = samplePackage([
      { delete: ['verification', 'acoustic'] },
      { delete: ['control'] },
      { delete: ['judgment', 'deadline'] },
    ]);
    expect(rankFixes(m, { limit: 2 })).toHaveLength(2);
  });
});
