/**
 * An in-memory Merkle tree that keeps every complete node, one flat Uint8Array per level (node i of level L at
 * bytes i·32 .. i·32+31), so ten million leaves cost about 640 MB and no per-node objects. It is the reference
 * `TreeReader`: proofs and roots for any size up to the current one come from stored nodes in O(log n), exactly
 * as a store adapter answers them.
 */
import { CompactRange, type NodeBatch } from './compact-range.js';
import { consistencyProof } from './consistency.js';
import { TlogError } from './error.js';
import { HASH_SIZE } from './hash.js';
import { inclusionProof } from './inclusion.js';
import { rootAt, subtreeWidth, type TreeReader } from './subtree.js';
import { itemAt } from '../item-at.js';

export class MerkleTree implements TreeReader {
  readonly #range = new CompactRange();
  readonly #levels: Uint8Array[] = [];
  readonly #capacity: number;

  /** `capacity`: expected number of leaves, to size the level arrays once instead of growing them. */
  constructor(options: { capacity?: number } = {}) {
    this.#capacity = Math.max(1, options.capacity ?? 1024);
  }

  get size(): number {
    return this.#range.size;
  }

  /** Appends leaf hashes; returns the nodes the batch completed (see `CompactRange.append`). */
  append(leafHashes: readonly Uint8Array[]): NodeBatch[] {
    const batches = this.#range.append(leafHashes);
    for (const b of batches) this.#store(b);
    return batches;
  }

  /** A copy of the hash of complete node (level, index). */
  node(level: number, index: number): Uint8Array {
    if (
      !Number.isSafeInteger(level) ||
      !Number.isSafeInteger(index) ||
      level < 0 ||
      index < 0 ||
      (index + 1) * subtreeWidth(level) > this.size
    ) {
      throw new TlogError(
        'index-out-of-range',
        `node ${level}/${index} is not a complete node of a ${this.size}-leaf tree`,
      );
    }
    const off = index * HASH_SIZE;
    return itemAt(this.#levels, level).slice(off, off + HASH_SIZE);
  }

  /** MTH(D[size]) for any size up to the current one. */
  root(size: number = this.size): Uint8Array {
    return size === this.size ? this.#range.root() : rootAt(this, size);
  }

  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    return inclusionProof(this, index, size);
  }

  consistencyProof(oldSize: number, newSize: number = this.size): Uint8Array[] {
    return consistencyProof(this, oldSize, newSize);
  }

  #store(batch: NodeBatch): void {
    const need = (batch.start + batch.count) * HASH_SIZE;
    let buf = this.#levels[batch.level];
    if (!buf || buf.length < need) {
      const initial = Math.ceil(this.#capacity / subtreeWidth(batch.level)) * HASH_SIZE;
      const grown = new Uint8Array(Math.max(need, initial, buf ? buf.length * 2 : 0));
      if (buf) grown.set(buf);
      this.#levels[batch.level] = buf = grown;
    }
    buf.set(batch.hashes, batch.start * HASH_SIZE);
  }
}
