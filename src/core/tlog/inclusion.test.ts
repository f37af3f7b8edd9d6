import { describe, expect, it } from 'vitest';
import vectors from './testdata/rfc6962-vectors.json' with { type: 'json' };
import { emptyRoot, hashChildren, hashLeaf } from './hash.js';
import { inclusionPlan, inclusionProof, rootFromInclusionProof, verifyInclusion } from './inclusion.js';
import { MerkleTree } from './merkle-tree.js';
import { planNodes, type TreeReader } from './subtree.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

const leafHashes = vectors.leaves.map((l) => hashLeaf(bytes(l)));
const roots = vectors.roots.map(bytes);
const someHash = bytes('abacaba000000000000000000000000000000000000000000060061e00123456');

function treeOf(hashes: Uint8Array[]): MerkleTree {
  const t = new MerkleTree();
  t.append(hashes);
  return t;
}

/** Tampered variants of a valid proof, after transparency-dev/merkle's corruptInclusionProof. */
function corruptions(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[], root: Uint8Array) {
  const out: { desc: string; index: number; size: number; leaf: Uint8Array; proof: Uint8Array[]; root: Uint8Array }[] =
    [
      { desc: 'index - 1', index: index - 1, size, leaf, proof, root },
      { desc: 'index + 1', index: index + 1, size, leaf, proof, root },
      { desc: 'index ^ 2', index: index ^ 2, size, leaf, proof, root },
      { desc: 'size * 2', index, size: size * 2, leaf, proof, root },
      { desc: 'size / 2', index, size: Math.floor(size / 2), leaf, proof, root },
      { desc: 'wrong leaf', index, size, leaf: hashLeaf(text('WrongLeaf')), proof, root },
      { desc: 'empty root', index, size, leaf, proof, root: emptyRoot() },
      { desc: 'random root', index, size, leaf, proof, root: someHash },
      { desc: 'trailing garbage', index, size, leaf, proof: [...proof, new Uint8Array(32)], root },
      { desc: 'trailing root', index, size, leaf, proof: [...proof, root], root },
      { desc: 'preceding garbage', index, size, leaf, proof: [new Uint8Array(32), ...proof], root },
      { desc: 'preceding root', index, size, leaf, proof: [root, ...proof], root },
      {
        desc: 'short hash',
        index,
        size,
        leaf,
        proof: proof.length ? [proof[0]!.subarray(0, 31), ...proof.slice(1)] : [new Uint8Array(31)],
        root,
      },
    ];
  for (let i = 0; i < proof.length; i++) {
    const p = proof.map((h) => new Uint8Array(h));
    p[i]![0]! ^= 8;
    out.push({ desc: `flipped bit in proof[${i}]`, index, size, leaf, proof: p, root });
  }
  if (proof.length > 0) out.push({ desc: 'truncated', index, size, leaf, proof: proof.slice(0, -1), root });
  if (proof.length > 1) {
    out.push({ desc: 'inserted element', index, size, leaf, proof: [proof[0]!, someHash, ...proof.slice(1)], root });
    out.push({ desc: 'swapped siblings', index, size, leaf, proof: [proof[1]!, proof[0]!, ...proof.slice(2)], root });
  }
  return out;
}

describe('inclusion proofs: known answers (certificate-transparency-go / transparency-dev vectors)', () => {
  const tree = treeOf(leafHashes);
  for (const v of vectors.inclusion) {
    it(`leaf ${v.index} of ${v.size}`, () => {
      const proof = tree.inclusionProof(v.index, v.size);
      expect(proof.map(hex)).toEqual(v.proof);
      expect(verifyInclusion(v.index, v.size, leafHashes[v.index]!, proof, roots[v.size - 1]!)).toEqual({ ok: true });
      const r = rootFromInclusionProof(v.index, v.size, leafHashes[v.index]!, proof);
      expect(r.ok && hex(r.root)).toBe(vectors.roots[v.size - 1]);
    });
    it(`leaf ${v.index} of ${v.size}: every tampered variant fails`, () => {
      const proof = v.proof.map(bytes);
      for (const c of corruptions(v.index, v.size, leafHashes[v.index]!, proof, roots[v.size - 1]!)) {
        expect(verifyInclusion(c.index, c.size, c.leaf, c.proof, c.root).ok, c.desc).toBe(false);
      }
    });
  }

  it('builds the proof for every leaf of every size of the 8-leaf tree, and each verifies', () => {
    const tree = treeOf(leafHashes);
    for (let n = 1; n <= 8; n++) {
      for (let m = 0; m < n; m++)
        expect(verifyInclusion(m, n, leafHashes[m]!, tree.inclusionProof(m, n), roots[n - 1]!).ok, `${m} of ${n}`).toBe(
          true,
        );
    }
  });
});

describe('inclusion proofs: RFC 9162 §2.1.5 example tree of 7 leaves', () => {
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
  const root = hashChildren(k, l);
  const tree = treeOf(d.map(hashLeaf));

  it('has the root of the figure', () => expect(hex(tree.root())).toBe(hex(root)));
  it('proves d0 with [b, h, l]', () => expect(tree.inclusionProof(0).map(hex)).toEqual([b, h, l].map(hex)));
  it('proves d3 with [c, g, l]', () => expect(tree.inclusionProof(3).map(hex)).toEqual([c, g, l].map(hex)));
  it('proves d4 with [f, j, k]', () => expect(tree.inclusionProof(4).map(hex)).toEqual([f, j, k].map(hex)));
  it('proves d6 with [i, k]', () => expect(tree.inclusionProof(6).map(hex)).toEqual([i, k].map(hex)));
  it('verifies each and refuses another leaf with the same path', () => {
    expect(verifyInclusion(0, 7, a, [b, h, l], root).ok).toBe(true);
    expect(verifyInclusion(3, 7, dd, [c, g, l], root).ok).toBe(true);
    expect(verifyInclusion(4, 7, e, [f, j, k], root).ok).toBe(true);
    expect(verifyInclusion(6, 7, j, [i, k], root).ok).toBe(true);
    const wrong = verifyInclusion(0, 7, b, [b, h, l], root);
    expect(!wrong.ok && wrong.error.code).toBe('root-mismatch');
  });
});

describe('inclusion proofs: errors', () => {
  const root = roots[7]!;
  const proof = vectors.inclusion[1]!.proof.map(bytes);
  const code = (r: ReturnType<typeof verifyInclusion>) => (r.ok ? 'ok' : r.error.code);

  it('names the reason', () => {
    expect(code(verifyInclusion(8, 8, leafHashes[0]!, proof, root))).toBe('index-out-of-range');
    expect(code(verifyInclusion(0, 0, leafHashes[0]!, [], emptyRoot()))).toBe('index-out-of-range');
    expect(code(verifyInclusion(-1, 8, leafHashes[0]!, proof, root))).toBe('bad-size');
    expect(code(verifyInclusion(0.5, 8, leafHashes[0]!, proof, root))).toBe('bad-size');
    expect(code(verifyInclusion(0, 2 ** 60, leafHashes[0]!, proof, root))).toBe('bad-size');
    expect(code(verifyInclusion(0, 8, leafHashes[0]!, proof.slice(0, 2), root))).toBe('proof-length');
    expect(code(verifyInclusion(0, 8, leafHashes[0]!, [...proof, root], root))).toBe('proof-length');
    expect(code(verifyInclusion(0, 8, leafHashes[1]!, proof, root))).toBe('root-mismatch');
    expect(code(verifyInclusion(0, 8, leafHashes[0]!, proof, root.subarray(1)))).toBe('bad-hash-length');
    expect(code(verifyInclusion(0, 8, new Uint8Array(0), proof, root))).toBe('bad-hash-length');
  });

  it('a single-leaf tree has an empty proof and its root is the leaf hash', () => {
    const h = hashLeaf(text('data'));
    expect(verifyInclusion(0, 1, h, [], h).ok).toBe(true);
    expect(verifyInclusion(0, 1, h, [], new Uint8Array(0)).ok).toBe(false);
    expect(verifyInclusion(0, 1, new Uint8Array(0), [], h).ok).toBe(false);
  });

  it('refuses to build a proof outside the tree', () => {
    const tree = treeOf(leafHashes);
    expect(() => tree.inclusionProof(8)).toThrowError(/not below tree size/);
    expect(() => tree.inclusionProof(0, 9)).toThrowError(/beyond the 8 leaves/);
    expect(() => inclusionPlan(3, 3)).toThrowError(/not below/);
  });
});

describe('inclusion proofs from stored nodes', () => {
  it('reads O(log n) nodes, each a complete node', () => {
    const n = 1_000_003;
    let reads = 0;
    const reader: TreeReader = {
      size: n,
      node(level, index) {
        reads++;
        expect((index + 1) * 2 ** level).toBeLessThanOrEqual(n);
        return new Uint8Array(32);
      },
    };
    for (const m of [0, 1, 524_287, 524_288, 999_999, 1_000_000, 1_000_002]) {
      reads = 0;
      const proof = inclusionProof(reader, m, n);
      expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
      expect(reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)));
      expect(planNodes(inclusionPlan(m, n)).length).toBe(reads);
    }
  });
});
