import { describe, expect, it } from 'vitest';
import vectors from './testdata/rfc6962-vectors.json' with { type: 'json' };
import { consistencyPlan, consistencyProof, verifyConsistency } from './consistency.js';
import { emptyRoot, hashChildren, hashLeaf } from './hash.js';
import { MerkleTree } from './merkle-tree.js';
import { planNodes, type TreeReader } from './subtree.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

const leafHashes = vectors.leaves.map((l) => hashLeaf(bytes(l)));
const roots = vectors.roots.map(bytes);
const someHash = bytes('abacaba000000000000000000000000000000000000000000060061e00123456');
const code = (r: ReturnType<typeof verifyConsistency>) => (r.ok ? 'ok' : r.error.code);

function treeOf(hashes: Uint8Array[]): MerkleTree {
  const t = new MerkleTree();
  t.append(hashes);
  return t;
}

/** Tampered variants of a valid proof, after transparency-dev/merkle's corruptConsistencyProof. */
function corruptions(m: number, n: number, r1: Uint8Array, r2: Uint8Array, proof: Uint8Array[]) {
  const out: { desc: string; m: number; n: number; r1: Uint8Array; r2: Uint8Array; proof: Uint8Array[] }[] = [
    { desc: 'old size - 1', m: m - 1, n, r1, r2, proof },
    { desc: 'old size + 1', m: m + 1, n, r1, r2, proof },
    { desc: 'old size ^ 2', m: m ^ 2, n, r1, r2, proof },
    { desc: 'new size * 2', m, n: n * 2, r1, r2, proof },
    { desc: 'new size / 2', m, n: Math.floor(n / 2), r1, r2, proof },
    { desc: 'wrong old root', m, n, r1: someHash, r2, proof },
    { desc: 'wrong new root', m, n, r1, r2: someHash, proof },
    { desc: 'swapped roots', m, n, r1: r2, r2: r1, proof },
    { desc: 'empty proof', m, n, r1, r2, proof: [] },
    { desc: 'trailing garbage', m, n, r1, r2, proof: [...proof, new Uint8Array(32)] },
    { desc: 'trailing old root', m, n, r1, r2, proof: [...proof, r1] },
    { desc: 'trailing new root', m, n, r1, r2, proof: [...proof, r2] },
    { desc: 'preceding garbage', m, n, r1, r2, proof: [new Uint8Array(32), ...proof] },
    { desc: 'preceding old root', m, n, r1, r2, proof: [r1, ...proof] },
    { desc: 'preceding new root', m, n, r1, r2, proof: [r2, ...proof] },
    { desc: 'preceding proof[0]', m, n, r1, r2, proof: [proof[0]!, ...proof] },
    { desc: 'truncated', m, n, r1, r2, proof: proof.slice(0, -1) },
  ];
  for (let i = 0; i < proof.length; i++) {
    const p = proof.map((h) => new Uint8Array(h));
    p[i]![0]! ^= 16;
    out.push({ desc: `flipped bit in proof[${i}]`, m, n, r1, r2, proof: p });
  }
  if (proof.length > 1)
    out.push({ desc: 'swapped elements', m, n, r1, r2, proof: [proof[1]!, proof[0]!, ...proof.slice(2)] });
  return out;
}

describe('consistency proofs: known answers (certificate-transparency-go / transparency-dev vectors)', () => {
  const tree = treeOf(leafHashes);
  for (const v of vectors.consistency) {
    it(`${v.oldSize} → ${v.newSize}`, () => {
      const proof = tree.consistencyProof(v.oldSize, v.newSize);
      expect(proof.map(hex)).toEqual(v.proof);
      expect(verifyConsistency(v.oldSize, v.newSize, roots[v.oldSize - 1]!, roots[v.newSize - 1]!, proof)).toEqual({
        ok: true,
      });
    });
    if (v.proof.length === 0) continue;
    it(`${v.oldSize} → ${v.newSize}: every tampered variant fails`, () => {
      const proof = v.proof.map(bytes);
      for (const c of corruptions(v.oldSize, v.newSize, roots[v.oldSize - 1]!, roots[v.newSize - 1]!, proof)) {
        expect(verifyConsistency(c.m, c.n, c.r1, c.r2, c.proof).ok, c.desc).toBe(false);
      }
    });
  }

  it('proves every pair of sizes of the 8-leaf tree', () => {
    for (let n = 1; n <= 8; n++) {
      for (let m = 0; m <= n; m++) {
        const oldRoot = m === 0 ? emptyRoot() : roots[m - 1]!;
        expect(code(verifyConsistency(m, n, oldRoot, roots[n - 1]!, tree.consistencyProof(m, n))), `${m} → ${n}`).toBe(
          'ok',
        );
      }
    }
  });
});

describe('consistency proofs: RFC 9162 §2.1.5 example, built in steps of 3, 4, 6 and 7 leaves', () => {
  const d = Array.from({ length: 7 }, (_, i) => text(`d${i}`));
  const [a, b, c, dd, e, f, j] = d.map(hashLeaf) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const g = hashChildren(a, b);
  const h = hashChildren(c, dd);
  const i = hashChildren(e, f);
  const k = hashChildren(g, h);
  const l = hashChildren(i, j);
  const hash0 = hashChildren(g, c);
  const hash1 = k;
  const hash2 = hashChildren(k, i);
  const hash = hashChildren(k, l);
  const tree = treeOf(d.map(hashLeaf));

  it('has the roots of the figure at each step', () => {
    expect([3, 4, 6, 7].map((s) => hex(tree.root(s)))).toEqual([hash0, hash1, hash2, hash].map(hex));
  });
  it('PROOF(3, D[7]) = [c, d, g, l]', () => {
    expect(tree.consistencyProof(3, 7).map(hex)).toEqual([c, dd, g, l].map(hex));
    expect(verifyConsistency(3, 7, hash0, hash, [c, dd, g, l]).ok).toBe(true);
  });
  it('PROOF(4, D[7]) = [l]', () => {
    expect(tree.consistencyProof(4, 7).map(hex)).toEqual([l].map(hex));
    expect(verifyConsistency(4, 7, hash1, hash, [l]).ok).toBe(true);
  });
  it('PROOF(6, D[7]) = [i, j, k]', () => {
    expect(tree.consistencyProof(6, 7).map(hex)).toEqual([i, j, k].map(hex));
    expect(verifyConsistency(6, 7, hash2, hash, [i, j, k]).ok).toBe(true);
  });
});

describe('consistency proofs: edge cases outside 0 < m < n', () => {
  const r1 = roots[0]!;
  const r2 = roots[1]!;
  it('accepts the empty tree as a prefix of anything, with an empty proof and the empty root', () => {
    expect(code(verifyConsistency(0, 0, emptyRoot(), emptyRoot(), []))).toBe('ok');
    expect(code(verifyConsistency(0, 5, emptyRoot(), roots[4]!, []))).toBe('ok');
    expect(code(verifyConsistency(0, 5, r1, roots[4]!, []))).toBe('old-root-mismatch');
    expect(code(verifyConsistency(0, 5, emptyRoot(), roots[4]!, [emptyRoot()]))).toBe('proof-length');
  });
  it('equal sizes need equal roots and an empty proof', () => {
    expect(code(verifyConsistency(1, 1, r1, r1, []))).toBe('ok');
    expect(code(verifyConsistency(1, 1, r1, r2, []))).toBe('root-mismatch');
    expect(code(verifyConsistency(1, 1, r1, r1, [emptyRoot()]))).toBe('proof-length');
  });
  it('refuses time travel and nonsense sizes', () => {
    expect(code(verifyConsistency(2, 1, r2, r1, []))).toBe('size-out-of-order');
    expect(code(verifyConsistency(-1, 1, r1, r1, []))).toBe('bad-size');
    expect(code(verifyConsistency(1, 2 ** 60, r1, r1, [r1]))).toBe('bad-size');
    expect(code(verifyConsistency(1, 2, r1, r2, []))).toBe('proof-length');
    expect(code(verifyConsistency(1, 2, r1.subarray(2), r2, [r1]))).toBe('bad-hash-length');
    expect(() => consistencyPlan(3, 2)).toThrowError(/larger than/);
    expect(consistencyPlan(0, 9)).toEqual([]);
    expect(consistencyPlan(9, 9)).toEqual([]);
  });
});

describe('a forked log is caught by the holder of an earlier tree head', () => {
  const common = Array.from({ length: 10 }, (_, i) => hashLeaf(text(`entry ${i}`)));
  const honest = treeOf([...common, ...Array.from({ length: 10 }, (_, i) => hashLeaf(text(`honest ${i}`)))]);
  // The operator rewrites entry 7 and everything after it, then keeps appending.
  const forked = treeOf([
    ...common.slice(0, 7),
    ...Array.from({ length: 20 }, (_, i) => hashLeaf(text(`rewritten ${i}`))),
  ]);

  it('the honest log extends the old head', () => {
    expect(code(verifyConsistency(15, 20, honest.root(15), honest.root(20), honest.consistencyProof(15, 20)))).toBe(
      'ok',
    );
  });
  it('the fork cannot prove it extends a head the holder saw before the rewrite', () => {
    const held = { size: 15, root: honest.root(15) };
    const r = verifyConsistency(held.size, 27, held.root, forked.root(27), forked.consistencyProof(held.size, 27));
    expect(code(r)).toBe('old-root-mismatch');
  });
  it('nor can an honest-looking proof be replayed against the fork root', () => {
    expect(code(verifyConsistency(15, 20, honest.root(15), forked.root(20), honest.consistencyProof(15, 20)))).toBe(
      'root-mismatch',
    );
  });
  it('two different roots at one size are a fork', () => {
    expect(code(verifyConsistency(15, 15, honest.root(15), forked.root(15), []))).toBe('root-mismatch');
  });
  it('heads taken before the rewrite point stay consistent with both', () => {
    expect(code(verifyConsistency(7, 27, honest.root(7), forked.root(27), forked.consistencyProof(7, 27)))).toBe('ok');
  });
});

describe('consistency proofs from stored nodes', () => {
  it('reads O(log n) complete nodes', () => {
    const n = 10_000_000;
    let reads = 0;
    const reader: TreeReader = {
      size: n,
      node(level, index) {
        reads++;
        expect((index + 1) * 2 ** level).toBeLessThanOrEqual(n);
        return new Uint8Array(32);
      },
    };
    for (const m of [1, 2, 3, 4_194_304, 5_000_001, 9_999_999]) {
      reads = 0;
      const proof = consistencyProof(reader, m, n);
      expect(proof.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)));
      expect(reads).toBeLessThanOrEqual(3 * Math.ceil(Math.log2(n)));
      expect(planNodes(consistencyPlan(m, n)).length).toBe(reads);
    }
  });
});
