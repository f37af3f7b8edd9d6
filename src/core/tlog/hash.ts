/**
 * Merkle tree hashing of RFC 9162 §2.1.1 (the same tree hash as RFC 6962 §2.1), with SHA-256.
 * Leaves and interior nodes carry different one-byte prefixes so a leaf can never be passed off as a node
 * (second-preimage resistance, RFC 9162 §2.1.1).
 */
import * as crypto from 'node:crypto';
import { itemAt } from '../item-at.js';

/** SHA-256 output length; every node, leaf hash and root is this long. */
export const HASH_SIZE = 32;

// Node's one-shot crypto.hash (20.12+) skips the Hash object that createHash builds per call, about twice as fast
// for the short inputs a tree hashes; older Node 20 releases fall back to createHash.
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;
const sha256 = (data: Uint8Array): Uint8Array =>
  oneShot ? oneShot('sha256', data, 'buffer') : crypto.createHash('sha256').update(data).digest();

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** Leaves shorter than this are prefixed in a reused buffer; longer ones are streamed, to keep no large buffer alive. */
const SCRATCH_LIMIT = 16 * 1024;
let leafScratch = new Uint8Array(1024);
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

/** MTH({d}) = SHA-256(0x00 || d), RFC 9162 §2.1.1. */
export function hashLeaf(data: Uint8Array): Uint8Array {
  if (data.length >= SCRATCH_LIMIT) return crypto.createHash('sha256').update(LEAF_PREFIX).update(data).digest();
  if (data.length + 1 > leafScratch.length)
    leafScratch = new Uint8Array(Math.min(SCRATCH_LIMIT, 2 * (data.length + 1)));
  leafScratch[0] = 0x00;
  leafScratch.set(data, 1);
  return sha256(leafScratch.subarray(0, data.length + 1));
}

let textScratch = Buffer.allocUnsafe(4096);

/**
 * hashLeaf(head || UTF-8 of text), with the text encoded straight into a reused buffer: no joined string and no
 * per-leaf Buffer (the ingest hashes about a thousand entries a batch whose bytes it does not keep).
 */
export function hashLeafText(head: Uint8Array, text: string): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const most = 1 + head.length + 3 * text.length;
  if (most > SCRATCH_LIMIT) {
    const bytes = Buffer.allocUnsafe(head.length + Buffer.byteLength(text, 'utf8'));
    bytes.set(head, 0);
    bytes.write(text, head.length, 'utf8');
    return hashLeaf(bytes);
  }
  if (most > textScratch.length) textScratch = Buffer.allocUnsafe(SCRATCH_LIMIT);
  textScratch[0] = 0x00;
  textScratch.set(head, 1);
  const n = textScratch.write(text, 1 + head.length, 'utf8');
  return sha256(textScratch.subarray(0, 1 + head.length + n));
}

/** SHA-256(0x01 || left || right), the interior node hash of RFC 9162 §2.1.1. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return crypto.createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

const EMPTY_ROOT: Uint8Array = crypto.createHash('sha256').digest();

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
  let i = 0;
  for (const leaf of hashes) {
    let h = leaf;
    // After adding leaf i, merge once per trailing one bit of i: those are the subtrees that just became perfect.
    for (let c = i; c % 2 === 1; c = (c - 1) / 2) {
      const left = stack.pop();
      if (!left) throw new RangeError(`leaf ${i}: no subtree to its left`);
      h = hashChildren(left, h);
    }
    stack.push(h);
    i++;
  }
  let root = itemAt(stack, stack.length - 1);
  for (let i = stack.length - 2; i >= 0; i--) root = hashChildren(itemAt(stack, i), root);
  return root;
}

/** Constant-time equality of two hashes; false (not an exception) when the lengths differ. */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
