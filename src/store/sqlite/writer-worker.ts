/**
 * The SQLite writer thread (ingest-writer.ts): its own connection to the store's file, applying ingest batches; it
 * starts the WAL checkpoint thread beside it (wal-checkpoints.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startWorker } from '../../worker-thread.js';
import { openConnection, type Synchronous } from './connection.js';
import { serveWrites, type FromWriter } from './ingest-writer.js';
import { WriteApplier } from './ingest-writes.js';
import { CheckpointPoster } from './wal-checkpoints.js';

const port = parentPort;
if (!port) throw new Error('writer-worker runs in a worker thread, not as a main program');
const { path, synchronous } = workerData as { path: string; synchronous: Synchronous };
try {
  const db = openConnection(path, synchronous);
  const checkpointer = startWorker(import.meta.url, 'checkpoint-worker', { path, synchronous });
  // A checkpoint thread that fails costs only the short WAL: SQLite's own checkpoint still runs in the COMMITs.
  let checkpointing = true;
  checkpointer.on('error', () => (checkpointing = false));
  checkpointer.on('exit', () => (checkpointing = false));
  const exited = new Promise<void>((resolve) => checkpointer.once('exit', () => resolve()));
  serveWrites(
    port,
    new WriteApplier(db),
    () => {
      db.close();
      if (checkpointing) checkpointer.postMessage('close');
      void exited.then(() => port.close());
    },
    new CheckpointPoster((entries) => checkpointing && checkpointer.postMessage(entries)),
  );
  port.postMessage({ ready: true } satisfies FromWriter);
} catch (e) {
  port.postMessage({ fatal: `the writer thread cannot open ${path}: ${(e as Error).message}` } satisfies FromWriter);
}
