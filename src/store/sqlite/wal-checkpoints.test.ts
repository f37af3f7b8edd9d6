/**
 * The writer's own WAL checkpoints (wal-checkpoints.ts): small and between batches, they keep the WAL short (each
 * lets the next transaction write it again from the start), where SQLite's own would let it reach 10,000 pages.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ops/index.js';
import { parseObservationBatch } from '../../core/ops/index.js';
import { operationsFor } from '../../server/operations.js';
import { examplePackage } from '../../../test/support/app.js';
import { traffic } from '../../../test/support/observations.js';
import { openConnection } from './connection.js';
import { SqliteStore } from './sqlite-store.js';
import { WalCheckpoints } from './wal-checkpoints.js';

const tmp = mkdtempSync(join(tmpdir(), 'guarantor-wal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const walBytes = (path: string) => statSync(`${path}-wal`).size;

describe('WAL checkpoints on the writer', () => {
  /** 40 transactions of about 100 KB each, counted as `entries` each; `run` after every one. */
  function write(path: string, entries: number, every: number): number {
    const db = openConnection(path);
    try {
      db.exec('CREATE TABLE t (x TEXT)');
      const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
      const checkpoints = new WalCheckpoints(db, every);
      let largest = 0;
      for (let i = 0; i < 40; i++) {
        db.transaction(() => {
          for (let j = 0; j < 25; j++) insert.run(`${i}.${j}`.padEnd(4000, 'x'));
        })();
        checkpoints.committed(entries);
        checkpoints.run();
        largest = Math.max(largest, walBytes(path));
      }
      return largest;
    } finally {
      db.close();
    }
  }

  it('checkpoints once enough has been written, so the WAL is written again from its start', () => {
    const unchecked = write(join(tmp, 'a.db'), 100, Infinity);
    const checked = write(join(tmp, 'b.db'), 100, 400); // every fourth transaction
    expect(unchecked).toBeGreaterThan(3_500_000); // 40 x ~100 KB: SQLite's own checkpoint waits for 10,000 pages
    expect(checked).toBeLessThan(700_000); // about five transactions' worth
  });

  it('does nothing below the threshold', () => {
    const below = write(join(tmp, 'c.db'), 1, 400);
    expect(below).toBeGreaterThan(3_500_000);
  });

  it('keeps the writer thread WAL short under ingest', async () => {
    const T0 = Date.UTC(2026, 6, 1);
    const ops = operationsFor(examplePackage, { clock: new ManualClock(T0) });
    const parsed = parseObservationBatch(traffic({ events: 8_000, seed: 5, prefix: 'w' }), ops.rules, T0);
    if (!parsed.ok) throw new Error('invalid traffic');
    const path = join(tmp, 'ingest.db');
    const store = SqliteStore.open({ path, writer: 'thread' });
    let largest = 0;
    try {
      for (let i = 0; i < parsed.observations.length; i += 500) {
        await store.ingest(parsed.observations.slice(i, i + 500), { receivedAt: T0, submittedBy: 'k' }, ops.process);
        largest = Math.max(largest, walBytes(path));
      }
    } finally {
      await store.close();
    }
    // About 28 batches of 500 write some 50 MB of WAL frames in all, and SQLite's own checkpoint waits for 10,000
    // pages (40 MB). Ours come every 4,000 log entries on their own thread, which the writer outruns by a few
    // batches while one runs (8-21 MB seen, so 16 MB failed now and then): under 24 MB is ours working.
    expect(parsed.observations.length).toBeGreaterThan(13_000);
    expect(largest).toBeLessThan(24_000_000);
  });
});
