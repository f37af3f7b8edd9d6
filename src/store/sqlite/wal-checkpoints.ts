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

/**
 * WAL frames (4 KB pages) between checkpoints, at most: an in-order batch of 500 observations writes about 550
 * frames for its 1,050 log entries, so the entries come first. A messy batch (late reports: every time-keyed index,
 * the ids and the R*Tree take their inserts on random pages) writes about 2,300 frames for as many entries: counted
 * by entries alone, four of them passed SQLite's own 10,000-frame checkpoint, which then ran inside the writer's
 * COMMIT.
 */
export const CHECKPOINT_EVERY_FRAMES = 2_000;

/**
 * Counts what the writer commits (its log entries, which it knows) and checkpoints after `everyEntries`, or sooner
 * once the frames they stand for reach `everyFrames`: each checkpoint's own count of the WAL's frames (`wal_checkpoint`
 * returns it) gives the frames per entry for the next.
 */
export class WalCheckpoints implements CheckpointSink {
  #since = 0;
  /** Frames per log entry, as the last checkpoint found it (the in-order figure to start). */
  #framesPerEntry = 0.5;
  /** The WAL's frames at the last checkpoint, from which the next one counts (0 when it will be written afresh). */
  #base = 0;

  constructor(
    private readonly db: Database.Database,
    readonly everyEntries = CHECKPOINT_EVERY_ENTRIES,
    readonly everyFrames = CHECKPOINT_EVERY_FRAMES,
  ) {}

  /** Counts what a transaction wrote (its log entries). */
  committed(entries: number): void {
    this.#since += entries;
  }

  /** Checkpoints if enough was written since the last one. */
  run(): void {
    if (this.#since < this.everyEntries && this.#since * this.#framesPerEntry < this.everyFrames) return;
    try {
      const [r] = this.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      if (r && r.log >= 0) {
        // A WAL fully checkpointed is written again from its start by the next transaction.
        const written = r.log >= this.#base ? r.log - this.#base : r.log;
        if (written > 0) this.#framesPerEntry = written / this.#since;
        this.#base = r.checkpointed === r.log ? 0 : r.log;
      }
    } catch {
      // Nothing committed depends on it: the WAL holds every frame, and SQLite's own checkpoint comes later.
    }
    this.#since = 0;
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
