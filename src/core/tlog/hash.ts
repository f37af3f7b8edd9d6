/**
 * Merkle tree hashing of RFC 9162 §2.1.1 (the same tree hash as RFC 6962 §2.1), with SHA-256.
 * Leaves and interior nodes carry different one-byte prefixes so a leaf can never be passed off as a node
 * (second-preimage resistance, RFC 9162 §2.1.1).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 output length; every node, leaf hash and root is this long. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** MTH({d}) = SHA-256(0x00 || d), RFC 9162 §2.1.1. */
export function hashLeaf(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** SHA-256(0x01 || left || right), the interior node hash of RFC 9162 §2.1.1. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

const EMPTY_ROOT: Uint8Array = createHash('sha256').digest();

/** MTH({}) = SHA-256(""), the root of the empty tree (RFC 9162 §2.1.1). A fresh copy: callers may mutate it. */
export function emptyRoot(): Uint8Array {
  return copyHash(EMPTY_ROOT);
}

/** A copy that shares no memory with `h` (Buffer#slice would return a view). */
export function copyHash(h: Uint8Array): Uint8Array {
  return new Uint8Array(h);
}

/**
 * MTH(D[n]) over leaf hashes (RFC 9162 §2.1.1), in O(n) time and O(log n) memory: a stack of perfect subtree
 * roots merged like a binary counter, then folded right to left, which is the RFC's split at the largest power
 * of two below n applied recursively.
 */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRoot();
  const stack: Uint8Array[] = [];
  for (let i = 0; i < hashes.length; i++) {
    let h = hashes[i]!;
    // After adding leaf i, merge once per trailing one bit of i: those are the subtrees that just became perfect.
    for (let c = i; c % 2 === 1; c = (c - 1) / 2) h = hashChildren(stack.pop()!, h);
    stack.push(h);
  }
  let root = stack.pop()!;
  while (stack.length) root = hashChildren(stack.pop()!, root);
  return root;
}

/** Constant-time equality of two hashes; false (not an exception) when the lengths differ. */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
