/**
 * Observation lists with every filter combination, on reports that arrive out of time order, against the same rows
 * filtered by hand: the time floor (time-floor.ts) and the plans it picks (filters.ts observationPlan) change how a
 * page is read, never what it holds. Blocks of 16 seqs, so a few hundred rows span many and both plans run. And the
 * status's count of them as they arrive.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadPackageFile } from '../package-files.js';
import { emptyBatch } from './columns.js';
import { parseObservationBatch, ManualClock, type Observation } from '../core/ops/index.js';
import type { ObservationFilter, Store, StoredObservation } from '../core/ports/store.js';
import { operationsFor } from '../server/operations.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from '../../test/support/postgres.js';
import { traffic } from '../../test/support/observations.js';
import { mulberry32 } from '../../test/support/mulberry32.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

const T0 = Date.UTC(2026, 6, 1);
const pkg = loadPackageFile('examples/ukraine-2026.yaml');
const hasPg = await postgresAvailable();
const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
});

const stores: [string, () => Promise<Store>][] = [
  ['sqlite', async () => SqliteStore.open({ path: ':memory:', timeFloorBlock: 16 })],
];
if (hasPg)
  stores.push([
    'postgres',
    async () => {
      const schema = freshSchema('lists');
      schemas.push(schema);
      return PostgresStore.open({ url: pgUrl, schema, poolSize: 2, timeFloorBlock: 16 });
    },
  ]);

/** The traffic generator's reports, one in five moved later in the feed (a late report keeps its time). */
function lateFeed(): Observation[] {
  const items = traffic({ events: 300, seed: 22, start: T0 - 30 * 86_400_000, gap: 3_600_000 });
  const parsed = parseObservationBatch(items, operationsFor(pkg, { clock: new ManualClock(T0) }).rules, T0);
  if (!parsed.ok) throw new Error('test data is invalid');
  const r = mulberry32(5);
  const feed = [...parsed.observations];
  for (let i = feed.length - 1; i >= 0; i--)
    if (r() < 0.2) {
      const [o] = feed.splice(i, 1);
      if (o) feed.splice(i + Math.floor(r() * (feed.length - i)), 0, o);
    }
  return feed;
}

async function all(store: Store, f: Omit<ObservationFilter, 'limit'>, limit: number): Promise<number[]> {
  const out: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listObservations({ ...f, limit, ...(cursor ? { cursor } : {}) });
    out.push(...page.items.map((o) => o.seq));
    cursor = page.next;
  } while (cursor);
  return out;
}

describe.each(stores)('observation lists with filters: %s', (_name, open) => {
  it('hold exactly the matching rows in seq order, for every combination, out of order', async () => {
    const store = await open();
    try {
      const feed = lateFeed();
      for (let i = 0; i < feed.length; i += 20) {
        await store.ingest(feed.slice(i, i + 20), { receivedAt: T0, submittedBy: 't' }, () => emptyBatch);
        // The status counts only the rows after the last seq it saw (growing-count.ts).
        if (i % 100 === 0) expect((await store.status()).observations).toBe(Math.min(feed.length, i + 20));
      }
      const rows: StoredObservation[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listObservations({ limit: 1000, ...(cursor ? { cursor } : {}) });
        rows.push(...page.items);
        cursor = page.next;
      } while (cursor);
      expect(rows.length).toBe(feed.length);
      const times = rows.map((o) => o.time).sort((a, b) => a - b);
      const at = (q: number) => times[Math.floor(q * (times.length - 1))] ?? 0;
      const windows: { from?: number; to?: number }[] = [
        {},
        { from: at(0.5) },
        { from: at(0.97) },
        { from: at(0) },
        { from: at(1) + 1 },
        { to: at(0.03) },
        { to: at(0.6) },
        { from: at(0.4), to: at(0.42) },
        { from: at(0.1), to: at(0.7) },
        { from: at(0.8), to: at(0.2) },
        { to: at(0.3) },
        { from: at(0.2), to: at(0.5) },
        { from: at(0.55), to: at(0.6) },
      ];
      const sources = [undefined, 'radar', 'patrol', 'nobody'];
      const activities = [undefined, 'mortar-fire', 'denial-of-access'];
      const regions = [undefined, 'UA-14', 'UA-01'];
      let nonEmpty = 0;
      for (const w of windows)
        for (const source of sources)
          for (const activity of activities)
            for (const region of regions) {
              const f = {
                ...w,
                ...(source ? { source } : {}),
                ...(activity ? { activity } : {}),
                ...(region ? { region } : {}),
              };
              const expected = rows
                .filter(
                  (o) =>
                    (w.from === undefined || o.time >= w.from) &&
                    (w.to === undefined || o.time < w.to) &&
                    (!source || o.source === source) &&
                    (!activity || o.activity === activity) &&
                    (!region || o.region === region),
                )
                .map((o) => o.seq);
              if (expected.length) nonEmpty++;
              expect(await all(store, f, 7), JSON.stringify(f)).toEqual(expected);
            }
      expect(nonEmpty).toBeGreaterThan(50);
    } finally {
      await store.close();
    }
  });
});
