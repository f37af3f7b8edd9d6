import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { termLapses } from './term-lapses.js';

const term = (renewal: string, extra: Record<string, unknown> = {}) => [
  { set: ['term'], to: { length: '6mo', renewal, ...extra } },
];

describe('term-lapses', () => {
  it('is silent for automatic renewal, or a term beyond the horizon', () => {
    expect(run(termLapses, term('automatic'))).toEqual([]);
    expect(run(termLapses, [{ set: ['term'], to: { length: '2y', renewal: 'none' } }])).toEqual([]);
  });
  it('reports a term renewed by a decision a party can veto', () => {
    expect(
      run(termLapses, term('decision', { by: ['G1', 'A'], rule: 'unanimity', veto: ['A'] })).map((f) => f.args['term']),
    ).toEqual([
      'runs 6 months and ends in 2026-11, before the horizon; its renewal needs a decision by G1 and A (unanimity), over which A, bound by the prohibitions, holds a veto',
    ]);
  });
  it('reports an agreement any party can end by notice', () => {
    expect(
      run(termLapses, [{ set: ['term'], to: { renewal: 'none', notice: '14d' } }]).map((f) => f.args['term']),
    ).toEqual(["any party can end it on 14 days' notice"]);
  });
  it('is fixed by automatic renewal', () => expect(runAfterFix(termLapses, term('none'))).toEqual([]));
});
