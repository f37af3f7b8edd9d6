import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { commitmentOf, isSealed, sealedRecordText, verifyOpening } from './commitment.js';

const salt = '00112233445566778899aabbccddeeff';
const record = { case: 'case-1', vote: { member: 'FR', choice: 'declare', seq: 1 } };
const idOf = (r: { [k: string]: unknown }) => `${String(r['case'])}/vote/1`;

describe('sealed entries', () => {
  it('commits to the salt and the canonical record, whatever the key order', () => {
    const text = canonicalJson(record);
    const want = createHash('sha256')
      .update(salt + text, 'utf8')
      .digest('hex');
    expect(commitmentOf(salt, text)).toBe(want);
    expect(
      commitmentOf(salt, canonicalJson({ vote: { seq: 1, choice: 'declare', member: 'FR' }, case: 'case-1' })),
    ).toBe(want);
    expect(commitmentOf('ff' + salt.slice(2), text)).not.toBe(want);
    expect(() => commitmentOf('short', text)).toThrow(RangeError);
  });

  it('writes the sealed record as canonical JSON, escaping an id that needs it', () => {
    const c = commitmentOf(salt, canonicalJson(record));
    for (const id of ['case-1/vote/1', '17', 'inc-x@2', 'odd "id" é\u0001'])
      expect(sealedRecordText(c, id)).toBe(canonicalJson({ commitment: c, recordId: id }));
    expect(isSealed({ commitment: c, recordId: 'x' })).toBe(true);
    expect(isSealed({ commitment: c, recordId: 'x', extra: 1 })).toBe(false);
    expect(isSealed({ commitment: 'not hex', recordId: 'x' })).toBe(false);
  });

  it('verifies an opening, and refuses another salt, a changed record or another record id', () => {
    const sealed = { commitment: commitmentOf(salt, canonicalJson(record)), recordId: 'case-1/vote/1' };
    expect(verifyOpening(sealed, { salt, record }, idOf)).toEqual({ ok: true, record });
    expect(verifyOpening(sealed, { salt: 'ff' + salt.slice(2), record }, idOf)).toMatchObject({ ok: false });
    const changed = { ...record, vote: { ...record.vote, choice: 'dismiss' } };
    expect(verifyOpening(sealed, { salt, record: changed }, idOf)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('do not hash to the logged commitment'),
    });
    expect(verifyOpening({ ...sealed, recordId: 'case-1/vote/2' }, { salt, record }, idOf)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('names case-1/vote/1'),
    });
    expect(verifyOpening(sealed, { salt: 'XYZ', record }, idOf)).toMatchObject({ ok: false });
    expect(verifyOpening(record, { salt, record }, idOf)).toMatchObject({ ok: false });
  });
});
