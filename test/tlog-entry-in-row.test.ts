/**
 * Entries the ingest logs with their rows (observations, incident revisions, violations) are stored once, in the row
 * (migration 0006): the log keeps their leaf hashes and serves bytes rebuilt from the rows. `log verify` re-hashes
 * those bytes, so a changed row breaks the signed root and a deleted one is named. On both databases.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runVerify } from '../src/cli/log.js';
import type { Fetch } from '../src/cli/api-client.js';
import { decodeEntry, hashLeaf } from '../src/core/tlog/index.js';
import { logServiceFor } from '../src/server/transparency-log.js';
import type { Store } from '../src/core/ports/store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';
import { obs } from './ops/harness.js';
import { testServer, type TestServer } from './support/app.js';
import { DAY30 } from './support/tlog.js';

let dir: string;
let schema: string | undefined;
let s: TestServer;
let url: string;
let keyFile: string;
/** Runs SQL on the server's database: SQLite through its connection, PostgreSQL through the pool. */
let sql: (text: string) => Promise<Record<string, unknown>[]>;

const dialects = [
  {
    name: 'sqlite',
    open: async (): Promise<Store> => {
      const store = SqliteStore.open({ path: join(dir, 'g.db') });
      sql = async (text) =>
        text.trim().startsWith('SELECT')
          ? (store.db.prepare(text).all() as Record<string, unknown>[])
          : (store.db.exec(text), []);
      return store;
    },
    change:
      "UPDATE observations SET doc = json_set(doc, '$.confidence', 0.01) WHERE seq = (SELECT min(seq) FROM observations)",
  },
  {
    name: 'postgres',
    open: async (): Promise<Store> => {
      schema = freshSchema('inrow');
      const store = await PostgresStore.open({ url: pgUrl, schema });
      sql = async (text) => (await store.pool.query(text)).rows as Record<string, unknown>[];
      return store;
    },
    change:
      "UPDATE observations SET doc = jsonb_set(doc::jsonb, '{confidence}', '0.01')::text WHERE seq = (SELECT min(seq) FROM observations)",
  },
];

async function verify(): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runVerify(
    { url, key: keyFile },
    fetch as unknown as Fetch,
    new Date(DAY30 + 86_400_000),
    (x) => (out += x),
  );
  return { code, out };
}

describe.each(dialects)('entries kept in their rows ($name)', ({ name, open, change }) => {
  let skip = false;
  beforeEach(async () => {
    skip = name === 'postgres' && !(await postgresAvailable());
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'tlog-in-row-'));
    const store = await open();
    s = await testServer({ store, now: DAY30 + 3_600_000 });
    url = await s.app.listen({ port: 0, host: '127.0.0.1' });
    // A uav and a radar 100 m apart within minutes: incidents, corroborated, and violations in the example's zones.
    const items = Array.from({ length: 8 }, (_, i) =>
      obs({ source: i % 2 ? 'radar' : 'uav', sourceId: `o${i}`, at: DAY30 + i * 60_000 }),
    );
    const r = await s.app.inject({
      method: 'POST',
      url: '/v1/observations',
      headers: { authorization: s.auth.monitor },
      payload: items,
    });
    expect(r.statusCode, r.body).toBe(200);
    await logServiceFor(store, s.clock, 'ukraine-2026-illustrative').latest(true);
    keyFile = join(dir, 'server.pub');
    writeFileSync(keyFile, await fetch(`${url}/v1/log/key`).then((x) => x.text()));
  });

  afterEach(async () => {
    if (skip) return;
    await s.close();
    if (schema) await dropSchema(schema);
    schema = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores no second copy of ingest records, and serves bytes that hash to the stored leaves', async () => {
    if (skip) return;
    const rows = (await sql('SELECT kind, entry IS NULL AS "inRow", leaf FROM tlog_entry ORDER BY idx')) as {
      kind: string;
      inRow: number | boolean;
      leaf: Buffer;
    }[];
    expect(new Set(rows.filter((r) => r.inRow).map((r) => r.kind))).toEqual(
      new Set(['observation', 'incident-revision', 'violation']),
    );
    expect(rows.filter((r) => !r.inRow).map((r) => r.kind)).toContain('package-version');
    const served = (await fetch(`${url}/v1/log/entries?start=0&end=${rows.length}`).then((x) => x.json())) as {
      entries: { kind: string; entry: string }[];
    };
    expect(served.entries).toHaveLength(rows.length);
    served.entries.forEach((e, i) => {
      const bytes = Buffer.from(e.entry, 'base64');
      expect(decodeEntry(bytes).ok).toBe(true);
      expect(Buffer.from(hashLeaf(bytes)).equals(rows[i]!.leaf), `entry ${i} (${e.kind})`).toBe(true);
    });
    const v = await verify();
    expect(v.out).toMatch(/log verify: OK/);
    expect(v.code).toBe(0);
  });

  it('a changed row no longer gives the signed root to a remote verifier', async () => {
    if (skip) return;
    await sql(change);
    const v = await verify();
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/do not give the signed root/);
  });

  it('a deleted row is named by index, kind and id', async () => {
    if (skip) return;
    const seq = Number((await sql('SELECT max(seq) AS s FROM observations'))[0]!['s']);
    await sql(`DELETE FROM observations WHERE seq = ${seq}`);
    const v = await verify();
    expect(v.code).toBe(1);
    expect(v.out).toMatch(new RegExp(`entry \\d+: the server no longer holds its record \\(observation ${seq}\\)`));
  });
});
