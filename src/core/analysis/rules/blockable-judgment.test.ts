import { describe, expect, it } from 'vitest';
import { analyseModel } from '../analyse.js';
import { run, runAfterFix, samplePackage } from '../sample.js';
import { blockableJudgment } from './blockable-judgment.js';

describe('blockable-judgment', () => {
  it('is silent for a majority of neutral members with the parties recused', () =>
    expect(run(blockableJudgment)).toEqual([]));
  it('reports a party that votes under consensus, and that any member can block', () => {
    const f = run(blockableJudgment, [
      { set: ['judgment', 'members'], to: ['G1', 'G2', 'A'] },
      { set: ['judgment', 'recuse'], to: 'none' },
      { set: ['judgment', 'rule', 'type'], to: 'consensus' },
    ]);
    expect(f.map((x) => [x.code, x.args])).toEqual([
      ['judgment-party-can-block', { actor: 'A', how: 'an objection under consensus' }],
      ['judgment-member-can-block', { how: 'consensus', count: 3 }],
    ]);
    expect(f[0]!.path).toEqual(['judgment', 'members', 2]);
  });
  it('reports a veto held by a party (a Security Council)', () => {
    const f = run(blockableJudgment, [
      { set: ['judgment', 'members'], to: ['G1', 'G2', 'A'] },
      { set: ['judgment', 'recuse'], to: 'none' },
      { set: ['judgment', 'rule', 'veto'], to: ['A', 'G1'] },
    ]);
    expect(f.map((x) => [x.code, x.path])).toEqual([
      ['judgment-party-can-block', ['judgment', 'rule', 'veto', 0]],
      ['judgment-member-can-block', ['judgment', 'rule', 'veto']],
    ]);
  });
  it('reports a party whose single dismiss vote stops a small body', () => {
    const f = run(blockableJudgment, [
      { set: ['judgment', 'members'], to: ['G1', 'A'] },
      { set: ['judgment', 'recuse'], to: 'none' },
      { delete: ['judgment', 'tie-break'] },
      { delete: ['judgment', 'rule', 'quorum'] },
    ]);
    expect(f.map((x) => [x.code, x.args['actor']])).toEqual([
      ['judgment-party-can-block', 'A'],
      ['judgment-member-can-block', undefined],
    ]);
  });
  it('reports a party the quorum cannot do without', () => {
    const f = run(blockableJudgment, [
      { set: ['judgment', 'members'], to: ['G1', 'A'] },
      { set: ['judgment', 'recuse'], to: 'none' },
      { set: ['judgment', 'rule', 'quorum'], to: 2 },
    ]);
    expect(f.map((x) => x.args['how'])).toEqual(['staying away: the quorum of 2 cannot be met without the parties']);
  });
  it('reports a party voting on its own breach under majority, with the allies it needs to block', () => {
    const f = run(blockableJudgment, [
      { set: ['judgment', 'members'], to: ['G1', 'G2', 'M', 'A'] },
      { set: ['judgment', 'recuse'], to: 'none' },
    ]);
    // four voters and a tie-break (M): a tie declares, so three dismiss votes are needed and A needs two allies
    expect(f.map((x) => [x.args['how'], x.scale])).toEqual([
      ['voting on its own breach, not recused: with 2 other members it holds a blocking minority', 0.5],
    ]);
    // without the tie-break a tie does not declare: one ally is enough
    const g = run(blockableJudgment, [
      { set: ['judgment', 'members'], to: ['G1', 'G2', 'M', 'A'] },
      { set: ['judgment', 'recuse'], to: 'none' },
      { delete: ['judgment', 'tie-break'] },
    ]);
    expect(g.map((x) => x.args['how'])).toEqual([
      'voting on its own breach, not recused: with 1 other member it holds a blocking minority',
    ]);
  });
  it('counts the blocking minority of each rule', () => {
    const qm = run(blockableJudgment, [
      { set: ['judgment', 'members'], to: ['G1', 'G2', 'M', 'A'] },
      { set: ['judgment', 'recuse'], to: 'none' },
      { set: ['judgment', 'rule', 'type'], to: 'qualified-majority' },
      { set: ['judgment', 'rule', 'fraction'], to: 0.75 },
    ]);
    // 4 x (1 - 0.75) = 1: two dismiss votes leave 2/4 < 0.75
    expect(qm.map((x) => x.args['how'])).toEqual([
      'voting on its own breach, not recused: with 1 other member it holds a blocking minority',
    ]);
  });
  it('is fixed by recusing the parties', () => {
    const edits = [
      { set: ['judgment', 'members'], to: ['G1', 'G2', 'A'] },
      { set: ['judgment', 'recuse'], to: 'none' },
      { set: ['judgment', 'rule', 'veto'], to: ['A'] },
    ];
    expect(runAfterFix(blockableJudgment, edits)).toEqual([]);
    const m = samplePackage(edits);
    expect(analyseModel(m).scorecard.dimensions.judgment.score).toBe(50);
  });
});
