/**
 * Node addressing and the reader port that proofs are built from.
 *
 * A node is a complete (perfect) subtree: level L, index i covers leaves [i·2^L, (i+1)·2^L); level 0 nodes are
 * the leaf hashes. A node exists once the tree holds all its leaves and never changes afterwards, which is what
 * lets a store persist each node once and answer any proof from stored nodes. RFC 9162 §2.1.1 splits a tree of
 * size n at the largest power of two below n; applied recursively, every hash a proof needs is either a complete
 * node or the fold of the complete nodes along a right edge (the binary decomposition of a range), so a proof
 * touches O(log n) nodes.
 */
import { TlogError } from './error.js';
import { HASH_SIZE, emptyRoot, hashChildren } from './hash.js';
import { itemAt } from '../item-at.js';

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Read access to the complete nodes of a tree; the port a store implements so proofs come from stored nodes. */
export interface TreeReader {
  /** Number of leaves. */
  readonly size: number;
  /** Hash of a complete node. Only asked for nodes with (index + 1)·2^level <= size. */
  node(level: number, index: number): Uint8Array;
}

export type NodeLookup = (level: number, index: number) => Uint8Array;

/**
 * A proof as node addresses, in proof order: each element is one proof hash, the fold (right to left, see
 * `foldNodes`) of one or more complete nodes. Lets an asynchronous store fetch every node in one query, then
 * call `proofFromPlan`.
 */
export type ProofPlan = readonly (readonly NodeId[])[];

/** Tree sizes and indices are safe non-negative integers (2^53 leaves is beyond any log we will run). */
export function isTreeSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** 2^level, exact for every level a safe-integer tree can have. */
export function subtreeWidth(level: number): number {
  return 2 ** level;
}

/** Level L of the split of RFC 9162 §2.1.1: 2^L < n <= 2^(L+1), so k = 2^L is the largest power of two below n. */
export function splitLevel(n: number): number {
  let level = 0;
  let width = 1;
  while (width * 2 < n) {
    width *= 2;
    level++;
  }
  return level;
}

export function isPowerOfTwo(n: number): boolean {
  let w = 1;
  while (w < n) w *= 2;
  return w === n;
}

/**
 * The complete nodes that make up leaves [start, end), largest first: the binary decomposition of the width.
 * `start` must be a multiple of the smallest power of two >= end - start, which holds for every range the RFC's
 * recursion produces (and for start = 0).
 */
export function perfectSubtrees(start: number, end: number): NodeId[] {
  const out: NodeId[] = [];
  let remaining = end - start;
  if (remaining <= 0) return out;
  let level = 0;
  let width = 1;
  while (width * 2 <= remaining) {
    width *= 2;
    level++;
  }
  let pos = start;
  for (; level >= 0; level--, width /= 2) {
    if (remaining >= width) {
      if (pos % width !== 0)
        throw new TlogError('index-out-of-range', `range [${start}, ${end}) is not aligned to its subtrees`);
      out.push({ level, index: pos / width });
      pos += width;
      remaining -= width;
    }
  }
  return out;
}

/** Hash of a run of adjacent subtrees, largest first: h0 ⊕ (h1 ⊕ (… ⊕ hk)), the right-edge fold of RFC 9162 §2.1.1. */
export function foldNodes(nodes: readonly NodeId[], lookup: NodeLookup): Uint8Array {
  let i = nodes.length - 1;
  let h = lookup(itemAt(nodes, i).level, itemAt(nodes, i).index);
  for (i--; i >= 0; i--) h = hashChildren(lookup(itemAt(nodes, i).level, itemAt(nodes, i).index), h);
  return h;
}

/** Nodes needed for MTH(D[size]): the perfect subtrees of [0, size). */
export function rootPlan(size: number): NodeId[] {
  return perfectSubtrees(0, size);
}

/** MTH(D[size]) from stored nodes, O(log size). */
export function rootAt(reader: TreeReader, size: number): Uint8Array {
  checkSize(reader, size);
  if (size === 0) return emptyRoot();
  return foldNodes(rootPlan(size), (l, i) => reader.node(l, i));
}

/** Every node a plan reads, each once, for a batched fetch. */
export function planNodes(plan: ProofPlan): NodeId[] {
  const seen = new Set<string>();
  const out: NodeId[] = [];
  for (const group of plan) {
    for (const n of group) {
      const key = `${n.level}/${n.index}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(n);
      }
    }
  }
  return out;
}

/** Turns a plan into proof hashes. A node of the wrong length means a corrupt store: that throws. */
export function proofFromPlan(plan: ProofPlan, lookup: NodeLookup): Uint8Array[] {
  const checked: NodeLookup = (level, index) => {
    const h = lookup(level, index);
    if (h.length !== HASH_SIZE)
      throw new TlogError('bad-hash-length', `node ${level}/${index} is ${h.length} bytes, expected ${HASH_SIZE}`);
    return h;
  };
  return plan.map((group) => foldNodes(group, checked));
}

/** Throws when `size` is not a size the reader can answer for; sizes come from callers, not from proofs. */
export function checkSize(reader: TreeReader, size: number): void {
  if (!isTreeSize(size))
    throw new TlogError('bad-size', `tree size ${String(size)} is not a non-negative safe integer`);
  if (size > reader.size)
    throw new TlogError('bad-size', `tree size ${size} is beyond the ${reader.size} leaves stored`);
}
