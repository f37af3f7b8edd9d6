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

/**
 * A fresh schema with a monitor key (and an admin, as a deployment has), the traffic in batches of 100 with their
 * ledger, and the URL servers open it with (`via`: another address of the same database, such as a proxy).
 */
async function mission(schemaName: string, traffic_: { events: number; prefix: string; seed: number }, via = pgUrl) {
  const setup = await PostgresStore.open({ url: pgUrl, schema: schemaName });
  const monitor = generateKey('*', 'monitor', `${schemaName} test`, 0);
  await setup.createApiKey(monitor.record);
  await setup.createApiKey(generateKey('*', 'admin', `${schemaName} test`, 0).record);
  await setup.close();
  const items = traffic(traffic_);
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 100) batches.push(items.slice(i, i + 100));
  return {
    db: `${via}${via.includes('?') ? '&' : '?'}schema=${schemaName}`,
    key: monitor.key,
    items,
    batches,
    l: ledger(batches),
  };
}

/**
 * Every batch acknowledged; every observation stored once, none lost or half a batch, each processed exactly once,
 * no case opened twice. Returns the audit for the caller's own figures.
 */
async function allOnce(schemaName: string, m: Awaited<ReturnType<typeof mission>>) {
  expect(m.l.acked.size).toBe(m.batches.length);
  const store = await PostgresStore.open({ url: pgUrl, schema: schemaName });
  try {
    const a = await audit(store, m.l);
    expect(a).toMatchObject({
      stored: m.items.length,
      lostAcked: 0,
      halfBatches: 0,
      unprocessed: 0,
      doublyProcessed: 0,
      duplicateCases: 0,
    });
    return a;
  } finally {
    await store.close();
  }
}

describe.skipIf(!hasPg)('two servers on one PostgreSQL', () => {
  it('process every observation exactly once when one is killed mid-stream', async () => {
    const m = await mission(schema, { events: 6000, prefix: 'm', seed: 9 });
    const { l, key } = m;
    const servers: Child[] = await Promise.all([spawnServer(m.db), spawnServer(m.db)]);
    const to = (c: Child) => () => c.url;

    // Phase 1: both servers take traffic; server 0 is killed while batches are in flight.
    let stop0 = false;
    const s0 = sender(l, to(servers[0]!), key, () => stop0);
    const s1 = sender(l, to(servers[1]!), key, () => false);
    await sleep(1500);
    await servers[0]!.kill9();
    stop0 = true;
    const ackedBy0 = await s0;
    // Phase 2: server 0's client fails over to server 1; a replacement server joins and takes a share.
    const replacement = await spawnServer(m.db);
    const [ackedBy1] = await Promise.all([
      s1,
      sender(l, to(servers[1]!), key, () => false),
      sender(l, to(replacement), key, () => false),
    ]);
    // Anything still unacknowledged (in flight at the kill) is resent until acknowledged.
    while (l.pending.length) await sender(l, to(replacement), key, () => false);
    await servers[1]!.kill9();
    await replacement.kill9();

    // Both servers accepted batches before the kill, and the kill cut a request short.
    expect(l.interrupted).toBeGreaterThan(0);
    expect(ackedBy0).toBeGreaterThan(0);
    expect(ackedBy1).toBeGreaterThan(0);
    const a = await allOnce(schema, m);
    console.log(
      `two servers, one killed: ${m.batches.length} batches, ${a.stored} observations stored, ${a.cases} cases`,
    );
    expect(a.cases).toBeGreaterThan(0);
  }, 240_000);

  it('lose and duplicate nothing when the ingest owner is killed under load, round after round', async () => {
    const m = await mission(schema2, { events: 30_000, prefix: 'w', seed: 12 });
    const { l, key } = m;
    // The first server to start owns the ingest; the second forwards its batches to it.
    let owner = await spawnServer(m.db);
    let other = await spawnServer(m.db);
    expect(await ownedBy(schema2, owner.url)).toBe(owner.url);
    let kills = 0;
    let forwarderAcked = 0;
    for (let round = 0; round < 3 && l.pending.length; round++) {
      let stopOwner = false;
      let stopOther = false;
      const byOwner = sender(
        l,
        () => owner.url,
        key,
        () => stopOwner,
      );
      // The other server's client sees no error when the owner dies: the batches it had forwarded are processed
      // where they arrived (a failure here throws: sender() fails the test on any answer but 200).
      const byOther = sender(
        l,
        () => other.url,
        key,
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
      other = await spawnServer(m.db); // a newcomer joins and forwards to the new owner
    }
    while (l.pending.length)
      await sender(
        l,
        () => other.url,
        key,
        () => false,
      );
    // The last owner stood by for the background passes until it took the lease: it signs the log's head now.
    expect(await signedHead(schema2)).toBe(true);
    await owner.kill9();
    await other.kill9();

    expect(kills).toBe(3);
    expect(forwarderAcked).toBeGreaterThan(0);
    const a = await allOnce(schema2, m);
    console.log(
      `ingest owner killed ${kills} times: ${m.batches.length} batches, ${l.interrupted} interrupted, ${a.stored} observations stored, ${a.cases} cases`,
    );
  }, 240_000);

  it('lose and duplicate nothing when the ingest owner stalls under load: the lease moves, the stalled writes are rolled back', async () => {
    const m = await mission(schema3, { events: 12_000, prefix: 's', seed: 13 });
    const { l, key } = m;
    const owner = await spawnServer(m.db);
    const other = await spawnServer(m.db);
    let during = 0;
    try {
      expect(await ownedBy(schema3, owner.url)).toBe(owner.url);
      const to = (c: Child) => () => c.url;
      const senders = [to(owner), to(other), to(other)].map((u) => sender(l, u, key, () => false, true));
      await sleep(700);
      // SIGSTOP: the owner's process stops with its sessions open (the lease, maybe an ingest transaction), as an
      // event loop stuck for seconds would. Batches forwarded to it wait; after 10 s the other ends its sessions.
      owner.proc.kill('SIGSTOP');
      const stoppedAt = l.acked.size;
      expect(await ownedBy(schema3, other.url, 200)).toBe(other.url);
      // The new owner ingests while the old one is still stopped.
      const more = l.acked.size + 5;
      await sender(l, to(other), key, () => l.acked.size >= more, true);
      during = l.acked.size - stoppedAt;
      expect(during).toBeGreaterThan(0);
      owner.proc.kill('SIGCONT'); // it wakes: its fenced transaction fails (503, resent), it forwards to the new owner
      await Promise.all(senders);
      while (l.pending.length) await sender(l, to(owner), key, () => false, true);
      expect(await ingestOwner(schema3)).toBe(other.url);
    } finally {
      owner.proc.kill('SIGCONT'); // a failed test leaves no stopped server behind
      await owner.kill9();
      await other.kill9();
    }
    const a = await allOnce(schema3, m);
    console.log(
      `ingest owner stalled: ${m.batches.length} batches, ${during} acknowledged by the new owner meanwhile, ${l.interrupted} resent, ${a.stored} observations stored`,
    );
  }, 240_000);

  it('recover on their own from a PostgreSQL restart mid-ingest: nothing lost or duplicated, one owner again', async () => {
    // The restart is played by a proxy that drops every connection and refuses new ones for 2 s (pg-proxy.ts).
    const proxy = await pgProxy();
    const m = await mission(schema4, { events: 8_000, prefix: 'x', seed: 14 }, proxy.url);
    const { l, key } = m;
    const servers = [await spawnServer(m.db), await spawnServer(m.db)];
    try {
      const urls = servers.map((s) => s.url);
      expect(await ownedBy(schema4, urls[0]!)).toBe(urls[0]);
      // Two senders a server; a batch answered 503 during the outage is sent again, as Retry-After asks.
      const senders = [0, 0, 1, 1].map((i) =>
        sender(
          l,
          () => urls[i]!,
          key,
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
          key,
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
      const a = await allOnce(schema4, m);
      console.log(
        `PostgreSQL restart mid-ingest: ${m.batches.length} batches, ${l.interrupted} answered 503 and resent, ${a.stored} observations stored`,
      );
    } finally {
      for (const s of servers) await s.kill9();
      await proxy.close();
    }
  }, 240_000);
});
