/**
 * The right edge of a Merkle tree: the roots of the perfect subtrees of [0, size), one per set bit of size.
 * Appending a leaf merges equal-sized subtrees like a binary counter (RFC 9162 §2.1.1's split, built bottom up),
 * and every node that becomes complete is handed back, so a store can persist exactly the new nodes of each batch
 * while holding O(log n) hashes in memory.
 */
import { TlogError } from './error.js';
import { HASH_SIZE, copyHash, emptyRoot, hashChildren } from './hash.js';
import { isTreeSize, perfectSubtrees, type NodeId } from './subtree.js';
import { itemAt } from '../item-at.js';

/** The nodes of one level that a batch completed: indices start .. start + count - 1, hashes concatenated. */
export interface NodeBatch {
  readonly level: number;
  readonly start: number;
  readonly count: number;
  /** count · HASH_SIZE bytes; node start + j is hashes[j·32 .. (j+1)·32). */
  readonly hashes: Uint8Array;
}

export class CompactRange {
  #size = 0;
  /** Roots of perfectSubtrees(0, size), largest first. */
  #edge: Uint8Array[] = [];

  /** Resume from stored nodes: `hashes` are the nodes of `frontierNodes(size)`, in that order. */
  static fromFrontier(size: number, hashes: readonly Uint8Array[]): CompactRange {
    const ids = frontierNodes(size);
    if (hashes.length !== ids.length)
      throw new TlogError('bad-size', `a ${size}-leaf tree has ${ids.length} frontier nodes, got ${hashes.length}`);
    for (const h of hashes)
      if (h.length !== HASH_SIZE)
        throw new TlogError('bad-hash-length', `frontier node is ${h.length} bytes, expected ${HASH_SIZE}`);
    const range = new CompactRange();
    range.#size = size;
    range.#edge = hashes.map(copyHash);
    return range;
  }

  get size(): number {
    return this.#size;
  }

  /** The frontier nodes with their hashes, largest first; persist these to resume with `fromFrontier`. */
  frontier(): { node: NodeId; hash: Uint8Array }[] {
    return frontierNodes(this.#size).map((node, i) => ({ node, hash: copyHash(itemAt(this.#edge, i)) }));
  }

  /**
   * Appends leaf hashes and returns every node completed, grouped by level (level 0 is the leaves themselves).
   * All-or-nothing: a hash of the wrong length rejects the whole batch before anything changes.
   */
  append(leafHashes: readonly Uint8Array[]): NodeBatch[] {
    for (const [i, h] of leafHashes.entries()) {
      if (h.length !== HASH_SIZE)
        throw new TlogError(
          'bad-hash-length',
          `leaf hash ${i} of the batch is ${h.length} bytes, expected ${HASH_SIZE}`,
        );
    }
    const from = this.#size;
    const to = from + leafHashes.length;
    if (!isTreeSize(to))
      throw new TlogError('bad-size', `appending ${leafHashes.length} leaves would exceed the largest tree size`);
    // Level L gains the nodes floor(from/2^L) .. floor(to/2^L) - 1, a contiguous run.
    const batches: { level: number; start: number; count: number; hashes: Uint8Array }[] = [];
    for (let level = 0, width = 1; width <= to; level++, width *= 2) {
      const start = Math.floor(from / width);
      const count = Math.floor(to / width) - start;
      if (count > 0) batches.push({ level, start, count, hashes: new Uint8Array(count * HASH_SIZE) });
    }
    const cursor = new Array<number>(batches.length).fill(0);
    // batches[b] is level b while it has nodes; levels only become empty from some level upwards.
    const put = (level: number, h: Uint8Array): void => {
      // Checked inline, not with itemAt: once per node of every append on the ingest path.
      const at = cursor[level];
      const batch = batches[level];
      if (at === undefined || batch === undefined) throw new RangeError(`no batch at level ${level}`);
      batch.hashes.set(h, at);
      cursor[level] = at + HASH_SIZE;
    };
    const edge = this.#edge;
    let index = from;
    for (const leaf of leafHashes) {
      let h = leaf;
      put(0, h);
      let level = 0;
      // Each trailing one bit of the leaf's index closes a subtree: merge it with its left sibling on the edge.
      for (let c = index++; c % 2 === 1; c = (c - 1) / 2) {
        const left = edge.pop();
        if (!left) throw new TlogError('bad-size', `the compact range of size ${from} has too few edge nodes`);
        h = hashChildren(left, h);
        put(++level, h);
      }
      edge.push(level === 0 ? copyHash(h) : h);
    }
    this.#size = to;
    return batches;
  }

  /** MTH(D[size]), O(log size). */
  root(): Uint8Array {
    const edge = this.#edge;
    if (edge.length === 0) return emptyRoot();
    let h = itemAt(edge, edge.length - 1);
    for (let i = edge.length - 2; i >= 0; i--) h = hashChildren(itemAt(edge, i), h);
    return edge.length === 1 ? copyHash(h) : h;
  }
}

/** The nodes whose hashes determine a tree of `size` leaves and everything appended after it. */
export function frontierNodes(size: number): NodeId[] {
  if (!isTreeSize(size))
    throw new TlogError('bad-size', `tree size ${String(size)} is not a non-negative safe integer`);
  return perfectSubtrees(0, size);
}

/** The j-th node of a batch (node start + j), as a view (copy it before keeping it past the batch). */
export function batchNode(batch: NodeBatch, j: number): Uint8Array {
  return batch.hashes.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE);
}
