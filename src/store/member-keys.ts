/**
 * Member key registration, decided the same way by both adapters inside their transaction (the port's
 * `registerMemberKey`): one active key per member, rotation only when asked, and a key only ever for one member.
 */
import type { MemberKey, MemberKeyRegistration } from '../core/ports/casework.js';
import { itemAt } from '../core/item-at.js';
import type { LogEntry } from '../core/ports/tlog.js';
import { memberKeyEntry } from './log-entries.js';

export interface KeyRow {
  member: string;
  fingerprint: string;
  public_key: string;
  created_at: number | string;
  revoked_at: number | string | null;
}

export const toMemberKey = (r: KeyRow): MemberKey => ({
  member: r.member,
  fingerprint: r.fingerprint,
  publicKey: r.public_key,
  createdAt: Number(r.created_at),
  ...(r.revoked_at === null ? {} : { revokedAt: Number(r.revoked_at) }),
});

/**
 * What registering `k` does, given every stored key with its fingerprint and the member's active keys: `revoked`
 * lists the keys to revoke (at `k.createdAt`) before `k` is inserted, when `added`.
 */
export function decideKey(
  k: MemberKey,
  sameKey: readonly MemberKey[],
  active: readonly MemberKey[],
  rotate: boolean,
): MemberKeyRegistration {
  const own = sameKey.find((x) => x.member === k.member);
  if (own && own.revokedAt === undefined) return { ok: true, added: false, revoked: [] };
  const holder = sameKey.find((x) => x.member !== k.member) ?? own;
  if (holder) return { ok: false, reason: 'key-taken', holder };
  if (active.length && !rotate) return { ok: false, reason: 'member-has-key', active: itemAt(active, 0) };
  return { ok: true, added: true, revoked: [...active] };
}

/**
 * The log entries of a registration, in order: the keys it revokes (revoked at `k.createdAt`), then `k` itself, so
 * who may sign as a member is on the record in the registration's own transaction.
 */
export function registrationEntries(k: MemberKey, revoked: readonly MemberKey[]): LogEntry[] {
  const { revokedAt: _, ...registered } = k;
  return [...revoked.map((r) => memberKeyEntry({ ...r, revokedAt: k.createdAt })), memberKeyEntry(registered)];
}
