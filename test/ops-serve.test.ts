/** The composition root and the serve/apikey commands: configuration precedence, bootstrap key, a real listen. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main as cli } from '../src/cli/main.js';
import { InputError } from '../src/input-error.js';
import { configFrom, ensureAdmin, start } from '../src/main.js';
import { generateKey, hashKey } from '../src/server/api-keys.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { splitSchema } from '../src/store/open.js';
import { serverNodeFlags } from './support/child.js';

const dir = mkdtempSync(join(tmpdir(), 'guarantor-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('configuration', () => {
  it('takes flags before the environment, with documented defaults', () => {
    expect(configFrom({ package: 'p.yaml' }, {})).toEqual({
      packagePath: 'p.yaml',
      db: 'data/guarantor.db',
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'warn',
      logKey: { file: 'data/guarantor.db.log-key' },
    });
    const env = {
      GUARANTOR_LOG_KEY_FILE: '/etc/guarantor/log.key',
      DATABASE_URL: 'postgres://x@h/db',
      PORT: '9000',
      HOST: '0.0.0.0',
      GUARANTOR_PACKAGE: 'env.yaml',
      GUARANTOR_SQLITE_SYNC: 'normal',
      GUARANTOR_LOG_LEVEL: 'info',
    };
    expect(configFrom({}, env)).toMatchObject({
      packagePath: 'env.yaml',
      db: 'postgres://x@h/db',
      port: 9000,
      host: '0.0.0.0',
      synchronous: 'normal',
      logLevel: 'info',
      logKey: { file: '/etc/guarantor/log.key' },
    });
    expect(configFrom({ package: 'f.yaml', db: 'f.db', port: '1', host: '::1' }, env)).toMatchObject({
      packagePath: 'f.yaml',
      db: 'f.db',
      port: 1,
      host: '::1',
    });
  });

  it('refuses bad values with a usage error naming them', () => {
    expect(() => configFrom({}, {})).toThrow(/--package/);
    expect(() => configFrom({ package: 'p', port: 'eighty' }, {})).toThrow(InputError);
    expect(() => configFrom({ package: 'p', port: '70000' }, {})).toThrow(/--port/);
    expect(() => configFrom({ package: 'p' }, { GUARANTOR_SQLITE_SYNC: 'off' })).toThrow(/GUARANTOR_SQLITE_SYNC/);
  });

  it('reads a PostgreSQL schema from the URL and strips it before connecting', () => {
    expect(splitSchema('postgres://u@h:5432/db?schema=s1&sslmode=disable')).toEqual({
      url: 'postgres://u@h:5432/db?sslmode=disable',
      schema: 's1',
    });
    expect(splitSchema('postgres://u@h/db')).toEqual({ url: 'postgres://u@h/db' });
  });
});

describe('bootstrap admin key', () => {
  it('is created once when no admin exists, stored only as a hash', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const key = await ensureAdmin(store, 1);
    expect(key).toMatch(/^gk_[0-9a-f]{12}_/);
    const [record] = await store.listApiKeys();
    expect(record).toMatchObject({ role: 'admin', actor: '*', hash: hashKey(key!) });
    expect(JSON.stringify(await store.listApiKeys())).not.toContain(key);
    expect(await ensureAdmin(store, 2)).toBeUndefined();
    expect(await store.listApiKeys()).toHaveLength(1);
    await store.close();
  });

  it('comes from GUARANTOR_ADMIN_KEY when given, and must be in key format', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const given = generateKey('*', 'admin', '', 0).key;
    await expect(ensureAdmin(store, 1, 'hunter2')).rejects.toThrow(/not an API key/);
    expect(await ensureAdmin(store, 1, given)).toBeUndefined();
    expect((await store.listApiKeys())[0]!.hash).toBe(hashKey(given));
    await store.close();
  });
});

describe('serve', () => {
  it('creates the data directory, listens, and answers over a real socket', async () => {
    const db = join(dir, 'nested', 'data', 'g.db');
    const running = await start({
      packagePath: 'examples/ukraine-2026.yaml',
      db,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
    });
    try {
      expect(existsSync(db)).toBe(true);
      expect(running.bootstrapKey).toBeDefined();
      const status = await (await fetch(`${running.url}/v1/status`)).json();
      expect(status).toMatchObject({ package: 'ukraine-2026-illustrative', store: 'sqlite', observations: 0 });
      const keys = await fetch(`${running.url}/v1/apikeys`, {
        headers: { authorization: `Bearer ${running.bootstrapKey}` },
      });
      expect(keys.status).toBe(200);
    } finally {
      await running.close();
    }
    // A restart finds the admin and prints no new key.
    const again = await start({
      packagePath: 'examples/ukraine-2026.yaml',
      db,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
    });
    expect(again.bootstrapKey).toBeUndefined();
    await again.close();
  });

  it('a busy port is one usage error with its fix, and creates no admin key it would never print', async () => {
    const db = join(dir, 'busy.db');
    const first = await start({
      packagePath: 'examples/ukraine-2026.yaml',
      db: join(dir, 'other.db'),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
    });
    try {
      const port = Number(new URL(first.url).port);
      const busy = start({
        packagePath: 'examples/ukraine-2026.yaml',
        db,
        port,
        host: '127.0.0.1',
        logLevel: 'silent',
      });
      await expect(busy).rejects.toBeInstanceOf(InputError);
      await expect(busy).rejects.toThrow(
        `cannot listen on 127.0.0.1:${port}: the port is in use (another guarantor serve?); pass --port N (or PORT), or stop the other server`,
      );
    } finally {
      await first.close();
    }
    // The command itself (the bundled CLI over dist/, as `npm start` runs it): one line on stderr, exit 2, no stack.
    const other = await start({
      packagePath: 'examples/ukraine-2026.yaml',
      db: join(dir, 'other.db'),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
    });
    try {
      const port = new URL(other.url).port;
      const r = spawnSync(
        process.execPath,
        ['bin/guarantor.js', 'serve', '--package', 'examples/ukraine-2026.yaml', '--db', db, '--port', port],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect([r.status, r.stderr]).toEqual([
        2,
        `guarantor: cannot listen on 127.0.0.1:${port}: the port is in use (another guarantor serve?); pass --port N (or PORT), or stop the other server\n`,
      ]);
      expect(r.stdout).toBe('');
    } finally {
      await other.close();
    }
    // The retry on a free port finds no admin key, so it creates one and returns it to be printed.
    const retry = await start({
      packagePath: 'examples/ukraine-2026.yaml',
      db,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
    });
    expect(retry.bootstrapKey).toMatch(/^gk_/);
    await retry.close();
  });

  it('runs under the same Node.js flags from bin/guarantor.js and `npm start`, and Node accepts them', () => {
    expect(serverNodeFlags).toEqual(expect.arrayContaining(['--max-semi-space-size=32', '--v8-pool-size=0']));
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(start.startsWith(`node ${serverNodeFlags.join(' ')} bin/guarantor.js serve`)).toBe(true);
    expect(
      execFileSync(process.execPath, [...serverNodeFlags, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' }),
    ).toBe('ok');
  });

  it('refuses a package with errors, and a store it cannot open, as usage errors', async () => {
    await expect(
      start({
        packagePath: 'test/fixtures/check/issue-example.yaml',
        db: ':memory:',
        port: 0,
        host: '127.0.0.1',
        logLevel: 'silent',
      }),
    ).rejects.toThrow(/has 4 errors; run `guarantor check/);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    await expect(
      start({
        packagePath: 'examples/ukraine-2026.yaml',
        db: join(file, 'x.db'),
        port: 0,
        host: '127.0.0.1',
        logLevel: 'silent',
      }),
    ).rejects.toThrow(/cannot open the store/);
  });
});

describe('guarantor apikey', () => {
  it('issues, lists and revokes keys on the store', async () => {
    const db = join(dir, 'keys.db');
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await cli([
      'node',
      'guarantor',
      'apikey',
      'new',
      '--role',
      'monitor',
      '--actor',
      'CMM',
      '--label',
      'radar feed',
      '--db',
      db,
    ]);
    const key = out.join('').trim();
    expect(key).toMatch(/^gk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const id = key.slice(3, 15);
    out.length = 0;
    await cli(['node', 'guarantor', 'apikey', 'list', '--db', db]);
    expect(out.join('')).toMatch(new RegExp(`${id}\\s+monitor\\s+CMM.*active\\s+radar feed`));
    expect(out.join('')).not.toContain(key);
    out.length = 0;
    await cli(['node', 'guarantor', 'apikey', 'revoke', id, '--db', db]);
    expect(out.join('')).toBe(`revoked ${id}\n`);
    await cli(['node', 'guarantor', 'apikey', 'revoke', id, '--db', db]);
    expect(process.exitCode).toBe(2);
    process.exitCode = undefined;
    await cli(['node', 'guarantor', 'apikey', 'new', '--role', 'emperor', '--db', db]);
    expect(process.exitCode).toBe(2);
  });
});
