/**
 * `guarantor report daily` end to end: the built CLI on a SQLite file a server wrote (--db), and against the running
 * server (--url), same report; bad input exits 2 naming the option.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyReport } from '../../src/core/report/daily.js';
import { generateKey } from '../../src/server/api-keys.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { testServer, type TestServer } from '../support/app.js';
import { traffic } from '../support/observations.js';

const root = join(import.meta.dirname, '..', '..');
const NOW = Date.UTC(2026, 5, 23, 12);

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(root, 'bin/guarantor.js'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('guarantor report daily', () => {
  let dir: string;
  let db: string;
  let s: TestServer;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guarantor-report-'));
    db = join(dir, 'g.db');
    s = await testServer({ store: SqliteStore.open({ path: db }), now: NOW });
    // A monitor key bound to no actor may submit for every source.
    const monitor = generateKey('*', 'monitor', 'all sources', NOW);
    await s.store.createApiKey(monitor.record);
    const obs = traffic({ events: 600, start: Date.UTC(2026, 5, 20), gap: 6 * 60_000 });
    for (let i = 0; i < obs.length; i += 500) {
      const r = await s.app.inject({
        method: 'POST',
        url: '/v1/observations',
        headers: { authorization: `Bearer ${monitor.key}`, 'content-type': 'application/json' },
        payload: obs.slice(i, i + 500),
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    url = await s.app.listen({ port: 0, host: '127.0.0.1' });
  }, 180_000);

  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the store directly and asks the server, and both give the same report', async () => {
    const out = join(dir, 'r.json');
    const direct = await cli([
      'report',
      'daily',
      '--date',
      '2026-06-21',
      '--db',
      db,
      '--package',
      'examples/ukraine-2026.yaml',
      '--format',
      'json',
      '--out',
      out,
    ]);
    expect(direct.code, direct.stderr).toBe(0);
    const a = JSON.parse(readFileSync(out, 'utf8')) as DailyReport;
    expect(a.violations!.total.count).toBeGreaterThan(10);
    expect(a.violations!.total.previous).toBeGreaterThan(10);
    const viaServer = await cli([
      'report',
      'daily',
      '--date',
      '2026-06-21',
      '--url',
      url,
      '--api-key',
      s.keys.analyst,
      '--format',
      'json',
    ]);
    expect(viaServer.code, viaServer.stderr).toBe(0);
    const b = JSON.parse(viaServer.stdout) as DailyReport;
    // The server signs a checkpoint; the direct read names the latest stored one.
    expect({ ...b, checkpoint: null }).toEqual({ ...a, checkpoint: null });
    expect(b.checkpoint!.size).toBeGreaterThan(0);
    const md = await cli([
      'report',
      'daily',
      '--date',
      '2026-06-21',
      '--db',
      db,
      '--package',
      'examples/ukraine-2026.yaml',
    ]);
    expect(md.stdout).toMatch(new RegExp(`^# Daily report 2026-06-21`));
    expect(md.stdout).toContain(`**${a.violations!.total.count}** incidents in violation`);
  }, 180_000);

  it('writes HTML with its map and a PDF from the store', async () => {
    const html = join(dir, 'r.html');
    const pdf = join(dir, 'r.pdf');
    const a = await cli([
      'report',
      'daily',
      '--date',
      '2026-06-21',
      '--db',
      db,
      '--package',
      'examples/ukraine-2026.yaml',
      '--format',
      'html',
      '--out',
      html,
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<svg class="map"/);
    const b = await cli([
      'report',
      'daily',
      '--date',
      '2026-06-21',
      '--db',
      db,
      '--package',
      'examples/ukraine-2026.yaml',
      '--format',
      'pdf',
      '--out',
      pdf,
    ]);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  }, 180_000);

  it('exits 2 naming the option for bad input', async () => {
    const base = ['report', 'daily', '--db', db, '--package', 'examples/ukraine-2026.yaml'];
    const cases: [string[], RegExp][] = [
      [['--date', '2026-02-30'], /--date: "2026-02-30" is not a real date/],
      [['--date', '2026-05-01'], /--date: 2026-05-01 is before the package took effect/],
      [['--date', '2099-01-01'], /--date: 2099-01-01 is after today/],
      [['--date', '2026-06-21', '--format', 'docx'], /--format: "docx" is not a format/],
      [['--date', '2026-06-21', '--sections', 'weather'], /--sections: "weather" is not a section/],
    ];
    for (const [args, message] of cases) {
      const r = await cli([...base, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const refused = await cli([
      'report',
      'daily',
      '--date',
      '2026-06-21',
      '--url',
      url,
      '--api-key',
      s.keys.guarantor,
      '--sections',
      'violations',
      '--format',
      'json',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /refused the daily report of 2026-06-21 \(HTTP 403 forbidden-section: sections: a guarantor key may not see "violations"/,
    );
    const missing = await cli([...base.map((a) => (a === db ? join(dir, 'nope.db') : a)), '--date', '2026-06-21']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`guarantor: no database at ${join(dir, 'nope.db')}`);
    expect(existsSync(join(dir, 'nope.db'))).toBe(false);
  }, 180_000);
});
