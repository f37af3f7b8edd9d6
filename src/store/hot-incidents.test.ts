/**
 * The hot incident window (hot-incidents.ts): its floor and eviction on their own, and in both stores against the
 * reference pipeline: across restarts (SQLite) and with two servers taking turns on one database (PostgreSQL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/ops/index.js';
import type { Incident } from '../core/ops/index.js';
import { MemoryOpsReader } from '../core/ops/index.js';
import { parseObservationBatch } from '../core/ops/index.js';
import { processBatch } from '../core/ops/index.js';
import type { IncidentProbe } from '../core/ports/ops-reader.js';
import { operationsFor } from '../server/operations.js';
import { examplePackage, testLocator } from '../../test/support/app.js';
import { traffic } from '../../test/support/observations.js';
import { HotIncidents } from './hot-incidents.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from '../../test/support/postgres.js';
import type { Store } from '../core/ports/store.js';

const box = (lon: number, lat: number): [number, number, number, number] => [
  lon - 0.01,
  lat - 0.01,
  lon + 0.01,
  lat + 0.01,
];
function incident(id: string, end: number, over: Partial<Incident> = {}): Incident {
  return {
    id,
    revision: 1,
    status: 'open',
    activity: 'artillery-fire',
    start: end - 60_000,
    end,
    time: end - 30_000,
    lon: 37,
    lat: 48,
    box: box(37, 48),
    ...over,
  } as Incident;
}
const probe = (from: number, to: number, activity = 'artillery-fire'): IncidentProbe =>
  ({ activity, from, to, minLon: 36.9, minLat: 47.9, maxLon: 37.1, maxLat: 48.1 }) as IncidentProbe;
const found = (hot: HotIncidents, p: IncidentProbe) => {
  const out = new Map<string, Incident>();
  hot.query(p, out);
  return [...out.keys()].sort();
};

describe('hot incidents', () => {
  const hot = (limit: number, rows: Incident[] = [], activity = 'artillery-fire') => {
    const h = new HotIncidents(limit);
    expect(h.missing([probe(0, 1, activity)])).toEqual([activity]);
    expect(h.covers(probe(0, 1, activity))).toBe(false); // nothing is answered before the window is installed
    h.install(activity, rows.slice(0, limit));
    expect(h.missing([probe(0, 1, activity)])).toEqual([]);
    return h;
  };

  it('holds every open incident of an activity while there are fewer than the limit, and covers every probe', () => {
    const h = hot(3, [incident('b', 2_000_000), incident('a', 1_000_000)]);
    expect(h.covers(probe(0, 10))).toBe(true);
    expect(found(h, probe(0, 3_000_000))).toEqual(['a', 'b']);
    expect(found(h, probe(1_500_000, 3_000_000))).toEqual(['b']);
    expect(h.covers(probe(0, 10, 'mortar-fire'))).toBe(false); // another activity: not installed
  });

  it('covers only probes starting after the floor; ties with the last loaded end are left to SQL', () => {
    // The limit is reached: the floor is the last row's end, and the row tied with it is not held.
    const h = hot(3, [incident('c', 3_000_000), incident('b', 2_000_000), incident('a', 2_000_000)]);
    expect(h.covers(probe(2_000_000, 4_000_000))).toBe(false);
    expect(h.covers(probe(2_000_001, 4_000_000))).toBe(true);
    expect(found(h, probe(2_000_001, 4_000_000))).toEqual(['c']);
    expect(h.get('artillery-fire', 'a')).toBeUndefined();
  });

  it('takes written revisions, drops merged incidents, and raises the floor past twice the limit', () => {
    const h = hot(2);
    h.written([incident('a', 1_000), incident('b', 2_000), incident('c', 3_000), incident('d', 4_000)]);
    expect(h.size).toBe(4);
    h.written([incident('b', 2_500, { revision: 2 }), incident('c', 3_000, { revision: 2, status: 'merged' })]);
    expect(h.get('artillery-fire', 'b')!.revision).toBe(2);
    expect(h.get('artillery-fire', 'c')).toBeUndefined();
    expect(h.covers(probe(0, 1))).toBe(true);
    h.written([incident('e', 5_000)]);
    expect(h.size).toBe(4);
    h.written([incident('f', 6_000)]); // five: past 2 x 2, keep the latest two
    expect(h.size).toBe(2);
    expect(found(h, probe(0, 10_000))).toEqual(['e', 'f']);
    expect(h.covers(probe(4_000, 10_000))).toBe(false);
    expect(h.covers(probe(4_001, 10_000))).toBe(true);
    // A late revision of an incident below the floor is not taken (SQL answers for it).
    h.written([incident('a', 1_500, { revision: 2 })]);
    expect(h.get('artillery-fire', 'a')).toBeUndefined();
  });

  it('ignores revisions of activities not installed, and forgets every window on reset', () => {
    const h = hot(10, [incident('a', 1_000)]);
    h.written([incident('z', 9_000, { activity: 'mortar-fire' })]); // not installed: the rows will have it
    expect(h.size).toBe(1);
    h.reset();
    expect(h.size).toBe(0);
    expect(h.covers(probe(0, 10_000))).toBe(false);
    expect(h.missing([probe(0, 1), probe(0, 1, 'mortar-fire')])).toEqual(['artillery-fire', 'mortar-fire']);
  });
});

/** Ingests the traffic in batches of 80 through `storeFor(batch number)`, checking each batch against the reference. */
async function againstReference(
  storeFor: (b: number) => Promise<Store>,
): Promise<{ ref: MemoryOpsReader; last: Store }> {
  const T0 = Date.UTC(2026, 6, 1);
  const clock = new ManualClock(T0);
  const ops = operationsFor(examplePackage, { clock, locator: testLocator });
  const parsed = parseObservationBatch(traffic({ events: 900, seed: 5, prefix: 'h' }), ops.rules, T0);
  if (!parsed.ok) throw new Error('bad traffic');
  const ref = new MemoryOpsReader();
  const meta = { receivedAt: T0, submittedBy: 'k1' };
  let store: Store | undefined;
  for (let i = 0, b = 0; i < parsed.observations.length; i += 80, b++) {
    const batch = parsed.observations.slice(i, i + 80);
    clock.advance(1000);
    const expected = await processBatch({ model: ops.model, now: clock.now() }, batch, ref);
    ref.apply(expected);
    store = await storeFor(b);
    const r = await store.ingest(batch, meta, ops.process);
    expect([r.incidentRevisions, r.violations, r.cases]).toEqual([
      expected.incidentRevisions.length,
      expected.violations.length,
      expected.caseOpenings.length,
    ]);
  }
  return { ref, last: store! };
}

async function allIncidents(store: Store): Promise<Incident[]> {
  const out: Incident[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listIncidents({ limit: 500, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

const byId = (xs: Iterable<Incident>) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));

describe.skipIf(!(await postgresAvailable()))('hot incidents on PostgreSQL', () => {
  it('follow what another server wrote since: two servers taking turns end as the reference does, their windows kept', async () => {
    const schema = freshSchema('hot');
    const open = () => PostgresStore.open({ url: pgUrl, schema, poolSize: 2 });
    const a = await open();
    const b = await open();
    try {
      // Turns of one, two and three batches, so each server finds the other's incidents in its window's place.
      const turn = [a, b, b, a, a, a];
      const { ref } = await againstReference(async (n) => turn[n % turn.length]!);
      expect(await allIncidents(a)).toEqual(byId(ref.incidents.values()));
      // Each server dropped its windows once (its first batch knows no earlier size), then caught up at every turn.
      expect([a.hotWindow.dropped, b.hotWindow.dropped]).toEqual([1, 1]);
      expect(a.hotWindow.caughtUp + b.hotWindow.caughtUp).toBeGreaterThan(3);
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });
});

describe('hot incidents in the SQLite store', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'guarantor-hot-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('loads its window from the database after a restart, and ends as the reference pipeline does', async () => {
    const path = join(tmp, 'hot.db');
    // A window of 4 per activity, and a restart every third batch: the window is installed from rows many times.
    let store: SqliteStore | undefined;
    const { ref, last } = await againstReference(async (b) => {
      if (store && b % 3 === 0) await store.close();
      if (!store || b % 3 === 0) store = SqliteStore.open({ path, hotIncidents: 4 });
      return store;
    });
    const stored = await allIncidents(last);
    expect(stored).toEqual(byId(ref.incidents.values()));
    expect(stored.some((i) => i.revision > 1)).toBe(true);
    await last.close();
  });
});
