/**
 * WAL checkpoints during ingest: small ones, on a thread of their own (checkpoint-worker.ts), which the writer thread
 * tells how much each transaction wrote.
 *
 * SQLite's own checkpoint runs inside the COMMIT that takes the WAL past `wal_autocheckpoint` (10,000 pages, set in
 * connection.ts), so one batch in every twenty or so waited 35-70 ms for it: copying the WAL's pages into the
 * database file and fsyncing it, and an fsync costs more per megabyte the more there is to flush. Checkpointing about
 * four full batches' worth at a time took 7-8 ms (docs/operations/store.md, "Sixth round"); run by the writer between
 * batches, those still held up the batch waiting next, and the slowest acknowledgements were those. In WAL mode a
 * PASSIVE checkpoint and a writer run side by side: the checkpoint copies the frames committed when it began, and
 * the first transaction after one that copied them all writes the WAL again from its start. SQLite's own checkpoint
 * stays as the backstop: it fires only if these fall behind.
 */
import type Database from 'better-sqlite3';
import type { MessagePort } from 'node:worker_threads';

/** Log entries written between checkpoints: a full batch of 500 observations writes about 1,000. */
export const CHECKPOINT_EVERY_ENTRIES = 4_000;

export class WalCheckpoints implements CheckpointSink {
  #since = 0;

  constructor(
    private readonly db: Database.Database,
    readonly everyEntries = CHECKPOINT_EVERY_ENTRIES,
  ) {}

  /** Counts what a transaction wrote (its log entries: a measure of its pages). */
  committed(entries: number): void {
    this.#since += entries;
  }

  /** Checkpoints if enough was written since the last one. */
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

/** What the writer tells about its transactions: the checkpoint thread's port, or checkpoints run in line (tests). */
export interface CheckpointSink {
  committed(entries: number): void;
  /** Called once a group's answers have gone. */
  run(): void;
}

/** The writer's side: counts what it commits and posts it to the checkpoint thread after each group. */
export class CheckpointPoster implements CheckpointSink {
  #since = 0;
  constructor(private readonly post: (entries: number) => void) {}
  committed(entries: number): void {
    this.#since += entries;
  }
  run(): void {
    if (!this.#since) return;
    this.post(this.#since);
    this.#since = 0;
  }
}

/** The checkpoint thread's loop: a count of entries per message, `'close'` to close its connection. */
export function serveCheckpoints(port: MessagePort, db: Database.Database): void {
  const checkpoints = new WalCheckpoints(db);
  port.on('message', (m: number | 'close') => {
    if (m === 'close') {
      db.close();
      port.close();
      return;
    }
    checkpoints.committed(m);
    checkpoints.run();
  });
}
