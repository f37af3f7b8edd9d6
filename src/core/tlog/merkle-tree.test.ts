import { describe, expect, it } from 'vitest';
import { CompactRange, batchNode, frontierNodes, type NodeBatch } from './compact-range.js';
import { HASH_SIZE, hashChildren, hashLeaf, rootFromLeafHashes } from './hash.js';
import { MerkleTree } from './merkle-tree.js';
import { perfectSubtrees, rootAt, type TreeReader } from './subtree.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const leaves = (n: number, tag = 'leaf') =>
  Array.from({ length: n }, (_, i) => hashLeaf(new TextEncoder().encode(`${tag} ${i}`)));

/** Every node of a tree of `n` leaves, computed from the definition: level L node i hashes leaves [i·2^L, (i+1)·2^L). */
function allNodes(hashes: Uint8Array[]): Map<string, string> {
  const out = new Map<string, string>();
  let level = hashes;
  for (let l = 0; level.length > 0; l++) {
    level.forEach((h, i) => out.set(`${l}/${i}`, hex(h)));
    const up: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) up.push(hashChildren(level[i]!, level[i + 1]!));
    level = up;
  }
  return out;
}

function collect(batches: NodeBatch[], into: Map<string, string>): void {
  for (const b of batches) {
    expect(b.hashes.length).toBe(b.count * HASH_SIZE);
    for (let j = 0; j < b.count; j++) {
      const key = `${b.level}/${b.start + j}`;
      expect(into.has(key), `node ${key} handed out twice`).toBe(false);
      into.set(key, hex(batchNode(b, j)));
    }
  }
}

describe('CompactRange', () => {
  it('hands out every complete node exactly once, whatever the batch sizes', () => {
    const hs = leaves(1000);
    const expected = allNodes(hs);
    for (const step of [1, 2, 3, 7, 64, 999, 1000]) {
      const range = new CompactRange();
      const got = new Map<string, string>();
      for (let i = 0; i < hs.length; i += step) collect(range.append(hs.slice(i, i + step)), got);
      expect(got, `batches of ${step}`).toEqual(expected);
      expect(hex(range.root())).toBe(hex(rootFromLeafHashes(hs)));
    }
  });

  it('has the root of every size along the way', () => {
    const hs = leaves(70);
    const range = new CompactRange();
    expect(hex(range.root())).toBe(hex(rootFromLeafHashes([])));
    for (let n = 1; n <= 70; n++) {
      range.append([hs[n - 1]!]);
      expect(hex(range.root()), `size ${n}`).toBe(hex(rootFromLeafHashes(hs.slice(0, n))));
    }
  });

  it('resumes from its frontier, as a store does after a restart', () => {
    const hs = leaves(300);
    for (const cut of [0, 1, 2, 5, 128, 255, 299]) {
      const first = new CompactRange();
      first.append(hs.slice(0, cut));
      const frontier = first.frontier();
      expect(frontier.map((f) => f.node)).toEqual(frontierNodes(cut));
      const resumed = CompactRange.fromFrontier(
        cut,
        frontier.map((f) => f.hash),
      );
      const got = new Map<string, string>();
      collect(resumed.append(hs.slice(cut)), got);
      expect(hex(resumed.root())).toBe(hex(rootFromLeafHashes(hs)));
      const all = allNodes(hs);
      for (const [k, v] of got) expect(all.get(k)).toBe(v);
    }
    expect(() => CompactRange.fromFrontier(5, [])).toThrowError(/2 frontier nodes/);
  });

  it('is all-or-nothing on a bad batch and keeps no alias to caller buffers', () => {
    const range = new CompactRange();
    const hs = leaves(3);
    expect(() => range.append([hs[0]!, new Uint8Array(31)])).toThrowError(/leaf hash 1 of the batch is 31 bytes/);
    expect(range.size).toBe(0);
    const mine = new Uint8Array(hs[0]!);
    range.append([mine]);
    const root = hex(range.root());
    mine.fill(0);
    expect(hex(range.root())).toBe(root);
  });
});

describe('MerkleTree', () => {
  it('stores every node and answers roots of every earlier size from stored nodes', () => {
    const hs = leaves(257);
    const tree = new MerkleTree({ capacity: 4 });
    for (let i = 0; i < hs.length; i += 10) tree.append(hs.slice(i, i + 10));
    const all = allNodes(hs);
    for (const [k, v] of all) {
      const [l, i] = k.split('/').map(Number) as [number, number];
      expect(hex(tree.node(l, i))).toBe(v);
    }
    for (let n = 0; n <= 257; n++) expect(hex(tree.root(n)), `size ${n}`).toBe(hex(rootFromLeafHashes(hs.slice(0, n))));
  });

  it('computes a root in O(log n) node reads', () => {
    const n = 10_000_000 - 1;
    let reads = 0;
    const reader: TreeReader = { size: n, node: () => (reads++, new Uint8Array(32)) };
    rootAt(reader, n);
    expect(reads).toBe(perfectSubtrees(0, n).length);
    expect(reads).toBeLessThanOrEqual(24);
  });

  it('refuses nodes that are not complete, and sizes beyond the tree', () => {
    const tree = new MerkleTree();
    tree.append(leaves(5));
    expect(() => tree.node(0, 5)).toThrowError(/not a complete node/);
    expect(() => tree.node(1, 2)).toThrowError(/not a complete node/);
    expect(() => tree.node(3, 0)).toThrowError(/not a complete node/);
    expect(() => tree.node(-1, 0)).toThrowError(/not a complete node/);
    expect(hex(tree.node(2, 0))).toBe(hex(rootFromLeafHashes(leaves(4))));
    expect(() => tree.root(6)).toThrowError(/beyond the 5 leaves/);
    expect(() => tree.root(-1)).toThrowError(/not a non-negative safe integer/);
  });

  it('returns copies, so a caller cannot corrupt stored nodes', () => {
    const tree = new MerkleTree();
    tree.append(leaves(4));
    const before = hex(tree.root(3));
    tree.node(0, 0).fill(0);
    tree.inclusionProof(0)[0]!.fill(0);
    expect(hex(tree.root(3))).toBe(before);
  });
});
