import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { nonBindingResponse } from './non-binding-response.js';

const political = [{ set: ['responses', 'serious', 0, 'form'], to: 'political' }];

describe('non-binding-response', () => {
  it('is silent for treaty obligations and for obligations of unstated form', () => {
    expect(run(nonBindingResponse)).toEqual([]);
    expect(run(nonBindingResponse, [{ delete: ['responses', 'serious', 0, 'form'] }])).toEqual([]);
  });
  it('reports a political response obligation', () => {
    expect(run(nonBindingResponse, political).map((f) => f.args)).toEqual([
      { action: 'sanctions', by: 'G1, G2', severity: 'serious', form: 'a political commitment' },
    ]);
  });
  it('is fixed by a treaty', () => expect(runAfterFix(nonBindingResponse, political)).toEqual([]));
});
