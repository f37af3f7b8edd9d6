/**
 * Where a time filter's rows can start, in seq order (issue 22). A list pages observations in seq order; with
 * `from`, neither database plans it well on a million rows: walking seq order from the first row reads every row
 * older than `from` (PostgreSQL picked that walk, 600 ms for the last day), and taking the time index's range then
 * sorting reads the whole range (500,000 rows from the middle on).
 *
 * Observations are never changed or removed and seqs only grow, committed in order (one writer at a time on both
 * stores). So the running maximum of `time` over seq blocks is fixed once a block is full: every row before the
 * first block whose running maximum reaches `from` is older than `from`, and the walk can start there. Reports may
 * come late (their rows just sit after the bound, filtered as before), never early, so the bound is exact, not a
 * guess. The blocks are kept in memory per server and extended from the new rows when a query needs them.
 */

/** Seqs per block: the walk reads at most about one block of rows older than `from`. */
export const BLOCK = 4096;

/** The maxima of `time` per block of seqs (block = floor(seq / size)) over the rows after `afterSeq`. */
export type BlockReader = (afterSeq: number, size: number) => Promise<{ block: number; max: number }[]>;

export class TimeFloor {
  /** Running maximum of `time` at the end of each complete block, block 0 first. */
  readonly #max: number[] = [];
  #refreshing: Promise<void> | undefined;
  #refreshedAt = -Infinity;

  /**
   * `size`: seqs per block (tests use small ones); `stale`: how long (ms) the blocks may go unread, the bound only
   * looser meanwhile, never wrong.
   */
  constructor(
    readonly read: BlockReader,
    readonly size = BLOCK,
    readonly stale = 1000,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`time floor block size ${size}: a positive integer`);
  }

  /** A seq before which every row's time is < `from`: rows with time >= from all have a greater seq (0: none known). */
  async before(from: number): Promise<number> {
    if (performance.now() - this.#refreshedAt > this.stale)
      await (this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined)));
    const max = this.#max;
    // Running maxima never decrease: the first block that reaches `from`, by binary search.
    let lo = 0;
    let hi = max.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((max[mid] ?? Infinity) < from) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo * this.size - 1);
  }

  async #refresh(): Promise<void> {
    const full = this.#max.length;
    const rows = await this.read(full * this.size - 1, this.size);
    this.#refreshedAt = performance.now();
    if (!rows.length) return;
    const byBlock = new Map(rows.map((r) => [r.block, r.max]));
    // A block is complete once a later one has rows (seqs only grow); the last may still fill.
    const last = rows.reduce((m, r) => Math.max(m, r.block), full);
    let running = this.#max[full - 1] ?? -Infinity;
    for (let b = full; b < last; b++) {
      running = Math.max(running, byBlock.get(b) ?? -Infinity);
      this.#max.push(running);
    }
  }
}
