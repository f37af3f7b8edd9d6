import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { noResponses } from './no-responses.js';

describe('no-responses', () => {
  it('is silent when there are responses', () => expect(run(noResponses)).toEqual([]));
  it('reports a package with no response at all', () =>
    expect(run(noResponses, [{ delete: ['responses'] }]).map((f) => f.code)).toEqual(['no-responses']));
  it('is fixed by answering every severity', () =>
    expect(runAfterFix(noResponses, [{ delete: ['responses'] }])).toEqual([]));
});
