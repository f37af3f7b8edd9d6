import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { severityWithoutResponse } from './severity-without-response.js';

describe('severity-without-response', () => {
  it('is silent when every severity a trigger produces has a response', () =>
    expect(run(severityWithoutResponse)).toEqual([]));
  it('reports the severity and the trigger that produces it, once', () => {
    const f = run(severityWithoutResponse, [
      { delete: ['responses', 'serious'] },
      { set: ['triggers', 'fire2'], to: { on: ['no-fire'], severity: 'serious' } },
    ]);
    expect(f.map((x) => [x.path, x.args])).toEqual([
      [['triggers', 'fire', 'severity'], { severity: 'serious', trigger: 'fire' }],
    ]);
  });
  it('is fixed by a material response', () =>
    expect(runAfterFix(severityWithoutResponse, [{ set: ['responses', 'serious'], to: [] }])).toEqual([]));
});
