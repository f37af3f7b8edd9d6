/**
 * Who applies an ingest batch's writes (ingest-writes.ts). `InlineWriter` applies them on the server's own
 * connection, at once. `ThreadWriter` hands them to a worker thread with its own connection to the same file
 * (writer-worker.ts): the inserts, the log tree's nodes and the COMMIT run on a second core while the server thread
 * validates and fuses the next batch (docs/operations/store.md, "Exactly once").
 *
 * Epochs: when a write fails, every batch prepared after it was prepared on top of it (in-flight.ts), so those are
 * refused too. The server moves to a new epoch once it has seen the failure; the worker refuses every later batch
 * of the failed epoch, and takes the new epoch's batches again.
 */
import { once } from 'node:events';
import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorker } from '../../worker-thread.js';
import type Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../core/ports/store.js';
import type { ProjectionCommit } from '../../core/ports/public.js';
import type { Synchronous } from './connection.js';
import { WriteApplier, type WriterBatch } from './ingest-writes.js';
import { applyProjection } from './public-store.js';
import type { CheckpointSink } from './wal-checkpoints.js';

export interface IngestWriter {
  /** Resolves when the batch has committed. */
  write(records: WriterBatch, epoch: number): Promise<void>;
  /** Commits a projection pass where the batches are written (the thread), when that is not the server's connection. */
  commitProjection?(projection: ProjectionCommit): Promise<number[] | undefined>;
  close(): Promise<void>;
}

export class InlineWriter implements IngestWriter {
  readonly #applier: WriteApplier;
  constructor(db: Database.Database) {
    this.#applier = new WriteApplier(db);
  }
  write(records: WriterBatch): Promise<void> {
    try {
      this.#applier.commit([records]);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
  async close(): Promise<void> {}
}

/** The error code of a batch refused because one before it failed: the server answers 503, send it again. */
const REFUSED = 'GUARANTOR_REFUSED';

/** Messages to the worker: ingest batches, the public projector's commits (public-store.ts), and close. */
export type ToWriter =
  { id: number; epoch: number; records: WriterBatch } | { id: number; projection: ProjectionCommit } | { close: true };
/** Messages from it: one per batch or projection, in the order sent (a projection's event ids, or undefined when its cursor moved). */
export type FromWriter =
  { id: number; error?: { message: string; code?: string }; seqs?: number[] } | { ready: true } | { fatal: string };

export class ThreadWriter implements IngestWriter {
  #worker: Worker | undefined;
  readonly #waiting = new Map<number, { resolve: (seqs?: number[]) => void; reject: (e: Error) => void }>();
  #next = 0;
  #closed = false;
  /** The newest epoch sent; after the thread dies, batches of it or older are refused (they were prepared on top of lost ones). */
  #lastEpoch = -1;
  #minEpoch = 0;

  /** Starts the worker; batches sent before its connection is open wait in its port. */
  constructor(
    readonly path: string,
    readonly synchronous: Synchronous,
  ) {
    this.#worker = this.#start();
  }

  #start(): Worker {
    const worker = startWorker(import.meta.url, 'writer-worker', { path: this.path, synchronous: this.synchronous });
    // A thread that dies (a crash, out of memory, a connection it cannot open) fails what it held; the next batch
    // of a later epoch starts a new one.
    const die = (e: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#minEpoch = this.#lastEpoch + 1;
      for (const w of this.#waiting.values()) w.reject(e);
      this.#waiting.clear();
      void worker.terminate();
    };
    worker.on('message', (m: FromWriter) => {
      if ('fatal' in m) return die(new Error(m.fatal));
      if (!('id' in m)) return;
      const w = this.#waiting.get(m.id);
      if (!w) return;
      this.#waiting.delete(m.id);
      if (m.error)
        w.reject(
          m.error.code === REFUSED
            ? new StoreUnavailableError(m.error.message)
            : Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}),
        );
      else w.resolve(m.seqs);
    });
    worker.on('error', die);
    worker.on('exit', (code) =>
      die(new StoreUnavailableError(`the SQLite writer thread stopped (exit code ${code}); send the batch again`)),
    );
    return worker;
  }

  write(records: WriterBatch, epoch: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    if (epoch < this.#minEpoch)
      return Promise.reject(new StoreUnavailableError('refused: the writer thread stopped before it; send it again'));
    const worker = (this.#worker ??= this.#start());
    this.#lastEpoch = Math.max(this.#lastEpoch, epoch);
    const id = this.#next++;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.set(id, { resolve: () => resolve(), reject });
      worker.postMessage({ id, epoch, records } satisfies ToWriter);
    });
  }

  /**
   * Commits a projection pass on the thread's connection (applyProjection, in its own IMMEDIATE transaction, FULL
   * like the batches): the server thread neither waits for the write lock nor for the fsync. Resolves to the new
   * events' ids, or undefined when the cursor had moved.
   */
  commitProjection(projection: ProjectionCommit): Promise<number[] | undefined> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    const worker = (this.#worker ??= this.#start());
    const id = this.#next++;
    return new Promise<number[] | undefined>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, projection } satisfies ToWriter);
    });
  }

  /** Stops the thread at once, as a crash would (for tests); the next batch of a later epoch starts a new one. */
  async terminate(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    const exited = once(worker, 'exit');
    await worker.terminate();
    await exited;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    const exited = once(worker, 'exit');
    worker.postMessage({ close: true } satisfies ToWriter);
    await exited;
  }
}

/**
 * The worker's loop (writer-worker.ts): every batch waiting in the port goes into one transaction (group commit:
 * one COMMIT and one pass over the hot index pages for several batches), and each gets its answer.
 */
export function serveWrites(
  port: MessagePort,
  applier: WriteApplier,
  close: () => void,
  checkpoints?: CheckpointSink,
): void {
  const db = applier.db;
  let failedEpoch = -1;
  let lastFailure = new Error('unknown');
  const refusal = (cause: Error) => {
    lastFailure = cause;
    return Object.assign(new Error(`refused: a batch before it failed to commit (${cause.message}); send it again`), {
      code: REFUSED,
    });
  };
  port.on('message', (first: ToWriter) => {
    const group: ToWriter[] = [first];
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) group.push(m.message as ToWriter);
    const live: { id: number; epoch: number; records: WriterBatch }[] = [];
    const projections: { id: number; projection: ProjectionCommit }[] = [];
    let closing = false;
    for (const m of group) {
      if ('close' in m) closing = true;
      else if ('projection' in m) projections.push(m);
      else if (m.epoch <= failedEpoch)
        port.postMessage({
          id: m.id,
          error: { message: refusal(lastFailure).message, code: REFUSED },
        } satisfies FromWriter);
      else live.push(m);
    }
    const answer = (m: { id: number }, e?: unknown) => {
      const err = e as (Error & { code?: string }) | undefined;
      port.postMessage(
        (err
          ? { id: m.id, error: err.code ? { message: err.message, code: err.code } : { message: err.message } }
          : { id: m.id }) satisfies FromWriter,
      );
    };
    try {
      if (live.length) checkpoints?.committed(applier.commit(live.map((m) => m.records)));
      for (const m of live) answer(m);
    } catch (e) {
      // Find the batch at fault: those before it commit alone; it and everything prepared on top of it are refused.
      let failed: Error | undefined;
      for (const m of live) {
        if (failed) answer(m, refusal(failed));
        else {
          try {
            if (live.length === 1) throw e;
            checkpoints?.committed(applier.commit([m.records]));
            answer(m);
            continue;
          } catch (alone) {
            failed = alone as Error;
            answer(m, failed);
          }
        }
        failedEpoch = Math.max(failedEpoch, m.epoch);
      }
    }
    // Projections after the group's batches, each in its own transaction: its cursor check refuses a stale one.
    for (const m of projections) {
      try {
        const seqs = db.transaction(() => applyProjection(db, m.projection)).immediate();
        port.postMessage((seqs ? { id: m.id, seqs } : { id: m.id }) satisfies FromWriter);
      } catch (e) {
        answer(m, e);
      }
    }
    if (closing) close();
    else checkpoints?.run(); // the checkpoint thread hears of the group once its answers have gone
  });
}
