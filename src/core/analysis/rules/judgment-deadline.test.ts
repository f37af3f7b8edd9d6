import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { judgmentDeadline } from './judgment-deadline.js';

describe('judgment-deadline', () => {
  it('is silent with a deadline and a declaring default', () => expect(run(judgmentDeadline)).toEqual([]));
  it('reports no deadline (and then no default: there is nothing to default at)', () => {
    const f = run(judgmentDeadline, [{ delete: ['judgment', 'deadline'] }, { delete: ['judgment', 'on-deadline'] }]);
    expect(f.map((x) => [x.code, x.args])).toEqual([['judgment-no-deadline', {}]]);
  });
  it('reports a deadline with no rule for when it passes', () => {
    const f = run(judgmentDeadline, [{ delete: ['judgment', 'on-deadline'] }]);
    expect(f.map((x) => [x.code, x.path, x.args])).toEqual([
      ['judgment-no-default', ['judgment'], { what: 'nothing is decided' }],
    ]);
  });
  it('reports a dismissing default', () => {
    const f = run(judgmentDeadline, [{ set: ['judgment', 'on-deadline'], to: 'dismiss' }]);
    expect(f.map((x) => [x.path, x.args])).toEqual([[['judgment', 'on-deadline'], { what: 'the case is dismissed' }]]);
  });
  it('is fixed by a deadline, and by a declaring default', () => {
    expect(runAfterFix(judgmentDeadline, [{ delete: ['judgment', 'deadline'] }])).toEqual([]);
    expect(runAfterFix(judgmentDeadline, [{ set: ['judgment', 'on-deadline'], to: 'no-decision' }])).toEqual([]);
  });
});
