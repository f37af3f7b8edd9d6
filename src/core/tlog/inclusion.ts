/**
 * Inclusion proofs (RFC 9162 §2.1.3): the audit path that links one leaf to the root of a tree of a given size.
 * Building reads O(log n) complete nodes through a `TreeReader`; verifying follows §2.1.3.2 step by step.
 */
import { TlogError, refused, verified, type Verified } from './error.js';
import { HASH_SIZE, hashChildren, hashesEqual } from './hash.js';
import {
  checkSize,
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
 * PATH(m, D[n]) of RFC 9162 §2.1.3.1 as node addresses. Walking down from the root: when m is in the left
 * (perfect) half, the sibling is the right part D[k:n], which may be a run of subtrees; otherwise the sibling is
 * the left half, one node. Only the first left turn can meet a partial right part, so the plan holds O(log n)
 * nodes. The RFC lists the path bottom-up, hence the reverse.
 */
export function inclusionPlan(index: number, size: number): ProofPlan {
  checkIndex(index, size);
  const plan: NodeId[][] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const level = splitLevel(end - start);
    const k = subtreeWidth(level);
    if (index < start + k) {
      plan.push(perfectSubtrees(start + k, end));
      end = start + k;
    } else {
      plan.push([{ level, index: start / k }]);
      start += k;
    }
  }
  return plan.reverse();
}

/** The inclusion proof for leaf `index` in the tree of `size` leaves (size <= reader.size). */
export function inclusionProof(reader: TreeReader, index: number, size: number = reader.size): Uint8Array[] {
  checkSize(reader, size);
  return proofFromPlan(inclusionPlan(index, size), (l, i) => reader.node(l, i));
}

/** The root implied by a leaf hash and its audit path (RFC 9162 §2.1.3.2 steps 1–5 but the root comparison). */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): { ok: true; root: Uint8Array } | { ok: false; error: TlogError } {
  if (!isTreeSize(index) || !isTreeSize(size))
    return fail('bad-size', `index ${String(index)} and size ${String(size)} must be non-negative safe integers`);
  // Step 1.
  if (index >= size) return fail('index-out-of-range', `leaf index ${index} is not below tree size ${size}`);
  if (leafHash.length !== HASH_SIZE)
    return fail('bad-hash-length', `leaf hash is ${leafHash.length} bytes, expected ${HASH_SIZE}`);
  for (let i = 0; i < proof.length; i++) {
    if (itemAt(proof, i).length !== HASH_SIZE)
      return fail('bad-hash-length', `proof[${i}] is ${itemAt(proof, i).length} bytes, expected ${HASH_SIZE}`);
  }
  // Step 2. Halving with Math.floor keeps the arithmetic exact beyond 32 bits, where >> would not.
  let fn = index;
  let sn = size - 1;
  // Step 3.
  let r = leafHash;
  // Step 4.
  for (const p of proof) {
    if (sn === 0)
      return fail(
        'proof-length',
        `proof has ${proof.length} hashes, more than leaf ${index} of a ${size}-leaf tree needs`,
      );
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5, first half: the path must reach the root level exactly.
  if (sn !== 0)
    return fail(
      'proof-length',
      `proof has ${proof.length} hashes, fewer than leaf ${index} of a ${size}-leaf tree needs`,
    );
  return { ok: true, root: r };
}

/** RFC 9162 §2.1.3.2: does `proof` show that `leafHash` is leaf `index` of the tree of `size` leaves with `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Verified {
  if (root.length !== HASH_SIZE)
    return refused('bad-hash-length', `root is ${root.length} bytes, expected ${HASH_SIZE}`);
  const r = rootFromInclusionProof(index, size, leafHash, proof);
  if (!r.ok) return r;
  // Step 5, second half.
  if (!hashesEqual(r.root, root))
    return refused('root-mismatch', `proof for leaf ${index} leads to a root other than the ${size}-leaf tree's`);
  return verified;
}

function checkIndex(index: number, size: number): void {
  if (!isTreeSize(index) || !isTreeSize(size))
    throw new TlogError(
      'bad-size',
      `index ${String(index)} and size ${String(size)} must be non-negative safe integers`,
    );
  if (index >= size) throw new TlogError('index-out-of-range', `leaf index ${index} is not below tree size ${size}`);
}

function fail(code: TlogError['code'], message: string): { ok: false; error: TlogError } {
  return { ok: false, error: new TlogError(code, message) };
}
