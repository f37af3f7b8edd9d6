/**
 * The log's own signing keys, as log entries (kind `log-key`, record id the origin). The first says which key the
 * log was created with (or, for a log older than these entries, the key it had); each later one is a handover: the
 * old key signs a statement naming the new key, and the new key signs the same statement (it is held). A verifier
 * that pins any key of the chain follows the handovers from it, so rotating the key never breaks a client, and a key
 * that appears without a handover signed by its predecessor is refused.
 *
 *     guarantor-log-key-handover/v1 LF <origin> LF from <old vkey> LF to <new vkey> LF time <ISO 8601> LF
 *
 * A key is valid for checkpoints of sizes [from, to]: the created key from 0, a handover at entry i ends the old key
 * at size i + 1 (the old key's last checkpoint includes its handover) and starts the new key there.
 */
import { decodeBase64, encodeBase64 } from './base64.js';
import type { JsonValue } from './canonical-json.js';
import { SIG_ED25519, encodeVkey, parseVkey, type Signer, type Verifier } from './keys.js';

export const HANDOVER_VERSION = 'guarantor-log-key-handover/v1';

export interface LogKeyCreated {
  event: 'created';
  origin: string;
  vkey: string;
  at: string;
}

export interface LogKeyHandover {
  event: 'handover';
  origin: string;
  from: string;
  to: string;
  at: string;
  /** Index of the log-key entry this one follows (a witness walks back along these). */
  previous: number;
  /** base64 Ed25519 signatures of the handover statement by the old and by the new key. */
  signature: string;
  acceptance: string;
}

export type LogKeyRecord = LogKeyCreated | LogKeyHandover;

const encoder = new TextEncoder();

export function handoverStatement(origin: string, from: string, to: string, at: string): Uint8Array {
  return encoder.encode(`${HANDOVER_VERSION}\n${origin}\nfrom ${from}\nto ${to}\ntime ${at}\n`);
}

export function logKeyVkey(signer: Signer): string {
  return encodeVkey({ name: signer.name, type: SIG_ED25519, publicKey: signer.publicKey });
}

export function createdRecord(origin: string, vkey: string, at: Date): LogKeyCreated {
  return { event: 'created', origin, vkey, at: at.toISOString() };
}

/** The handover from `old` to `next`, both signers named for the origin. */
export function handoverRecord(old: Signer, next: Signer, previous: number, at: Date): LogKeyHandover {
  const from = logKeyVkey(old);
  const to = logKeyVkey(next);
  const when = at.toISOString();
  const msg = handoverStatement(old.name, from, to, when);
  return {
    event: 'handover',
    origin: old.name,
    from,
    to,
    at: when,
    previous,
    signature: encodeBase64(old.sign(msg)),
    acceptance: encodeBase64(next.sign(msg)),
  };
}

/** Reads a `log-key` record; hostile input: a result, never a throw. */
export function readLogKeyRecord(
  r: { [key: string]: JsonValue } | undefined,
): { ok: true; record: LogKeyRecord; key: Verifier } | { ok: false; message: string } {
  const str = (k: string) => (r && typeof r[k] === 'string' ? (r[k] as string) : undefined);
  const origin = str('origin');
  if (!r || !origin) return { ok: false, message: 'a log-key record names its origin' };
  if (r['event'] === 'created') {
    const vkey = str('vkey');
    const v = vkey ? parseVkey(vkey) : undefined;
    if (!vkey || !v?.ok || v.verifier.type !== SIG_ED25519 || v.verifier.name !== origin)
      return { ok: false, message: `the created key is not an Ed25519 vkey named ${origin}` };
    return { ok: true, record: { event: 'created', origin, vkey, at: str('at') ?? '' }, key: v.verifier };
  }
  if (r['event'] !== 'handover') return { ok: false, message: 'a log-key record is "created" or "handover"' };
  const [from, to, at, signature, acceptance] = ['from', 'to', 'at', 'signature', 'acceptance'].map(str);
  const previous = r['previous'];
  const f = from ? parseVkey(from) : undefined;
  const t = to ? parseVkey(to) : undefined;
  if (!from || !to || !f?.ok || !t?.ok || f.verifier.type !== SIG_ED25519 || t.verifier.type !== SIG_ED25519)
    return { ok: false, message: 'a handover names two Ed25519 vkeys, from and to' };
  if (f.verifier.name !== origin || t.verifier.name !== origin)
    return { ok: false, message: `a handover's keys are named for the origin ${origin}` };
  if (!at || !signature || !acceptance || typeof previous !== 'number' || !Number.isSafeInteger(previous))
    return { ok: false, message: 'a handover has a time, the previous entry, a signature and an acceptance' };
  const msg = handoverStatement(origin, from, to, at);
  const sig = decodeBase64(signature);
  const acc = decodeBase64(acceptance);
  if (!sig || !f.verifier.verify(msg, sig))
    return { ok: false, message: `the handover is not signed by the old key ${from}` };
  if (!acc || !t.verifier.verify(msg, acc))
    return { ok: false, message: `the handover is not accepted (signed) by the new key ${to}` };
  return {
    ok: true,
    record: { event: 'handover', origin, from, to, at, previous, signature, acceptance },
    key: t.verifier,
  };
}

export interface ChainKey {
  verifier: Verifier;
  vkey: string;
  /** Checkpoints of sizes [from, to] may be signed by this key (`to` undefined: still current). */
  from: number;
  to?: number;
}

const sameKey = (a: Verifier, b: Verifier) =>
  a.keyId === b.keyId && a.name === b.name && Buffer.from(a.publicKey).equals(Buffer.from(b.publicKey));

/**
 * The chain of the log's keys, built from its `log-key` entries in index order. `start` seeds it with a key known
 * to be current from a size on (a saved state); without it the first entry must be a `created` one.
 */
export class LogKeyChain {
  readonly keys: ChainKey[] = [];
  readonly problems: string[] = [];

  constructor(start?: { vkey: string; from: number }) {
    if (start) {
      const v = parseVkey(start.vkey);
      if (v.ok) this.keys.push({ verifier: v.verifier, vkey: start.vkey, from: start.from });
      else this.problems.push(`the saved log key is not a vkey: ${v.error.message}`);
    }
  }

  get current(): ChainKey | undefined {
    return this.keys[this.keys.length - 1];
  }

  /** Applies the log-key entry at `index`. */
  apply(index: number, record: { [key: string]: JsonValue }): void {
    const r = readLogKeyRecord(record);
    if (!r.ok) {
      this.problems.push(`entry ${index} (log-key): ${r.message}`);
      return;
    }
    const cur = this.current;
    if (r.record.event === 'created') {
      if (!cur) this.keys.push({ verifier: r.key, vkey: r.record.vkey, from: 0 });
      else if (!sameKey(cur.verifier, r.key) || this.keys.length > 1)
        this.problems.push(
          `entry ${index} (log-key): the log claims a new key ${r.record.vkey} without a handover from ${cur.vkey}`,
        );
      return;
    }
    if (!cur) {
      this.problems.push(`entry ${index} (log-key): a handover with no key before it`);
      return;
    }
    const from = parseVkey(r.record.from);
    if (!from.ok || !sameKey(from.verifier, cur.verifier)) {
      this.problems.push(
        `entry ${index} (log-key): a handover from ${r.record.from}, but the log's key then was ${cur.vkey}`,
      );
      return;
    }
    cur.to = index + 1;
    this.keys.push({ verifier: r.key, vkey: r.record.to, from: index + 1 });
  }

  /**
   * The keys that may sign a checkpoint of `size`, restricted to `pinned` and its successors when given; empty when
   * the pinned key is not in the chain. An empty chain (a log older than these entries) trusts the pinned key.
   */
  signersAt(size: number, pinned?: Verifier): Verifier[] {
    if (!this.keys.length) return pinned ? [pinned] : [];
    const at = pinned ? this.keys.findIndex((k) => sameKey(k.verifier, pinned)) : 0;
    if (at < 0) return [];
    return this.keys
      .slice(at)
      .filter((k) => k.from <= size && (k.to === undefined || size <= k.to))
      .map((k) => k.verifier);
  }

  includes(v: Verifier): boolean {
    return this.keys.some((k) => sameKey(k.verifier, v));
  }
}

export { sameKey as sameLogKey };
