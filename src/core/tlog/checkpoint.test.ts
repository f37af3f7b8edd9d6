import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  addCosignature,
  formatCheckpoint,
  parseCheckpoint,
  parseCheckpointText,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
} from './checkpoint.js';
import { cosignatureMessage } from './cosignature.js';
import { verifyConsistency } from './consistency.js';
import { encodeEntry } from './entry.js';
import { hashLeaf } from './hash.js';
import { SIG_COSIGNATURE_V1, SIG_ED25519, ed25519Signer, verifierFromPublicKey, type Signer } from './keys.js';
import { MerkleTree } from './merkle-tree.js';
import { parseNote } from './note.js';

const ORIGIN = 'guarantor.example/log';
const T0 = new Date('2026-11-26T05:00:00Z');

function keyPair(name: string, type: typeof SIG_ED25519 | typeof SIG_COSIGNATURE_V1) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signer: ed25519Signer(name, privateKey), verifier: verifierFromPublicKey(name, publicKey, type) };
}

const log = keyPair(ORIGIN, SIG_ED25519);
const w1 = keyPair('fr.witness.example', SIG_COSIGNATURE_V1);
const w2 = keyPair('de.witness.example', SIG_COSIGNATURE_V1);
const w3 = keyPair('pl.witness.example', SIG_COSIGNATURE_V1);
const witnesses = [w1.verifier, w2.verifier, w3.verifier];

function treeOf(entries: string[]): MerkleTree {
  const t = new MerkleTree();
  t.append(entries.map((e, i) => hashLeaf(encodeEntry('observation', { id: e, n: i }))));
  return t;
}

const tree = treeOf(Array.from({ length: 10 }, (_, i) => `obs-${i}`));
const cp: Checkpoint = {
  origin: ORIGIN,
  size: tree.size,
  rootHash: new Uint8Array(tree.root()),
  time: T0,
  extensions: [],
};

function cosign(note: string, w: { signer: Signer }, at = T0): string {
  const r = addCosignature(note, w.signer, { time: at, serverKey: log.verifier });
  if (!r.ok) throw r.errors[0];
  return r.note;
}

const codes = (r: { errors: { code: string; line: number | undefined }[] }) =>
  r.errors.map((e) => (e.line === undefined ? e.code : `${e.code}@${e.line}`));

describe('checkpoint text', () => {
  it('has the c2sp.org/tlog-checkpoint lines and our time line', () => {
    const text = formatCheckpoint({ ...cp, rootHash: new Uint8Array(32).fill(7), extensions: ['note extension'] });
    expect(text).toBe(
      `${ORIGIN}\n10\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\ntime 2026-11-26T05:00:00Z\nnote extension\n`,
    );
  });

  it('round-trips through parse', () => {
    const ext = { ...cp, extensions: ['a', 'b c'] };
    const r = parseCheckpointText(formatCheckpoint(ext));
    expect(r.ok && r.checkpoint).toEqual(ext);
    expect(formatCheckpoint({ ...cp, size: 0 }).split('\n')[1]).toBe('0');
  });

  it('records time to the second', () => {
    const text = formatCheckpoint({ ...cp, time: new Date('2026-11-26T05:00:00.999Z') });
    expect(text).toContain('time 2026-11-26T05:00:00Z\n');
  });

  it('refuses to format values no checkpoint can hold', () => {
    expect(() => formatCheckpoint({ ...cp, origin: '' })).toThrowError(/origin/);
    expect(() => formatCheckpoint({ ...cp, origin: 'a\nb' })).toThrowError(/origin/);
    expect(() => formatCheckpoint({ ...cp, size: -1 })).toThrowError(/tree size/);
    expect(() => formatCheckpoint({ ...cp, rootHash: new Uint8Array(31) })).toThrowError(/31 bytes/);
    expect(() => formatCheckpoint({ ...cp, time: new Date(NaN) })).toThrowError(/time/);
    expect(() => formatCheckpoint({ ...cp, extensions: [''] })).toThrowError(/extension/);
  });

  it('names the line and reason of every malformed field', () => {
    const root = 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=';
    const bad = (text: string) => {
      const r = parseCheckpointText(text);
      return r.ok ? [] : r.errors.map((e) => `${e.code}@${e.line ?? '-'}`);
    };
    expect(bad(`o\n10\n${root}\ntime 2026-11-26T05:00:00Z\n`)).toEqual([]);
    expect(bad(`o\n010\n${root}\ntime 2026-11-26T05:00:00Z\n`)).toEqual(['checkpoint-size@2']);
    expect(bad(`o\n-1\n${root}\ntime 2026-11-26T05:00:00Z\n`)).toEqual(['checkpoint-size@2']);
    expect(bad(`o\n1e3\n${root}\ntime 2026-11-26T05:00:00Z\n`)).toEqual(['checkpoint-size@2']);
    expect(bad(`o\n99999999999999999999\n${root}\ntime 2026-11-26T05:00:00Z\n`)).toEqual(['checkpoint-size@2']);
    expect(bad(`o\n10\nAAAA\ntime 2026-11-26T05:00:00Z\n`)).toEqual(['checkpoint-root@3']);
    expect(bad(`o\n10\n${root.slice(0, -1)}\ntime 2026-11-26T05:00:00Z\n`)).toEqual(['checkpoint-root@3']);
    expect(bad(`o\n10\n${root}\ntime 2026-02-30T05:00:00Z\n`)).toEqual(['checkpoint-time@4']);
    expect(bad(`o\n10\n${root}\ntime 2026-11-26T05:00:00.000Z\n`)).toEqual(['checkpoint-time@4']);
    expect(bad(`o\n10\n${root}\ntime 2026-11-26 05:00:00Z\n`)).toEqual(['checkpoint-time@4']);
    expect(bad(`o\n10\n${root}\nextension\n`)).toEqual(['checkpoint-time@4']);
    expect(bad(`o\n10\n${root}\n`)).toEqual(['checkpoint-lines@4']);
    expect(bad(`o\n10\n`)).toEqual(['checkpoint-lines@3']);
    expect(bad(`\n10\n${root}\ntime 2026-11-26T05:00:00Z\n`)).toEqual(['checkpoint-origin@1']);
    expect(bad(`o\n10\n${root}\ntime 2026-11-26T05:00:00Z`)).toEqual(['checkpoint-lines@-']);
    expect(bad(`o\nten\nAAAA\nsoon\n`)).toEqual(['checkpoint-size@2', 'checkpoint-root@3', 'checkpoint-time@4']);
  });
});

describe('signing and verifying checkpoints', () => {
  const signed = signCheckpoint(cp, log.signer);

  it('round-trips: sign, parse, verify', () => {
    const r = verifyCheckpoint(signed, log.verifier, witnesses);
    expect(codes(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checkpoint).toEqual(cp);
    const p = parseCheckpoint(signed);
    expect(p.ok && p.note.signatures.map((s) => s.name)).toEqual([ORIGIN]);
  });

  it('collects witness cosignatures (cosignature/v1) and counts them against a quorum', () => {
    const note = cosign(cosign(signed, w1, new Date('2026-11-26T05:00:07Z')), w2);
    const r = verifyCheckpoint(note, log.verifier, witnesses, { quorum: 2 });
    expect(codes(r)).toEqual([]);
    expect(r.verifiedWitnesses).toEqual([
      { name: 'fr.witness.example', time: new Date('2026-11-26T05:00:07Z') },
      { name: 'de.witness.example', time: T0 },
    ]);
    expect(codes(verifyCheckpoint(note, log.verifier, witnesses, { quorum: 3 }))).toEqual(['witness-quorum']);
  });

  it('signs exactly the cosignature/v1 message of the spec', () => {
    const note = cosign(signed, w1);
    const p = parseNote(note);
    if (!p.ok) throw p.errors[0];
    const s = p.note.signatures[1]!;
    const expected = new TextEncoder().encode(`cosignature/v1\ntime ${T0.getTime() / 1000}\n${p.note.text}`);
    expect(Buffer.from(cosignatureMessage(p.note.text, T0.getTime() / 1000)).equals(Buffer.from(expected))).toBe(true);
    expect(w1.verifier.verify(expected, s.signature.subarray(8))).toBe(true);
  });

  it('refuses a forged log signature', () => {
    const lines = signed.split('\n');
    const sigLine = lines[lines.length - 2]!;
    const b = Buffer.from(sigLine.split(' ')[2]!, 'base64');
    b[b.length - 1]! ^= 1;
    const forged = signed.replace(sigLine, `\u2014 ${ORIGIN} ${b.toString('base64')}`);
    expect(codes(verifyCheckpoint(forged, log.verifier, witnesses))).toEqual(['signature-invalid@6']);
  });

  it('refuses a checkpoint signed by another key under the log name', () => {
    const impostor = keyPair(ORIGIN, SIG_ED25519);
    const r = verifyCheckpoint(signCheckpoint(cp, impostor.signer), log.verifier, witnesses);
    expect(codes(r)).toEqual(['signature-unknown@6', 'server-signature-missing']);
    expect(r.errors[0]!.message).toMatch(/key ID [0-9a-f]{8} is not the configured key's/);
    expect(
      verifyCheckpoint(signCheckpoint(cp, impostor.signer), log.verifier, witnesses, { allowUnknown: true }).ok,
    ).toBe(false);
  });

  it('refuses a duplicated signature line', () => {
    const lines = signed.split('\n');
    const dup = `${signed}${lines[lines.length - 2]}\n`;
    expect(codes(verifyCheckpoint(dup, log.verifier, witnesses))).toEqual(['signature-duplicate@7']);
    const twice =
      cosign(signed, w1) + cosign(signed, w1, new Date('2026-11-26T06:00:00Z')).split('\n').slice(-2).join('\n');
    expect(codes(verifyCheckpoint(twice, log.verifier, witnesses))).toEqual(['signature-duplicate@8']);
    expect(addCosignature(cosign(signed, w1), w1.signer, { time: T0, serverKey: log.verifier })).toMatchObject({
      ok: false,
      errors: [{ code: 'signature-duplicate' }],
    });
  });

  it('refuses a tampered body: every signature over it fails', () => {
    const note = cosign(signed, w1);
    const tampered = note.replace(`\n10\n`, `\n11\n`);
    expect(codes(verifyCheckpoint(tampered, log.verifier, witnesses))).toEqual([
      'signature-invalid@6',
      'signature-invalid@7',
    ]);
    const moved = note.replace('time 2026-11-26T05:00:00Z', 'time 2026-11-26T05:00:01Z');
    expect(verifyCheckpoint(moved, log.verifier, witnesses).ok).toBe(false);
  });

  it('refuses unknown witnesses by default and lists them when allowed', () => {
    const stranger = keyPair('stranger.example', SIG_COSIGNATURE_V1);
    const note = cosign(cosign(signed, w1), stranger);
    expect(codes(verifyCheckpoint(note, log.verifier, witnesses))).toEqual(['signature-unknown@8']);
    const lenient = verifyCheckpoint(note, log.verifier, witnesses, { allowUnknown: true, quorum: 1 });
    expect(lenient.ok).toBe(true);
    expect(lenient.ignored).toEqual([{ name: 'stranger.example', keyId: stranger.verifier.keyId, line: 8 }]);
    expect(codes(verifyCheckpoint(note, log.verifier, witnesses, { allowUnknown: true, quorum: 2 }))).toEqual([
      'witness-quorum',
    ]);
  });

  it('refuses a forged cosignature', () => {
    const note = cosign(signed, w1);
    const lines = note.split('\n');
    const line = lines[lines.length - 2]!;
    const b = Buffer.from(line.split(' ')[2]!, 'base64');
    b[6]! ^= 1; // the timestamp: the witness never signed that time
    expect(
      codes(
        verifyCheckpoint(
          note.replace(line, `\u2014 ${w1.verifier.name} ${b.toString('base64')}`),
          log.verifier,
          witnesses,
        ),
      ),
    ).toEqual(['signature-invalid@7']);
  });

  it('refuses the wrong origin, bad key configuration and future times', () => {
    expect(codes(verifyCheckpoint(signed, log.verifier, witnesses, { origin: 'other.example/log' }))).toEqual([
      'origin-mismatch@1',
    ]);
    expect(
      codes(
        verifyCheckpoint(signed, log.verifier, [
          verifierFromPublicKey('self.example', log.signer.publicKey, SIG_COSIGNATURE_V1),
        ]),
      ),
    ).toEqual(['bad-key']);
    expect(codes(verifyCheckpoint(signed, log.verifier, [log.verifier]))).toEqual(['bad-key']);
    expect(
      codes(
        verifyCheckpoint(signed, log.verifier, [
          w1.verifier,
          verifierFromPublicKey('alias.example', w1.signer.publicKey, SIG_COSIGNATURE_V1),
        ]),
      ),
    ).toEqual(['bad-key']);
    const early = new Date('2026-11-26T04:00:00Z');
    expect(codes(verifyCheckpoint(signed, log.verifier, witnesses, { now: early }))).toEqual(['checkpoint-time@4']);
    const late = cosign(signed, w1, new Date('2026-11-26T07:00:00Z'));
    expect(codes(verifyCheckpoint(late, log.verifier, witnesses, { now: new Date('2026-11-26T05:01:00Z') }))).toEqual([
      'cosignature-time@7',
    ]);
    expect(verifyCheckpoint(late, log.verifier, witnesses, { now: new Date('2026-11-26T07:00:00Z') }).ok).toBe(true);
  });

  it('reports malformed notes instead of throwing', () => {
    for (const input of [
      '',
      'garbage',
      `${ORIGIN}\n10\n`,
      signed.replace('\u2014', '-'),
      signed.slice(0, -1),
      new Uint8Array([0xff]),
    ]) {
      const r = verifyCheckpoint(input, log.verifier, witnesses);
      expect(r.ok).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
    }
  });
});

describe('a forked log is caught', () => {
  // The operator shows one group the honest log and another a log where entry 6 was rewritten. Both heads carry
  // valid signatures from the log key: signatures alone cannot tell them apart.
  const honest = treeOf(Array.from({ length: 15 }, (_, i) => `obs-${i}`));
  const forked = treeOf(Array.from({ length: 15 }, (_, i) => (i < 6 ? `obs-${i}` : `rewritten-${i}`)));
  const head = (t: MerkleTree, size: number) =>
    signCheckpoint({ origin: ORIGIN, size, rootHash: t.root(size), time: T0, extensions: [] }, log.signer);
  const held = verifyCheckpoint(head(honest, 10), log.verifier, []).checkpoint!;

  it('both heads at size 10 verify on their own', () => {
    expect(verifyCheckpoint(head(honest, 10), log.verifier, []).ok).toBe(true);
    expect(verifyCheckpoint(head(forked, 10), log.verifier, []).ok).toBe(true);
  });

  it('the holder of the earlier honest head rejects the later head of the fork: no consistency proof exists', () => {
    const later = verifyCheckpoint(head(forked, 15), log.verifier, []);
    expect(later.ok).toBe(true);
    const proof = forked.consistencyProof(held.size, 15);
    const r = verifyConsistency(held.size, later.checkpoint!.size, held.rootHash, later.checkpoint!.rootHash, proof);
    expect(!r.ok && r.error.code).toBe('old-root-mismatch');
    // The honest log's later head passes the same check.
    const good = verifyCheckpoint(head(honest, 15), log.verifier, []).checkpoint!;
    expect(
      verifyConsistency(held.size, 15, held.rootHash, good.rootHash, honest.consistencyProof(held.size, 15)).ok,
    ).toBe(true);
  });

  it('two signed heads of one size with different roots are themselves proof of the fork', () => {
    const other = verifyCheckpoint(head(forked, 10), log.verifier, []).checkpoint!;
    const r = verifyConsistency(10, 10, held.rootHash, other.rootHash, []);
    expect(!r.ok && r.error.code).toBe('root-mismatch');
  });

  it('a witness that cosigned the honest head refuses to cosign the fork', () => {
    const previous = { size: held.size, rootHash: held.rootHash };
    const fork = addCosignature(head(forked, 15), w1.signer, {
      time: T0,
      serverKey: log.verifier,
      previous: { ...previous, proof: forked.consistencyProof(10, 15) },
    });
    expect(fork).toMatchObject({ ok: false, errors: [{ code: 'old-root-mismatch' }] });
    const ok = addCosignature(head(honest, 15), w1.signer, {
      time: T0,
      serverKey: log.verifier,
      previous: { ...previous, proof: honest.consistencyProof(10, 15) },
    });
    expect(ok.ok).toBe(true);
    const smaller = addCosignature(head(honest, 5), w1.signer, {
      time: T0,
      serverKey: log.verifier,
      previous: { ...previous, proof: [] },
    });
    expect(smaller).toMatchObject({ ok: false, errors: [{ code: 'size-out-of-order' }] });
  });

  it('a witness refuses to cosign what the log did not sign', () => {
    const impostor = keyPair(ORIGIN, SIG_ED25519);
    const r = addCosignature(
      head(forked, 15).replace(/\u2014.*\n$/, '') +
        signCheckpoint(
          { origin: ORIGIN, size: 15, rootHash: forked.root(), time: T0, extensions: [] },
          impostor.signer,
        ).split('\n\n')[1],
      w1.signer,
      { time: T0, serverKey: log.verifier },
    );
    expect(r.ok).toBe(false);
  });
});

describe('hostile notes', () => {
  const note = cosign(cosign(signCheckpoint(cp, log.signer), w1), w2);

  it('never throws, and no single-character change of a cosigned note still verifies', () => {
    const alphabet = ['\n', ' ', '\u2014', '+', '/', '=', 'A', 'a', '0', '9', '-', 'é', '\r', '\u0000'];
    fc.assert(
      fc.property(
        fc.nat(note.length - 1),
        fc.constantFrom(...alphabet),
        fc.constantFrom('replace', 'insert', 'delete'),
        (at, ch, op) => {
          const mutated =
            op === 'replace'
              ? note.slice(0, at) + ch + note.slice(at + 1)
              : op === 'insert'
                ? note.slice(0, at) + ch + note.slice(at)
                : note.slice(0, at) + note.slice(at + 1);
          fc.pre(mutated !== note);
          const r = verifyCheckpoint(mutated, log.verifier, witnesses, { quorum: 2 });
          expect(r.ok).toBe(false);
          expect(r.errors.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('never throws on arbitrary text or bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 })), (input) => {
        expect(verifyCheckpoint(input, log.verifier, witnesses).ok).toBe(false);
        parseCheckpoint(input);
      }),
      { numRuns: 1000 },
    );
  });
});
