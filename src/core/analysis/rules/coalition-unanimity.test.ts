import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { coalitionUnanimity } from './coalition-unanimity.js';

const bloc = (decides?: string) => [
  {
    set: ['actors', 'EU'],
    to: { name: 'Bloc', role: 'coalition', members: ['G1', 'G2'], ...(decides ? { decides } : {}) },
  },
  { set: ['responses', 'serious', 0, 'by'], to: 'EU' },
];

describe('coalition-unanimity', () => {
  it('is silent for a coalition that decides by majority', () =>
    expect(run(coalitionUnanimity, bloc('majority'))).toEqual([]));
  it('reports a coalition that needs every member, or whose rule is not stated', () => {
    expect(run(coalitionUnanimity, bloc('unanimity')).map((f) => f.args['rule'])).toEqual(['unanimity']);
    expect(run(coalitionUnanimity, bloc()).map((f) => f.args['count'])).toEqual([2]);
  });
  it('is fixed by a qualified majority', () => expect(runAfterFix(coalitionUnanimity, bloc('consensus'))).toEqual([]));
});
