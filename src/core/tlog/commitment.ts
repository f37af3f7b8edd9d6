/**
 * Sealed entries: a record the public may not read is logged as a salted commitment,
 *
 *     {"commitment": hex(SHA-256(UTF-8(salt || canonicalJson(record)))), "recordId": <id>}
 *
 * where the salt is its lowercase hex text (canonical JSON, as any record), so the tree, every proof and every checkpoint stay verifiable by anyone, while the
 * record itself (its *opening*: the salt and the record) is served only to whoever may read it. The salt is 16 or
 * more random bytes per entry, so a record with few possible values (a vote's choice) cannot be found by hashing
 * guesses. An opening verifies when it hashes to the commitment and names the same record id.
 */
import * as crypto from 'node:crypto';
import { canonicalJson, type JsonValue } from './canonical-json.js';

export interface Opening {
  /** Hex, at least 16 bytes. */
  salt: string;
  record: { [key: string]: JsonValue };
}

const saltRe = /^(?:[0-9a-f]{2}){16,64}$/;
const commitmentRe = /^[0-9a-f]{64}$/;

// One-shot hashing where Node has it (20.12+): the ingest commits to every observation.
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** SHA-256 over the salt's hex text followed by the record's canonical JSON text, UTF-8; hex. */
export function commitmentOf(salt: string, canonicalRecord: string): string {
  if (!saltRe.test(salt)) throw new RangeError('a commitment salt is 16 to 64 bytes of lowercase hex');
  const text = salt + canonicalRecord;
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Ids that JSON writes as they are (the ingest's seqs and `<id>@<revision>`): no escaping to work out. */
const plainId = /^[A-Za-z0-9@/:._-]*$/;

/** The canonical JSON of a sealed record (keys already in canonical order). */
export function sealedRecordText(commitment: string, recordId: string): string {
  const id = plainId.test(recordId) ? `"${recordId}"` : JSON.stringify(recordId);
  return `{"commitment":${JSON.stringify(commitment)},"recordId":${id}}`;
}

/** Whether a logged record is a commitment rather than the record itself. */
export function isSealed(r: { [key: string]: JsonValue }): r is { commitment: string; recordId: string } {
  const keys = Object.keys(r);
  return (
    keys.length === 2 &&
    typeof r['commitment'] === 'string' &&
    commitmentRe.test(r['commitment']) &&
    typeof r['recordId'] === 'string'
  );
}

/**
 * Checks an opening against the sealed record logged for it: the salt is well formed, the record hashes to the
 * commitment, and `recordIdOf` (the kind's rule for naming its record) gives the logged record id. Answers the
 * record, checked: canonical JSON, so every value in it is a JSON value.
 */
export function verifyOpening(
  sealed: { [key: string]: JsonValue },
  opening: unknown,
  recordIdOf: (record: { [key: string]: JsonValue }) => string | undefined,
): { ok: true; record: { [key: string]: JsonValue } } | { ok: false; reason: string } {
  if (!isSealed(sealed)) return { ok: false, reason: 'the logged record is not a commitment' };
  const o = opening as Partial<Opening> | null;
  if (typeof o !== 'object' || o === null || typeof o.salt !== 'string' || !saltRe.test(o.salt))
    return { ok: false, reason: 'the opening has no valid salt (16 to 64 bytes of lowercase hex)' };
  if (typeof o.record !== 'object' || o.record === null || Array.isArray(o.record))
    return { ok: false, reason: 'the opening has no record object' };
  let text: string;
  try {
    text = canonicalJson(o.record);
  } catch (e) {
    return { ok: false, reason: `the opened record is not canonical JSON: ${(e as Error).message}` };
  }
  if (commitmentOf(o.salt, text) !== sealed.commitment)
    return { ok: false, reason: 'the opened record and salt do not hash to the logged commitment' };
  const id = recordIdOf(o.record);
  if (id !== sealed.recordId)
    return { ok: false, reason: `the opened record names ${id ?? 'no record'}, the entry ${sealed.recordId}` };
  return { ok: true, record: o.record };
}
