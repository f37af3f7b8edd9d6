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
 *
 * The mirror bounds `to` from above: each complete block's least `time` is fixed too, so the rows before `to` lie up
 * to the last complete block whose least time is before `to`, or in the rows no complete block holds yet (a few
 * thousand at most). A window's last page stops there instead of reading on to the table's end.
 */

/** Seqs per block: the walk reads at most about one block of rows older than `from`. */
export const BLOCK = 4096;

/** Blocks read at a time: one read scans at most this many blocks of rows. */
const CHUNK = 16;

/**
 * The least and greatest `time` per block of seqs (block = floor(seq / size)) over the rows with
 * after < seq <= through.
 */
export type BlockReader = (
  after: number,
  through: number,
  size: number,
) => Promise<{ block: number; min: number; max: number }[]>;

/**
 * Where rows with time < `to` can be, in seq order: at or before `through`, or after `unread` (rows in no complete
 * block yet). `through === unread` when they may be anywhere up to the latest rows.
 */
export interface Ceiling {
  through: number;
  unread: number;
}

export class TimeFloor {
  /** Running maximum of `time` at the end of each complete block, block 0 first. */
  readonly #max: number[] = [];
  /** Least `time` of each complete block (Infinity for a block without rows). */
  readonly #min: number[] = [];
  #reading: Promise<boolean> | undefined;
  #readAt = -Infinity;
  #stopped = false;

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

  /**
   * Reads the blocks already stored, a chunk at a time with a turn of the event loop between, so that a store
   * opened on a million rows has its floor before the first list asks (about 250 blocks); a list that comes sooner
   * gets a looser bound meanwhile. Failures only leave the floor where it is.
   */
  async warm(): Promise<void> {
    try {
      while (!this.#stopped && (await this.#step())) await new Promise((r) => setImmediate(r));
    } catch {
      // The next list reads on from where this stopped.
    }
  }

  /** Ends warm(), once the read under way (if any) is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#reading?.catch(() => undefined);
  }

  /** A seq before which every row's time is < `from`: rows with time >= from all have a greater seq (0: none known). */
  async before(from: number): Promise<number> {
    if (performance.now() - this.#readAt > this.stale) await this.#step();
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

  /**
   * The ceiling of `to` (the mirror of before(), issue 22): the last complete block holding a row with time < `to`
   * ends at `through`; every row between it and the first block not complete yet is at or after `to`. A window's last
   * page stops there instead of reading on to the table's end. Late reports only move `through` to their block.
   */
  async ceiling(to: number): Promise<Ceiling> {
    if (performance.now() - this.#readAt > this.stale) await this.#step();
    const min = this.#min;
    const unread = min.length * this.size - 1;
    let b = min.length - 1;
    while (b >= 0 && (min[b] ?? -Infinity) >= to) b--;
    return { through: b < 0 ? 0 : (b + 1) * this.size - 1, unread: Math.max(0, unread) };
  }

  /** Reads the next chunk of blocks (one read at a time); true if there may be more after it. */
  #step(): Promise<boolean> {
    return (this.#reading ??= this.#readChunk().finally(() => (this.#reading = undefined)));
  }

  async #readChunk(): Promise<boolean> {
    const full = this.#max.length;
    const after = full * this.size - 1;
    const rows = await this.read(after, after + CHUNK * this.size, this.size);
    this.#readAt = performance.now();
    const byBlock = new Map(rows.map((r) => [r.block, r]));
    // A block is complete once a later one has rows (seqs only grow, committed in order); the last may still fill.
    const last = rows.reduce((m, r) => Math.max(m, r.block), full);
    let running = this.#max[full - 1] ?? -Infinity;
    for (let b = full; b < last; b++) {
      const block = byBlock.get(b);
      running = Math.max(running, block?.max ?? -Infinity);
      this.#max.push(running);
      this.#min.push(block?.min ?? Infinity);
    }
    return last === full + CHUNK - 1;
  }
}
