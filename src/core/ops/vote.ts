/**
 * Signed votes. A vote is a statement (package, version, case, member, choice, reason, time, nonce) serialised
 * canonically and signed with the member's Ed25519 key (RFC 8032, via node:crypto). The server checks the statement
 * against the member's registered public key, the case it was sent to, a time window around its clock, and the
 * nonces it has seen, and rejects with a coded reason. Everything here is attacker-controlled input until verified.
 *
 * No randomness and no clock here: the signer supplies the nonce and time; the verifier is told `now` and asked
 * whether a nonce was seen.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { wellFormed } from '../tlog/canonical-json.js';
import { choices, type Choice } from './judgment-rules.js';
import { notUnicode } from './observation.js';

export const VOTE_STATEMENT_TYPE = 'guarantor/vote/v1';

export interface VoteStatement {
  type: typeof VOTE_STATEMENT_TYPE;
  package: string;
  /** The package version the member judged under; `""` when the package names none. */
  version: string;
  case: string;
  member: string;
  choice: Choice;
  /** Optional free text; `""` when none. */
  reason: string;
  /** When the member signed, ISO 8601 UTC with milliseconds. */
  time: string;
  /** At least 16 random bytes, hex: two signings of the same vote differ. */
  nonce: string;
}

/** What travels: the exact signed bytes as text, and the signature (base64). */
export interface SignedVote {
  statement: string;
  signature: string;
}

const fieldOrder = ['type', 'package', 'version', 'case', 'member', 'choice', 'reason', 'time', 'nonce'] as const;

/** The canonical text: JSON with the fields in a fixed order and no whitespace, so the bytes are unambiguous. */
export function canonicalStatement(s: VoteStatement): string {
  return JSON.stringify(Object.fromEntries(fieldOrder.map((k) => [k, s[k]])));
}

/** SHA-256 of the DER (SPKI) public key: how a member key is named in listings and logs. */
export function keyFingerprint(pem: string): string {
  return (
    'sha256:' +
    createHash('sha256')
      .update(createPublicKey(pem).export({ type: 'spki', format: 'der' }))
      .digest('hex')
  );
}

export type ParsedMemberKey =
  { ok: true; pem: string; fingerprint: string } | { ok: false; private: boolean; reason: string };

/**
 * A member's public key as registered: an Ed25519 public key in SPKI PEM (`guarantor keys new` writes one) or its raw
 * 32 bytes in base64; anything else is refused. A private key (PKCS#8 PEM, or its DER in base64) is named as such, so
 * that the caller can refuse it without storing or echoing it. The key is returned re-exported as SPKI PEM: the
 * stored text is always a public key, whatever the input's spacing or armour.
 */
export function parseMemberKey(text: string): ParsedMemberKey {
  const t = text.trim();
  const no = (reason: string, priv = false): ParsedMemberKey => ({ ok: false, private: priv, reason });
  const privateReason =
    'is a private key: it was not stored; send the public key (`guarantor keys new` writes it to NAME.pub), and make a new pair, since this one has left its owner';
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(t)) return no(privateReason, true);
  let key: KeyObject;
  try {
    if (/^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----$/.test(t)) {
      key = createPublicKey({ key: t, format: 'pem' });
    } else if (/^[A-Za-z0-9+/]{43}=$/.test(t)) {
      const raw = Buffer.from(t, 'base64');
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    } else {
      if (/^[A-Za-z0-9+/]+={0,2}$/.test(t) && isPrivateDer(Buffer.from(t, 'base64'))) return no(privateReason, true);
      return no('must be an Ed25519 public key: SPKI PEM (-----BEGIN PUBLIC KEY-----) or 32 bytes in base64');
    }
  } catch {
    return no('is not a valid public key');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    return no(
      `is ${/^[aeiou]/i.test(key.asymmetricKeyType ?? '') ? 'an' : 'a'} ${key.asymmetricKeyType ?? 'non-Ed25519'} key, not Ed25519`,
    );
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  return { ok: true, pem, fingerprint: keyFingerprint(pem) };
}

function isPrivateDer(der: Buffer): boolean {
  try {
    createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return true;
  } catch {
    return false;
  }
}

export function statementDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Signs with a PEM (PKCS#8) Ed25519 private key or a KeyObject. */
export function signVote(s: VoteStatement, privateKey: string | KeyObject): SignedVote {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key.asymmetricKeyType !== 'ed25519')
    throw new TypeError(`a vote is signed with an Ed25519 key, got ${key.asymmetricKeyType ?? 'a symmetric key'}`);
  const statement = canonicalStatement(s);
  return { statement, signature: sign(null, Buffer.from(statement, 'utf8'), key).toString('base64') };
}

export type VoteRejectionCode =
  | 'malformed'
  | 'not-canonical'
  | 'wrong-package'
  | 'wrong-case'
  | 'wrong-member'
  | 'unknown-member'
  | 'bad-signature'
  | 'stale'
  | 'replayed';

export type VerifiedVote =
  | { ok: true; statement: VoteStatement; digest: string; signedAt: number }
  | { ok: false; code: VoteRejectionCode; message: string };

export interface VerifyContext {
  package: string;
  version: string;
  /** The case the vote was sent to. */
  caseId: string;
  /** The actor the caller is authenticated as, when known (an API key bound to an actor). */
  caller?: string;
  /** Registered public keys (PEM SPKI or KeyObject) by member; several while a key is being rotated. */
  keys: ReadonlyMap<string, readonly (string | KeyObject)[]>;
  now: number;
  /** How far the statement's time may be from `now`, either way (ms); default 5 minutes. */
  window?: number;
  /** Whether this nonce was already used by any vote. */
  seen: (nonce: string) => boolean;
}

export const DEFAULT_VOTE_WINDOW = 5 * 60_000;
const MAX_STATEMENT = 8192;
const nonceRe = /^[0-9a-f]{32,128}$/;
const isoRe = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Checks a signed vote. Order matters for honest reasons: shape first (never verify a signature over bytes we would
 * not accept), then binding to this package and case, then the signature under the claimed member's keys (trying the
 * other members' keys only to name a wrong-member signature), then freshness and replay.
 */
export function verifyVote(input: unknown, ctx: VerifyContext): VerifiedVote {
  const no = (code: VoteRejectionCode, message: string): VerifiedVote => ({ ok: false, code, message });
  if (typeof input !== 'object' || input === null)
    return no('malformed', 'a signed vote is an object {statement, signature}');
  const { statement, signature } = input as Record<string, unknown>;
  if (typeof statement !== 'string' || typeof signature !== 'string')
    return no('malformed', 'statement and signature must be strings');
  if (statement.length > MAX_STATEMENT) return no('malformed', `statement is longer than ${MAX_STATEMENT} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(statement);
  } catch {
    return no('malformed', 'statement is not JSON');
  }
  const s = parseStatement(parsed);
  if (typeof s === 'string') return no('malformed', s);
  if (canonicalStatement(s) !== statement)
    return no('not-canonical', 'statement is not in canonical form (fields in order, no whitespace)');
  const sig = Buffer.from(signature, 'base64');
  if (sig.length !== 64 || sig.toString('base64') !== signature)
    return no('malformed', 'signature must be 64 bytes in base64');

  if (s.package !== ctx.package || s.version !== ctx.version) {
    return no(
      'wrong-package',
      `statement is for package ${s.package} version "${s.version}"; this server runs ${ctx.package} version "${ctx.version}"`,
    );
  }
  if (s.case !== ctx.caseId) return no('wrong-case', `statement is for case ${s.case}, sent to case ${ctx.caseId}`);
  if (ctx.caller !== undefined && ctx.caller !== s.member)
    return no('wrong-member', `statement is signed as ${s.member} but sent by ${ctx.caller}`);

  const data = Buffer.from(statement, 'utf8');
  const own = ctx.keys.get(s.member);
  if (!own || own.length === 0) return no('unknown-member', `no public key is registered for ${s.member}`);
  if (!own.some((k) => verifies(data, sig, k))) {
    for (const [m, ks] of ctx.keys) {
      if (m !== s.member && ks.some((k) => verifies(data, sig, k)))
        return no('wrong-member', `statement claims ${s.member} but is signed with the key of ${m}`);
    }
    return no('bad-signature', `signature does not verify under the registered key of ${s.member}`);
  }

  const signedAt = Date.parse(s.time);
  const window = ctx.window ?? DEFAULT_VOTE_WINDOW;
  if (Math.abs(signedAt - ctx.now) > window) {
    return no(
      'stale',
      `statement signed at ${s.time} is more than ${Math.round(window / 1000)} s from the server time ${new Date(ctx.now).toISOString()}`,
    );
  }
  if (ctx.seen(s.nonce)) return no('replayed', `nonce ${s.nonce} was already used`);
  return { ok: true, statement: s, digest: statementDigest(statement), signedAt };
}

function verifies(data: Buffer, sig: Buffer, key: string | KeyObject): boolean {
  try {
    const k = typeof key === 'string' ? createPublicKey(key) : key;
    return k.asymmetricKeyType === 'ed25519' && verify(null, data, k, sig);
  } catch {
    return false;
  }
}

function parseStatement(x: unknown): VoteStatement | string {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'statement must be a JSON object';
  const o = x as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !(fieldOrder as readonly string[]).includes(k));
  if (extra.length) return `unknown field ${extra[0]}`;
  for (const k of fieldOrder) if (typeof o[k] !== 'string') return `${k} must be a string`;
  // A lone surrogate signs fine but cannot be stored or logged (canonical JSON refuses it): refused here, by field.
  for (const k of fieldOrder) if (!wellFormed(o[k] as string)) return `${k} ${notUnicode}`;
  if (o['type'] !== VOTE_STATEMENT_TYPE) return `type must be ${VOTE_STATEMENT_TYPE}`;
  if (!(choices as readonly unknown[]).includes(o['choice']))
    return `choice must be declare, dismiss or abstain, got "${String(o['choice'])}"`;
  if (!isoRe.test(o['time'] as string) || Number.isNaN(Date.parse(o['time'] as string)))
    return 'time must be ISO 8601 UTC with milliseconds, e.g. 2026-07-01T12:00:00.000Z';
  if (!nonceRe.test(o['nonce'] as string)) return 'nonce must be 32 to 128 lower-case hex digits';
  if ((o['reason'] as string).length > 2000) return 'reason is longer than 2000 characters';
  for (const k of ['package', 'case', 'member'] as const)
    if ((o[k] as string).length === 0 || (o[k] as string).length > 200) return `${k} must be 1 to 200 characters`;
  return o as unknown as VoteStatement;
}

/** A vote or refused vote as the record keeps it: who, what, and the signed statement that carried it. */
export interface LoggedVote {
  member: string;
  choice: string;
  reason?: string;
  /** The statement's digest, as the vote record keeps it. */
  statement?: string;
  signed?: SignedVote;
}

/**
 * Checks, offline, that a logged vote is the one its member signed: the statement is canonical, names this case, the
 * member and the choice (and reason) the record gives, its digest is the one recorded, and the signature verifies
 * under one of `keys` (the member's keys as logged when the vote was cast). No clock and no nonce check: those were
 * the server's to apply when the vote arrived; this is what anyone can re-check afterwards.
 */
export function verifyLoggedVote(
  caseId: string,
  v: LoggedVote,
  keys: readonly (string | KeyObject)[],
): { ok: true; statement: VoteStatement } | { ok: false; reason: string } {
  const no = (reason: string) => ({ ok: false as const, reason });
  if (!v.signed || typeof v.signed.statement !== 'string' || typeof v.signed.signature !== 'string')
    return no('the record holds no signed statement');
  const { statement, signature } = v.signed;
  let parsed: unknown;
  try {
    parsed = JSON.parse(statement);
  } catch {
    return no('the signed statement is not JSON');
  }
  const s = parseStatement(parsed);
  if (typeof s === 'string') return no(`the signed statement is malformed: ${s}`);
  if (canonicalStatement(s) !== statement) return no('the signed statement is not canonical');
  if (s.case !== caseId) return no(`the statement is for case ${s.case}, logged under ${caseId}`);
  if (s.member !== v.member) return no(`the statement is signed as ${s.member}, the record says ${v.member}`);
  if (s.choice !== v.choice) return no(`the statement says ${s.choice}, the record says ${v.choice}`);
  if (s.reason !== (v.reason ?? '')) return no('the statement gives another reason than the record');
  if (v.statement !== undefined && v.statement !== statementDigest(statement))
    return no("the recorded digest is not the signed statement's");
  const sig = Buffer.from(signature, 'base64');
  if (sig.length !== 64 || sig.toString('base64') !== signature) return no('the signature is not 64 bytes in base64');
  if (keys.length === 0) return no(`no key of ${v.member} was registered when the vote was cast`);
  const data = Buffer.from(statement, 'utf8');
  if (!keys.some((k) => verifies(data, sig, k))) return no(`the signature does not verify under ${v.member}'s key`);
  return { ok: true, statement: s };
}
