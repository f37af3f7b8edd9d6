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
import pg from 'pg';
import { lockName } from '../src/store/postgres/migrate.js';
import { pgProxy } from './support/pg-proxy.js';

const hasPg = await postgresAvailable();
const schema = freshSchema('multi');
const schema2 = freshSchema('owner');
const schema3 = freshSchema('stall');
const schema4 = freshSchema('restart');
afterAll(async () => {
  if (hasPg) await Promise.all([schema, schema2, schema3, schema4].map(dropSchema));
});

/** The URL of the server that holds the schema's ingest-owner lock, as its session names it (ingest-owner.ts). */
async function ingestOwner(schemaName: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
         AND l.objid::bigint = (hashtext($1)::bigint & 4294967295)
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [lockName('ingest-owner', schemaName)],
    );
    return (r.rows[0] as { name: string } | undefined)?.name.replace(/^guarantor-ingest /, '');
  } finally {
    await c.end();
  }
}

/** Waits up to 2 s for a checkpoint of the log's whole head (a standby server signs only every 5 s). */
async function signedHead(schemaName: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    for (let i = 0; i < 20; i++) {
      const r = await c.query(
        `SELECT (SELECT size FROM "${schemaName}".tlog_head WHERE id = 1) = (SELECT max(size) FROM "${schemaName}".tlog_checkpoint) AS ok`,
      );
      if ((r.rows[0] as { ok: boolean | null }).ok) return true;
      await sleep(100);
    }
    return false;
  } finally {
    await c.end();
  }
}

/** Waits up to `tries` tenths of a second for `url` to own the schema's ingest. */
async function ownedBy(schemaName: string, url: string, tries = 100): Promise<string | undefined> {
  let owner: string | undefined;
  for (let i = 0; i < tries; i++) {
    owner = await ingestOwner(schemaName);
    if (owner === url) break;
    await sleep(100);
  }
  return owner;
}

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

  it('lose and duplicate nothing when the ingest owner is killed under load, round after round', async () => {
    const setup = await PostgresStore.open({ url: pgUrl, schema: schema2 });
    const monitor = generateKey('*', 'monitor', 'owner test', 0);
    await setup.createApiKey(monitor.record);
    await setup.createApiKey(generateKey('*', 'admin', 'owner test', 0).record);
    await setup.close();

    const db = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema2}`;
    const items = traffic({ events: 30_000, prefix: 'w', seed: 12 });
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 100) batches.push(items.slice(i, i + 100));
    const l = ledger(batches);
    // The first server to start owns the ingest; the second forwards its batches to it.
    let owner = await spawnServer(db);
    let other = await spawnServer(db);
    expect(await ownedBy(schema2, owner.url)).toBe(owner.url);
    let kills = 0;
    let forwarderAcked = 0;
    for (let round = 0; round < 3 && l.pending.length; round++) {
      let stopOwner = false;
      let stopOther = false;
      const byOwner = sender(
        l,
        () => owner.url,
        monitor.key,
        () => stopOwner,
      );
      // The other server's client sees no error when the owner dies: the batches it had forwarded are processed
      // where they arrived (a failure here throws: sender() fails the test on any answer but 200).
      const byOther = sender(
        l,
        () => other.url,
        monitor.key,
        () => stopOther,
      );
      await sleep(700);
      await owner.kill9();
      stopOwner = true;
      kills++;
      await byOwner;
      // The survivor takes the lease within a second or so, while its client keeps sending.
      expect(await ownedBy(schema2, other.url)).toBe(other.url);
      stopOther = true;
      forwarderAcked += await byOther;
      owner = other;
      other = await spawnServer(db); // a newcomer joins and forwards to the new owner
    }
    while (l.pending.length)
      await sender(
        l,
        () => other.url,
        monitor.key,
        () => false,
      );
    // The last owner stood by for the background passes until it took the lease: it signs the log's head now.
    expect(await signedHead(schema2)).toBe(true);
    await owner.kill9();
    await other.kill9();

    expect(kills).toBe(3);
    expect(forwarderAcked).toBeGreaterThan(0);
    expect(l.acked.size).toBe(batches.length);
    const store = await PostgresStore.open({ url: pgUrl, schema: schema2 });
    try {
      const a = await audit(store, l);
      console.log(
        `ingest owner killed ${kills} times: ${batches.length} batches, ${l.interrupted} interrupted, ${a.stored} observations stored, ${a.cases} cases`,
      );
      expect(a).toMatchObject({
        stored: items.length,
        lostAcked: 0,
        halfBatches: 0,
        unprocessed: 0,
        doublyProcessed: 0,
        duplicateCases: 0,
      });
    } finally {
      await store.close();
    }
  }, 240_000);

  it('lose and duplicate nothing when the ingest owner stalls under load: the lease moves, the stalled writes are rolled back', async () => {
    const setup = await PostgresStore.open({ url: pgUrl, schema: schema3 });
    const monitor = generateKey('*', 'monitor', 'stall test', 0);
    await setup.createApiKey(monitor.record);
    await setup.createApiKey(generateKey('*', 'admin', 'stall test', 0).record);
    await setup.close();

    const db = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema3}`;
    const items = traffic({ events: 12_000, prefix: 's', seed: 13 });
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 100) batches.push(items.slice(i, i + 100));
    const l = ledger(batches);
    const owner = await spawnServer(db);
    const other = await spawnServer(db);
    let during = 0;
    try {
      expect(await ownedBy(schema3, owner.url)).toBe(owner.url);
      const to = (c: Child) => () => c.url;
      const senders = [to(owner), to(other), to(other)].map((u) => sender(l, u, monitor.key, () => false, true));
      await sleep(700);
      // SIGSTOP: the owner's process stops with its sessions open (the lease, maybe an ingest transaction), as an
      // event loop stuck for seconds would. Batches forwarded to it wait; after 10 s the other ends its sessions.
      owner.proc.kill('SIGSTOP');
      const stoppedAt = l.acked.size;
      expect(await ownedBy(schema3, other.url, 200)).toBe(other.url);
      // The new owner ingests while the old one is still stopped.
      const more = l.acked.size + 5;
      await sender(l, to(other), monitor.key, () => l.acked.size >= more, true);
      during = l.acked.size - stoppedAt;
      expect(during).toBeGreaterThan(0);
      owner.proc.kill('SIGCONT'); // it wakes: its fenced transaction fails (503, resent), it forwards to the new owner
      await Promise.all(senders);
      while (l.pending.length) await sender(l, to(owner), monitor.key, () => false, true);
      expect(await ingestOwner(schema3)).toBe(other.url);
    } finally {
      owner.proc.kill('SIGCONT'); // a failed test leaves no stopped server behind
      await owner.kill9();
      await other.kill9();
    }

    expect(l.acked.size).toBe(batches.length);
    const store = await PostgresStore.open({ url: pgUrl, schema: schema3 });
    try {
      const a = await audit(store, l);
      console.log(
        `ingest owner stalled: ${batches.length} batches, ${during} acknowledged by the new owner meanwhile, ${l.interrupted} resent, ${a.stored} observations stored`,
      );
      expect(a).toMatchObject({
        stored: items.length,
        lostAcked: 0,
        halfBatches: 0,
        unprocessed: 0,
        doublyProcessed: 0,
        duplicateCases: 0,
      });
    } finally {
      await store.close();
    }
  }, 240_000);

  it('recover on their own from a PostgreSQL restart mid-ingest: nothing lost or duplicated, one owner again', async () => {
    const setup = await PostgresStore.open({ url: pgUrl, schema: schema4 });
    const monitor = generateKey('*', 'monitor', 'restart test', 0);
    await setup.createApiKey(monitor.record);
    await setup.createApiKey(generateKey('*', 'admin', 'restart test', 0).record);
    await setup.close();

    // The restart is played by a proxy that drops every connection and refuses new ones for 2 s (pg-proxy.ts).
    const proxy = await pgProxy();
    const db = `${proxy.url}${proxy.url.includes('?') ? '&' : '?'}schema=${schema4}`;
    const items = traffic({ events: 8_000, prefix: 'x', seed: 14 });
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 100) batches.push(items.slice(i, i + 100));
    const l = ledger(batches);
    const servers = [await spawnServer(db), await spawnServer(db)];
    try {
      const urls = servers.map((s) => s.url);
      expect(await ownedBy(schema4, urls[0]!)).toBe(urls[0]);
      // Two senders a server; a batch answered 503 during the outage is sent again, as Retry-After asks.
      const senders = [0, 0, 1, 1].map((i) =>
        sender(
          l,
          () => urls[i]!,
          monitor.key,
          () => false,
          true,
        ),
      );
      await sleep(500);
      await proxy.outage(2_000);
      await Promise.all(senders);
      for (let i = 0; l.pending.length; i++)
        await sender(
          l,
          () => urls[i % 2]!,
          monitor.key,
          () => false,
          true,
        );
      // Both kept running; the lease was lost with the sessions and one of them holds it again.
      for (const s of servers) expect(s.proc.exitCode).toBeNull();
      let owner: string | undefined;
      for (let i = 0; i < 50 && !owner; i++) {
        owner = await ingestOwner(schema4);
        if (!owner) await sleep(100);
      }
      expect(urls).toContain(owner);
      expect(l.interrupted).toBeGreaterThan(0); // the outage cut batches short: answered 503, sent again
      expect(l.acked.size).toBe(batches.length);
      const store = await PostgresStore.open({ url: pgUrl, schema: schema4 });
      try {
        const a = await audit(store, l);
        console.log(
          `PostgreSQL restart mid-ingest: ${batches.length} batches, ${l.interrupted} answered 503 and resent, ${a.stored} observations stored`,
        );
        expect(a).toMatchObject({
          stored: items.length,
          lostAcked: 0,
          halfBatches: 0,
          unprocessed: 0,
          doublyProcessed: 0,
          duplicateCases: 0,
        });
      } finally {
        await store.close();
      }
    } finally {
      for (const s of servers) await s.kill9();
      await proxy.close();
    }
  }, 240_000);
});
