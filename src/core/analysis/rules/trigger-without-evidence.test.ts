import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { triggerWithoutEvidence } from './trigger-without-evidence.js';

describe('trigger-without-evidence', () => {
  it('is silent when every trigger states its evidence', () => expect(run(triggerWithoutEvidence)).toEqual([]));
  it('reports a trigger with no evidence, or an empty one', () => {
    const f = run(triggerWithoutEvidence, [
      { delete: ['triggers', 'fire', 'evidence'] },
      { set: ['triggers', 'advance', 'evidence'], to: {} },
    ]);
    expect(f.map((x) => x.args['trigger'])).toEqual(['fire', 'advance']);
  });
  it('is fixed by a threshold', () =>
    expect(runAfterFix(triggerWithoutEvidence, [{ delete: ['triggers', 'fire', 'evidence'] }])).toEqual([]));
});
