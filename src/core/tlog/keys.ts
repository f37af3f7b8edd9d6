/**
 * Signing and verifying keys for notes (c2sp.org/signed-note). Signing is a port: the core receives a `Signer`
 * and never sees where the private key lives; `ed25519Signer` adapts a node:crypto key for the composition root
 * and for tests. A key is known to a verifier by its name and its 4-byte key ID, which also fixes the signature
 * type, so one Ed25519 key can serve as a log key (0x01) or a witness key (0x04) without ambiguity.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { decodeBase64, encodeBase64 } from './base64.js';
import { TlogError } from './error.js';
import { itemAt } from '../item-at.js';

/** Signature type bytes of c2sp.org/signed-note: Ed25519 note signatures, and timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature). */
export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;
export type SignatureType = typeof SIG_ED25519 | typeof SIG_COSIGNATURE_V1;

export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

/** Signs raw messages with Ed25519 (RFC 8032). The core never holds the private key itself. */
export interface Signer {
  readonly name: string;
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** A configured public key: who, which signature type, and the check. */
export interface Verifier {
  readonly name: string;
  readonly type: SignatureType;
  readonly publicKey: Uint8Array;
  /** uint32 key ID, SHA-256(name || 0x0A || type || public key)[:4] read big-endian. */
  readonly keyId: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Key names are non-empty and hold no Unicode space and no plus (c2sp.org/signed-note), and no control character. */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0000-\u001f\u007f]/.test(name);
}

/** SHA-256(name || 0x0A || type || public key)[:4] as a big-endian uint32 (c2sp.org/signed-note, "Signatures"). */
export function keyId(name: string, type: SignatureType, publicKey: Uint8Array): number {
  const h = createHash('sha256')
    .update(name, 'utf8')
    .update(new Uint8Array([0x0a, type]))
    .update(publicKey)
    .digest();
  return h.readUInt32BE(0);
}

/** The 4 key-ID bytes that prefix a note signature. */
export function keyIdBytes(id: number): Uint8Array {
  return new Uint8Array([id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff]);
}

/** A Signer over an Ed25519 private key (PEM text or KeyObject). Throws TlogError for any other kind of key. */
export function ed25519Signer(name: string, privateKey: KeyObject | string): Signer {
  if (!isKeyName(name))
    throw new TlogError('key-name', `${JSON.stringify(name)} is not a valid key name (non-empty, no spaces, no "+")`);
  let key: KeyObject;
  try {
    key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  } catch (e) {
    throw new TlogError('bad-key', 'the private key could not be read', { cause: e });
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519')
    throw new TlogError(
      'bad-key',
      `expected an Ed25519 private key, got ${/^[aeiou]/i.test(key.asymmetricKeyType ?? '') ? 'an' : 'a'} ${key.asymmetricKeyType ?? 'symmetric'} ${key.type} key`,
    );
  const publicKey = rawPublicKey(createPublicKey(key));
  return { name, publicKey, sign: (message) => new Uint8Array(cryptoSign(null, message, key)) };
}

/** A Verifier for an Ed25519 public key given raw (32 bytes), as PEM, or as a KeyObject. */
export function verifierFromPublicKey(
  name: string,
  publicKey: Uint8Array | KeyObject | string,
  type: SignatureType = SIG_ED25519,
): Verifier {
  if (!isKeyName(name))
    throw new TlogError('key-name', `${JSON.stringify(name)} is not a valid key name (non-empty, no spaces, no "+")`);
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE_V1)
    throw new TlogError('bad-key', `signature type 0x${Number(type).toString(16)} is not supported`);
  let key: KeyObject;
  let raw: Uint8Array;
  try {
    if (publicKey instanceof Uint8Array) {
      if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE)
        throw new TlogError(
          'bad-key',
          `an Ed25519 public key is ${ED25519_PUBLIC_KEY_SIZE} bytes, got ${publicKey.length}`,
        );
      raw = new Uint8Array(publicKey);
      key = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
        format: 'jwk',
      });
    } else {
      key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
      if (key.asymmetricKeyType !== 'ed25519')
        throw new TlogError('bad-key', `expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'a symmetric key'}`);
      if (key.type === 'private') key = createPublicKey(key);
      raw = rawPublicKey(key);
    }
  } catch (e) {
    if (e instanceof TlogError) throw e;
    throw new TlogError('bad-key', 'the public key could not be read', { cause: e });
  }
  const id = keyId(name, type, raw);
  return {
    name,
    type,
    publicKey: raw,
    keyId: id,
    verify(message, signature) {
      if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
      try {
        return cryptoVerify(null, message, key, signature);
      } catch {
        return false;
      }
    },
  };
}

/** The verifier key text of c2sp.org/signed-note: `name+keyid_hex+base64(type || public key)`. */
export function encodeVkey(v: Pick<Verifier, 'name' | 'type' | 'publicKey'>): string {
  const id = keyId(v.name, v.type, v.publicKey);
  const data = new Uint8Array(1 + v.publicKey.length);
  data[0] = v.type;
  data.set(v.publicKey, 1);
  return `${v.name}+${id.toString(16).padStart(8, '0')}+${encodeBase64(data)}`;
}

/** Reads a vkey; hostile input, so a result, and the key ID must match the name and key it claims to hash. */
export function parseVkey(text: string): { ok: true; verifier: Verifier } | { ok: false; error: TlogError } {
  const fail = (message: string, code: TlogError['code'] = 'bad-key') => ({
    ok: false as const,
    error: new TlogError(code, message),
  });
  const parts = text.split('+');
  // Base64 may itself contain "+": the name and ID are the first two fields, the key data is the rest.
  if (parts.length < 3) return fail('a vkey is name+keyid+base64 key data');
  const name = itemAt(parts, 0);
  const idHex = itemAt(parts, 1);
  const data = decodeBase64(parts.slice(2).join('+'));
  if (!isKeyName(name)) return fail(`${JSON.stringify(name.slice(0, 64))} is not a valid key name`, 'key-name');
  if (!/^[0-9a-f]{8}$/.test(idHex))
    return fail(`key ID ${JSON.stringify(idHex.slice(0, 16))} is not 8 lowercase hex digits`);
  if (!data) return fail('the key data is not canonical base64');
  const type = data[0];
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE_V1)
    return fail(
      `signature type 0x${(type ?? 0).toString(16).padStart(2, '0')} is not supported (0x01 Ed25519, 0x04 cosignature/v1)`,
    );
  if (data.length !== 1 + ED25519_PUBLIC_KEY_SIZE)
    return fail(`an Ed25519 vkey holds ${1 + ED25519_PUBLIC_KEY_SIZE} bytes of key data, got ${data.length}`);
  let verifier: Verifier;
  try {
    verifier = verifierFromPublicKey(name, data.subarray(1), type);
  } catch (e) {
    return {
      ok: false,
      error: e instanceof TlogError ? e : new TlogError('bad-key', 'the public key could not be read', { cause: e }),
    };
  }
  if (verifier.keyId !== parseInt(idHex, 16))
    return fail(
      `key ID ${idHex} does not match the name and key (expected ${verifier.keyId.toString(16).padStart(8, '0')})`,
    );
  return { ok: true, verifier };
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const x = key.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new TlogError('bad-key', 'the public key has no Ed25519 point');
  return new Uint8Array(Buffer.from(x, 'base64url'));
}
