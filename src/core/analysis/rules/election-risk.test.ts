import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { electionRisk } from './election-risk.js';

const risky = [
  { set: ['actors', 'G1', 'elections'], to: ['2026-11-03'] },
  { set: ['sustainment', 'commitments', 0, 'form'], to: 'political' },
];

describe('election-risk', () => {
  it('is silent for treaty commitments and elections beyond the horizon', () => {
    expect(run(electionRisk, [risky[0]!])).toEqual([]);
    expect(run(electionRisk, [risky[1]!])).toEqual([]);
  });
  it("reports a political commitment that crosses its guarantor's election", () => {
    expect(run(electionRisk, risky).map((f) => [f.path, f.args])).toEqual([
      [
        ['sustainment', 'commitments', 0, 'form'],
        { form: 'political', n: 1, by: 'G1', requirement: 'financing', date: '2026-11-03' },
      ],
    ]);
  });
  it('is fixed by a law', () => expect(runAfterFix(electionRisk, risky)).toEqual([]));
});
