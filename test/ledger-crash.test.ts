/**
 * Decay alerts under kill -9 (SQLite) and with two servers on one PostgreSQL database (issue 17, "Done means"): real
 * servers in child processes take ledger batches over sockets and are killed with SIGKILL at random moments. After
 * a last start, every alert that holds is stored and open (none lost), none is stored that does not hold, and every
 * alert's log entries are its revisions 1..n, each exactly once (none raised twice).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPackageFile } from '../src/package-files.js';
import { deriveAlerts } from '../src/core/ledger/alerts.js';
import { LedgerIndex } from '../src/core/ledger/state.js';
import { liveSustainment } from '../src/core/ledger/view.js';
import type { Package } from '../src/core/spec/schema.js';
import type { Store } from '../src/core/ports/store.js';
import { generateKey } from '../src/server/api-keys.js';
import { ledgerStoreFor } from '../src/store/ledger-store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { spawnServer, type Child } from './support/child.js';
import { mulberry32 } from './support/mulberry32.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'guarantor-ledger-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = 'test/fixtures/ledger/crash.yaml';
const pkg = loadPackageFile(fixture).model as Package;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Batches of pledges and deliveries: pledges start unpaid (late alerts), deliveries pay some up (resolving them). */
function batches(n: number, seed: number, prefix: string): unknown[][] {
  const r = mulberry32(seed);
  const out: unknown[][] = [];
  const pledged: { id: string; by: string; money: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const req = `r${1 + Math.floor(r() * 8)}`;
    const money = Number(req.slice(1)) <= 4;
    const by = `G${1 + Math.floor(r() * 4)}`;
    if (pledged.length && r() < 0.4) {
      const p = pledged[Math.floor(r() * pledged.length)]!;
      out.push([
        {
          id: `${prefix}d${i}`,
          by: p.by,
          pledge: p.id,
          ...(p.money ? { amount: Math.round(r() * 5e8), currency: 'EUR' } : { quantity: Math.round(r() * 400) }),
          delivered: '2025-03-15',
        },
      ]);
      continue;
    }
    const id = `${prefix}p${i}`;
    const year = 2025 + Math.floor(r() * 3);
    const from = `${year}-0${1 + Math.floor(r() * 9)}`;
    const until = r() < 0.5 ? { until: `${year + Math.floor(r() * 4)}-12` } : {};
    out.push([
      {
        id,
        by,
        requirement: req,
        ...(money ? { amount: Math.round(r() * 4e8), currency: 'EUR' } : { quantity: Math.round(r() * 300) }),
        per: 'year',
        from,
        ...until,
        form: r() < 0.5 ? 'executive' : 'treaty',
      },
    ]);
    pledged.push({ id, by, money });
  }
  return out;
}

/** Sends batches in order to `url()`, resending one the server died under; stops when `stop()` says. */
async function send(
  queue: { items: unknown[][]; next: number },
  url: () => string,
  key: string,
  stop: () => boolean,
): Promise<void> {
  while (!stop() && queue.next < queue.items.length) {
    const items = queue.items[queue.next]!;
    const kind = 'pledge' in (items[0] as object) ? 'deliveries' : 'pledges';
    try {
      const res = await fetch(`${url()}/v1/ledger/${kind}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(items),
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`batch ${queue.next}: ${res.status} ${body}`);
      queue.next++;
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('batch ')) throw e;
      return; // the server died under us: resend this batch to the next one
    }
  }
}

async function audit(store: Store): Promise<{ holding: string[]; open: string[]; problems: string[] }> {
  const ledger = ledgerStoreFor(store);
  const index = new LedgerIndex(pkg);
  index.add(await ledger.ledgerSince(0, 1_000_000));
  const now = Date.now();
  const holding = deriveAlerts(pkg, index, liveSustainment(pkg, index, now), now)
    .map((a) => a.key)
    .sort();
  const open = (await ledger.openAlerts()).map((a) => a.key).sort();
  const all = await ledger.listAlerts({ limit: 100_000 });
  const q =
    store instanceof SqliteStore
      ? async (sql: string) => store.db.prepare(sql).all() as { record_id: string }[]
      : async (sql: string) => (await (store as PostgresStore).pool.query(sql)).rows as { record_id: string }[];
  const logged = (await q("SELECT record_id FROM tlog_entry WHERE kind = 'sustainment-alert'")).map((r) => r.record_id);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const id of logged) seen.set(id, (seen.get(id) ?? 0) + 1);
  for (const [id, n] of seen) if (n > 1) problems.push(`${id} logged ${n} times`);
  for (const a of all)
    for (let v = 1; v <= a.revision; v++) if (!seen.has(`${a.key}#${v}`)) problems.push(`${a.key}#${v} not logged`);
  if (logged.length !== all.reduce((n, a) => n + a.revision, 0))
    problems.push(`${logged.length} alert entries for ${all.reduce((n, a) => n + a.revision, 0)} revisions`);
  return { holding, open, problems };
}

async function rounds(
  db: string,
  key: string,
  queues: { items: unknown[][]; next: number }[],
  count: number,
  servers: number,
  seed: number,
): Promise<number> {
  const r = mulberry32(seed);
  let kills = 0;
  for (let round = 0; round < count && queues.some((q) => q.next < q.items.length); round++) {
    const children: Child[] = [];
    for (let i = 0; i < servers; i++) children.push(await spawnServer(db, {}, fixture));
    let dead = false;
    const senders = queues.map((q, i) =>
      send(
        q,
        () => children[i % servers]!.url,
        key,
        () => dead,
      ),
    );
    await sleep(100 + Math.floor(r() * 900));
    // kill -9 one server (or the only one) at a random moment; with two, the other keeps serving its sender
    await children[0]!.kill9();
    kills++;
    if (servers > 1) await sleep(200);
    dead = true;
    await Promise.all(senders);
    for (const c of children.slice(1)) await c.kill9();
  }
  // A last start catches up on whatever the kills left underived, then the rest is sent.
  const last = await spawnServer(db, {}, fixture);
  await Promise.all(
    queues.map((q) =>
      send(
        q,
        () => last.url,
        key,
        () => false,
      ),
    ),
  );
  await fetch(`${last.url}/v1/ledger/alerts?limit=1`, { headers: { authorization: `Bearer ${key}` } });
  await last.kill9();
  return kills;
}

describe('decay alerts under kill -9', () => {
  it('SQLite: none raised twice, none lost', async () => {
    const db = join(dir, 'crash.db');
    const setup = SqliteStore.open({ path: db });
    const admin = generateKey('*', 'admin', 'crash test', 0);
    await setup.createApiKey(admin.record);
    await setup.close();
    const queue = { items: batches(300, 3, 'a'), next: 0 };
    const kills = await rounds(db, admin.key, [queue], 5, 1, 11);
    const store = SqliteStore.open({ path: db });
    try {
      const a = await audit(store);
      console.log(`ledger kill -9 x${kills}: ${queue.next} batches stored, ${a.open.length} alerts open`);
      expect(queue.next).toBe(queue.items.length);
      expect(a.problems).toEqual([]);
      expect(a.open).toEqual(a.holding);
      expect(a.open.length).toBeGreaterThan(10);
    } finally {
      await store.close();
    }
  }, 240_000);
});

const hasPg = await postgresAvailable();
describe.skipIf(!hasPg)('decay alerts with two servers on PostgreSQL, under kill -9', () => {
  it('none raised twice, none lost', async () => {
    const schema = freshSchema('ledgercrash');
    const db = `${pgUrl}?schema=${schema}`;
    const setup = await PostgresStore.open({ url: pgUrl, schema });
    const admin = generateKey('*', 'admin', 'crash test', 0);
    await setup.createApiKey(admin.record);
    await setup.close();
    const queues = [
      { items: batches(150, 5, 'x'), next: 0 },
      { items: batches(150, 6, 'y'), next: 0 },
    ];
    try {
      const kills = await rounds(db, admin.key, queues, 3, 2, 13);
      const store = await PostgresStore.open({ url: pgUrl, schema });
      try {
        const a = await audit(store);
        console.log(
          `ledger, two servers, kill -9 x${kills}: ${queues[0]!.next + queues[1]!.next} batches stored, ${a.open.length} alerts open`,
        );
        expect(queues.every((q) => q.next === q.items.length)).toBe(true);
        expect(a.problems).toEqual([]);
        expect(a.open).toEqual(a.holding);
        expect(a.open.length).toBeGreaterThan(10);
      } finally {
        await store.close();
      }
    } finally {
      await dropSchema(schema);
    }
  }, 300_000);
});
