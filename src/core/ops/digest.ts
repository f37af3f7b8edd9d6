/**
 * SHA-256 of a text as hex, for the ids the pipeline derives from content (incidents, violations, cases): a few
 * hundred per batch. Node's one-shot crypto.hash (20.12+) skips the Hash object createHash builds per call, about
 * twice as fast for short inputs; older Node 20 releases fall back to createHash.
 */
import * as crypto from 'node:crypto';

const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

export function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}
