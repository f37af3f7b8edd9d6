/**
 * Issue 16, "everything that decides an outcome is in the log and provable" and "transparent but not indiscreet":
 *
 * The timers and the public-read tests run on SQLite and PostgreSQL (GUARANTOR_PG_URL).
 *
 * - the timers table is a cache of the log: deleted rows (twice, in the judgment window and between escalation
 *   steps), a timer marked fired without its effect, a time moved: after a restart every default and escalation
 *   still fires once, at its time;
 * - an admin key inserted and a member's key swapped straight in the database: `log audit` names both (and the vote
 *   the swapped key no longer verifies); a vote edited with its entry and the tree recomputed: the audit names it;
 * - an unauthenticated reader of the log during an open case sees no vote choice and no raw observation field;
 *   after the decision the votes are revealed and `log verify-votes` checks them against their commitments and the
 *   members' signatures.
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runAudit, runVerifyVotes } from '../src/cli/log.js';
import { keyFingerprint, signVote, type VoteStatement } from '../src/core/ops/index.js';
import type { ObservationInput } from '../src/core/ops/index.js';
import { CompactRange, decodeEntry, encodeEntry, hashLeaf, isSealed, type JsonValue } from '../src/core/tlog/index.js';
import { DAY, HOUR, MINUTE } from '../src/core/spec/units.js';
import { generateKey } from '../src/server/api-keys.js';
import type { Store } from '../src/core/ports/store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';
import { obs } from './ops/harness.js';
import { testServer, type TestServer } from './support/app.js';
import { injectFetch as injectAppFetch } from './support/inject-fetch.js';

const DAY30 = Date.parse('2026-06-01T00:00:00Z') + 30 * DAY;
const place = (k: number) => ({ lon: 37.3 - k * 0.01, lat: 48.3, radius: 300 });
/** Source ids no other field holds, so a leak of a raw observation is found by searching for them. */
const shelling = (id: string, t: number, k: number): ObservationInput[] => [
  obs({ source: 'radar', sourceId: `rawid-${id}r`, at: t, confidence: 0.9, location: place(k) }),
  obs({ source: 'acoustic', sourceId: `rawid-${id}a`, at: t + MINUTE, confidence: 0.9, location: place(k) }),
];
const OPEN = DAY30 + 9 * HOUR + 30 * MINUTE;

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  servers = [];
});

interface Member {
  pem: string;
  pub: string;
  auth: string;
}

/**
 * Where a test's database lives: a SQLite file, or a PostgreSQL schema (the timers and public-read tests run on
 * both). `db` is what `log audit --db` takes; `exec` runs the operator's statements on it.
 */
interface Db {
  db: string;
  open(): Promise<Store>;
  exec(...statements: string[]): Promise<void>;
}

function sqliteDb(file: string): Db {
  return {
    db: file,
    open: async () => SqliteStore.open({ path: file }),
    exec: async (...statements) => sql(file, ...statements),
  };
}

const schemas: string[] = [];
afterAll(async () => {
  for (const x of schemas) await dropSchema(x);
});

async function postgresDb(): Promise<Db> {
  const schema = freshSchema('trust');
  schemas.push(schema);
  return {
    db: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`,
    open: () => PostgresStore.open({ url: pgUrl, schema }),
    exec: async (...statements) => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      try {
        await c.query(`SET search_path TO "${schema}"`);
        for (const q of statements) await c.query(q);
      } finally {
        await c.end();
      }
    },
  };
}

const dialects = [
  { name: 'SQLite', make: async () => sqliteDb(join(mkdtempSync(join(tmpdir(), 'trust-record-')), 'g.db')) },
  { name: 'PostgreSQL', make: async () => ((await postgresAvailable()) ? postgresDb() : undefined) },
];

async function start(file: string | Db, now: number): Promise<TestServer> {
  const store = typeof file === 'string' ? SqliteStore.open({ path: file }) : await file.open();
  const s = await testServer({ store, now });
  servers.push(s);
  await s.app.ready();
  return s;
}

async function stop(s: TestServer): Promise<void> {
  await s.close();
  servers = servers.filter((x) => x !== s);
}

/** A server on a file with the case opened by three corroborated shellings; FR, UK, DE, US, CMM keyed members. */
async function withCase(where?: Db) {
  const db = where ?? sqliteDb(join(mkdtempSync(join(tmpdir(), 'trust-record-')), 'g.db'));
  const file = db.db;
  const s = await start(where ?? file, OPEN);
  const members: Record<string, Member> = {};
  for (const m of ['FR', 'UK', 'DE', 'US', 'CMM']) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const k = generateKey(m, 'member', `${m} member`, s.clock.now());
    await s.store.createApiKey(k.record);
    members[m] = {
      pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      auth: `Bearer ${k.key}`,
    };
    const r = await s.app.inject({
      method: 'POST',
      url: `/v1/members/${m}/keys`,
      headers: { authorization: s.auth.admin },
      payload: { publicKey: members[m]!.pub },
    });
    expect(r.statusCode).toBe(201);
  }
  const de = generateKey('DE', 'monitor', 'DE monitor', s.clock.now());
  await s.store.createApiKey(de.record);
  const all = [
    ...shelling('a', DAY30 + HOUR, 0),
    ...shelling('b', DAY30 + 5 * HOUR, 1),
    ...shelling('c', DAY30 + 9 * HOUR, 2),
  ];
  const post = (items: ObservationInput[], auth: string) =>
    s.app.inject({ method: 'POST', url: '/v1/observations', headers: { authorization: auth }, payload: items });
  expect(
    (
      await post(
        all.filter((o) => o.source === 'radar'),
        s.auth.monitor,
      )
    ).statusCode,
  ).toBe(200);
  // A checkpoint between the two batches, as the server signs one within a second of an append.
  const signed = await s.app.inject({
    method: 'POST',
    url: '/v1/log/checkpoint',
    headers: { authorization: s.auth.admin },
  });
  expect(signed.statusCode).toBe(200);
  expect(
    (
      await post(
        all.filter((o) => o.source === 'acoustic'),
        `Bearer ${de.key}`,
      )
    ).json(),
  ).toMatchObject({
    cases: 1,
  });
  const cases = (
    await s.app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: s.auth.analyst } })
  ).json().items;
  // The casework adopts the case (its file, its timers) on the first judgment read.
  expect((await get(s, `/v1/cases/${cases[0].id}/judgment`, s.auth.analyst)).statusCode).toBe(200);
  return { s, file, db, members, caseId: cases[0].id as string, openedAt: cases[0].openedAt as number };
}

let nonce = 0;
function cast(s: TestServer, caseId: string, member: string, m: Member, choice: VoteStatement['choice'], reason = '') {
  const st: VoteStatement = {
    type: 'guarantor/vote/v1',
    package: 'ukraine-2026-illustrative',
    version: '0.3',
    case: caseId,
    member,
    choice,
    reason,
    time: new Date(s.clock.now()).toISOString(),
    nonce: (++nonce).toString(16).padStart(32, 'a'),
  };
  return s.app.inject({
    method: 'POST',
    url: `/v1/cases/${caseId}/votes`,
    headers: { authorization: m.auth },
    payload: signVote(st, m.pem) as unknown as Record<string, unknown>,
  });
}

const get = (s: TestServer, url: string, auth?: string) =>
  s.app.inject({ method: 'GET', url, headers: auth ? { authorization: auth } : {} });

function sql(file: string, ...statements: string[]): void {
  const db = new Database(file);
  try {
    for (const q of statements) db.exec(q);
  } finally {
    db.close();
  }
}

async function audit(db: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runAudit({ db }, (x) => (out += x));
  return { code, out };
}

const injectFetch = (s: TestServer) => injectAppFetch(s.app);

type Task = { id: string; dueAt: number | null; overdue: boolean; escalations: { index: number; at: number }[] };

describe.each(dialects)('timers come from the log ($name)', ({ make }) => {
  it('deleted, suppressed or moved timer rows change nothing: every default and escalation fires once, at its time', async () => {
    const where = await make();
    if (!where) return;
    const { s, file, db, caseId } = await withCase(where);
    const pending = await s.store.casework().pendingTimers();
    expect(pending.map((t) => t.key)).toContain(`judgment:${caseId}`);
    await stop(s);

    // The operator deletes every timer; the server restarts an hour later.
    await db.exec('DELETE FROM timers');
    let t = await start(db, OPEN + HOUR);
    expect(await t.store.casework().pendingTimers()).toEqual(pending);
    const judgment = async () => (await get(t, `/v1/cases/${caseId}/judgment`, t.auth.analyst)).json();
    t.clock.set(OPEN + 48 * HOUR - 1);
    expect((await judgment()).outcome).toBeUndefined();
    t.clock.set(OPEN + 48 * HOUR);
    expect((await judgment()).outcome).toMatchObject({ result: 'defaulted', at: OPEN + 48 * HOUR });
    const tasks = async (): Promise<Task[]> => (await get(t, `/v1/cases/${caseId}/tasks`, t.auth.analyst)).json().items;
    /** What the package says at `now`: each task overdue from its due time, each escalation step at due + after. */
    const steps = [0, 24 * HOUR, 72 * HOUR];
    const expectOnTime = async (now: number) => {
      t.clock.set(now);
      for (const x of await tasks()) {
        if (x.dueAt === null) continue;
        expect(x.overdue, `${x.id} at ${now - x.dueAt}`).toBe(x.dueAt <= now);
        const want = x.dueAt <= now ? steps.filter((a) => x.dueAt! + a <= now).map((a, i) => [i, x.dueAt! + a]) : [];
        expect(x.escalations.map((e) => [e.index, e.at])).toEqual(want);
      }
    };
    const dues = [...new Set((await tasks()).flatMap((x) => (x.dueAt === null ? [] : [x.dueAt])))].sort(
      (a, b) => a - b,
    );
    expect(dues.length).toBeGreaterThan(1);
    const [due, due2] = dues as [number, number];
    await stop(t);

    // Again before the first task falls due, and this time one timer is also marked fired without its effect and
    // another moved a day later.
    await db.exec('DELETE FROM timers');
    t = await start(db, due - MINUTE);
    const timers = await t.store.casework().pendingTimers();
    await stop(t);
    const suppressed = timers.find((x) => x.kind === 'task-due' && x.at === due)!.key;
    const moved = timers.find((x) => x.kind === 'task-due' && x.at === due2)!.key;
    await db.exec(
      `UPDATE timers SET fired_at = ${due - MINUTE} WHERE key = '${suppressed}'`,
      `UPDATE timers SET at = at + ${DAY} WHERE key = '${moved}'`,
    );
    const found = await audit(file);
    expect(found.out).toContain(`timer-suppressed timer ${suppressed}`);
    expect(found.out).toContain(`record-changed timer ${moved}: timer ${moved} (timers) differs from its entry`);
    expect(found.out).toMatch(/\(timer\.at: stored \d+, logged \d+\)/);
    t = await start(db, due - MINUTE);
    await expectOnTime(due - 1);
    await expectOnTime(due);
    await expectOnTime(due2);
    await stop(t);

    // And between escalation steps.
    await db.exec('DELETE FROM timers');
    t = await start(db, due2 + MINUTE);
    const later = [due2 + 24 * HOUR - 1, due2 + 24 * HOUR, due2 + 72 * HOUR - 1, due2 + 72 * HOUR];
    for (const now of later) await expectOnTime(now);
    // Once: one judgment in the timeline, and the audit finds the store and the log agree.
    const timeline = (await get(t, `/v1/cases/${caseId}/timeline`, t.auth.analyst)).json();
    expect(timeline.entries.filter((e: { kind: string }) => e.kind === 'judgment')).toHaveLength(1);
    await stop(t);
    expect((await audit(file)).out).toMatch(/log audit: OK/);
  });
});

describe('keys and votes are on the record', () => {
  it('logs a key revoked by rotation or by DELETE as revoked, in its transaction: the audit holds member_keys to the log', async () => {
    const { s, file, members } = await withCase();
    const admin = { authorization: s.auth.admin };
    const fresh = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    s.clock.advance(HOUR);
    const rotated = await s.app.inject({
      method: 'POST',
      url: '/v1/members/FR/keys',
      headers: admin,
      payload: { publicKey: fresh, rotate: true },
    });
    expect(rotated.json().revoked).toEqual([keyFingerprint(members['FR']!.pub)]);
    s.clock.advance(HOUR);
    const uk = encodeURIComponent(keyFingerprint(members['UK']!.pub));
    expect(
      (await s.app.inject({ method: 'DELETE', url: `/v1/members/UK/keys/${uk}`, headers: admin })).statusCode,
    ).toBe(200);
    await stop(s);
    const r = await audit(file);
    expect(r.out).toMatch(/log audit: OK/);
    expect(r.code).toBe(0);
  });

  it('names an inserted admin key, a swapped member key, and a vote edited with its entry and the tree recomputed', async () => {
    const { s, file, members, caseId } = await withCase();
    s.clock.advance(HOUR);
    expect((await cast(s, caseId, 'FR', members['FR']!, 'declare')).statusCode).toBe(200);
    expect((await cast(s, caseId, 'US', members['US']!, 'dismiss', 'attribution unclear')).statusCode).toBe(200);
    await stop(s);
    const clean = await audit(file);
    expect(clean.out).toMatch(/log audit: OK/);

    // An admin key inserted behind the log, and FR's key swapped for the operator's own.
    const keys = join(file, '..', 'keys.db');
    copyFileSync(file, keys);
    const rogue = generateKey('*', 'admin', 'rogue', OPEN);
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    sql(
      keys,
      `INSERT INTO api_keys (id, hash, actor, role, label, created_at) VALUES ('${rogue.record.id}', '${rogue.record.hash}', '*', 'admin', 'x', ${OPEN})`,
      `UPDATE member_keys SET public_key = '${pem}', fingerprint = '${keyFingerprint(pem)}' WHERE member = 'FR'`,
    );
    const r = await audit(keys);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`record-unlogged api-key ${rogue.record.id}: api-key ${rogue.record.id} (api_keys)`);
    expect(r.out).toContain(`record-unlogged member-key FR/${keyFingerprint(pem)}`);
    expect(r.out).toContain(`record-deleted member-key FR/${keyFingerprint(members['FR']!.pub)}`);
    expect(r.out).toMatch(new RegExp(`vote-signature vote ${caseId}/vote/1: .*does not verify under FR's key`));

    // A role changed in place is named with what differs.
    const role = join(file, '..', 'role.db');
    copyFileSync(file, role);
    sql(role, "UPDATE api_keys SET role = 'admin' WHERE role = 'monitor'");
    expect((await audit(role)).out).toMatch(/record-changed api-key \w+: .*role: stored "admin", logged "monitor"/);

    // The operator flips US's vote to declare in the case file and rewrites its entry, leaf, nodes and head: every
    // hash agrees again, but US never signed that vote.
    const flip = join(file, '..', 'flip.db');
    copyFileSync(file, flip);
    const db = new Database(flip);
    const row = db.prepare('SELECT doc FROM case_files WHERE case_id = ?').get(caseId) as { doc: string };
    const doc = JSON.parse(row.doc);
    doc.judgment.votes[1].choice = 'declare';
    db.prepare('UPDATE case_files SET doc = ? WHERE case_id = ?').run(JSON.stringify(doc), caseId);
    const vote = db
      .prepare("SELECT idx, entry FROM tlog_entry WHERE kind = 'vote' AND record_id = ?")
      .get(`${caseId}/vote/2`) as { idx: number; entry: Buffer };
    const { salt, ...v } = doc.judgment.votes[1];
    const { publicEntry } = await import('../src/store/log-entries.js');
    const rewritten = publicEntry({
      kind: 'vote',
      recordId: `${caseId}/vote/2`,
      record: { case: caseId, vote: v } as { [k: string]: JsonValue },
      salt,
    });
    const bytes = encodeEntry('vote', rewritten.record);
    db.prepare('UPDATE tlog_entry SET entry = ?, leaf = ? WHERE idx = ?').run(bytes, hashLeaf(bytes), vote.idx);
    recomputeTree(db);
    db.close();
    const f = await audit(flip);
    expect(f.out).toMatch(new RegExp(`vote-signature vote ${caseId}/vote/2: .*says dismiss, the record says declare`));
    expect(f.out).not.toMatch(/record-changed|node-mismatch|head-mismatch/);
  });
});

describe('a rewrite the operator cannot sign over', () => {
  it('names the observation edited with its leaf, nodes and head recomputed, from the checkpoints signed around it', async () => {
    const { s, file } = await withCase();
    // The checkpoint over everything, signed before the edit.
    expect(
      (await s.app.inject({ method: 'POST', url: '/v1/log/checkpoint', headers: { authorization: s.auth.admin } }))
        .statusCode,
    ).toBe(200);
    await stop(s);
    expect((await audit(file)).out).toMatch(/log audit: OK/);
    const db = new Database(file);
    const row = db.prepare('SELECT * FROM observations WHERE seq = 5').get() as Record<string, unknown>;
    const doc = JSON.parse(String(row['doc']));
    doc.confidence = 0.2; // the operator weakens DE's corroboration of the second strike
    const { observationEntry, publicEntry, entryBytes, leafKey } = await import('../src/store/log-entries.js');
    const text = JSON.stringify(Object.fromEntries(Object.entries(doc).sort(([a], [b]) => (a < b ? -1 : 1))));
    db.prepare('UPDATE observations SET doc = ? WHERE seq = 5').run(text);
    const e = publicEntry(
      observationEntry(
        5,
        Number(row['received_at']),
        String(row['submitted_by']),
        JSON.parse(text),
        String(row['salt']),
      ),
    );
    const leaf = hashLeaf(entryBytes(e)!);
    db.prepare("UPDATE tlog_entry SET leaf = ?, leaf_key = ? WHERE kind = 'observation' AND record_id = '5'").run(
      leaf,
      leafKey(leaf),
    );
    recomputeTree(db, false);
    db.close();
    const r = await audit(file);
    expect(r.out).not.toMatch(/record-changed|node-mismatch|head-mismatch/);
    expect(r.out).toMatch(
      /record-rewritten: entries \d+\.\.\d+ were rewritten after checkpoint \d+ was signed .*\d+ observation 5,/,
    );
  });
});

/** Rewrites every stored node and the head from the stored leaves, as an operator covering an edit would. */
function recomputeTree(db: Database.Database, dropCheckpoints = true): void {
  const leaves = (db.prepare('SELECT leaf FROM tlog_entry ORDER BY idx').all() as { leaf: Buffer }[]).map(
    (r) => new Uint8Array(r.leaf),
  );
  const range = new CompactRange();
  db.exec('DELETE FROM tlog_node');
  const ins = db.prepare('INSERT INTO tlog_node (level, idx, hash) VALUES (?, ?, ?)');
  for (const b of range.append(leaves))
    if (b.level > 0)
      for (let j = 0; j < b.count; j++) ins.run(b.level, b.start + j, b.hashes.subarray(j * 32, (j + 1) * 32));
  db.prepare('UPDATE tlog_head SET size = ?, root = ? WHERE id = 1').run(range.size, range.root());
  if (dropCheckpoints) db.exec('DELETE FROM tlog_checkpoint; DELETE FROM tlog_cosignature');
}

describe.each(dialects)('transparent but not indiscreet ($name)', ({ make }) => {
  it('the public reads no vote choice and no raw observation while the case is open; after the decision every vote verifies', async () => {
    const where = await make();
    if (!where) return;
    const { s, members, caseId } = await withCase(where);
    s.clock.advance(HOUR);
    const reason = 'the-reason-only-FR-knows';
    expect((await cast(s, caseId, 'FR', members['FR']!, 'declare', reason)).statusCode).toBe(200);
    expect((await cast(s, caseId, 'US', members['US']!, 'dismiss')).statusCode).toBe(200);
    // A refused vote: FR again, after voting (changes are allowed, so cast as a non-member key's owner instead).
    const size = (await get(s, '/v1/log/checkpoint')).body.split('\n')[1]!;
    expect(Number(size)).toBeGreaterThan(20);

    const everything = async (auth?: string) => {
      const n = Number((await get(s, '/v1/log/checkpoint')).body.split('\n')[1]);
      const e = (await get(s, `/v1/log/entries?start=0&end=${n}`, auth)).json().entries as {
        kind: string;
        recordId: string;
        entry: string;
      }[];
      const c = (await get(s, `/v1/log/contents?start=0&end=${n}`, auth)).json();
      const proof = (await get(s, `/v1/log/proof/inclusion?kind=vote&id=${caseId}/vote/1`, auth)).body;
      return {
        e,
        c,
        text: JSON.stringify(e.map((x) => Buffer.from(x.entry, 'base64').toString())) + JSON.stringify(c) + proof,
      };
    };
    const open = await everything();
    // Every observation and vote entry is a commitment.
    for (const x of open.e.filter((y) => y.kind === 'observation' || y.kind === 'vote')) {
      const d = decodeEntry(new Uint8Array(Buffer.from(x.entry, 'base64')));
      expect(d.ok && isSealed(d.entry.record), `${x.kind} ${x.recordId}`).toBe(true);
    }
    expect(open.e.filter((y) => y.kind === 'vote')).toHaveLength(2);
    for (const leak of ['rawid-', reason, '"choice"', 'signature', 'nonce'])
      expect(open.text, leak).not.toContain(leak);
    expect(open.c.contents).toEqual([]);
    expect(open.c.withheld.map((w: { kind: string }) => w.kind)).toContain('vote');

    // An analyst reads the observations, not the votes; an auditor reads both, and every opening verifies.
    const analyst = await everything(s.auth.analyst);
    expect(analyst.c.contents.some((c: { kind: string }) => c.kind === 'observation')).toBe(true);
    expect(analyst.c.contents.some((c: { kind: string }) => c.kind === 'vote')).toBe(false);
    // The mission's monitor key (its duty officer's) reads the findings and the case opening, never a raw
    // observation nor an open vote: those rules hold for it as for a guarantor.
    const mission = await everything(s.auth.monitor);
    const kinds = new Set(mission.c.contents.map((c: { kind: string }) => c.kind));
    expect(kinds.has('violation')).toBe(true);
    expect(kinds.has('observation')).toBe(false);
    expect(kinds.has('vote')).toBe(false);
    expect(mission.c.withheld.find((w: { kind: string }) => w.kind === 'observation').reason).toBe(
      'observation records are read by analyst, admin, auditor keys',
    );
    const auditor = await everything(s.auth.auditor);
    expect(auditor.c.contents.filter((c: { kind: string }) => c.kind === 'vote')).toHaveLength(2);
    expect(auditor.c.withheld).toEqual([]);
    const { vkey } = (await get(s, '/v1/log/key')).body.trim()
      ? { vkey: (await get(s, '/v1/log/key')).body.trim() }
      : { vkey: '' };
    const votes = async (apiKey?: string) => {
      let out = '';
      const code = await runVerifyVotes(
        { url: 'http://guarantor.test/', key: vkey, ...(apiKey ? { apiKey } : {}) },
        injectFetch(s),
        new Date(s.clock.now()),
        (x) => (out += x),
      );
      return { code, out };
    };
    expect(await votes()).toMatchObject({ code: 0, out: expect.stringContaining('0 votes verified') });
    expect((await votes()).out).toContain('2 sealed (case open)');
    expect((await votes(s.keys.auditor)).out).toContain('2 votes verified');

    // Decided: DE and UK declare; the public now reads every vote, and each verifies.
    s.clock.advance(HOUR);
    expect((await cast(s, caseId, 'DE', members['DE']!, 'declare')).statusCode).toBe(200);
    expect((await cast(s, caseId, 'UK', members['UK']!, 'declare')).statusCode).toBe(200);
    expect((await get(s, `/v1/cases/${caseId}/judgment`, s.auth.analyst)).json().outcome).toMatchObject({
      result: 'declared',
    });
    const after = await everything();
    const revealed = after.c.contents.filter((c: { kind: string }) => c.kind === 'vote');
    expect(revealed).toHaveLength(4);
    expect(revealed[0].record.vote).toMatchObject({ member: 'FR', choice: 'declare', reason });
    expect(after.text).not.toContain('rawid-');
    const r = await votes();
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('4 votes verified') });
  });
});

describe('records logged in the clear before sealing', () => {
  it('are withheld from the public by leaf hash, served to who may read them, and log verify still holds', async () => {
    const s = await testServer({ store: SqliteStore.open({ path: ':memory:' }), now: OPEN });
    servers.push(s);
    await s.app.ready();
    const old = { seq: 999, receivedAt: OPEN, submittedBy: 'k1', observation: { sourceId: 'rawid-old' } };
    const { start } = await s.store.transparencyLog().append([{ kind: 'observation', recordId: '999', record: old }]);
    const n = start + 1;
    const [e] = (await get(s, `/v1/log/entries?start=${start}&end=${n}`)).json().entries;
    expect(e).toMatchObject({ index: start, kind: 'observation', entry: '', withheld: 'restricted-record' });
    const bytes = encodeEntry('observation', old);
    expect(e.leaf).toBe(Buffer.from(hashLeaf(bytes)).toString('base64'));
    expect((await get(s, `/v1/log/contents?start=${start}&end=${n}`)).json()).toMatchObject({
      contents: [],
      withheld: [{ index: start }],
    });
    expect((await get(s, `/v1/log/contents?start=${start}&end=${n}`, s.auth.analyst)).json().contents).toEqual([
      { index: start, kind: 'observation', recordId: '999', entry: Buffer.from(bytes).toString('base64') },
    ]);
    const { runVerify } = await import('../src/cli/log.js');
    let out = '';
    const code = await runVerify(
      { url: 'http://guarantor.test/', key: (await get(s, '/v1/log/key')).body.trim() },
      injectFetch(s),
      new Date(s.clock.now()),
      (x) => (out += x),
    );
    expect(out).toContain('(1 withheld from the public, by leaf hash)');
    expect(code).toBe(0);
  });
});

describe('a store from before migration 0015', () => {
  it('logs the API keys, member keys and timers it held at the next start, and the audit then holds them to the log', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'trust-record-old-')), 'g.db');
    const { migrations } = await import('../src/store/migrations/index.js');
    const old = SqliteStore.open({ path: file, migrations: migrations.filter((m) => m.id < '0015') });
    await old.close();
    const k = generateKey('UK', 'guarantor', 'old key', OPEN);
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    sql(
      file,
      `INSERT INTO api_keys (id, hash, actor, role, label, created_at) VALUES ('${k.record.id}', '${k.record.hash}', 'UK', 'guarantor', 'old', ${OPEN})`,
      `INSERT INTO member_keys (member, fingerprint, public_key, created_at) VALUES ('FR', '${keyFingerprint(pem)}', '${pem}', ${OPEN})`,
      `INSERT INTO timers (key, case_id, kind, rank, step, at, task_id) VALUES ('judgment:c-old', 'c-old', 'judgment-deadline', 0, 0, ${OPEN + DAY}, NULL)`,
    );
    // Migrated but not yet started: the rows are not in the log.
    const s0 = SqliteStore.open({ path: file });
    await s0.close();
    const before = await audit(file);
    expect(before.out).toContain(`record-unlogged api-key ${k.record.id}`);
    expect(before.out).toContain(`record-unlogged member-key FR/${keyFingerprint(pem)}`);
    expect(before.out).toContain('record-unlogged timer judgment:c-old');
    const s = await start(file, OPEN);
    expect(await s.store.casework().pendingTimers()).toMatchObject([{ key: 'judgment:c-old', at: OPEN + DAY }]);
    await stop(s);
    const after = await audit(file);
    expect(after.out).not.toMatch(/record-unlogged|record-changed|record-deleted/);
    expect(after.out).toMatch(/log audit: OK/);
  });
});
