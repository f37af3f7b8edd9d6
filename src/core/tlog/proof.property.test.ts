// Properties over random trees: every proof the node-based builders produce equals the RFC 9162 recursive
// definition, verifies, and stops verifying after any single mutation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyConsistency } from './consistency.js';
import { emptyRoot, hashChildren, hashLeaf } from './hash.js';
import { verifyInclusion } from './inclusion.js';
import { MerkleTree } from './merkle-tree.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, transcribed over leaf hashes as the reference. D[lo:hi] is a range of
// one leaf list; MTH is memoised per range so the reference stays fast enough for hundreds of trees.
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function reference(d: Uint8Array[]) {
  const memo = new Map<string, Uint8Array>();
  const mth = (lo: number, hi: number): Uint8Array => {
    if (hi - lo === 0) return emptyRoot();
    if (hi - lo === 1) return d[lo]!;
    const key = `${lo}:${hi}`;
    let h = memo.get(key);
    if (!h) {
      const k = split(hi - lo);
      memo.set(key, (h = hashChildren(mth(lo, lo + k), mth(lo + k, hi))));
    }
    return h;
  };
  const path = (m: number, lo: number, hi: number): Uint8Array[] => {
    if (hi - lo <= 1) return [];
    const k = split(hi - lo);
    return m < k ? [...path(m, lo, lo + k), mth(lo + k, hi)] : [...path(m - k, lo + k, hi), mth(lo, lo + k)];
  };
  const subproof = (m: number, lo: number, hi: number, b: boolean): Uint8Array[] => {
    if (m === hi - lo) return b ? [] : [mth(lo, hi)];
    const k = split(hi - lo);
    return m <= k
      ? [...subproof(m, lo, lo + k, b), mth(lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), mth(lo, lo + k)];
  };
  return {
    root: (n: number) => mth(0, n),
    path: (m: number) => path(m, 0, d.length),
    proof: (m: number) => (m === 0 ? [] : subproof(m, 0, d.length, true)),
  };
}

/** Every single-step change of a proof that keeps nothing else fixed: flip, drop, duplicate, insert, swap. */
function mutations(proof: Uint8Array[], bit: number, extra: Uint8Array): { desc: string; proof: Uint8Array[] }[] {
  const out: { desc: string; proof: Uint8Array[] }[] = [];
  for (let i = 0; i < proof.length; i++) {
    const flipped = proof.map((h) => new Uint8Array(h));
    flipped[i]![bit >> 3]! ^= 1 << (bit & 7);
    out.push({ desc: `flip bit ${bit} of [${i}]`, proof: flipped });
    out.push({ desc: `drop [${i}]`, proof: [...proof.slice(0, i), ...proof.slice(i + 1)] });
    out.push({ desc: `duplicate [${i}]`, proof: [...proof.slice(0, i + 1), ...proof.slice(i)] });
    if (i + 1 < proof.length && hex(proof[i]!) !== hex(proof[i + 1]!)) {
      out.push({
        desc: `swap [${i}] and [${i + 1}]`,
        proof: [...proof.slice(0, i), proof[i + 1]!, proof[i]!, ...proof.slice(i + 2)],
      });
    }
  }
  for (let i = 0; i <= proof.length; i++)
    out.push({ desc: `insert at ${i}`, proof: [...proof.slice(0, i), extra, ...proof.slice(i)] });
  return out;
}

const treeCase = fc.record({
  size: fc.integer({ min: 1, max: 300 }),
  seed: fc.string({ maxLength: 8 }),
  bit: fc.integer({ min: 0, max: 255 }),
});

function build(size: number, seed: string): { leaves: Uint8Array[]; tree: MerkleTree } {
  const leaves = Array.from({ length: size }, (_, i) => hashLeaf(new TextEncoder().encode(`${seed}/${i}`)));
  const tree = new MerkleTree({ capacity: 8 });
  // Uneven batches, so batch boundaries fall everywhere.
  for (let i = 0, step = 1; i < size; i += step, step = ((step * 7) % 23) + 1) tree.append(leaves.slice(i, i + step));
  return { leaves, tree };
}

describe('proof properties over random trees of up to 300 leaves', () => {
  it('inclusion: every proof matches PATH(m, D[n]), verifies, and fails after any single mutation', () => {
    fc.assert(
      fc.property(treeCase, ({ size, seed, bit }) => {
        const { leaves, tree } = build(size, seed);
        const ref = reference(leaves);
        const root = tree.root();
        expect(hex(root)).toBe(hex(ref.root(size)));
        const extra = hashLeaf(new TextEncoder().encode('extra'));
        // Plain checks in the hot loop (expect() per mutation dominates the run time); one assertion at the end.
        const accepted: string[] = [];
        for (let m = 0; m < size; m++) {
          const proof = tree.inclusionProof(m);
          expect(proof.map(hex)).toEqual(ref.path(m).map(hex));
          expect(verifyInclusion(m, size, leaves[m]!, proof, root).ok).toBe(true);
          for (const mut of mutations(proof, bit, extra))
            if (verifyInclusion(m, size, leaves[m]!, mut.proof, root).ok) accepted.push(`${m}/${size} ${mut.desc}`);
          const other = (m + 1 + (bit % size)) % size;
          if (other !== m)
            expect(verifyInclusion(other, size, leaves[m]!, proof, root).ok, `${m}/${size} as index ${other}`).toBe(
              false,
            );
          const leaf = new Uint8Array(leaves[m]!);
          leaf[bit >> 3]! ^= 1 << (bit & 7);
          expect(verifyInclusion(m, size, leaf, proof, root).ok).toBe(false);
          const badRoot = new Uint8Array(root);
          badRoot[bit >> 3]! ^= 1 << (bit & 7);
          expect(verifyInclusion(m, size, leaves[m]!, proof, badRoot).ok).toBe(false);
        }
        expect(accepted).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('consistency: every proof for m <= n matches PROOF(m, D[n]), verifies, and fails after any single mutation', () => {
    fc.assert(
      fc.property(treeCase, ({ size, seed, bit }) => {
        const { leaves, tree } = build(size, seed);
        const ref = reference(leaves);
        const root = tree.root();
        const extra = hashLeaf(new TextEncoder().encode('extra'));
        const accepted: string[] = [];
        for (let m = 0; m <= size; m++) {
          const oldRoot = tree.root(m);
          expect(hex(oldRoot)).toBe(hex(ref.root(m)));
          const proof = tree.consistencyProof(m);
          expect(proof.map(hex)).toEqual(ref.proof(m).map(hex));
          expect(verifyConsistency(m, size, oldRoot, root, proof).ok).toBe(true);
          if (m === 0) continue; // nothing binds the new root to the empty tree
          for (const mut of mutations(proof, bit, extra))
            if (verifyConsistency(m, size, oldRoot, root, mut.proof).ok) accepted.push(`${m}→${size} ${mut.desc}`);
          const badOld = new Uint8Array(oldRoot);
          badOld[bit >> 3]! ^= 1 << (bit & 7);
          expect(verifyConsistency(m, size, badOld, root, proof).ok).toBe(false);
          const badNew = new Uint8Array(root);
          badNew[bit >> 3]! ^= 1 << (bit & 7);
          expect(verifyConsistency(m, size, oldRoot, badNew, proof).ok).toBe(false);
          if (m < size) {
            const other = 1 + ((m + (bit % size)) % (size - 1));
            if (other !== m)
              expect(verifyConsistency(other, size, oldRoot, root, proof).ok, `${m}→${size} as old size ${other}`).toBe(
                false,
              );
          }
        }
        expect(accepted).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});
