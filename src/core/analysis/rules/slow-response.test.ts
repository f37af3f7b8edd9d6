import { describe, expect, it } from 'vitest';
import { run, runAfterFix, said } from '../sample.js';
import { slowResponse } from './slow-response.js';

describe('slow-response', () => {
  it('is silent when each trigger reaches an automatic material response within a week', () =>
    expect(run(slowResponse)).toEqual([]));
  it('reports a first material response due later than a week, with its worst-case time', () => {
    const f = run(slowResponse, [{ set: ['responses', 'serious', 0, 'within'], to: '10d' }]);
    // 12h window + 15m detection + 24h deadline + 10d
    expect(f.map((x) => [x.code, said(x.args)])).toEqual([
      [
        'slow-material-response',
        { trigger: 'fire', action: 'sanctions by G1, G2', worst: 'T+11d 12h', limit: '7 days' },
      ],
    ]);
  });
  it('says why the worst case is unbounded', () => {
    const f = run(slowResponse, [{ set: ['judgment', 'on-deadline'], to: 'dismiss' }]);
    expect(f.map((x) => said(said(x.args))['worst'])).toEqual([
      'with no upper bound (when the deadline passes the default is dismiss)',
      'with no upper bound (when the deadline passes the default is dismiss)',
    ]);
  });
  it('reports a trigger that never reaches a material response, and why', () => {
    const f = run(slowResponse, [{ set: ['responses', 'serious'], to: [{ by: 'G1', do: 'consult', within: '1d' }] }]);
    expect(f.map((x) => [x.code, said(x.args)])).toEqual([
      ['no-material-response', { trigger: 'fire', why: 'the `serious` response has no material action' }],
    ]);
    const g = run(slowResponse, [{ delete: ['judgment'] }]);
    expect(g.map((x) => said(said(x.args))['why'])).toEqual([
      'there is no judgment body to declare a breach',
      'there is no judgment body to declare a breach',
    ]);
  });
  it('notes a first material response that waits for a national decision', () => {
    const f = run(slowResponse, [{ set: ['responses', 'armed-attack', 0, 'automatic'], to: false }]);
    expect(f.map((x) => [x.code, said(said(x.args))['decision']])).toEqual([['national-decision', '72 hours']]);
  });
  it('is fixed by making the response automatic, or acting on the trigger', () => {
    expect(runAfterFix(slowResponse, [{ set: ['responses', 'armed-attack', 0, 'automatic'], to: false }])).toEqual([]);
    expect(runAfterFix(slowResponse, [{ delete: ['judgment'] }])).toHaveLength(1);
  });
});
