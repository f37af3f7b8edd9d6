import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { partyVerification } from './party-verification.js';

const own = [
  { set: ['verification', 'radar', 'operator'], to: 'A' },
  { set: ['verification', 'acoustic', 'operator'], to: 'B' },
];

describe('party-verification', () => {
  it('is silent when a neutral actor operates a source', () => expect(run(partyVerification, [own[0]!])).toEqual([]));
  it('reports verification operated only by bound parties', () =>
    expect(run(partyVerification, own).map((f) => f.args)).toEqual([{ operators: 'A, B' }]));
  it('counts a body staffed only by parties as a party', () => {
    const f = run(partyVerification, [
      { set: ['actors', 'JC'], to: { name: 'Joint commission', role: 'body', contributors: ['A', 'B'] } },
      { set: ['verification', 'radar', 'operator'], to: 'JC' },
      { set: ['verification', 'acoustic', 'operator'], to: 'JC' },
    ]);
    expect(f.map((x) => x.args)).toEqual([{ operators: 'JC' }]);
  });
  it('is fixed by a neutral source', () => expect(runAfterFix(partyVerification, own)).toEqual([]));
});
