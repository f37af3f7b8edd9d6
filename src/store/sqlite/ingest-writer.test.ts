/**
 * The writer thread (ingest-writer.ts): batches prepared while earlier ones are still being written must end exactly
 * as if written one by one, down to the log's entries; and a batch that fails to commit takes with it the batches
 * prepared on top of it, and nothing else.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseObservationBatch, type Observation } from '../../core/ops/index.js';
import { StoreUnavailableError } from '../../core/ports/store.js';
import { exampleOperations } from '../../../test/support/app.js';
import { traffic } from '../../../test/support/observations.js';
import { InlineWriter, ThreadWriter } from './ingest-writer.js';
import { MAX_IN_FLIGHT, SqliteStore } from './sqlite-store.js';
import { SqliteLog } from './tlog-store.js';
import { publicStoreFor } from '../public-store.js';

const T0 = Date.UTC(2026, 6, 1);
const ops = exampleOperations(T0);
const meta = { receivedAt: T0, submittedBy: 'k1' };
const tmp = mkdtempSync(join(tmpdir(), 'guarantor-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const file = () => join(tmp, `w${++n}.db`);

function batches(events: number, size: number, prefix: string): Observation[][] {
  const parsed = parseObservationBatch(traffic({ events, seed: 11, prefix }), ops.rules, T0);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  const out: Observation[][] = [];
  for (let i = 0; i < parsed.observations.length; i += size) out.push(parsed.observations.slice(i, i + size));
  return out;
}

/** Everything the ingest wrote, as stored: rows in key order and the log's entries. */
function contents(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    const rows = (sql: string) => db.prepare(sql).raw().all();
    return {
      observations: rows('SELECT seq, source, source_id, doc FROM observations ORDER BY seq'),
      incidents: rows('SELECT id, revision, doc FROM incidents ORDER BY id'),
      incidentRevisions: rows('SELECT id, revision, doc FROM incident_revisions ORDER BY id, revision'),
      violations: rows('SELECT id, revision, doc FROM violations ORDER BY id'),
      violationRevisions: rows('SELECT id, revision, doc FROM violation_revisions ORDER BY id, revision'),
      cases: rows('SELECT case_key, doc FROM cases ORDER BY case_key'),
      // Every sealed entry has a random salt of its own (docs/tlog.md), so two runs' roots differ by design: the
      // same entries in the same order, and the size, are what must agree.
      log: rows('SELECT idx, kind, record_id FROM tlog_entry ORDER BY idx'),
      size: SqliteLog.of(db).headSync().size,
    };
  } finally {
    db.close();
  }
}

async function oneByOne(list: readonly Observation[][]): Promise<unknown> {
  const path = file();
  const store = SqliteStore.open({ path });
  for (const b of list) await store.ingest(b, meta, ops.process);
  await store.close();
  return contents(path);
}

describe('SQLite writer thread', () => {
  it('ends exactly as batches written one by one, down to the log root, with batches prepared while earlier ones are being written', async () => {
    const list = batches(2500, 150, 'p');
    expect(list.length).toBeGreaterThan(20);
    const path = file();
    const store = SqliteStore.open({ path, writer: 'thread' });
    // All submitted at once: each is prepared against the ones still in flight (in-flight.ts), up to MAX_IN_FLIGHT.
    const results = await Promise.all(list.map((b) => store.ingest(b, meta, ops.process)));
    expect(results.map((r) => r.accepted)).toEqual(list.map((b) => b.length));
    // A resend, also in flight with the rest, is all duplicates with the same ids.
    const again = await Promise.all([
      store.ingest(list[3]!, meta, ops.process),
      store.ingest(list[4]!, meta, ops.process),
    ]);
    expect(again.map((r) => r.duplicates)).toEqual([list[3]!.length, list[4]!.length]);
    expect(again.map((r) => r.ids)).toEqual([results[3]!.ids, results[4]!.ids]);
    await store.close();
    const got = contents(path) as { violations: unknown[]; cases: unknown[]; incidentRevisions: unknown[] };
    expect(got.violations.length).toBeGreaterThan(100);
    expect(got.cases.length).toBeGreaterThan(0);
    expect(got.incidentRevisions.length).toBeGreaterThan(0);
    expect(got).toEqual(await oneByOne(list));
  });

  it('refuses a batch that fails to commit and those prepared on top of it, keeps those before it, and recovers', async () => {
    const [a, b, c, d, e] = batches(600, 120, 'f');
    const path = file();
    const store = SqliteStore.open({ path, writer: 'thread' });
    // The writer thread's INSERT of this one observation fails, as a full disk or a corrupt page would.
    const poisoned = b!.map((o, i) => (i === 7 ? { ...o, sourceId: 'poison' } : o));
    const side = new Database(path);
    side.exec(
      "CREATE TRIGGER poison BEFORE INSERT ON observations WHEN NEW.source_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END",
    );
    side.close();
    const outcomes = await Promise.allSettled([a!, poisoned, c!, d!].map((x) => store.ingest(x, meta, ops.process)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/poisoned/);
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toMatch(/a batch before it failed/);
    // The poisoned batch is the server's failure (500); the ones refused after it are to be sent again (503).
    expect((outcomes[1] as PromiseRejectedResult).reason).not.toBeInstanceOf(StoreUnavailableError);
    for (const o of outcomes.slice(2))
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    // Nothing of the refused batches was kept; resent, they go in as if the poisoned batch had never come.
    for (const x of [c!, d!, e!]) expect((await store.ingest(x, meta, ops.process)).accepted).toBe(x.length);
    await store.close();
    const side2 = new Database(path);
    side2.exec('DROP TRIGGER poison');
    side2.close();
    expect(contents(path)).toEqual(await oneByOne([a!, c!, d!, e!]));
  });

  it('starts a new writer thread after one dies, refusing what the dead one held', async () => {
    const [a, b, c, d] = batches(500, 120, 'k');
    const path = file();
    let writer: ThreadWriter | undefined;
    const store = SqliteStore.open({ path, writer: () => (writer = new ThreadWriter(path, 'full')) });
    expect((await store.ingest(a!, meta, ops.process)).accepted).toBe(a!.length);
    const held = [b!, c!].map((x) => store.ingest(x, meta, ops.process));
    await writer!.terminate(); // as a crash would: the batches it held get no commit
    const outcomes = await Promise.allSettled(held);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/writer thread stopped/);
    for (const o of outcomes) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    for (const x of [d!, b!, c!]) expect((await store.ingest(x, meta, ops.process)).accepted).toBe(x.length);
    await store.close();
    expect(contents(path)).toEqual(await oneByOne([a!, d!, b!, c!]));
  });

  it('holds at most a few batches in flight when the writer is slower than the server thread', async () => {
    const list = batches(1500, 100, 'q');
    const path = file();
    let outstanding = 0;
    let most = 0;
    // A writer that commits at once but answers 5 ms later: the server thread runs far ahead of it.
    const store = SqliteStore.open({
      path,
      writer: (db) => {
        const inline = new InlineWriter(db);
        return {
          write: async (records) => {
            most = Math.max(most, ++outstanding);
            await inline.write(records);
            await new Promise((r) => setTimeout(r, 5));
            outstanding--;
          },
          close: () => inline.close(),
        };
      },
    });
    const results = await Promise.all(list.map((b) => store.ingest(b, meta, ops.process)));
    await store.close();
    expect(results.map((r) => r.accepted)).toEqual(list.map((b) => b.length));
    expect(most).toBe(MAX_IN_FLIGHT);
    expect(contents(path)).toEqual(await oneByOne(list));
  });

  it('commits the public projector on the thread, between batches, as the server connection would', async () => {
    const list = batches(600, 120, 'j');
    const path = file();
    const store = SqliteStore.open({ path, writer: 'thread' });
    const ps = publicStoreFor(store);
    const pending = list.map((b) => store.ingest(b, meta, ops.process));
    const event = (i: number) => ({ kind: 'status' as const, audience: 'public' as const, at: T0 + i, data: { i } });
    const { cursor } = await ps.projectionState();
    const first = await ps.commitProjection({
      from: cursor,
      to: cursor + 5,
      events: [event(1), event(2)],
      areas: [{ key: 'region:UA-14', state: 'violations', since: T0 }],
      status: { doc: '{"x":1}', at: T0 },
      cap: [],
    });
    // A pass that read the cursor before the first moved it commits nothing.
    const stale = await ps.commitProjection({ from: cursor, to: cursor + 7, events: [event(3)], areas: [], cap: [] });
    await Promise.all(pending);
    expect(first).toEqual([1, 2]);
    expect(stale).toBeUndefined();
    expect((await ps.projectionState()).cursor).toBe(cursor + 5);
    expect((await ps.eventsAfter(0, 10)).map((e) => e.data)).toEqual([{ i: 1 }, { i: 2 }]);
    expect(await ps.publicStatus()).toEqual({ at: T0, doc: '{"x":1}' });
    await store.close();
    expect(contents(path)).toEqual(await oneByOne(list));
  });
});
