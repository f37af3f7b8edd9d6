/**
 * An acknowledged batch survives kill -9 (SQLite): a real server in a child process takes batches over sockets
 * from two concurrent senders and is killed with SIGKILL at random moments, again and again. Afterwards every
 * acknowledged observation is stored, no batch is half-stored, every stored observation was fused exactly once,
 * and no case opened twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey } from '../src/server/api-keys.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { spawnServer } from './support/child.js';
import { audit, ledger, sender, sleep } from './support/crash.js';
import { traffic } from './support/observations.js';
import { mulberry32 } from './support/mulberry32.js';

const dir = mkdtempSync(join(tmpdir(), 'guarantor-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kill -9 (SQLite)', () => {
  it('loses no acknowledged observation and half-writes no batch over many kills', async () => {
    const db = join(dir, 'crash.db');
    const setup = SqliteStore.open({ path: db });
    const monitor = generateKey('*', 'monitor', 'crash test', 0);
    await setup.createApiKey(monitor.record);
    await setup.createApiKey(generateKey('*', 'admin', 'crash test', 0).record);
    await setup.close();

    const items = traffic({ events: 60_000, prefix: 'k', seed: 5 });
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 150) batches.push(items.slice(i, i + 150));
    const l = ledger(batches);
    const r = mulberry32(42);
    const rounds = 12;
    for (let round = 0; round < rounds && l.pending.length; round++) {
      const child = await spawnServer(db);
      let dead = false;
      const killAt = 50 + Math.floor(r() * 1200);
      const senders = [1, 2].map(() =>
        sender(
          l,
          () => child.url,
          monitor.key,
          () => dead,
        ),
      );
      await sleep(killAt);
      await child.kill9();
      dead = true;
      await Promise.all(senders);
    }
    expect(l.acked.size).toBeGreaterThan(0);
    expect(l.interrupted).toBeGreaterThan(0); // batches were in flight at kills

    const store = SqliteStore.open({ path: db });
    try {
      const a = await audit(store, l);
      console.log(
        `kill -9 x${rounds}: ${l.acked.size} batches acknowledged, ${l.attempted.size} attempted, ${l.interrupted} interrupted by a kill, ${a.stored} observations stored, ${a.cases} cases`,
      );
      expect(a).toMatchObject({ lostAcked: 0, halfBatches: 0, unprocessed: 0, doublyProcessed: 0, duplicateCases: 0 });
      expect(a.stored).toBeGreaterThanOrEqual([...l.acked].reduce((n, i) => n + batches[i]!.length, 0));
    } finally {
      await store.close();
    }
  }, 180_000);
});
