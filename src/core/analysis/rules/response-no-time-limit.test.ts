import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { responseNoTimeLimit } from './response-no-time-limit.js';

describe('response-no-time-limit', () => {
  it('is silent when every response has `within`', () => expect(run(responseNoTimeLimit)).toEqual([]));
  it('reports a response with no time limit, naming who', () => {
    const f = run(responseNoTimeLimit, [{ delete: ['responses', 'serious', 0, 'within'] }]);
    expect(f.map((x) => [x.path, x.args])).toEqual([
      [['responses', 'serious', 0], { action: 'sanctions', by: 'G1, G2', severity: 'serious' }],
    ]);
  });
  it('is fixed by a time limit', () =>
    expect(runAfterFix(responseNoTimeLimit, [{ delete: ['responses', 'serious', 0, 'within'] }])).toEqual([]));
});
