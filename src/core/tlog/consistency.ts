/**
 * Consistency proofs (RFC 9162 §2.1.4): evidence that the tree of `oldSize` leaves is a prefix of the tree of
 * `newSize` leaves, i.e. that the log only appended. A fork (two different trees claimed at overlapping sizes)
 * cannot produce one. Building reads O(log n) complete nodes; verifying follows §2.1.4.2 step by step.
 */
import { TlogError, refused, verified, type Verified } from './error.js';
import { HASH_SIZE, emptyRoot, hashChildren, hashesEqual } from './hash.js';
import {
  checkSize,
  isPowerOfTwo,
  isTreeSize,
  perfectSubtrees,
  proofFromPlan,
  splitLevel,
  subtreeWidth,
  type NodeId,
  type ProofPlan,
  type TreeReader,
} from './subtree.js';
import { itemAt } from '../item-at.js';

/**
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1 as node addresses. Sizes 0 and m = n have empty
 * proofs (the RFC defines the proof for 0 < m < n; the other cases are trivially consistent).
 */
export function consistencyPlan(oldSize: number, newSize: number): ProofPlan {
  checkSizes(oldSize, newSize);
  if (oldSize === 0 || oldSize === newSize) return [];
  const plan: NodeId[][] = [];
  let start = 0;
  let end = newSize;
  // b of SUBPROOF: true until the walk first turns right; while true, MTH(D[m]) is the old root the verifier holds.
  let wholeOldTree = true;
  while (oldSize !== end) {
    const level = splitLevel(end - start);
    const k = subtreeWidth(level);
    if (oldSize <= start + k) {
      plan.push(perfectSubtrees(start + k, end));
      end = start + k;
    } else {
      plan.push([{ level, index: start / k }]);
      start += k;
      wholeOldTree = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the last step went left, so [start, end) is one complete node.
  if (!wholeOldTree) plan.push(perfectSubtrees(start, end));
  return plan.reverse();
}

/** The consistency proof from `oldSize` to `newSize` (newSize <= reader.size). */
export function consistencyProof(reader: TreeReader, oldSize: number, newSize: number = reader.size): Uint8Array[] {
  checkSize(reader, newSize);
  return proofFromPlan(consistencyPlan(oldSize, newSize), (l, i) => reader.node(l, i));
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree (`oldSize`, `oldRoot`) is a prefix of (`newSize`, `newRoot`)?
 * Outside the RFC's 0 < m < n: size 0 is a prefix of anything (the proof must be empty and `oldRoot` the empty
 * root); equal sizes need an empty proof and equal roots.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Verified {
  if (!isTreeSize(oldSize) || !isTreeSize(newSize))
    return refused('bad-size', `sizes ${String(oldSize)} and ${String(newSize)} must be non-negative safe integers`);
  if (oldSize > newSize) return refused('size-out-of-order', `old size ${oldSize} is larger than new size ${newSize}`);
  if (oldRoot.length !== HASH_SIZE)
    return refused('bad-hash-length', `old root is ${oldRoot.length} bytes, expected ${HASH_SIZE}`);
  if (newRoot.length !== HASH_SIZE)
    return refused('bad-hash-length', `new root is ${newRoot.length} bytes, expected ${HASH_SIZE}`);
  for (let i = 0; i < proof.length; i++) {
    if (itemAt(proof, i).length !== HASH_SIZE)
      return refused('bad-hash-length', `proof[${i}] is ${itemAt(proof, i).length} bytes, expected ${HASH_SIZE}`);
  }
  if (oldSize === 0) {
    if (proof.length !== 0)
      return refused(
        'proof-length',
        `consistency from the empty tree takes an empty proof, got ${proof.length} hashes`,
      );
    if (!hashesEqual(oldRoot, emptyRoot()))
      return refused('old-root-mismatch', 'the root of the empty tree is SHA-256 of the empty string');
    return verified;
  }
  if (oldSize === newSize) {
    if (proof.length !== 0)
      return refused('proof-length', `trees of equal size take an empty proof, got ${proof.length} hashes`);
    if (!hashesEqual(oldRoot, newRoot))
      return refused('root-mismatch', `two different roots for the same size ${newSize}: the log has forked`);
    return verified;
  }
  // Step 1.
  if (proof.length === 0)
    return refused('proof-length', `consistency from ${oldSize} to ${newSize} needs a non-empty proof`);
  // Step 2.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  // Step 3. Halving with Math.floor keeps the arithmetic exact beyond 32 bits, where >> would not.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // Step 4.
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5.
  let fr = itemAt(path, 0);
  let sr = itemAt(path, 0);
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = itemAt(path, i);
    if (sn === 0)
      return refused(
        'proof-length',
        `proof has ${proof.length} hashes, more than consistency from ${oldSize} to ${newSize} needs`,
      );
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 7.
  if (sn !== 0)
    return refused(
      'proof-length',
      `proof has ${proof.length} hashes, fewer than consistency from ${oldSize} to ${newSize} needs`,
    );
  if (!hashesEqual(fr, oldRoot))
    return refused(
      'old-root-mismatch',
      `proof does not lead to the old root of size ${oldSize}: the trees are not one log (a fork) or the proof is bad`,
    );
  if (!hashesEqual(sr, newRoot))
    return refused('root-mismatch', `proof does not lead to the new root of size ${newSize}`);
  return verified;
}

function checkSizes(oldSize: number, newSize: number): void {
  if (!isTreeSize(oldSize) || !isTreeSize(newSize))
    throw new TlogError(
      'bad-size',
      `sizes ${String(oldSize)} and ${String(newSize)} must be non-negative safe integers`,
    );
  if (oldSize > newSize)
    throw new TlogError('size-out-of-order', `old size ${oldSize} is larger than new size ${newSize}`);
}
