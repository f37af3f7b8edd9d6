/** The SQLite writer thread (ingest-writer.ts): its own connection to the store's file, applying ingest batches. */
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection, type Synchronous } from './connection.js';
import { serveWrites, type FromWriter } from './ingest-writer.js';
import { WriteApplier } from './ingest-writes.js';
import { WalCheckpoints } from './wal-checkpoints.js';

const port = parentPort;
if (!port) throw new Error('writer-worker runs in a worker thread, not as a main program');
const { path, synchronous } = workerData as { path: string; synchronous: Synchronous };
try {
  const db = openConnection(path, synchronous);
  serveWrites(
    port,
    new WriteApplier(db),
    () => {
      db.close();
      port.close();
    },
    new WalCheckpoints(db),
  );
  port.postMessage({ ready: true } satisfies FromWriter);
} catch (e) {
  port.postMessage({ fatal: `the writer thread cannot open ${path}: ${(e as Error).message}` } satisfies FromWriter);
}
