import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  ed25519Signer,
  encodeVkey,
  isKeyName,
  keyId,
  parseVkey,
  verifierFromPublicKey,
} from './keys.js';
import { formatNote, parseNote, signatureLine } from './note.js';

// golang.org/x/mod/sumdb/note test vectors: a private key seed, its vkey, and the signed note it produces.
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const peterVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const enochVkey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSig =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
// c2sp.org/signed-note example; and transparency-dev/formats vkeys of type 0x01 (base64 with "+") and 0x04.
const specVkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const specNote =
  'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
const plusVkey = 'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6';
const cosignatureVkey = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';

function seedKey(skey: string) {
  const data = Buffer.from(skey.split('+').slice(4).join('+'), 'base64');
  expect(data[0]).toBe(SIG_ED25519);
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), data.subarray(1)]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

const verifier = (vkey: string) => {
  const r = parseVkey(vkey);
  if (!r.ok) throw r.error;
  return r.verifier;
};

describe('signed-note keys (known answers)', () => {
  it('derives the key ID and vkey of the Go sumdb/note test key', () => {
    const signer = ed25519Signer('PeterNeumann', seedKey(peterSkey));
    expect(keyId('PeterNeumann', SIG_ED25519, signer.publicKey).toString(16)).toBe('c74f20a3');
    expect(encodeVkey({ name: signer.name, type: SIG_ED25519, publicKey: signer.publicKey })).toBe(peterVkey);
  });

  it('signs the Go example note byte for byte (Ed25519 is deterministic)', () => {
    const signer = ed25519Signer('PeterNeumann', seedKey(peterSkey));
    const sig = signer.sign(new TextEncoder().encode(text));
    expect(formatNote(text, [signatureLine('PeterNeumann', 0xc74f20a3, sig)])).toBe(`${text}\n${peterSig}`);
  });

  it('verifies the Go example and the signed-note spec example', () => {
    for (const [vkey, note] of [
      [peterVkey, `${text}\n${peterSig}`],
      [enochVkey, `${text}\n${enochSig}`],
      [specVkey, specNote],
    ] as const) {
      const v = verifier(vkey);
      const n = parseNote(note);
      expect(n.ok).toBe(true);
      if (!n.ok) continue;
      const s = n.note.signatures[0]!;
      expect([s.name, s.keyId]).toEqual([v.name, v.keyId]);
      expect(v.verify(new TextEncoder().encode(n.note.text), s.signature)).toBe(true);
      expect(v.verify(new TextEncoder().encode(n.note.text + 'x'), s.signature)).toBe(false);
    }
  });

  it('reads vkeys whose base64 contains "+", and cosignature (0x04) vkeys', () => {
    expect(verifier(plusVkey).name).toBe('TEST');
    expect(encodeVkey(verifier(plusVkey))).toBe(plusVkey);
    const cos = verifier(cosignatureVkey);
    expect([cos.name, cos.type, cos.keyId.toString(16)]).toEqual(['remora.n621.de', SIG_COSIGNATURE_V1, 'da77ade7']);
  });

  it('separates key types: one key has different IDs as a log key and as a witness key', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(verifierFromPublicKey('w.example', publicKey, SIG_ED25519).keyId).not.toBe(
      verifierFromPublicKey('w.example', publicKey, SIG_COSIGNATURE_V1).keyId,
    );
  });
});

describe('vkey parsing refuses hostile text', () => {
  const code = (vkey: string) => {
    const r = parseVkey(vkey);
    return r.ok ? 'ok' : r.error.code;
  };
  it('names the reason', () => {
    expect(code(peterVkey)).toBe('ok');
    expect(code('PeterNeumann+c74f20a3')).toBe('bad-key');
    expect(code('PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toBe('bad-key');
    expect(code('PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toBe('bad-key');
    expect(code('PeterNeumanm+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toBe('bad-key');
    expect(code('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toBe('key-name');
    expect(code('+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toBe('key-name');
    expect(code('rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!')).toBe('bad-key');
    expect(code('rekor.sigstore.dev+12345678+AwEB')).toBe('bad-key');
    expect(code('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10')).toBe('bad-key');
  });
  it('refuses every truncation and every single-byte change of a valid vkey', () => {
    for (let i = 0; i < peterVkey.length; i++) {
      expect(code(peterVkey.slice(0, i)), `prefix ${i}`).not.toBe('ok');
      const changed = peterVkey.slice(0, i) + String.fromCharCode(peterVkey.charCodeAt(i) + 1) + peterVkey.slice(i + 1);
      expect(code(changed), `change at ${i}`).not.toBe('ok');
    }
  });
});

describe('key helpers', () => {
  it('accepts PEM and KeyObjects, refuses other key types and bad names', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const a = ed25519Signer('log.example', pem);
    const b = ed25519Signer('log.example', privateKey);
    expect(Buffer.from(a.publicKey).equals(Buffer.from(b.publicKey))).toBe(true);
    const v = verifierFromPublicKey('log.example', publicKey.export({ format: 'pem', type: 'spki' }).toString());
    const msg = new TextEncoder().encode('hello');
    expect(v.verify(msg, a.sign(msg))).toBe(true);
    expect(v.verify(msg, new Uint8Array(64))).toBe(false);
    expect(v.verify(msg, new Uint8Array(3))).toBe(false);
    expect(verifierFromPublicKey('log.example', privateKey).keyId).toBe(v.keyId);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => ed25519Signer('log.example', rsa.privateKey)).toThrowError(/Ed25519 private key/);
    expect(() => ed25519Signer('log.example', 'not a pem')).toThrowError(/could not be read/);
    expect(() => ed25519Signer('log example', privateKey)).toThrowError(/not a valid key name/);
    expect(() => verifierFromPublicKey('log.example', rsa.publicKey)).toThrowError(/expected an Ed25519 key/);
    expect(() => verifierFromPublicKey('log.example', new Uint8Array(31))).toThrowError(/32 bytes/);
  });
  it('knows which key names signed-note allows', () => {
    expect(['log.example/1', 'PeterNeumann', 'oid/1.3.6'].every(isKeyName)).toBe(true);
    expect(['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\nb'].some(isKeyName)).toBe(false);
  });
});
