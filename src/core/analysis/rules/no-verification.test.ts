import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { noVerification } from './no-verification.js';

describe('no-verification', () => {
  it('is silent when there are sources', () => expect(run(noVerification)).toEqual([]));
  it('reports a package with no source, counting the prohibited acts', () =>
    expect(run(noVerification, [{ delete: ['verification'] }]).map((f) => f.args)).toEqual([{ count: 2 }]));
  it('is fixed by a neutral source', () =>
    expect(runAfterFix(noVerification, [{ delete: ['verification'] }])).toEqual([]));
});
