import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from './testdata/rfc6962-vectors.json' with { type: 'json' };
import { HASH_SIZE, emptyRoot, hashChildren, hashLeaf, hashesEqual, rootFromLeafHashes } from './hash.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** MTH straight from the recursive definition of RFC 9162 §2.1.1, as the reference. */
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return hashLeaf(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe('RFC 9162 §2.1.1 hashing', () => {
  it('hashes the empty tree as SHA-256 of the empty string', () => {
    expect(hex(emptyRoot())).toBe(vectors.emptyRoot);
    expect(rootFromLeafHashes([])).toEqual(emptyRoot());
  });

  it('prefixes leaves with 0x00 and nodes with 0x01', () => {
    const d = bytes('4142');
    expect(hex(hashLeaf(d))).toBe(
      createHash('sha256')
        .update(Buffer.from([0, 0x41, 0x42]))
        .digest('hex'),
    );
    const l = hashLeaf(bytes('00'));
    const r = hashLeaf(bytes('01'));
    expect(hex(hashChildren(l, r))).toBe(
      createHash('sha256')
        .update(Buffer.from([1]))
        .update(l)
        .update(r)
        .digest('hex'),
    );
    expect(hashLeaf(d)).toHaveLength(HASH_SIZE);
  });

  it('gives the known roots of the 8-leaf test tree at every size', () => {
    const leafHashes = vectors.leaves.map((l) => hashLeaf(bytes(l)));
    for (let n = 1; n <= 8; n++) {
      expect(hex(rootFromLeafHashes(leafHashes.slice(0, n))), `size ${n}`).toBe(vectors.roots[n - 1]);
      expect(hex(mth(vectors.leaves.slice(0, n).map(bytes))), `reference, size ${n}`).toBe(vectors.roots[n - 1]);
    }
  });

  it('agrees with the recursive definition for every size up to 300', () => {
    const leaves = Array.from({ length: 300 }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
    const leafHashes = leaves.map(hashLeaf);
    for (let n = 0; n <= 300; n++)
      expect(hex(rootFromLeafHashes(leafHashes.slice(0, n))), `size ${n}`).toBe(hex(mth(leaves.slice(0, n))));
  });

  it('returns a fresh empty root each time', () => {
    const a = emptyRoot();
    a[0] = 0;
    expect(hex(emptyRoot())).toBe(vectors.emptyRoot);
  });

  it('compares hashes by length and content', () => {
    expect(hashesEqual(bytes('00ff'), bytes('00ff'))).toBe(true);
    expect(hashesEqual(bytes('00ff'), bytes('00fe'))).toBe(false);
    expect(hashesEqual(bytes('00ff'), bytes('00'))).toBe(false);
  });
});

describe('hashing paths', () => {
  it('hashes long leaves (streamed) and short ones (reused buffer) alike', () => {
    for (const n of [0, 1, 1023, 1024, 5000, 16 * 1024 - 2, 16 * 1024 - 1, 16 * 1024, 100_000]) {
      const d = new Uint8Array(n).map((_, i) => i * 7);
      expect(hex(hashLeaf(d)), `${n} bytes`).toBe(
        createHash('sha256')
          .update(Buffer.from([0]))
          .update(d)
          .digest('hex'),
      );
    }
  });
  it('returns results that later calls do not overwrite', () => {
    const a = hashLeaf(bytes('01'));
    const b = hashChildren(a, a);
    const keepA = hex(a);
    const keepB = hex(b);
    hashLeaf(bytes('02'));
    hashChildren(b, b);
    expect([hex(a), hex(b)]).toEqual([keepA, keepB]);
  });
});
