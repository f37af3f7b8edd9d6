/**
 * API keys: `gk_<id>_<secret>`, where `id` (12 hex digits) is public and names the key in the store and in logs,
 * and `secret` is 32 random bytes. The store keeps only SHA-256 of the whole text: a high-entropy secret needs no
 * slow password hash (OWASP Password Storage Cheat Sheet, "API keys"), and the comparison is constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, Role } from '../core/ports/store.js';
import { itemAt } from '../core/item-at.js';

const keyPattern = /^gk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  /** The key text: shown once, never stored. */
  key: string;
  record: ApiKeyRecord;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(actor: string, role: Role, label: string, createdAt: number): NewKey {
  const id = randomBytes(6).toString('hex');
  const key = `gk_${id}_${randomBytes(32).toString('base64url')}`;
  return { key, record: { id, hash: hashKey(key), actor, role, label, createdAt } };
}

/** A key given by the operator (e.g. GUARANTOR_ADMIN_KEY) as a record; undefined when it is not in key format. */
export function recordForKey(
  key: string,
  actor: string,
  role: Role,
  label: string,
  createdAt: number,
): ApiKeyRecord | undefined {
  const m = keyPattern.exec(key);
  return m ? { id: itemAt(m, 1), hash: hashKey(key), actor, role, label, createdAt } : undefined;
}

/** The id a key text names, or undefined when it is not a key. */
export function keyId(key: string): string | undefined {
  return keyPattern.exec(key)?.[1];
}

export function matches(key: string, record: ApiKeyRecord): boolean {
  const a = Buffer.from(hashKey(key), 'hex');
  const b = Buffer.from(record.hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export const keyFormat = 'gk_<12 hex digits>_<43 base64url characters>';
