import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { deadlockedJudgment } from './deadlocked-judgment.js';

const twoSided = [
  { set: ['judgment', 'members'], to: ['A', 'B'] },
  { set: ['judgment', 'recuse'], to: 'none' },
  { delete: ['judgment', 'tie-break'] },
];

describe('deadlocked-judgment', () => {
  it('is silent for a body with neutral members', () => expect(run(deadlockedJudgment)).toEqual([]));
  it('reports a body of the two sides with no tie-break', () =>
    expect(run(deadlockedJudgment, twoSided).map((f) => f.args)).toEqual([{ sides: 'A, B' }]));
  it('is silent when a tie-break exists', () =>
    expect(run(deadlockedJudgment, [...twoSided, { set: ['judgment', 'tie-break'], to: 'G1' }])).toEqual([]));
  it('is fixed by a tie-break', () => expect(runAfterFix(deadlockedJudgment, twoSided)).toEqual([]));
});
