import { describe, expect, it } from 'vitest';
import { run } from '../sample.js';
import { nothingCommitted } from './nothing-committed.js';

describe('nothing-committed', () => {
  it('is silent when sustainment is stated', () => expect(run(nothingCommitted)).toEqual([]));
  it('reports a package with no requirements and no commitments', () =>
    expect(run(nothingCommitted, [{ delete: ['sustainment'] }]).map((f) => f.code)).toEqual(['nothing-committed']));
});
