import { describe, expect, it } from 'vitest';
import { dimensions, type Dimension } from './finding.js';
import { discrimination, type ValidityRow } from './validity.js';

const row = (p: string, outcome: 'held' | 'failed', overall: number): ValidityRow => ({
  package: p,
  outcome,
  overall,
  scores: Object.fromEntries(dimensions.map((d) => [d, overall])) as Record<Dimension, number>,
});

describe('discrimination', () => {
  it('counts the held/failed pairs the overall score orders correctly, ties apart', () => {
    const d = discrimination([
      row('a', 'held', 50),
      row('b', 'held', 20),
      row('c', 'failed', 30),
      row('d', 'failed', 20),
    ]);
    expect(d).toEqual({ pairs: 4, correct: 2, ties: 1, share: 0.5, auc: 0.625 });
  });
});
