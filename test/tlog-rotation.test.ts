/**
 * Rotating the log's key (issue 16): `log rotate-key` logs a handover signed by the old key and accepted by the new
 * one, the old key signs its last checkpoint, a server still holding the old key stops signing, and a restart with
 * the key file signs with the new key. Clients that pinned the old key follow the handover (`log verify`, with and
 * without a saved state), the audit verifies every checkpoint against the key in force at its size, a checkpoint
 * the old key signs after its handover is refused, and a new key that appears without a handover is refused.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, runVerify } from '../src/cli/log.js';
import { rotateLogKey } from '../src/cli/log-rotate.js';
import type { Fetch } from '../src/cli/api-client.js';
import { createdRecord, ed25519Signer, logKeyVkey, signCheckpoint } from '../src/core/tlog/index.js';
import { newLogKeyPem, readLogKeyFile, writeLogKeyFile } from '../src/log-key-file.js';
import { logServiceFor } from '../src/server/transparency-log.js';
import { SqliteLog } from '../src/store/sqlite/tlog-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { obs } from './ops/harness.js';
import { testServer, type TestServer } from './support/app.js';
import { DAY30 } from './support/tlog.js';

const dir = mkdtempSync(join(tmpdir(), 'tlog-rotate-'));
const db = join(dir, 'log.db');
const keyFile = join(dir, 'log.key');
const origin = 'guarantor/ukraine-2026-illustrative';
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function server(path = db, key = readLogKeyFile(keyFile)): Promise<{ s: TestServer; url: string }> {
  const s = await testServer({ store: SqliteStore.open({ path }), now: DAY30 + 3_600_000, deps: { log: { key } } });
  servers.push(s);
  return { s, url: await s.app.listen({ port: 0, host: '127.0.0.1' }) };
}

let n = 0;
async function ingest(s: TestServer, count = 3): Promise<void> {
  const items = Array.from({ length: count }, () =>
    obs({ source: 'radar', sourceId: `r${n++}`, at: DAY30 + n * 60_000 }),
  );
  const r = await s.app.inject({
    method: 'POST',
    url: '/v1/observations',
    headers: { authorization: s.auth.monitor },
    payload: items,
  });
  expect(r.statusCode, r.body).toBe(200);
  s.clock.advance(2000);
}

async function verify(url: string, key: string, state?: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runVerify(
    { url, key, ...(state ? { state } : {}) },
    fetch as unknown as Fetch,
    new Date(DAY30 + 86_400_000),
    (s) => (out += s),
  );
  return { code, out };
}

async function audit(path: string, key?: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runAudit({ db: path, ...(key ? { key } : {}) }, (s) => (out += s));
  return { code, out };
}

const oldPub = join(dir, 'old.pub');
const state = join(dir, 'state.json');
let oldVkey = '';
let newVkey = '';
let handover = 0;

beforeAll(async () => {
  writeLogKeyFile(keyFile, newLogKeyPem(), origin, true);
  copyFileSync(keyFile, join(dir, 'old.pem')); // the retired key, as a thief would keep it
  const first = await server();
  await ingest(first.s);
  oldVkey = (await (await fetch(`${first.url}/v1/log/key`)).text()).trim();
  writeFileSync(oldPub, oldVkey);
  expect((await verify(first.url, oldPub, state)).code).toBe(0);

  const r = await rotateLogKey(db, keyFile, DAY30 + 3_700_000);
  expect(r.from).toBe(oldVkey);
  expect(r.warning).toBeUndefined();
  handover = r.index;
  newVkey = r.to;
  expect(logKeyVkey(ed25519Signer(origin, readLogKeyFile(keyFile).privateKey))).toBe(newVkey);

  // The server still holding the old key signs nothing more.
  const svc = logServiceFor(first.s.store, first.s.clock, 'ukraine-2026-illustrative');
  await ingest(first.s);
  const size = (await svc.log.head()).size;
  await svc.latest(true);
  expect(svc.retired).toMatch(/handed over/);
  expect(await svc.log.checkpointAt(size)).toBeUndefined();
  await first.s.close();
});

describe('log rotate-key', () => {
  it('logs the handover, and the old key signs the checkpoint that ends with it', async () => {
    const d = new Database(db, { readonly: true });
    const rows = d.prepare("SELECT idx FROM tlog_entry WHERE kind = 'log-key' ORDER BY idx").all() as { idx: number }[];
    // The key's creation, then its handover: the only two log-key entries (what a start logs before them varies).
    expect(rows.map((x) => x.idx)).toEqual([rows[0]!.idx, handover]);
    expect(rows[0]!.idx).toBeLessThan(handover);
    const cp = d.prepare('SELECT note FROM tlog_checkpoint WHERE size = ?').get(handover + 1) as { note: string };
    d.close();
    const oldKeyId = oldVkey.split('+')[1];
    expect(Buffer.from(cp.note.split('\n— ')[1]!.split(' ')[1]!, 'base64').subarray(0, 4).toString('hex')).toBe(
      oldKeyId,
    );
  });

  it('a restarted server signs with the new key; clients that pinned the old key follow the handover', async () => {
    const next = await server();
    expect((await (await fetch(`${next.url}/v1/log/key`)).text()).trim()).toBe(newVkey);
    await ingest(next.s);
    await next.s.app.inject({
      method: 'POST',
      url: '/v1/log/checkpoint',
      headers: { authorization: next.s.auth.admin },
    });
    const saved = await verify(next.url, oldPub, state);
    expect(saved.code, saved.out).toBe(0);
    expect(saved.out).toMatch(/the log's key was handed over 1 time since the key given; now /);
    expect(JSON.parse(readFileSync(state, 'utf8')).key).toBe(newVkey);
    expect((await verify(next.url, oldPub, state)).code).toBe(0); // from the saved key on
    const fresh = await verify(next.url, oldPub);
    expect(fresh.code, fresh.out).toBe(0);
    expect((await verify(next.url, newVkey)).code).toBe(0);
    await next.s.close();
  });

  it('the audit checks each checkpoint against the key in force at its size', async () => {
    const plain = await audit(db);
    expect(plain.code, plain.out).toBe(0);
    expect((await audit(db, oldPub)).code).toBe(0);
    // The old key signs after its handover (a stolen retired key): refused.
    const copy = join(dir, 'late.db');
    copyFileSync(db, copy);
    const d = new Database(copy);
    const head = d.prepare('SELECT size, root FROM tlog_head').get() as { size: number; root: Buffer };
    const old = ed25519Signer(origin, readFileSync(join(dir, 'old.pem'), 'utf8'));
    const note = signCheckpoint(
      { origin, size: head.size, rootHash: head.root, time: new Date(DAY30), extensions: [] },
      old,
    );
    d.prepare('DELETE FROM tlog_checkpoint WHERE size = ?').run(head.size);
    d.prepare('INSERT INTO tlog_checkpoint (size, root, time, note) VALUES (?, ?, ?, ?)').run(
      head.size,
      head.root,
      DAY30,
      note,
    );
    d.close();
    const late = await audit(copy, oldPub);
    expect(late.code).toBe(1);
    expect(late.out).toMatch(new RegExp(`checkpoint-signature: checkpoint ${head.size}: `));
  });

  it('a key that appears without a handover signed by its predecessor is refused', async () => {
    const copy = join(dir, 'usurped.db');
    copyFileSync(db, copy);
    const pem = newLogKeyPem();
    const usurper = ed25519Signer(origin, pem);
    const store = SqliteStore.open({ path: copy });
    const log = SqliteLog.of(store.db);
    await log.append([
      { kind: 'log-key', recordId: origin, record: { ...createdRecord(origin, logKeyVkey(usurper), new Date(DAY30)) } },
    ]);
    await store.close();
    const fake = join(dir, 'usurper.key');
    writeLogKeyFile(fake, pem, origin, true);
    const u = await server(copy, readLogKeyFile(fake));
    await ingest(u.s);
    await u.s.app.inject({ method: 'POST', url: '/v1/log/checkpoint', headers: { authorization: u.s.auth.admin } });
    const r = await verify(u.url, oldPub);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(
      /TAMPERING: checkpoint: signed by another key than .*, and the log names no handover from the key given/,
    );
    await u.s.close();
    const a = await audit(copy, oldPub);
    expect(a.code).toBe(1);
    expect(a.out).toMatch(/key-mismatch: entry \d+ \(log-key\): the log claims a new key .* without a handover/);
  });
});
