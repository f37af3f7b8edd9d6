/**
 * PostgreSQL ends a server's session: an administrator's pg_terminate_backend during an ingest batch or a timer
 * pass, the idle-in-transaction timeout after a stalled event loop, and a restart (played by a TCP proxy that drops
 * every connection and refuses new ones for a while, so the shared database other tests use keeps running).
 * The server must keep running, answer 503 with Retry-After, store nothing of the failed batch, and take the batch
 * when it is sent again.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/core/ops/index.js';
import { generateKey } from '../src/server/api-keys.js';
import { buildApp } from '../src/server/app.js';
import { caseworkFor } from '../src/server/casework.js';
import { operationsFor } from '../src/server/operations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { examplePackage, testLocator } from './support/app.js';
import { traffic } from './support/observations.js';
import { pgProxy } from './support/pg-proxy.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';

const hasPg = await postgresAvailable();
const schemas: string[] = [];
afterAll(async () => {
  if (hasPg) for (const s of schemas) await dropSchema(s);
});

/** Runs `act` (once) on a server connection just before it sends the first statement matching `sql`. */
function onStatement(
  store: PostgresStore,
  sql: RegExp,
  act: (client: pg.PoolClient & { processID?: number }) => Promise<void>,
): { fired(): boolean } {
  let armed = true;
  store.pool.on('acquire', (client: pg.PoolClient) => {
    const c = client as pg.PoolClient & { __hooked?: boolean };
    if (c.__hooked) return;
    c.__hooked = true;
    const original = c.query.bind(c) as (...a: unknown[]) => Promise<unknown>;
    (c as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '');
      if (armed && sql.test(text)) {
        armed = false;
        await act(c);
      }
      return original(...args);
    };
  });
  return { fired: () => !armed };
}

async function terminate(pid: number | undefined): Promise<void> {
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

async function server(url: string) {
  const schema = freshSchema('loss');
  schemas.push(schema);
  const store = await PostgresStore.open({ url, schema, poolSize: 4 });
  const clock = new ManualClock(Date.UTC(2026, 6, 1));
  const operations = operationsFor(examplePackage, { clock, locator: testLocator });
  const app = await buildApp({ store, operations, package: examplePackage });
  const monitor = generateKey('*', 'monitor', 'session-loss test', clock.now());
  await store.createApiKey(monitor.record);
  const post = (body: unknown) =>
    app.inject({
      method: 'POST',
      url: '/v1/observations',
      headers: { authorization: `Bearer ${monitor.key}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  return {
    store,
    clock,
    app,
    post,
    casework: () => caseworkFor(store, operations.model.pkg, clock),
    close: async () => (await app.close(), await store.close()),
  };
}

describe.skipIf(!hasPg)('PostgreSQL ends a session', () => {
  let unhandled: unknown[] = [];
  const listener = (e: unknown) => unhandled.push(e);
  beforeAll(() => {
    unhandled = [];
    process.on('uncaughtException', listener);
  });
  afterAll(() => {
    process.off('uncaughtException', listener);
  });

  it('during an ingest batch: 503 with Retry-After, nothing half-stored, the resent batch succeeds', async () => {
    const s = await server(pgUrl);
    try {
      const batch = traffic({ events: 40, prefix: 'a', seed: 3 });
      const hook = onStatement(s.store, /INSERT INTO observations/, (c) => terminate(c.processID));
      const r = await s.post(batch);
      expect(hook.fired()).toBe(true);
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.json()).toMatchObject({ error: 'unavailable' });
      expect((await s.store.status()).observations).toBe(0);
      const again = await s.post(batch);
      expect(again.statusCode).toBe(200);
      expect((await s.store.status()).observations).toBe(batch.length);
      expect((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect(unhandled).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('during a timer pass: the pass fails cleanly and the next one fires the timer once', async () => {
    const s = await server(pgUrl);
    try {
      // Enough shelling to open a case, whose judgment deadline then passes.
      expect((await s.post(traffic({ events: 400, prefix: 't', seed: 5 }))).statusCode).toBe(200);
      const cw = s.casework();
      await cw.catchUp();
      const open = await s.store.listCases({ limit: 10 });
      expect(open.items.length).toBeGreaterThan(0);
      s.clock.advance(60 * 86_400_000);
      const hook = onStatement(s.store, /FROM timers/, (c) => terminate(c.processID));
      // The session ended is that of whichever pass reads the timers first: this call's, or the server's periodic
      // pass, which this call then waits behind before a fresh pass of its own (CaseworkService.catchUp).
      const first = await cw.catchUp().then(
        (t) => t,
        (e: unknown) => e as Error,
      );
      expect(hook.fired()).toBe(true);
      if (first instanceof Error) expect(first.message).toMatch(/connection was lost/);
      const fired = first instanceof Error ? await cw.catchUp() : first;
      expect(fired.length).toBeGreaterThan(0);
      expect(await cw.catchUp()).toEqual([]); // each timer once
      expect(unhandled).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('idle in a transaction past the timeout (a stalled server): 503, then the batch succeeds', async () => {
    const s = await server(pgUrl);
    try {
      const batch = traffic({ events: 20, prefix: 'i', seed: 4 });
      const hook = onStatement(s.store, /INSERT INTO observations/, async (c) => {
        // The session's timeout is 30 s in production; a short one here plays the same stall in a second.
        await c.query("SET LOCAL idle_in_transaction_session_timeout = '300ms'");
        await new Promise((r) => setTimeout(r, 1_000));
      });
      const r = await s.post(batch);
      expect(hook.fired()).toBe(true);
      expect(r.statusCode).toBe(503);
      expect((await s.store.status()).observations).toBe(0);
      expect((await s.post(batch)).statusCode).toBe(200);
      expect(unhandled).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('terminated while idle in a transaction (a server between two statements): 503, then the batch succeeds', async () => {
    const s = await server(pgUrl);
    try {
      const batch = traffic({ events: 20, prefix: 'j', seed: 10 });
      let state: string | undefined;
      const hook = onStatement(s.store, /INSERT INTO observations/, async (c) => {
        // The transaction has begun and holds the ingest lock; the server sends nothing while an administrator
        // ends its session.
        const admin = new pg.Client({ connectionString: pgUrl });
        await admin.connect();
        try {
          const r = await admin.query(
            'SELECT state, pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE pid = $1',
            [c.processID],
          );
          state = (r.rows[0] as { state: string } | undefined)?.state;
        } finally {
          await admin.end();
        }
      });
      const r = await s.post(batch);
      expect(hook.fired()).toBe(true);
      expect(state).toBe('idle in transaction');
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect((await s.store.status()).observations).toBe(0);
      expect((await s.post(batch)).statusCode).toBe(200);
      expect((await s.store.status()).observations).toBe(batch.length);
      expect(unhandled).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('a restart mid-ingest: both servers answer 503 meanwhile and recover on their own', async () => {
    const proxy = await pgProxy();
    const a = await server(proxy.url);
    const b = await server(proxy.url);
    try {
      const before = traffic({ events: 30, prefix: 'r0', seed: 6 });
      expect((await a.post(before)).statusCode).toBe(200);
      expect((await b.post(before)).statusCode).toBe(200); // both started and serving before the restart
      const outage = proxy.outage(1_500);
      await new Promise((r) => setTimeout(r, 100));
      const during = await Promise.all([
        a.post(traffic({ events: 30, prefix: 'r1', seed: 7 })),
        b.post(traffic({ events: 30, prefix: 'r2', seed: 8 })),
      ]);
      for (const r of during) expect(r.statusCode).toBe(503);
      expect((await a.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
      await outage;
      const after = await Promise.all([
        a.post(traffic({ events: 30, prefix: 'r1', seed: 7 })),
        b.post(traffic({ events: 30, prefix: 'r2', seed: 8 })),
      ]);
      for (const r of after) expect(r.statusCode).toBe(200);
      expect((await b.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true, store: 'ok' });
      expect(unhandled).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await proxy.close();
    }
  });
});

describe.skipIf(!hasPg)('missions in different schemas of one database', () => {
  it('do not queue on each other: the case-adoption lock is named per schema', async () => {
    const a = await server(pgUrl);
    const b = await server(pgUrl);
    const holder = new pg.Client({ connectionString: pgUrl });
    await holder.connect();
    try {
      // Another mission (schema a) holds its adoption lock in an open transaction.
      await holder.query('BEGIN');
      await holder.query("SELECT pg_advisory_xact_lock(hashtext('guarantor.casework-adopt.' || $1))", [a.store.schema]);
      const done = await Promise.race([
        b
          .casework()
          .catchUp()
          .then(() => 'done'),
        new Promise((r) => setTimeout(() => r('waiting'), 3_000)),
      ]);
      expect(done).toBe('done');
      // The same mission's pass does wait for it.
      const same = await Promise.race([
        a
          .casework()
          .catchUp()
          .then(() => 'done'),
        new Promise((r) => setTimeout(() => r('waiting'), 500)),
      ]);
      expect(same).toBe('waiting');
      await holder.query('COMMIT');
    } finally {
      await holder.end();
      await a.close();
      await b.close();
    }
  });
});
