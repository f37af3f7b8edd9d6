/**
 * The example client of docs/api.md ("A typed client"): extracted from the page, type-checked with `tsc --strict`
 * (the project's compiler), and run against a fresh server, with and without a key.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../src/server/api-keys.js';
import { configFrom, start, type Running } from '../src/main.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

function example(): string {
  const doc = readFileSync(join(root, 'docs/api.md'), 'utf8');
  const m = /^```ts example-client\n([\s\S]*?)^```$/m.exec(doc);
  if (!m) throw new Error('docs/api.md has no ```ts example-client block');
  return m[1]!;
}

describe('the example client in docs/api.md', () => {
  let dir: string;
  let running: Running;
  let monitor: string;
  // At the clone's root, as the page says, so that its import of ./src/cli/api-client.js resolves.
  const file = join(root, `.example-client-${process.pid}.ts`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guarantor-example-'));
    running = await start(configFrom({ package: 'examples/ukraine-2026.yaml', db: join(dir, 'g.db'), port: '0' }, {}));
    const k = generateKey('CMM', 'monitor', 'example', Date.now());
    await running.store.createApiKey(k.record);
    monitor = k.key;
    writeFileSync(file, example());
  }, 60_000);
  afterAll(async () => {
    rmSync(file, { force: true });
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `tsc --strict` on one file (the project's tsconfig left out): its diagnostics, empty when it type-checks. */
  const typeCheck = async (f: string) => {
    const args = ['--ignoreConfig', '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext'];
    const r = await run(
      join(root, 'node_modules/.bin/tsc'),
      [...args, '--moduleResolution', 'nodenext', '--types', 'node', '--skipLibCheck', f],
      { cwd: root },
    ).catch((e: { stdout: string }) => e);
    return r.stdout;
  };

  it('type-checks under --strict', async () => {
    expect(await typeCheck(file)).toBe('');
  }, 60_000);

  it('a wrong field does not type-check (the check is not blind)', async () => {
    const bad = file.replace(/\.ts$/, '-bad.ts');
    writeFileSync(bad, example().replace("activity: 'artillery-fire'", 'activity: 42'));
    try {
      expect(await typeCheck(bad)).toMatch(/error TS2322: Type 'number' is not assignable to type/);
    } finally {
      rmSync(bad, { force: true });
    }
  }, 60_000);

  it('runs against a fresh server: status, an observation accepted, the checkpoint; refused without a key', async () => {
    const env = { ...process.env, GUARANTOR_URL: running.url };
    const a = await run(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...env, GUARANTOR_API_KEY: monitor },
    });
    expect(a.stdout).toMatch(
      /^ukraine-2026-illustrative \S+: 0 observations\naccepted 1, duplicates 0\ncheckpoint of \d+ entries\n$/,
    );
    const b = await run(process.execPath, ['--import', 'tsx', file], { cwd: root, env });
    expect(b.stdout).toMatch(/\nrefused: HTTP 401 unauthorized: /);
  }, 60_000);
});
