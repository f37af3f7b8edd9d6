import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { independenceUnmet } from './independence-unmet.js';

describe('independence-unmet', () => {
  it('is silent when k operators see every act', () => expect(run(independenceUnmet)).toEqual([]));
  it('counts operators, not sources: two sources of one operator are one', () => {
    const f = run(independenceUnmet, [{ set: ['verification', 'acoustic', 'operator'], to: 'M' }]);
    expect(f.map((x) => [x.path, x.args])).toEqual([
      [
        ['triggers', 'fire', 'evidence', 'independent-sources'],
        { trigger: 'fire', k: 2, n: { count: 1, noun: 'operator' }, operators: 'M', activity: 'artillery-fire' },
      ],
      [
        ['triggers', 'advance', 'evidence', 'independent-sources'],
        { trigger: 'advance', k: 2, n: { count: 1, noun: 'operator' }, operators: 'M', activity: 'ground-advance' },
      ],
    ]);
  });
  it('is fixed by a source of another operator', () =>
    expect(runAfterFix(independenceUnmet, [{ set: ['verification', 'acoustic', 'operator'], to: 'M' }])).toHaveLength(
      1,
    ));
});
