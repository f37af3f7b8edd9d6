/**
 * The writer thread's WAL checkpoints: small ones, between batches, once the batches' answers have gone.
 *
 * SQLite's own checkpoint runs inside the COMMIT that takes the WAL past `wal_autocheckpoint` (10,000 pages, set in
 * connection.ts), so one batch in every twenty or so waited 35-70 ms for it: copying the WAL's pages into the
 * database file and fsyncing it, and an fsync costs more per megabyte the more there is to flush. Checkpointing about
 * four full batches' worth at a time took 7-8 ms, after the answers, where it delays only the batch waiting next
 * (docs/operations/store.md, "Sixth round"). The writer is the only connection that writes while ingest runs, so
 * each of these PASSIVE checkpoints copies the whole WAL and the next transaction starts it again from the
 * beginning. SQLite's own checkpoint stays as the backstop: it fires only if these fall behind.
 */
import type Database from 'better-sqlite3';

/** Log entries written between checkpoints: a full batch of 500 observations writes about 1,000. */
export const CHECKPOINT_EVERY_ENTRIES = 4_000;

export class WalCheckpoints {
  #since = 0;

  constructor(
    private readonly db: Database.Database,
    readonly everyEntries = CHECKPOINT_EVERY_ENTRIES,
  ) {}

  /** Counts what a transaction wrote (its log entries: a measure of its pages). */
  committed(entries: number): void {
    this.#since += entries;
  }

  /** Checkpoints if enough was written since the last one. Call it when no batch is waiting for its answer. */
  run(): void {
    if (this.#since < this.everyEntries) return;
    this.#since = 0;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Nothing committed depends on it: the WAL holds every frame, and SQLite's own checkpoint comes later.
    }
  }
}
