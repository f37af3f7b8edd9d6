// The public projection's catch-up on a backlog: CATCHUP_CASES (default 10,000) breach cases seeded straight into a
// fresh store (test/support/case-seed.ts, as the lists bench seeds them), then a server built over it projects the
// log to its end. Prints per store (CATCHUP_STORES, default sqlite,pg) the catch-up's wall time, its statements on
// PostgreSQL's pool, the event loop's worst delay and GC pauses meanwhile (what every HTTP request of a server
// started on such a backlog waits behind), and a digest of what it published (feed events, CAP messages, status):
// the clock is fixed, so the digest is the same from run to run and from code to code that projects the same.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Store } from '../src/core/ports/store.js';
import { buildApp } from '../src/server/app.js';
import { operationsFor } from '../src/server/operations.js';
import { publicFaceOf } from '../src/server/public/face.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { examplePackage, testLocator } from '../test/support/app.js';
import { seedCases } from '../test/support/case-seed.js';
import { seedPlaces as places } from './support/seed-places.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from '../test/support/postgres.js';

const CASES = Number(process.env['CATCHUP_CASES'] ?? 10_000);
const STORES = (process.env['CATCHUP_STORES'] ?? 'sqlite,pg').split(',');
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 8, 1);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function rows(store: Store, sql: string): Promise<unknown[]> {
  if (store instanceof PostgresStore) return (await store.pool.query(sql)).rows as unknown[];
  return (store as SqliteStore).db.prepare(sql).all();
}

/** What the projection published, hashed: feed events in order, CAP chains, the status document. */
async function digest(store: Store): Promise<string> {
  const h = createHash('sha256');
  for (const sql of [
    'SELECT seq, kind, audience, at, doc FROM feed_events ORDER BY seq',
    'SELECT case_id, n, identifier, msg_type, doc, xml FROM cap_messages ORDER BY case_id, n',
    'SELECT doc FROM public_status',
  ])
    for (const r of await rows(store, sql))
      h.update(JSON.stringify(Object.values(r as Record<string, unknown>).map((x) => String(x))) + '\n');
  return h.digest('hex').slice(0, 16);
}

const out: Record<string, unknown> = {};
const pg = STORES.includes('pg') && (await postgresAvailable());
for (const name of STORES) {
  if (name === 'pg' && !pg) {
    console.log('pg: no PostgreSQL at GUARANTOR_PG_URL, skipped');
    continue;
  }
  const dir = name === 'sqlite' ? mkdtempSync(join(tmpdir(), 'catchup-')) : '';
  const schema = freshSchema('h7_catchup');
  const store: Store =
    name === 'sqlite'
      ? SqliteStore.open({ path: join(dir, 'catchup.db') })
      : await PostgresStore.open({ url: pgUrl, schema });
  try {
    const model = examplePackage.model;
    if (!model) throw new Error('the example package has no model');
    const tSeed = performance.now();
    await seedCases(store, model, { n: CASES, now: NOW, span: 40 * HOUR, places, declare: (i) => i % 600 === 0 });
    console.log(
      `${name}: seeded ${CASES.toLocaleString('en')} cases in ${((performance.now() - tSeed) / 1000).toFixed(1)} s`,
    );

    let statements = 0;
    if (store instanceof PostgresStore) {
      const pool = store.pool;
      const query = pool.query.bind(pool) as (...a: unknown[]) => unknown;
      (pool as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
        statements++;
        return query(...a);
      };
    }
    const clock = { now: () => NOW };
    const app = await buildApp({
      store,
      operations: operationsFor(examplePackage, { clock, locator: testLocator }),
      package: examplePackage,
      logger: false,
      public: { background: false },
    });
    const gc: number[] = [];
    const obs = new PerformanceObserver((l) => {
      for (const e of l.getEntries()) gc.push(e.duration);
    });
    obs.observe({ entryTypes: ['gc'] });
    // The loop's stalls: gaps between the ticks of a 10 ms interval, less the 10 ms.
    const stalls: number[] = [];
    let tick = 0;
    let ticker: NodeJS.Timeout | undefined;
    try {
      await app.ready();
      const face = publicFaceOf(store);
      if (!face) throw new Error('the app built no public face');
      const loadBefore = load();
      tick = performance.now();
      ticker = setInterval(() => {
        const at = performance.now();
        stalls.push(at - tick - 10);
        tick = at;
      }, 10);
      const t = performance.now();
      let events = 0;
      let passes = 0;
      for (let n = 1; n > 0; passes++) events += n = await face.project();
      const ms = performance.now() - t;
      await new Promise((r) => setTimeout(r, 20)); // the tick after the last stall
      clearInterval(ticker);
      stalls.sort((a, b) => a - b);
      const d = await digest(store);
      const worstGc = Math.max(0, ...gc);
      const line = {
        seconds: +(ms / 1000).toFixed(2),
        events,
        statements,
        loopMaxMs: +Math.max(0, ...stalls).toFixed(0),
        loopOver50: stalls.filter((x) => x > 50).length,
        gcMaxMs: +worstGc.toFixed(0),
        gcTotalMs: +gc.reduce((a, b) => a + b, 0).toFixed(0),
        digest: d,
      };
      console.log(
        `${name}: catch-up ${line.seconds} s, ${events.toLocaleString('en')} events in ${passes} projector runs, ${statements.toLocaleString('en')} pool statements; event loop's worst stall ${line.loopMaxMs} ms (${line.loopOver50} over 50 ms); GC max ${line.gcMaxMs} ms, total ${line.gcTotalMs} ms; digest ${d}; load ${loadBefore} -> ${load()}`,
      );
      out[name] = line;
    } finally {
      obs.disconnect();
      clearInterval(ticker);
      await app.close();
    }
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (name === 'pg') await dropSchema(schema);
  }
}
console.log(JSON.stringify({ bench: 'catchup', cases: CASES, ...out }));
