/**
 * The ingest owner (src/store/postgres/ingest-owner.ts): one server of a schema holds the lease, the others find its
 * URL; the lease moves when the owner goes or stalls; a URL naming no host, or a server's own, is no route.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresIngestOwner } from '../src/store/postgres/ingest-owner.js';
import { sleep } from './support/crash.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';

const hasPg = await postgresAvailable();
const schema = freshSchema('owner');
const other = freshSchema('owner');
afterAll(async () => {
  if (hasPg) await Promise.all([dropSchema(schema), dropSchema(other)]);
});

async function until(f: () => boolean): Promise<boolean> {
  for (let i = 0; i < 50 && !f(); i++) await sleep(50);
  return f();
}

describe.skipIf(!hasPg)('the ingest owner', () => {
  it('is one server per schema; the others find its URL; the lease moves when it goes', async () => {
    const a = new PostgresIngestOwner(pgUrl, schema, 'http://127.0.0.1:4001', 50);
    const b = new PostgresIngestOwner(pgUrl, schema, 'http://127.0.0.1:4002', 50);
    const c = new PostgresIngestOwner(pgUrl, other, 'http://127.0.0.1:4003', 50);
    try {
      await a.start();
      await b.start();
      await c.start();
      expect(a.owner).toBe(true);
      expect(a.target()).toBeUndefined(); // the owner processes its own batches
      expect(b.owner).toBe(false);
      expect(b.target()).toBe('http://127.0.0.1:4001');
      expect(c.owner).toBe(true); // another schema, another lease
      b.failed('http://127.0.0.1:4001');
      expect(b.target()).toBeUndefined(); // processed locally until found again
      expect(await until(() => b.target() === 'http://127.0.0.1:4001')).toBe(true);
      await a.close();
      expect(await until(() => b.owner)).toBe(true);
      expect(b.target()).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('is fenced off when stalled: its lease session and its ingest transaction are ended, the lease moves', async () => {
    const lease = `hashtext('guarantor.ingest-owner.${other}')`;
    const ingest = `hashtext('guarantor.ingest.${other}')`;
    // A stalled owner: it holds the lease and the ingest lock mid-transaction, and runs nothing more.
    const session = (name: string) =>
      new pg.Client({ connectionString: pgUrl, application_name: `guarantor-ingest ${name}` });
    const stalled = session('http://127.0.0.1:4009');
    const stalledTx = session('');
    const errors: Error[] = [];
    for (const c of [stalled, stalledTx]) c.on('error', (e) => errors.push(e));
    await Promise.all([stalled.connect(), stalledTx.connect()]);
    await stalled.query(`SELECT pg_advisory_lock(${lease})`);
    await stalledTx.query(`BEGIN; SELECT pg_advisory_xact_lock(${ingest})`);
    const b = new PostgresIngestOwner(pgUrl, other, 'http://127.0.0.1:4002', 50, 600);
    try {
      await b.start();
      expect(b.owner).toBe(false);
      expect(b.target()).toBe('http://127.0.0.1:4009'); // not stale yet
      expect(await until(() => b.owner)).toBe(true);
      // The stalled transaction was rolled back: it can write nothing when its server wakes.
      await expect(stalledTx.query('SELECT 1')).rejects.toThrow();
      await expect(stalled.query('SELECT 1')).rejects.toThrow();
      expect(errors.length).toBeGreaterThan(0);
      // A healthy owner, idle for longer than that, is not: its heartbeat keeps its session fresh.
      const c = new PostgresIngestOwner(pgUrl, other, 'http://127.0.0.1:4003', 50, 600);
      await c.start();
      await sleep(1_500);
      expect(b.owner).toBe(true);
      expect(c.target()).toBe('http://127.0.0.1:4002');
      await c.close();
    } finally {
      await b.close();
      await Promise.all([stalled.end().catch(() => undefined), stalledTx.end().catch(() => undefined)]);
    }
  });

  it("is no route when its URL names no host, or is the asking server's own", async () => {
    const any = new PostgresIngestOwner(pgUrl, schema, 'http://0.0.0.0:8080', 50);
    const same = new PostgresIngestOwner(pgUrl, schema, 'http://0.0.0.0:8080', 50);
    try {
      await any.start();
      await same.start();
      expect(any.owner).toBe(true);
      expect(same.owner).toBe(false);
      expect(same.target()).toBeUndefined();
    } finally {
      await Promise.all([any.close(), same.close()]);
    }
    const local = new PostgresIngestOwner(pgUrl, schema, 'http://127.0.0.1:8080', 50);
    const twin = new PostgresIngestOwner(pgUrl, schema, 'http://127.0.0.1:8080', 50);
    try {
      await local.start();
      await twin.start();
      expect(local.owner).toBe(true);
      expect(twin.target()).toBeUndefined(); // another machine's 127.0.0.1 is not this one's
    } finally {
      await Promise.all([local.close(), twin.close()]);
    }
  });
});
