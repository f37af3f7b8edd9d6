/**
 * The log's key outside the database (issue 16): a key file created 0600 beside a SQLite file on first start, used
 * again on restart, refused when others may read it; a server whose key is not the log's refuses to start; a
 * PostgreSQL store needs the key configured; a database that still keeps its key in `tlog_key` hands it to the file
 * once (SQLite and PostgreSQL), and no other command may drop it unsaved; `log key` prints it from the file.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { ed25519Signer, logKeyVkey, signCheckpoint } from '../src/core/tlog/index.js';
import { InputError } from '../src/input-error.js';
import { configFrom, start } from '../src/main.js';
import { migrations } from '../src/store/migrations/index.js';
import { MigrationError } from '../src/store/migrations/migration.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'tlog-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pkg = 'examples/ukraine-2026.yaml';
const origin = 'guarantor/ukraine-2026-illustrative';
const serve = (db: string, logKey?: { file: string } | { text: string; source: string }) =>
  start({ packagePath: pkg, db, port: 0, host: '127.0.0.1', logLevel: 'silent', ...(logKey ? { logKey } : {}) });
const keyOf = async (url: string) => (await (await fetch(`${url}/v1/log/key`)).text()).trim();
const newPem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

async function logKeyCommand(args: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    await main(['node', 'guarantor', 'log', 'key', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('the log key file', () => {
  it('is created 0600 beside a SQLite file on first start, reused on restart, and printed by `log key`', async () => {
    const db = join(dir, 'first.db');
    const running = await serve(db);
    const vkey = await keyOf(running.url);
    await running.close();
    const file = `${db}.log-key`;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(new RegExp(`^origin: ${origin}\\n-----BEGIN PRIVATE KEY-----`));
    // Not in the database, in any table.
    const d = new Database(db, { readonly: true });
    expect(d.prepare("SELECT name FROM sqlite_master WHERE name = 'tlog_key'").all()).toEqual([]);
    const pem = text.split('\n').slice(1).join('\n');
    for (const t of d.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
      for (const row of d.prepare(`SELECT * FROM "${t.name}"`).all())
        expect(JSON.stringify(row)).not.toContain(pem.split('\n')[1]!);
    d.close();
    const again = await serve(db);
    expect(await keyOf(again.url)).toBe(vkey);
    await again.close();
    expect((await logKeyCommand(['--db', db])).trim()).toBe(vkey);
    expect((await logKeyCommand(['--log-key-file', file])).trim()).toBe(vkey);
  });

  it('refuses a key file others may read, and a server whose key is not the log key', async () => {
    const db = join(dir, 'second.db');
    await (await serve(db)).close();
    chmodSync(`${db}.log-key`, 0o644);
    await expect(serve(db)).rejects.toThrow(/may be read by others \(mode 0644\): chmod 600/);
    chmodSync(`${db}.log-key`, 0o600);
    const other = serve(db, { text: newPem(), source: 'GUARANTOR_LOG_KEY' });
    await expect(other).rejects.toBeInstanceOf(InputError);
    await expect(other).rejects.toThrow(/this server's log key \(GUARANTOR_LOG_KEY: .*\) is not the log's key/);
    const elsewhere = join(dir, 'elsewhere.key');
    await expect(serve(db, { file: elsewhere })).rejects.toThrow(/is not the log's key/);
    expect(statSync(elsewhere).mode & 0o777).toBe(0o600);
  });

  it('is configured by flag, then GUARANTOR_LOG_KEY_FILE, then GUARANTOR_LOG_KEY; PostgreSQL has no default', () => {
    const base = { package: pkg, db: 'x.db' };
    expect(configFrom({ ...base, logKeyFile: 'a.key' }, { GUARANTOR_LOG_KEY_FILE: 'b.key' }).logKey).toEqual({
      file: 'a.key',
    });
    expect(configFrom(base, { GUARANTOR_LOG_KEY_FILE: 'b.key', GUARANTOR_LOG_KEY: 'pem' }).logKey).toEqual({
      file: 'b.key',
    });
    expect(configFrom(base, { GUARANTOR_LOG_KEY: 'pem' }).logKey).toEqual({
      text: 'pem',
      source: 'GUARANTOR_LOG_KEY',
    });
    expect(configFrom(base, {}).logKey).toEqual({ file: 'x.db.log-key' });
    expect(() => configFrom({ package: pkg, db: 'postgres://u@h/db' }, {})).toThrow(
      /pass --log-key-file FILE \(or GUARANTOR_LOG_KEY_FILE, or the key in GUARANTOR_LOG_KEY\), the same on every server/,
    );
  });
});

/** A database as the previous version left it: migrations before 0010, the key in tlog_key, a checkpoint it signed. */
const before0010 = migrations.filter((m) => m.id < '0010');
function legacyRow(pem: string) {
  const signer = ed25519Signer(origin, pem);
  const root = new Uint8Array(Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'));
  const note = signCheckpoint({ origin, size: 0, rootHash: root, time: new Date(0), extensions: [] }, signer);
  return { vkey: logKeyVkey(signer), note, root };
}

describe('a database that kept its key in tlog_key', () => {
  it('SQLite: the key moves to the key file once, the table is dropped, and the server signs as before', async () => {
    const db = join(dir, 'legacy.db');
    const pem = newPem();
    const { vkey, note, root } = legacyRow(pem);
    const old = SqliteStore.open({ path: db, migrations: before0010 });
    old.db
      .prepare('INSERT INTO tlog_key (id, origin, private_pem, vkey, created_at) VALUES (1, ?, ?, ?, 0)')
      .run(origin, pem, vkey);
    old.db.prepare('INSERT INTO tlog_checkpoint (size, root, time, note) VALUES (0, ?, 0, ?)').run(root, note);
    await old.close();
    // Another command (no carry-out) is refused, and drops nothing.
    expect(() => SqliteStore.open({ path: db })).toThrow(MigrationError);
    expect(() => SqliteStore.open({ path: db })).toThrow(/start `guarantor serve` on it once/);
    // A key file holding another key: refused naming both, the table kept.
    const wrong = join(dir, 'wrong.key');
    writeFileSync(wrong, newPem(), { mode: 0o600 });
    await expect(serve(db, { file: wrong })).rejects.toThrow(/holds the log key .* in its tlog_key table, but/);
    const running = await serve(db);
    expect(await keyOf(running.url)).toBe(vkey);
    await running.close();
    expect(readFileSync(`${db}.log-key`, 'utf8')).toBe(`origin: ${origin}\n${pem}`);
    expect(statSync(`${db}.log-key`).mode & 0o777).toBe(0o600);
    const d = new Database(db, { readonly: true });
    expect(d.prepare("SELECT name FROM sqlite_master WHERE name = 'tlog_key'").all()).toEqual([]);
    expect(d.prepare("SELECT count(*) AS n FROM tlog_entry WHERE kind = 'log-key'").get()).toEqual({ n: 1 });
    d.close();
  });

  it('PostgreSQL: the same, with the key file the configuration names', async () => {
    if (!(await postgresAvailable())) return;
    const schema = freshSchema('tlogkey');
    try {
      const pem = newPem();
      const { vkey, note, root } = legacyRow(pem);
      const old = await PostgresStore.open({ url: pgUrl, schema, migrations: before0010 });
      await old.pool.query(
        'INSERT INTO tlog_key (id, origin, private_pem, vkey, created_at) VALUES (1, $1, $2, $3, 0)',
        [origin, pem, vkey],
      );
      await old.pool.query('INSERT INTO tlog_checkpoint (size, root, time, note) VALUES (0, $1, 0, $2)', [
        Buffer.from(root),
        note,
      ]);
      await old.close();
      await expect(PostgresStore.open({ url: pgUrl, schema })).rejects.toThrow(MigrationError);
      const url = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;
      const file = join(dir, 'pg.key');
      const running = await serve(url, { file });
      expect(await keyOf(running.url)).toBe(vkey);
      await running.close();
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      const r = await c.query(
        'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
        [schema, 'tlog_key'],
      );
      await c.end();
      expect(r.rows[0].n).toBe(0);
    } finally {
      await dropSchema(schema);
    }
  });
});
