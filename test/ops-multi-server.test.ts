/**
 * Two `guarantor serve` processes on one PostgreSQL both accept observations; one is killed with SIGKILL
 * mid-stream, its client fails over to the other, and a replacement joins. Afterwards no acknowledged observation
 * is lost, no batch is half-stored, every observation was fused exactly once and no case opened twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey } from '../src/server/api-keys.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { spawnServer, type Child } from './support/child.js';
import { audit, ledger, sender, sleep } from './support/crash.js';
import { traffic } from './support/observations.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';

const hasPg = await postgresAvailable();
const schema = freshSchema('multi');
afterAll(async () => {
  if (hasPg) await dropSchema(schema);
});

describe.skipIf(!hasPg)('two servers on one PostgreSQL', () => {
  it('process every observation exactly once when one is killed mid-stream', async () => {
    const setup = await PostgresStore.open({ url: pgUrl, schema });
    const monitor = generateKey('*', 'monitor', 'multi-server test', 0);
    await setup.createApiKey(monitor.record);
    await setup.createApiKey(generateKey('*', 'admin', 'multi-server test', 0).record);
    await setup.close();

    const db = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;
    const items = traffic({ events: 6000, prefix: 'm', seed: 9 });
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 100) batches.push(items.slice(i, i + 100));
    const l = ledger(batches);
    const servers: Child[] = await Promise.all([spawnServer(db), spawnServer(db)]);

    // Phase 1: both servers take traffic; server 0 is killed while batches are in flight.
    let stop0 = false;
    const s0 = sender(
      l,
      () => servers[0]!.url,
      monitor.key,
      () => stop0,
    );
    const s1 = sender(
      l,
      () => servers[1]!.url,
      monitor.key,
      () => false,
    );
    await sleep(1500);
    await servers[0]!.kill9();
    stop0 = true;
    const ackedBy0 = await s0;
    // Phase 2: server 0's client fails over to server 1; a replacement server joins and takes a share.
    const replacement = await spawnServer(db);
    const [ackedBy1] = await Promise.all([
      s1,
      sender(
        l,
        () => servers[1]!.url,
        monitor.key,
        () => false,
      ),
      sender(
        l,
        () => replacement.url,
        monitor.key,
        () => false,
      ),
    ]);
    // Anything still unacknowledged (in flight at the kill) is resent until acknowledged.
    while (l.pending.length)
      await sender(
        l,
        () => replacement.url,
        monitor.key,
        () => false,
      );
    await servers[1]!.kill9();
    await replacement.kill9();

    // Both servers accepted batches before the kill, and the kill cut a request short.
    expect(l.interrupted).toBeGreaterThan(0);
    expect(ackedBy0).toBeGreaterThan(0);
    expect(ackedBy1).toBeGreaterThan(0);
    expect(l.acked.size).toBe(batches.length);
    const store = await PostgresStore.open({ url: pgUrl, schema });
    try {
      const a = await audit(store, l);
      console.log(
        `two servers, one killed: ${batches.length} batches, ${a.stored} observations stored, ${a.cases} cases`,
      );
      expect(a).toMatchObject({
        stored: items.length,
        lostAcked: 0,
        halfBatches: 0,
        unprocessed: 0,
        doublyProcessed: 0,
        duplicateCases: 0,
      });
      expect(a.cases).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 240_000);
});
