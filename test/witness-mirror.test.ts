/**
 * The witness's leaf mirror (docs/tlog.md, "What a witness keeps"): every leaf it cosigns, checked against the root
 * before it cosigns; a lost mirror rebuilt, a longer one cut back, a state from before the mirror given one, and
 * leaves that are not the signed tree refused without cosigning (the mirror and the state left as they were); on
 * PostgreSQL too, with an audit anchored on the mirror.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/log.js';
import { runWitness, witnessVkey } from '../src/cli/witness.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { testServer, type TestServer } from './support/app.js';
import { injectFetch } from './support/inject-fetch.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';
import { witnessSigner } from './support/tlog.js';

const dir = mkdtempSync(join(tmpdir(), 'witness-mirror-'));
let s: TestServer;
const w = witnessSigner('witness.example/m');
const state = join(dir, 'm.json');
const mirror = `${state}.leaves`;

beforeAll(async () => {
  s = await testServer({ now: Date.parse('2026-07-01T00:00:00Z') });
  const r = await s.app.inject({
    method: 'POST',
    url: '/v1/log/witnesses',
    headers: { authorization: s.auth.admin },
    payload: { vkey: witnessVkey(w) },
  });
  expect(r.statusCode).toBe(201);
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

let k = 0;
/** Appends `n` entries and signs a checkpoint of them; returns the log's size. */
async function grow(n: number): Promise<number> {
  const r = await s.store.transparencyLog().append(
    Array.from({ length: n }, () => ({
      kind: 'package-version' as const,
      recordId: `m/${k}`,
      record: { package: 'm', version: String(k++), sha256: '00' },
    })),
  );
  const signed = await s.app.inject({
    method: 'POST',
    url: '/v1/log/checkpoint',
    headers: { authorization: s.auth.admin },
  });
  expect(signed.statusCode).toBe(200);
  return r.size;
}

async function poll(): Promise<{ code: number | string; out: string }> {
  let out = '';
  const code = await runWitness(
    {
      url: 'http://guarantor.test/',
      signer: w,
      statePath: state,
      peers: [],
      intervalMs: 1000,
      once: true,
      now: () => new Date(s.clock.now()),
      sleep: async () => undefined,
      write: (x) => (out += x),
    },
    injectFetch(s.app),
  ).catch((e: Error) => e.message);
  return { code, out };
}

const stored = async (size: number) => Buffer.from(await s.store.transparencyLog().leaves(0, size));
const saved = () => JSON.parse(readFileSync(state, 'utf8')) as { size: number; mirror?: { leaves: number } };

describe("a witness's leaf mirror", () => {
  it('holds every leaf it cosigned, in order, extended each poll', async () => {
    const size = await grow(3);
    const first = await poll();
    expect(first.code, first.out).toBe(0);
    expect(saved()).toMatchObject({ size, mirror: { leaves: size } });
    expect(readFileSync(mirror).equals(await stored(size))).toBe(true);
    const more = await grow(25_000); // more than one page of the route
    expect((await poll()).code).toBe(0);
    expect(saved()).toMatchObject({ size: more, mirror: { leaves: more } });
    expect(readFileSync(mirror).equals(await stored(more))).toBe(true);
  });

  it('rebuilds a lost mirror and cuts back one longer than its state', async () => {
    rmSync(mirror);
    const size = await grow(2);
    const r = await poll();
    expect(r.out).toMatch(/the leaf mirror .* holds 0 of \d+ leaves; rebuilding it/);
    expect(readFileSync(mirror).equals(await stored(size))).toBe(true);
    appendFileSync(mirror, Buffer.alloc(64, 7)); // a poll stopped between the mirror and the state
    const next = await grow(1);
    expect((await poll()).code).toBe(0);
    expect(readFileSync(mirror).equals(await stored(next))).toBe(true);
  });

  it('gives a state from before the mirror one at its next poll, with nothing new to cosign', async () => {
    const before = saved();
    const { mirror: _dropped, ...old } = before as { size: number; mirror?: unknown };
    writeFileSync(state, JSON.stringify(old));
    rmSync(mirror);
    expect((await poll()).code).toBe(0);
    expect(saved()).toMatchObject({ size: before.size, mirror: { leaves: before.size } });
    expect(readFileSync(mirror).equals(await stored(before.size))).toBe(true);
  });

  it('does not cosign leaves that are not the signed tree, and keeps its mirror and state', async () => {
    const before = saved();
    const bytes = statSync(mirror).size;
    const size = await grow(4);
    // The server serves a leaf that the signed root does not commit to (its row tampered with, the tree not).
    (s.store as SqliteStore).db
      .prepare('UPDATE tlog_entry SET leaf = ? WHERE idx = ?')
      .run(Buffer.alloc(32, 1), size - 2);
    const r = await poll();
    expect(r.code).toMatch(
      new RegExp(
        `the leaf hashes served for entries ${before.size}\\.\\.${size - 1} do not give the signed root of size ${size}: .*not cosigned`,
      ),
    );
    expect(saved()).toEqual(before);
    expect(statSync(mirror).size).toBe(bytes);
    expect(existsSync(`${state}.tmp`)).toBe(false);
  });
});

describe('on PostgreSQL', () => {
  it('mirrors the leaves, and an audit anchored on the mirror names a leaf rewritten in the database', async () => {
    if (!(await postgresAvailable())) return;
    const schema = freshSchema('wmirror');
    const p = await testServer({
      store: await PostgresStore.open({ url: pgUrl, schema }),
      now: Date.parse('2026-07-01T00:00:00Z'),
    });
    try {
      const pw = witnessSigner('witness.example/pg');
      await p.app.inject({
        method: 'POST',
        url: '/v1/log/witnesses',
        headers: { authorization: p.auth.admin },
        payload: { vkey: witnessVkey(pw) },
      });
      const r = await p.store.transparencyLog().append(
        Array.from({ length: 12 }, (_, i) => ({
          kind: 'package-version' as const,
          recordId: `pg/${i}`,
          record: { package: 'pg', version: String(i), sha256: '00' },
        })),
      );
      await p.app.inject({ method: 'POST', url: '/v1/log/checkpoint', headers: { authorization: p.auth.admin } });
      const pstate = join(dir, 'pg.json');
      let out = '';
      const code = await runWitness(
        {
          url: 'http://guarantor.test/',
          signer: pw,
          statePath: pstate,
          peers: [],
          intervalMs: 1000,
          once: true,
          now: () => new Date(p.clock.now()),
          sleep: async () => undefined,
          write: (x) => (out += x),
        },
        injectFetch(p.app),
      );
      expect(code, out).toBe(0);
      expect(
        readFileSync(`${pstate}.leaves`).equals(Buffer.from(await p.store.transparencyLog().leaves(0, r.size))),
      ).toBe(true);
      const db = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;
      const audit = async () => {
        let text = '';
        const c = await runAudit({ db, witness: [pw.vkey], witnessState: [pstate] }, (x) => (text += x));
        return { c, text };
      };
      expect((await audit()).text).toMatch(/log audit: anchored on witness\.example\/pg/);
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`UPDATE "${schema}".tlog_entry SET leaf = $1 WHERE record_id = 'pg/3'`, [Buffer.alloc(32, 9)]);
      const index = Number(
        (await c.query(`SELECT idx FROM "${schema}".tlog_entry WHERE record_id = 'pg/3'`)).rows[0].idx,
      );
      await c.end();
      const after = await audit();
      expect(after.c).toBe(1);
      expect(after.text).toContain(
        `record-rewritten package-version pg/3: entry ${index} (package-version pg/3) is not the entry witness.example/pg cosigned at size ${r.size}`,
      );
    } finally {
      await p.close();
      await dropSchema(schema);
    }
  });
});
