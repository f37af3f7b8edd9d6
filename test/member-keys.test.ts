/**
 * Member key registration (`POST /v1/members/{id}/keys`): only members of the judgment body, only Ed25519 public
 * keys (a private key refused, never stored, never echoed), one active key per member with explicit rotation, and
 * one member per key. Keys given in the server's configuration are registered, and logged, the same way at start.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/log.js';
import { InputError } from '../src/input-error.js';
import { memberKeysFrom, start, type Running } from '../src/main.js';
import { keyFingerprint } from '../src/core/ops/index.js';
import { caseworkFor } from '../src/server/casework.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { examplePackage, testServer, type TestServer } from './support/app.js';

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    raw: publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64'),
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pkcs8Der: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
};

describe('member key registration', () => {
  let s: TestServer;
  beforeEach(async () => {
    s = await testServer();
  });
  afterEach(() => s.close());

  const register = (member: string, payload: Record<string, unknown>, auth = s.auth.admin) =>
    s.app.inject({ method: 'POST', url: `/v1/members/${member}/keys`, headers: { authorization: auth }, payload });
  const listed = async () =>
    (await s.app.inject({ method: 'GET', url: '/v1/members/keys', headers: { authorization: s.auth.analyst } })).json()
      .items as { member: string; fingerprint: string; publicKey: string; revokedAt?: number }[];

  it('refuses ids that are not members of the judgment body, naming the field', async () => {
    for (const id of ['RU', 'ZZ', '%00', 'UA', '*']) {
      const r = await register(id, { publicKey: pair().pub });
      expect(r.statusCode, id).toBe(400);
      expect(r.json(), id).toMatchObject({
        error: 'invalid-params',
        problems: [{ path: 'params.member', reason: 'is not a member of the judgment body' }],
      });
    }
    expect(await listed()).toEqual([]);
  });

  it('refuses a private key (PEM or DER) with a clear error, and neither stores nor echoes it', async () => {
    const p = pair();
    for (const text of [p.pkcs8, p.pkcs8Der]) {
      const r = await register('FR', { publicKey: text });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({
        error: 'private-key',
        message: expect.stringContaining('is a private key: it was not stored'),
        problems: [{ path: 'body.publicKey' }],
      });
      const body = text.replace(/-----[A-Z ]+-----|\s/g, '');
      expect(r.body).not.toContain(body.slice(20, 60));
    }
    expect(await listed()).toEqual([]);
  });

  it('accepts only Ed25519 public keys: SPKI PEM or 32 bytes in base64; stores the SPKI PEM', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    for (const bad of [rsa.toString(), 'hello', '', 'A'.repeat(44), pair().raw.slice(1)]) {
      const r = await register('UK', { publicKey: bad });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().problems[0].path, bad).toBe('body.publicKey');
    }
    const p = pair();
    const r = await register('UK', { publicKey: p.raw });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ member: 'UK', fingerprint: keyFingerprint(p.pub), added: true, revoked: [] });
    expect(await listed()).toEqual([expect.objectContaining({ member: 'UK', publicKey: p.pub })]);
  });

  it('keeps one active key per member: a second is 409 unless rotate is true, which revokes the first', async () => {
    const [a, b] = [pair(), pair()];
    expect((await register('DE', { publicKey: a.pub })).statusCode).toBe(201);
    expect((await register('DE', { publicKey: a.pub })).json()).toMatchObject({ added: false }); // a retry: 200
    const second = await register('DE', { publicKey: b.pub });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: 'member-has-key', problems: [{ path: 'body.rotate' }] });
    s.clock.advance(60_000);
    const rotated = await register('DE', { publicKey: b.pub, rotate: true });
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json().revoked).toEqual([keyFingerprint(a.pub)]);
    // Votes verify under the new key only.
    const voting = await caseworkFor(s.store, examplePackage.model!, s.clock).memberKeys();
    expect(voting.get('DE')).toEqual([b.pub]);
    expect((await listed()).map((k) => [k.fingerprint, k.revokedAt])).toEqual([
      [keyFingerprint(a.pub), s.clock.now()],
      [keyFingerprint(b.pub), undefined],
    ]);
    // The revoked key never comes back.
    const back = await register('DE', { publicKey: a.pub, rotate: true });
    expect([back.statusCode, back.json().error]).toEqual([409, 'member-key-taken']);
  });

  it('revokes a lost key without a replacement: votes stop verifying under it, and a new key then needs no rotation', async () => {
    const [a, b] = [pair(), pair()];
    expect((await register('US', { publicKey: a.pub })).statusCode).toBe(201);
    const revoke = (fingerprint: string, member = 'US') =>
      s.app.inject({
        method: 'DELETE',
        url: `/v1/members/${member}/keys/${encodeURIComponent(fingerprint)}`,
        headers: { authorization: s.auth.admin },
      });
    s.clock.advance(1000);
    const r = await revoke(keyFingerprint(a.pub));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ member: 'US', revokedAt: s.clock.now(), publicKey: a.pub });
    expect((await caseworkFor(s.store, examplePackage.model!, s.clock).memberKeys()).get('US')).toBeUndefined();
    expect([
      (await revoke(keyFingerprint(a.pub))).statusCode,
      (await revoke(keyFingerprint(a.pub))).json().error,
    ]).toEqual([409, 'already-revoked']);
    expect((await revoke(keyFingerprint(a.pub), 'FR')).statusCode).toBe(404);
    expect((await revoke('sha256:nope')).statusCode).toBe(404);
    expect((await register('US', { publicKey: b.pub })).statusCode).toBe(201);
    const again = await s.app.inject({
      method: 'DELETE',
      url: `/v1/members/US/keys/${keyFingerprint(b.pub)}`,
      headers: { authorization: s.auth.member },
    });
    expect(again.statusCode).toBe(403);
  });

  it('registers one public key for one member only', async () => {
    const p = pair();
    expect((await register('FR', { publicKey: p.pub })).statusCode).toBe(201);
    const r = await register('US', { publicKey: p.pub, rotate: true });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({
      error: 'member-key-taken',
      message: expect.stringContaining('registered for FR'),
    });
    expect((await listed()).map((k) => k.member)).toEqual(['FR']);
  });

  it('never shows a private key an older server stored: the list gives the public key derived from it', async () => {
    const p = pair();
    (s.store as SqliteStore).db
      .prepare('INSERT INTO member_keys (member, fingerprint, public_key, created_at) VALUES (?, ?, ?, ?)')
      .run('US', keyFingerprint(p.pub), p.pkcs8, 1);
    const items = await listed();
    expect(items).toEqual([expect.objectContaining({ member: 'US', publicKey: p.pub })]);
    expect(JSON.stringify(items)).not.toContain('PRIVATE');
  });
});

describe('member keys from the configuration (GUARANTOR_MEMBER_KEYS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'member-keys-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const serve = (db: string, memberKeys: { member: string; publicKey: string; source: string }[]) =>
    start({
      packagePath: 'examples/ukraine-2026.yaml',
      db,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      memberKeys,
    });
  const entries = async (r: Running) => {
    const log = r.store.transparencyLog();
    return (await log.entries(0, (await log.head()).size)).filter((e) => e.kind === 'member-key');
  };
  const audit = async (db: string) => {
    let out = '';
    const code = await runAudit({ db }, (x) => (out += x));
    return { code, out };
  };

  it('registers and logs them at start like keys registered through the API, so log audit holds them to the log', async () => {
    const db = join(dir, 'g.db');
    const fr = pair();
    const file = join(dir, 'fr.pub');
    writeFileSync(file, fr.pub);
    const config = memberKeysFrom(`FR=${file}`);
    expect(config).toEqual([{ member: 'FR', publicKey: fr.pub, source: `GUARANTOR_MEMBER_KEYS FR=${file}` }]);
    let r = await serve(db, config);
    const fp = keyFingerprint(fr.pub);
    expect((await entries(r)).map((e) => e.recordId)).toEqual([`FR/${fp}`]);
    expect(
      (await caseworkFor(r.store, examplePackage.model!, { now: () => Date.now() }).memberKeys()).get('FR'),
    ).toHaveLength(1);
    await r.close();
    expect(await audit(db)).toMatchObject({ code: 0, out: expect.stringContaining('log audit: OK') });
    // A restart with the same configuration registers nothing again.
    r = await serve(db, config);
    expect(await entries(r)).toHaveLength(1);
    await r.close();
    // The configured key deleted behind the log's back is named, as any member key is.
    const d = new Database(db);
    d.prepare('DELETE FROM member_keys').run();
    d.close();
    expect((await audit(db)).out).toContain(`record-deleted member-key FR/${fp}`);
  });

  it('refuses to start with a configured key the API would refuse, naming the member and never the key text', async () => {
    const db = join(dir, 'refused.db');
    const p = pair();
    const refused = async (keys: { member: string; publicKey: string; source: string }[]) => {
      const e = await serve(db, keys).then(
        async (r) => {
          await r.close();
          return undefined;
        },
        (x: unknown) => x as Error,
      );
      expect(e).toBeInstanceOf(InputError);
      return e!.message;
    };
    expect(await refused([{ member: 'ZZ', publicKey: p.pub, source: 'cfg' }])).toMatch(
      /cfg: "ZZ" is not a member of the judgment body/,
    );
    const msg = await refused([{ member: 'FR', publicKey: p.pkcs8, source: 'cfg' }]);
    expect(msg).toMatch(/cfg: FR's key is a private key: it was not stored/);
    expect(msg).not.toContain(p.pkcs8.replace(/-----[A-Z ]+-----|\s/g, '').slice(20, 60));
    const r = await serve(db, [{ member: 'FR', publicKey: p.pub, source: 'cfg' }]);
    await r.close();
    expect(await refused([{ member: 'FR', publicKey: pair().pub, source: 'cfg' }])).toMatch(
      /cfg: FR already holds another active key \(sha256:\w+\); rotate it through the API/,
    );
    expect(await refused([{ member: 'US', publicKey: p.pub, source: 'cfg' }])).toMatch(
      /the key sha256:\w+ was registered before for FR/,
    );
    expect(() => memberKeysFrom('FR')).toThrow(/"FR" is not MEMBER=FILE/);
    expect(() => memberKeysFrom(`FR=${join(dir, 'missing.pub')}`)).toThrow(/cannot read/);
  });
});
