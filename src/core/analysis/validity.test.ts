import { describe, expect, it } from 'vitest';
import { dimensions, type Dimension } from './finding.js';
import { baselineDiscrimination, baselineMarkdown, discrimination, type ValidityRow } from './validity.js';

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

describe('the baseline beside the scorecard', () => {
  it('counts the pairs in which the held agreement has the lower hazard multiplier, ties apart', () => {
    const b = (p: string, outcome: 'held' | 'failed', multiplier: number) => ({
      package: p,
      outcome,
      baseline: { multiplier, low: multiplier, high: multiplier, factors: [] },
    });
    const rows = [b('a', 'held', 0.5), b('b', 'held', 1), b('c', 'failed', 1.2), b('d', 'failed', 1)];
    expect(baselineDiscrimination(rows)).toEqual({ pairs: 4, correct: 3, ties: 1, share: 0.75, auc: 0.875 });
    expect(baselineMarkdown(rows)).toContain('| `c` | failed | not coded | not coded | 1.20 (1.20 to 1.20) |');
  });
});
