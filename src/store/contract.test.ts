/**
 * The store contract: one suite, run against every adapter (SQLite in memory and on disk, PostgreSQL in a fresh
 * schema). The pipeline's in-memory reader is the reference: a store must end up holding exactly what it holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { loadPackageFile } from '../package-files.js';
import {
  casePlans,
  compareTimers,
  fireTimer,
  fromCaseOpening,
  ManualClock,
  MemoryCasework,
  openCase,
  type CaseFile,
  type Timer,
} from '../core/ops/index.js';
import { MemoryOpsReader } from '../core/ops/index.js';
import { parseObservationBatch, type Observation } from '../core/ops/index.js';
import { processBatch, type ZoneLocator } from '../core/ops/index.js';
import { requestInspection } from '../core/ops/index.js';
import { StoreQueryError, type Store } from '../core/ports/store.js';
import type { IncidentProbe } from '../core/ports/ops-reader.js';
import { operationsFor } from '../server/operations.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from '../../test/support/postgres.js';
import { traffic } from '../../test/support/observations.js';
import { mulberry32 } from '../../test/support/mulberry32.js';
import { orderFreeState } from '../../test/support/ops-state.js';
import { auditLog } from './log-audit.js';
import { sqliteAuditSource } from './sqlite/tlog-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { SqliteLog } from './sqlite/tlog-store.js';
import { PostgresLog } from './postgres/tlog-store.js';
import { operations as core } from './migrations/0001-operations.js';
import { MigrationError, type Migration } from './migrations/migration.js';
import { migrations } from './migrations/index.js';
import type { LogEntry } from '../core/ports/tlog.js';
import { alertTransitions, type AlertCondition, type SustainmentAlert } from '../core/ledger/alerts.js';
import type { LedgerFields } from '../core/ledger/record.js';
import { LedgerConflictError } from '../core/ports/ledger.js';
import { ledgerStoreFor } from './ledger-store.js';

/** Every migration, in the order applied. */
const allMigrationIds = migrations.map((m) => m.id).sort();

const loaded = loadPackageFile('examples/ukraine-2026.yaml');
/** A stand-in for the geo engine: a north-south line at 37.5E, the buffer 15 km either side (roughly), Donetsk oblast. */
const locator: ZoneLocator = {
  locate: (lon) => {
    const distance = Math.abs(lon - 37.5) * 73_000;
    const zones = distance < 15_000 ? ['buffer', 'heavy-weapons'] : distance < 50_000 ? ['heavy-weapons'] : [];
    return { zones, lines: [{ zone: 'contact-line', distance, side: lon > 37.5 ? 'left' : 'right' }], region: 'UA-14' };
  },
};
const T0 = Date.UTC(2026, 6, 1);

interface Adapter {
  name: string;
  open(): Promise<Store>;
  /** Opens a second store on the same database (a restart, or a second server). */
  reopen(): Promise<Store>;
  /** Opens the same database with only these migrations (an older version). */
  openAt(list: readonly Migration[]): Promise<Store>;
  cleanup(): Promise<void>;
}

const tmp = mkdtempSync(join(tmpdir(), 'guarantor-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;

function sqliteAdapter(writer: 'inline' | 'thread' = 'inline', hotIncidents?: number): Adapter {
  const path = join(tmp, `s${++fileNo}.db`);
  const options = { path, writer, ...(hotIncidents ? { hotIncidents } : {}) };
  return {
    name: `sqlite-${writer}`,
    open: async () => SqliteStore.open(options),
    reopen: async () => SqliteStore.open(options),
    openAt: async (list) => SqliteStore.open({ ...options, migrations: list }),
    cleanup: async () => undefined,
  };
}

function postgresAdapter(hotIncidents?: number): Adapter {
  const schema = freshSchema('contract');
  const options = { url: pgUrl, schema, poolSize: 4, ...(hotIncidents ? { hotIncidents } : {}) };
  return {
    name: 'postgres',
    open: () => PostgresStore.open(options),
    reopen: () => PostgresStore.open(options),
    openAt: (list) => PostgresStore.open({ ...options, migrations: list }),
    cleanup: () => dropSchema(schema),
  };
}

const hasPg = await postgresAvailable();
// `thread`: ingest writes go through the writer thread (ingest-writer.ts), as `guarantor serve` runs them.
const adapters: [string, () => Adapter][] = [
  ['sqlite', () => sqliteAdapter('inline')],
  ['sqlite, writer thread', () => sqliteAdapter('thread')],
  // Three open incidents per activity in memory: most probes fall through to SQL, and the window's floor keeps rising.
  ['sqlite, writer thread, hot window of 3', () => sqliteAdapter('thread', 3)],
];
if (hasPg)
  adapters.push(['postgres', () => postgresAdapter()], ['postgres, hot window of 3', () => postgresAdapter(3)]);

function batches(events: number, size: number, seed = 7, prefix = 'e', gap?: number): Observation[][] {
  const items = traffic({ events, seed, prefix, ...(gap ? { gap } : {}) });
  const parsed = parseObservationBatch(items, operationsFor(loaded, { clock: new ManualClock(T0), locator }).rules, T0);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  const out: Observation[][] = [];
  for (let i = 0; i < parsed.observations.length; i += size) out.push(parsed.observations.slice(i, i + size));
  return out;
}

const sortById = <T extends { id: string }>(xs: T[]) =>
  [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

async function all<T>(list: (cursor?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

describe.each(adapters)('store contract: %s', (_name, make) => {
  let adapter: Adapter;
  let store: Store;
  const clock = new ManualClock(T0);
  const ops = operationsFor(loaded, { clock, locator });
  const meta = { receivedAt: T0, submittedBy: 'k1' };

  beforeEach(async () => {
    adapter = make();
    store = await adapter.open();
  });
  afterEach(async () => {
    await store.close();
    await adapter.cleanup();
  });

  it('inserts a case file no case opening made (an inspection request) once, with its timer', async () => {
    const pkg = structuredClone(loaded.model!);
    (pkg.verification['patrol'] as { 'on-request'?: number })['on-request'] = 48 * 3_600_000;
    const r = requestInspection(pkg, { source: 'patrol', note: 'look', requestedBy: 'UA', at: T0 });
    if (!r.ok) throw new Error(r.message);
    const id = r.step.file.caseId;
    const cw = store.casework();
    const put = () => cw.updateCase(id, (f) => (f ? { result: false } : { step: r.step, result: true }));
    expect(await put()).toBe(true);
    expect(await put()).toBe(false);
    expect(await cw.getCaseFile(id)).toMatchObject({ inspection: { requestedBy: 'UA', operator: 'CMM' } });
    expect((await cw.pendingTimers(id)).map((t) => [t.kind, t.at])).toEqual([['task-due', T0 + 48 * 3_600_000]]);
  });

  it('applies migrations once, records them, and reopens without reapplying', async () => {
    expect((await store.status()).migrations).toEqual(allMigrationIds);
    const again = await adapter.reopen();
    expect((await again.status()).migrations).toEqual(allMigrationIds);
    await again.close();
  });

  it('refuses a database whose applied migration was edited, or that a newer version migrated', async () => {
    const edited = { ...core, sqlite: core.sqlite + '\n-- edited', postgres: core.postgres + '\n-- edited' };
    await expect(openWith(adapter, [edited])).rejects.toThrow(MigrationError);
    await expect(openWith(adapter, [])).rejects.toThrow(/newer version/);
  });

  it('stores a batch, answers ids in input order, and treats a resend as duplicates', async () => {
    const [b] = batches(30, 1000);
    const first = await store.ingest(b!, meta, ops.process);
    expect(first.accepted).toBe(b!.length);
    expect(first.duplicates).toBe(0);
    expect(new Set(first.ids).size).toBe(b!.length);
    const again = await store.ingest(b!, meta, ops.process);
    expect(again).toMatchObject({ accepted: 0, duplicates: b!.length, incidentRevisions: 0, violations: 0, cases: 0 });
    expect(again.ids).toEqual(first.ids);
    // A batch mixing new and old items: only the new ones are stored and processed (as the reference processes them).
    const [c] = batches(5, 1000, 8, 'x');
    const ref = new MemoryOpsReader();
    ref.apply(await processBatch({ model: ops.model, now: clock.now() }, b!, ref));
    const expected = await processBatch({ model: ops.model, now: clock.now() }, c!, ref);
    const mixed = await store.ingest([b![0]!, ...c!, b![1]!], meta, ops.process);
    expect(mixed.accepted).toBe(c!.length);
    expect(mixed.duplicates).toBe(2);
    expect([mixed.incidentRevisions, mixed.violations, mixed.cases]).toEqual([
      expected.incidentRevisions.length,
      expected.violations.length,
      expected.caseOpenings.length,
    ]);
    expect(mixed.incidentRevisions).toBeGreaterThan(0);
    expect(mixed.ids[0]).toBe(first.ids[0]);
    expect(mixed.ids.at(-1)).toBe(first.ids[1]);
    const o = await store.getObservation(first.ids[3]!);
    expect(o).toEqual({ ...b![3]!, seq: first.ids[3], receivedAt: T0, submittedBy: 'k1' });
    expect(await store.getObservation(999_999)).toBeUndefined();
  });

  it('keeps a document with control characters and non-ASCII text exactly', async () => {
    const [b] = batches(3, 1000, 9, 'ctl');
    const odd = { ...b![0]!, note: 'a\u001eb\u0000c\nd é 🛰 "q" \\' };
    const r = await store.ingest([odd, ...b!.slice(1)], meta, ops.process);
    expect(r.accepted).toBe(b!.length);
    expect(await store.getObservation(r.ids[0]!)).toEqual({ ...odd, seq: r.ids[0], receivedAt: T0, submittedBy: 'k1' });
  });

  it('ends up holding exactly what the reference pipeline holds', async () => {
    const ref = new MemoryOpsReader();
    let cases = 0;
    for (const b of batches(600, 97)) {
      clock.advance(1000);
      const expected = await processBatch({ model: ops.model, now: clock.now() }, b, ref);
      ref.apply(expected);
      const r = await store.ingest(b, meta, ops.process);
      expect(r.incidentRevisions).toBe(expected.incidentRevisions.length);
      expect(r.violations).toBe(expected.violations.length);
      expect(r.cases).toBe(expected.caseOpenings.length);
      cases += r.cases;
    }
    expect(cases).toBeGreaterThan(0);
    const incidents = await all((cursor) => store.listIncidents({ limit: 100, ...(cursor ? { cursor } : {}) }));
    expect(sortById(incidents)).toEqual(sortById([...ref.incidents.values()]));
    const violations = await all((cursor) => store.listViolations({ limit: 100, ...(cursor ? { cursor } : {}) }));
    expect(violations.length).toBeGreaterThan(0);
    expect(sortById(violations)).toEqual(sortById([...ref.violations.values()]));
    const stored = await all((cursor) => store.listCases({ limit: 7, ...(cursor ? { cursor } : {}) }));
    expect(sortById(stored.map(({ seq: _s, ...c }) => c))).toEqual(sortById([...ref.cases.values()]));
    // Every revision is kept, in order.
    const some = incidents.find((i) => i.revision > 1)!;
    const history = await store.incidentHistory(some.id);
    expect(history.map((h) => h.revision)).toEqual(
      ref.revisions.filter((r) => r.id === some.id).map((r) => r.revision),
    );
    expect(await store.getIncident(some.id)).toEqual(some);
    expect(await store.getViolation(violations[0]!.id)).toEqual(violations[0]);
    expect(await store.getCase(stored[0]!.id)).toEqual(stored[0]);
    const s = await store.status();
    expect(s).toMatchObject({ incidents: ref.incidents.size, violations: ref.violations.size, cases: ref.cases.size });
  });

  it('holds the same incidents, violations and cases for a set of observations whatever its order and cuts, and logs every case revision', async () => {
    // Dense shelling near the line, sent shuffled in batches of random size: late reports regroup incidents and
    // extend open cases (issue 22).
    const items = batches(500, 100_000, 31, 'ord', 4_000).flat();
    const ref = new MemoryOpsReader();
    ref.apply(await processBatch({ model: ops.model, now: clock.now() }, items, ref));
    const r = mulberry32(5);
    const order = [...items];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let revised = 0;
    for (let i = 0; i < order.length;) {
      const n = 1 + Math.floor(r() * 120);
      clock.advance(1000);
      const out = await store.ingest(order.slice(i, i + n), meta, ops.process);
      revised += out.caseRevisions;
      i += n;
    }
    expect(revised).toBeGreaterThan(0);
    const incidents = await all((cursor) => store.listIncidents({ limit: 500, ...(cursor ? { cursor } : {}) }));
    const violations = await all((cursor) => store.listViolations({ limit: 500, ...(cursor ? { cursor } : {}) }));
    const cases = (await all((cursor) => store.listCases({ limit: 100, ...(cursor ? { cursor } : {}) }))).map(
      ({ seq: _s, ...c }) => c,
    );
    const got = orderFreeState(incidents, violations, cases);
    const want = orderFreeState(ref.incidents.values(), ref.violations.values(), ref.cases.values());
    expect(got.cases.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
    if (store instanceof SqliteStore) {
      const report = await auditLog(sqliteAuditSource(store.db));
      expect(report.findings).toEqual([]);
      const kept = store.db.prepare('SELECT count(*) AS n FROM case_revisions').get() as { n: number };
      expect(kept.n).toBe(revised);
    }
  });

  it('writes nothing when processing fails: the batch is all or nothing', async () => {
    const [b] = batches(20, 1000);
    const failing = () => {
      throw new Error('pipeline exploded');
    };
    await expect(store.ingest(b!, meta, failing)).rejects.toThrow('pipeline exploded');
    expect(await store.status()).toMatchObject({ observations: 0, incidents: 0 });
    // The store still works, and the same batch then goes through.
    expect((await store.ingest(b!, meta, ops.process)).accepted).toBe(b!.length);
  });

  it('serialises concurrent batches: every observation once, every case once', async () => {
    const bs = batches(400, 50, 11, 'c');
    const results = await Promise.all(
      bs.flatMap((b) => [store.ingest(b, meta, ops.process), store.ingest(b, meta, ops.process)]),
    );
    const total = bs.reduce((n, b) => n + b.length, 0);
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(total);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(total);
    const cases = await all((cursor) => store.listCases({ limit: 50, ...(cursor ? { cursor } : {}) }));
    expect(new Set(cases.map((c) => c.key)).size).toBe(cases.length);
  });

  it('commits concurrent batches in groups that end as if sent one by one; a failing batch is refused alone', async () => {
    const bs = batches(300, 60, 13, 'g');
    const ref = new MemoryOpsReader();
    for (const b of bs) ref.apply(await processBatch({ model: ops.model, now: clock.now() }, b, ref));
    const failing = () => {
      throw new Error('pipeline exploded');
    };
    const bad = batches(10, 1000, 14, 'bad')[0]!;
    // Submitted together: the first starts alone, the rest wait and share transactions (group-commit.ts).
    const outcomes = await Promise.allSettled(
      [...bs.slice(0, 3), bad, ...bs.slice(3)].map((b) => store.ingest(b, meta, b === bad ? failing : ops.process)),
    );
    expect(outcomes.map((o) => o.status)).toEqual(
      [...bs.slice(0, 3), bad, ...bs.slice(3)].map((b) => (b === bad ? 'rejected' : 'fulfilled')),
    );
    const ok = outcomes
      .filter((o): o is PromiseFulfilledResult<Awaited<ReturnType<Store['ingest']>>> => o.status === 'fulfilled')
      .map((o) => o.value);
    expect(ok.map((r) => r.accepted)).toEqual(bs.map((b) => b.length));
    expect((await store.status()).observations).toBe(bs.reduce((n, b) => n + b.length, 0));
    const incidents = await all((cursor) => store.listIncidents({ limit: 100, ...(cursor ? { cursor } : {}) }));
    const strip = (xs: { id: string; createdAt: number; updatedAt: number; revision: number; reason: string }[]) =>
      sortById(xs.map((i) => ({ ...i, createdAt: 0, updatedAt: 0, revision: 0, reason: '' })));
    expect(strip(incidents)).toEqual(strip([...ref.incidents.values()]));
  });

  it('finds the log entry of a stored observation, incident revision and violation through its row', async () => {
    for (const b of batches(300, 50, 21, 'lr')) await store.ingest(b, meta, ops.process);
    const log = store instanceof SqliteStore ? SqliteLog.of(store.db) : PostgresLog.of((store as PostgresStore).pool);
    const revised = (await all((cursor) => store.listIncidents({ limit: 100, ...(cursor ? { cursor } : {}) }))).find(
      (i) => i.revision > 1,
    )!;
    const violation = (await store.listViolations({ limit: 1 })).items[0]!;
    const observation = (await store.listObservations({ limit: 1 })).items[0]!;
    const wanted: [string, string][] = [
      ['observation', String(observation.seq)],
      ['incident-revision', `${revised.id}@${revised.revision}`],
      ['incident-revision', `${revised.id}@1`],
      ['violation', `${violation.id}@${violation.revision}`],
    ];
    for (const [kind, id] of wanted) {
      const index = await log.indexOfRecord(kind, id);
      expect(index, `${kind} ${id}`).toBeDefined();
      const [e] = await log.entries(index!, index! + 1);
      expect([e!.kind, e!.recordId]).toEqual([kind, id]);
    }
    for (const [kind, id] of [
      ['observation', '0'],
      ['observation', '1e3'],
      ['incident-revision', `${revised.id}@99`],
      ['violation', 'nope'],
      ['nonsense', '1'],
      ["vote' OR 1=1 --", 'x'],
    ]) {
      expect(await log.indexOfRecord(kind!, id!)).toBeUndefined();
    }
  });

  it('keeps the bytes of entries logged before migration 0006, and serves them unchanged after it', async () => {
    // A database at 0005, where every entry kept its bytes; then the current migrations.
    await store.close();
    await adapter.cleanup();
    adapter = make();
    const first = await adapter.openAt(migrations.filter((m) => m.id < '0006'));
    const oldLog =
      first instanceof SqliteStore ? SqliteLog.of(first.db) : PostgresLog.of((first as PostgresStore).pool);
    const logged: LogEntry[] = [
      { kind: 'observation', recordId: '1', record: { seq: 1, note: 'before 0006' } },
      { kind: 'vote', recordId: 'c/vote/1', record: { case: 'c', vote: { seq: 1 } } },
    ];
    await oldLog.append(logged);
    const entries = await oldLog.entries(0, 2);
    await first.close();
    store = await adapter.reopen();
    expect((await store.status()).migrations).toContain('0006-tlog-entry-in-row');
    const log = store instanceof SqliteStore ? SqliteLog.of(store.db) : PostgresLog.of((store as PostgresStore).pool);
    expect(await log.entries(0, 2)).toEqual(entries);
    expect((await log.head()).size).toBe(2);
  });

  it('lets a report about a time long past join its incident, reading only incidents near that time', async () => {
    const items = traffic({ events: 300, seed: 31, prefix: 'late', gap: 10 * 60_000 });
    const parsed = parseObservationBatch(items, ops.rules, T0);
    if (!parsed.ok) throw new Error('bad traffic');
    for (let i = 0; i < parsed.observations.length; i += 100)
      await store.ingest(parsed.observations.slice(i, i + 100), meta, ops.process);
    const incidents = await all((cursor) => store.listIncidents({ limit: 100, ...(cursor ? { cursor } : {}) }));
    // An early point incident seen by radar alone; two days of later incidents have ended since.
    const old = incidents
      .filter((i) => i.lon !== undefined && i.members.length === 1 && i.members[0]!.source === 'radar')
      .sort((a, b) => a.start - b.start)[0]!;
    expect(Math.max(...incidents.map((i) => i.end)) - old.end).toBeGreaterThan(24 * 3_600_000);
    const late = parseObservationBatch(
      [
        {
          source: 'acoustic',
          sourceId: 'late-1',
          activity: old.activity,
          // A minute after the radar report: it stays first in canonical order, so the incident keeps its id.
          time: new Date(old.time + 60_000).toISOString(),
          location: { lon: old.lon!, lat: old.lat!, radius: 100 },
          confidence: 0.9,
        },
      ],
      ops.rules,
      T0,
    );
    if (!late.ok) throw new Error(JSON.stringify(late.errors));
    expect((await store.ingest(late.observations, meta, ops.process)).incidentRevisions).toBe(1);
    const joined = (await store.getIncident(old.id))!;
    expect(joined.revision).toBe(old.revision + 1);
    expect(joined.members.map((m) => m.source)).toEqual(['radar', 'acoustic']);
    if (store instanceof SqliteStore) {
      // The probe reads the R*Tree over (lon, lat, time) first, then each candidate's row by its key (0061, 0120).
      const plan = store.db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT i.id FROM incident_rtree r CROSS JOIN incidents i ON i.seq = r.seq
           WHERE r.max_x >= ? AND r.min_x <= ? AND r.max_y >= ? AND r.min_y <= ? AND r.end_t >= ? AND r.start_t <= ?
             AND i.activity = ? AND i.status = 'open'`,
        )
        .all(0, 1, 0, 1, 0, 1, 'x') as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(
        /SCAN r VIRTUAL TABLE INDEX \d+:[A-F0-9]+ .*SEARCH i USING INTEGER PRIMARY KEY \(rowid=\?\)/,
      );
    }
  });

  it('answers late probes through long intervals and region lanes, leaving out only what the source alone reported', async () => {
    const H = 3_600_000;
    const at = (t: number) => new Date(t).toISOString();
    const items = [
      // 40 days of shelling reported as one interval (the long tier), and seven short reports elsewhere.
      {
        source: 'radar',
        sourceId: 'long-1',
        activity: 'artillery-fire',
        time: at(T0 - 40 * 24 * H),
        until: at(T0 - H),
        location: { lon: 37.2, lat: 48.1, radius: 500 },
        confidence: 0.9,
      },
      ...[0, 1, 2, 3, 4, 5, 6].map((k) => ({
        source: 'radar',
        sourceId: `short-${k}`,
        activity: 'artillery-fire',
        time: at(T0 - (k + 1) * H),
        location: { lon: 36.6 + k * 0.1, lat: 47.3, radius: 500 },
        confidence: 0.9,
      })),
      // Region-level reports ten days back: two by the patrol alone, one corroborated by a drone.
      ...['p1', 'p2', 'p3'].map((id, k) => ({
        source: 'patrol',
        sourceId: id,
        activity: 'denial-of-access',
        time: at(T0 - 10 * 24 * H + k * 13 * H),
        location: { region: 'UA-14' },
        confidence: 0.9,
      })),
      {
        source: 'uav',
        sourceId: 'u1',
        activity: 'denial-of-access',
        time: at(T0 - 10 * 24 * H + 26 * H),
        location: { region: 'UA-14' },
        confidence: 0.9,
      },
      // Later region incidents, so that with a window of three the probes ten days back go to SQL.
      ...[0, 1, 2, 3].map((k) => ({
        source: 'patrol',
        sourceId: `later-${k}`,
        activity: 'denial-of-access',
        time: at(T0 - (k + 1) * H),
        location: { region: 'UA-14' },
        confidence: 0.9,
      })),
    ];
    const parsed = parseObservationBatch(items, ops.rules, T0);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    for (const o of parsed.observations) await store.ingest([o], meta, ops.process);
    const incidents = await all((cursor) => store.listIncidents({ limit: 100, ...(cursor ? { cursor } : {}) }));
    const of = (sourceId: string) => incidents.find((i) => i.members.some((m) => m.sourceId === sourceId))!.id;
    const tenDaysBack = T0 - 10 * 24 * H;
    const region = (source?: string): IncidentProbe => ({
      activity: 'denial-of-access',
      from: tenDaysBack - H,
      to: tenDaysBack + 27 * H,
      region: 'UA-14',
      ...(source ? { source } : {}),
    });
    const point: IncidentProbe = {
      activity: 'artillery-fire',
      from: T0 - 20 * 24 * H,
      to: T0 - 20 * 24 * H + H,
      minLon: 37.19,
      minLat: 48.09,
      maxLon: 37.21,
      maxLat: 48.11,
      source: 'acoustic',
    };
    let found: Record<string, string[]> = {};
    const probe = parseObservationBatch([{ ...items[1]!, sourceId: 'probe' }], ops.rules, T0);
    if (!probe.ok) throw new Error('bad probe');
    await store.ingest(probe.observations, meta, async (obs, reader) => {
      const ask = async (p: IncidentProbe) => (await reader.findIncidents([p])).map((i) => i.id).sort();
      found = { point: await ask(point), patrol: await ask(region('patrol')), other: await ask(region('osce')) };
      return ops.process(obs, reader);
    });
    expect(found['point']).toEqual([of('long-1')]);
    const corroborated = of('u1');
    expect(corroborated).toBe(of('p3'));
    expect(found['other']).toEqual([of('p1'), of('p2'), corroborated].sort());
    // A patrol report never joins the patrol's own reports: SQLite skips their lane; the rest is still there.
    expect(found['patrol']).toContain(corroborated);
    if (_name === 'sqlite, writer thread, hot window of 3') expect(found['patrol']).toEqual([corroborated]);
  });

  it('fires a timer pass a transaction at a time, ending with the files the in-memory casework ends with', async () => {
    for (const b of batches(600, 200, 7, 'e', 900_000)) {
      clock.advance(1000);
      await store.ingest(b, meta, ops.process);
    }
    const openings = await all((cursor) => store.listCases({ limit: 100, ...(cursor ? { cursor } : {}) }));
    expect(openings.length).toBeGreaterThan(16);
    const plans = casePlans(loaded.model!);
    const fire = (f: CaseFile, t: Timer) => fireTimer(plans, f, t);
    const cw = store.casework();
    expect(await cw.adoptCases((c) => openCase(plans, fromCaseOpening(c)))).toBe(openings.length);
    const memoryClock = new ManualClock(clock.now());
    const memory = new MemoryCasework(plans, memoryClock);
    for (const c of openings) memory.open(fromCaseOpening(c));

    // Three weeks on: deadlines default, tasks are made, fall due and escalate, all in one pass.
    const now = clock.now() + 21 * 86_400_000;
    memoryClock.set(now);
    const expected = memory.tick();
    const calls: Timer[][] = [];
    for (let some = await cw.firePass(now, fire); some.length; some = await cw.firePass(now, fire)) calls.push(some);
    // Both stores take up to 1,000 cases a transaction: the pass is one transaction.
    expect(calls.length).toBe(1);
    const fired = calls.flat();
    expect(fired.map((t) => t.key).sort()).toEqual(expected.map((t) => t.key).sort());
    for (const c of calls) expect(c).toEqual([...c].sort(compareTimers));
    expect(await cw.pendingTimers()).toEqual(memory.queue.toArray());
    for (const c of openings) expect(await cw.getCaseFile(c.id)).toEqual(memory.get(c.id));
    // The batched reads (the projector's) answer what the single ones do; ids not stored are absent.
    const ids = [...openings.map((c) => c.id), 'case-not-stored'];
    const files = await cw.getCaseFiles(ids);
    expect(files.size).toBe(openings.length);
    for (const c of openings) expect(files.get(c.id)).toEqual(memory.get(c.id));
    const cases = await store.getCases(ids);
    expect(cases.size).toBe(openings.length);
    for (const c of openings) expect(cases.get(c.id)).toEqual(await store.getCase(c.id));
    expect((await cw.getCaseFiles([])).size + (await store.getCases([])).size).toBe(0);
    expect(await cw.firePass(now, fire)).toEqual([]);
  });

  it('pages with opaque cursors in a stable order, with filters', async () => {
    for (const b of batches(200, 100, 3, 'p')) await store.ingest(b, meta, ops.process);
    const every = await all((cursor) => store.listObservations({ limit: 1000, ...(cursor ? { cursor } : {}) }));
    const paged = await all((cursor) => store.listObservations({ limit: 17, ...(cursor ? { cursor } : {}) }));
    expect(paged.map((o) => o.seq)).toEqual(every.map((o) => o.seq));
    expect([...paged.map((o) => o.seq)].sort((a, b) => a - b)).toEqual(paged.map((o) => o.seq));
    const first = await store.listObservations({ limit: 10 });
    // New rows land after existing pages: the next page is unchanged by an insert.
    const nextBefore = await store.listObservations({ limit: 10, cursor: first.next! });
    await store.ingest(batches(5, 100, 99, 'late')[0]!, meta, ops.process);
    expect(await store.listObservations({ limit: 10, cursor: first.next! })).toEqual(nextBefore);
    every.splice(
      0,
      every.length,
      ...(await all((cursor) => store.listObservations({ limit: 1000, ...(cursor ? { cursor } : {}) }))),
    );

    const mid = every[Math.floor(every.length / 2)]!.time;
    const late = await all((cursor) => store.listObservations({ limit: 50, from: mid, ...(cursor ? { cursor } : {}) }));
    expect(late.length).toBe(every.filter((o) => o.time >= mid).length);
    const early = await store.listObservations({ limit: 1000, to: mid });
    expect(early.items.every((o) => o.time < mid)).toBe(true);
    const radar = await store.listObservations({ limit: 1000, source: 'radar' });
    expect(radar.items.length).toBe(every.filter((o) => o.source === 'radar').length);
    const region = await store.listObservations({ limit: 1000, region: 'UA-14' });
    expect(region.items.every((o) => o.region === 'UA-14')).toBe(true);
    const mortar = await store.listObservations({ limit: 1000, activity: 'mortar-fire' });
    expect(mortar.items.length).toBe(every.filter((o) => o.activity === 'mortar-fire').length);

    const incidents = await all((cursor) => store.listIncidents({ limit: 1000, ...(cursor ? { cursor } : {}) }));
    const arty = await all((cursor) =>
      store.listIncidents({ limit: 9, activity: 'artillery-fire', status: 'open', ...(cursor ? { cursor } : {}) }),
    );
    expect(arty.length).toBe(incidents.filter((i) => i.activity === 'artillery-fire' && i.status === 'open').length);
    const newestIncidents = await all((cursor) =>
      store.listIncidents({ limit: 11, order: 'newest', ...(cursor ? { cursor } : {}) }),
    );
    expect(newestIncidents.map((i) => i.id)).toEqual(incidents.map((i) => i.id).reverse());

    const violations = await all((cursor) => store.listViolations({ limit: 1000, ...(cursor ? { cursor } : {}) }));
    // Newest first: the same records reversed, paged by its own cursors, which the oldest-first order refuses.
    const newest = await all((cursor) =>
      store.listViolations({ limit: 7, order: 'newest', ...(cursor ? { cursor } : {}) }),
    );
    expect(newest.map((v) => v.id)).toEqual(violations.map((v) => v.id).reverse());
    const newestPage = await store.listViolations({ limit: 7, order: 'newest' });
    await expect(store.listViolations({ limit: 7, cursor: newestPage.next! })).rejects.toThrow(StoreQueryError);
    const byRu = await store.listViolations({ limit: 1000, party: 'RU', prohibition: 'monitor-access' });
    expect(byRu.items.length).toBe(
      violations.filter((v) => v.party === 'RU' && v.prohibition === 'monitor-access').length,
    );
    const withZone = violations.find((v) => v.zones.length);
    expect(withZone).toBeDefined();
    expect((await store.listViolations({ limit: 1000, zone: withZone!.zones[0]! })).items.length).toBe(
      violations.filter((v) => v.zones.includes(withZone!.zones[0]!)).length,
    );
    expect((await store.listViolations({ limit: 1000, zone: 'no-such-zone' })).items).toEqual([]);
    // The daily report's range scan: active ones in [from, to), by time then insertion order.
    const times = violations.map((v) => v.time).sort((a, b) => a - b);
    const [from, to] = [times[Math.floor(times.length / 4)]!, times[Math.floor((3 * times.length) / 4)]!];
    const inRange = violations.filter((v) => v.status === 'active' && v.time >= from && v.time < to);
    const scanned = await store.activeViolationsBetween(from, to);
    expect(inRange.length).toBeGreaterThan(0);
    expect(scanned.map((v) => v.id)).toEqual(
      [...inRange].sort((a, b) => a.time - b.time || violations.indexOf(a) - violations.indexOf(b)).map((v) => v.id),
    );

    const cases = await all((cursor) => store.listCases({ limit: 1000, ...(cursor ? { cursor } : {}) }));
    const serious = await store.listCases({ limit: 1000, severity: 'serious' });
    expect(serious.items.length).toBe(cases.filter((c) => c.severity === 'serious').length);
    const trig = await store.listCases({ limit: 1000, trigger: 'access-denied', party: 'RU' });
    expect(trig.items.length).toBe(cases.filter((c) => c.trigger === 'access-denied' && c.party === 'RU').length);
  });

  it('rejects a cursor it did not issue', async () => {
    for (const bad of ['nonsense', 'djE6LTE', Buffer.from('v2:5').toString('base64url'), 'a'.repeat(80)]) {
      await expect(store.listObservations({ limit: 5, cursor: bad })).rejects.toThrow(StoreQueryError);
    }
  });

  it('keeps API keys: create, find, list, revoke once, count admins', async () => {
    expect(await store.countActiveAdmins()).toBe(0);
    await store.createApiKey({
      id: 'a1',
      hash: 'h'.repeat(64),
      actor: '*',
      role: 'admin',
      label: 'bootstrap',
      createdAt: 5,
    });
    await store.createApiKey({
      id: 'm1',
      hash: 'm'.repeat(64),
      actor: 'CMM',
      role: 'monitor',
      label: 'radar feed',
      createdAt: 6,
    });
    expect(await store.countActiveAdmins()).toBe(1);
    expect(await store.getApiKey('m1')).toEqual({
      id: 'm1',
      hash: 'm'.repeat(64),
      actor: 'CMM',
      role: 'monitor',
      label: 'radar feed',
      createdAt: 6,
    });
    expect(await store.getApiKey('zz')).toBeUndefined();
    expect((await store.listApiKeys()).map((k) => k.id)).toEqual(['a1', 'm1']);
    expect(await store.revokeApiKey('a1', 9)).toBe(true);
    expect(await store.revokeApiKey('a1', 10)).toBe(false);
    expect(await store.revokeApiKey('nope', 10)).toBe(false);
    expect((await store.getApiKey('a1'))!.revokedAt).toBe(9);
    expect(await store.countActiveAdmins()).toBe(0);
    await expect(
      store.createApiKey({ id: 'm1', hash: 'x', actor: 'CMM', role: 'monitor', label: '', createdAt: 1 }),
    ).rejects.toThrow();
  });

  it('keeps member keys: one active per member, rotation revokes it, revocation, a key for one member only, races serialised', async () => {
    const cw = store.casework();
    const key = (member: string, fingerprint: string, createdAt: number) => ({
      member,
      fingerprint,
      publicKey: `pem ${fingerprint}`,
      createdAt,
    });
    expect(await cw.registerMemberKey(key('FR', 'f1', 1), false)).toEqual({ ok: true, added: true, revoked: [] });
    expect(await cw.registerMemberKey(key('FR', 'f1', 2), false)).toEqual({ ok: true, added: false, revoked: [] });
    expect(await cw.registerMemberKey(key('FR', 'f2', 3), false)).toMatchObject({
      ok: false,
      reason: 'member-has-key',
      active: { fingerprint: 'f1' },
    });
    expect(await cw.registerMemberKey(key('UK', 'f1', 4), true)).toMatchObject({
      ok: false,
      reason: 'key-taken',
      holder: { member: 'FR' },
    });
    expect(await cw.registerMemberKey(key('FR', 'f2', 5), true)).toMatchObject({
      ok: true,
      added: true,
      revoked: [{ member: 'FR', fingerprint: 'f1' }],
    });
    expect(await cw.registerMemberKey(key('FR', 'f1', 6), true)).toMatchObject({
      ok: false,
      reason: 'key-taken',
      holder: { member: 'FR', fingerprint: 'f1' },
    });
    expect(await cw.revokeMemberKey('FR', 'f2', 6)).toMatchObject({ member: 'FR', fingerprint: 'f2', revokedAt: 6 });
    expect(await cw.revokeMemberKey('FR', 'f2', 7)).toBe('already');
    expect(await cw.revokeMemberKey('FR', 'nope', 7)).toBeUndefined();
    expect(await cw.registerMemberKey(key('FR', 'f3', 7), false)).toMatchObject({ ok: true, added: true, revoked: [] });
    const both = await Promise.all([
      cw.registerMemberKey(key('UK', 'u1', 7), false),
      cw.registerMemberKey(key('UK', 'u2', 7), false),
    ]);
    expect(both.filter((r) => r.ok).length).toBe(1);
    const keys = await cw.listMemberKeys();
    expect(keys.find((k) => k.fingerprint === 'f1')).toMatchObject({ member: 'FR', revokedAt: 5 });
    expect(keys.filter((k) => k.revokedAt === undefined).map((k) => `${k.member}:${k.fingerprint}`)).toEqual([
      'FR:f3',
      expect.stringMatching(/^UK:u[12]$/),
    ]);
  });
});

async function openWith(adapter: Adapter, list: (typeof core)[]): Promise<void> {
  // Reaches the same database as `adapter` with a different migration list.
  const probe = await adapter.reopen();
  await probe.close();
  if (probe instanceof SqliteStore) SqliteStore.open({ path: probe.db.name, migrations: list });
  else await PostgresStore.open({ url: pgUrl, schema: (probe as PostgresStore).schema, migrations: list });
}

describe.skipIf(!hasPg)('postgres sessions', () => {
  it('end a session left idle inside a transaction (a dead server holding the ingest lock)', async () => {
    const schema = freshSchema('idle');
    const store = await PostgresStore.open({ url: pgUrl, schema, poolSize: 1 });
    try {
      expect(
        (await store.pool.query('SHOW idle_in_transaction_session_timeout')).rows[0]
          .idle_in_transaction_session_timeout,
      ).toBe('30s');
      expect((await store.pool.query('SHOW search_path')).rows[0].search_path).toBe(`"${schema}"`);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });
});

describe.skipIf(!hasPg)('postgres migrations', () => {
  it('are applied once when several servers start together', async () => {
    const schema = freshSchema('mig');
    try {
      const stores = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open({ url: pgUrl, schema, poolSize: 1 })));
      for (const s of stores) expect((await s.status()).migrations).toEqual(allMigrationIds);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await dropSchema(schema);
    }
  });
});

describe.each(adapters)('ledger contract: %s', (_name, make) => {
  let adapter: Adapter;
  let store: Store;
  const meta = { recordedAt: T0, submittedBy: 'k1' };
  const pledge = (id: string, by = 'DE', extra: Partial<LedgerFields> = {}): LedgerFields =>
    ({
      type: 'pledge',
      id,
      by,
      requirement: 'financing',
      amount: 9e9,
      currency: 'EUR',
      per: 'year',
      from: '2026-06',
      form: 'appropriation-law',
      ...extra,
    }) as LedgerFields;
  const delivery = (id: string, on: string, amount: number): LedgerFields => ({
    type: 'delivery',
    id,
    by: 'DE',
    pledge: on,
    requirement: 'financing',
    amount,
    currency: 'EUR',
    delivered: '2026-07-01',
  });
  const logOf = (s: Store) =>
    s instanceof SqliteStore ? SqliteLog.of(s.db) : PostgresLog.of((s as PostgresStore).pool);
  const condition = (key: string): AlertCondition => ({
    key,
    kind: 'late-delivery',
    requirement: 'financing',
    guarantor: 'DE',
    pledge: 'p1',
    month: '2026-07',
    size: 1,
    unit: 'EUR',
    message: key,
  });

  beforeEach(async () => {
    adapter = make();
    store = await adapter.open();
  });
  afterEach(async () => {
    await store.close();
    await adapter.cleanup();
  });

  it('appends records in commit order, each a log entry; a resend is a duplicate; a changed resend stores nothing', async () => {
    const ledger = ledgerStoreFor(store);
    const r = await ledger.appendLedger([pledge('p1'), pledge('p2', 'FR'), delivery('d1', 'p1', 5)], meta);
    expect(r).toEqual({ accepted: 3, duplicates: 0, seqs: [1, 2, 3] });
    expect(await ledger.appendLedger([delivery('d1', 'p1', 5), delivery('d2', 'p1', 6)], meta)).toEqual({
      accepted: 1,
      duplicates: 1,
      seqs: [3, 4],
    });
    const before = (await logOf(store).head()).size;
    await expect(ledger.appendLedger([delivery('d3', 'p1', 1), delivery('d1', 'p1', 7)], meta)).rejects.toBeInstanceOf(
      LedgerConflictError,
    );
    expect(await ledger.ledgerHead()).toBe(4);
    expect((await logOf(store).head()).size).toBe(before);
    const log = logOf(store);
    for (const [kind, id] of [
      ['pledge', 'p1'],
      ['pledge', 'p2'],
      ['delivery', 'd2'],
    ] as const) {
      const index = await log.indexOfRecord(kind, id);
      expect(index, `${kind} ${id}`).toBeDefined();
      const [e] = await log.entries(index!, index! + 1);
      expect([e!.kind, e!.recordId]).toEqual([kind, id]);
    }
    expect((await ledger.ledgerSince(2, 10)).map((x) => [x.id, x.seq, x.recordedAt, x.submittedBy])).toEqual([
      ['d1', 3, T0, 'k1'],
      ['d2', 4, T0, 'k1'],
    ]);
  });

  it('lists with filters and cursor pages', async () => {
    const ledger = ledgerStoreFor(store);
    const items: LedgerFields[] = [];
    for (let i = 0; i < 25; i++) items.push(pledge(`p${i}`, i % 2 ? 'FR' : 'DE'));
    items.push(delivery('d0', 'p0', 1), {
      type: 'withdrawal',
      id: 'w0',
      by: 'DE',
      withdraws: 'p0',
      requirement: 'financing',
      from: '2027-01',
    });
    await ledger.appendLedger(items, meta);
    const pages = await all((cursor) => ledger.listLedger({ limit: 7, ...(cursor ? { cursor } : {}) }));
    expect(pages.map((x) => x.seq)).toEqual(Array.from({ length: 27 }, (_, i) => i + 1));
    expect(
      (await all((cursor) => ledger.listLedger({ limit: 5, by: 'FR', ...(cursor ? { cursor } : {}) }))).length,
    ).toBe(12);
    expect((await ledger.listLedger({ limit: 100, pledge: 'p0' })).items.map((x) => x.id)).toEqual(['p0', 'd0', 'w0']);
    expect((await ledger.listLedger({ limit: 100, type: 'delivery' })).items.map((x) => x.id)).toEqual(['d0']);
    await expect(ledger.listLedger({ limit: 5, cursor: 'bogus!' })).rejects.toBeInstanceOf(StoreQueryError);
  });

  it('raises each alert once, resolves it, logs every change; refuses to sync when the ledger moved', async () => {
    const ledger = ledgerStoreFor(store);
    await ledger.appendLedger([pledge('p1')], meta);
    const sync = (keys: string[], t: number) =>
      ledger.syncAlerts(1, (stored) => alertTransitions(stored, keys.map(condition), t, '2026-08'));
    expect((await sync(['a', 'b'], 1)) as SustainmentAlert[]).toHaveLength(2);
    expect(await sync(['a', 'b'], 2)).toEqual([]);
    const ack = await ledger.updateAlert('a', (x) => ({
      ...x,
      state: 'acknowledged',
      acknowledgedBy: 'k',
      acknowledgedAt: 3,
      revision: x.revision + 1,
    }));
    expect(ack?.alert.state).toBe('acknowledged');
    expect((await ledger.openAlerts()).map((x) => [x.key, x.state])).toEqual([
      ['a', 'acknowledged'],
      ['b', 'open'],
    ]);
    const resolved = (await sync(['b'], 4)) as SustainmentAlert[];
    expect(resolved.map((x) => [x.key, x.state, x.revision])).toEqual([['a', 'resolved', 3]]);
    expect((await ledger.listAlerts({ limit: 10, state: 'resolved' })).map((x) => x.key)).toEqual(['a']);
    expect(await ledger.syncAlerts(0, () => [])).toBe('stale');
    const log = logOf(store);
    for (const id of ['a#1', 'a#2', 'a#3', 'b#1'])
      expect(await log.indexOfRecord('sustainment-alert', id), id).toBeDefined();
    expect(await ledger.updateAlert('nope', (x) => x)).toBeUndefined();
  });

  it('raises an alert once when two servers sync at the same time', async () => {
    const ledger = ledgerStoreFor(store);
    await ledger.appendLedger([pledge('p1')], meta);
    const other = await adapter.reopen();
    try {
      const both = [ledger, ledgerStoreFor(other)];
      const runs = await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) =>
          both[i % 2]!.syncAlerts(1, (stored) =>
            alertTransitions(stored, ['x', 'y', 'z'].map(condition), 10 + i, '2026-08'),
          ),
        ),
      );
      expect(
        runs
          .flatMap((r) => (r === 'stale' ? [] : r))
          .map((a) => a.key)
          .sort(),
      ).toEqual(['x', 'y', 'z']);
      const log = logOf(store);
      for (const id of ['x#1', 'y#1', 'z#1']) expect(await log.indexOfRecord('sustainment-alert', id)).toBeDefined();
      expect(await log.indexOfRecord('sustainment-alert', 'x#2')).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
