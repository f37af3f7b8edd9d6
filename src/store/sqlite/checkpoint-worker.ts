/**
 * The WAL checkpoint thread (wal-checkpoints.ts): its own connection to the store's file, told by the writer thread
 * how much each transaction wrote, checkpointing while the writer goes on to the next batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection, type Synchronous } from './connection.js';
import { serveCheckpoints } from './wal-checkpoints.js';

const port = parentPort;
if (!port) throw new Error('checkpoint-worker runs in a worker thread, not as a main program');
const { path, synchronous } = workerData as { path: string; synchronous: Synchronous };
serveCheckpoints(port, openConnection(path, synchronous));
