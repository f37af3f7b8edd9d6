import { describe, expect, it } from 'vitest';
import { analyseSample, run, runAfterFix } from '../sample.js';
import { unpublishedRule } from './unpublished-rule.js';

const unpublished = [{ set: ['judgment', 'rule'], to: { type: 'unpublished' } }];

describe('unpublished-rule', () => {
  it('is silent on a published rule', () => expect(run(unpublishedRule)).toEqual([]));
  it('reports an unpublished rule and reads it at its worst (any member blocks)', () => {
    expect(run(unpublishedRule, unpublished).map((f) => f.args)).toEqual([{ body: 'Commission', count: 3 }]);
    expect(analyseSample(unpublished).findings.map((f) => f.code)).toContain('judgment-member-can-block');
  });
  it('is fixed by publishing a rule', () => expect(runAfterFix(unpublishedRule, unpublished)).toEqual([]));
});
