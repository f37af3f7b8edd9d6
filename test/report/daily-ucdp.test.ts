/**
 * The daily report on real data: the UCDP GED Ukraine file replayed through a server running the Minsk II replay
 * package; the reports for three chosen days are checked against counts made directly from the CSV (its own CSV
 * reading, Turf for the oblast of a point, the replay's documented rules restated), with their previous-day deltas.
 * Then the same data replayed in other batch cuts and orders through the pipeline gives byte-identical JSON.
 */
import { readFileSync } from 'node:fs';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { point } from '@turf/helpers';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPackageFile } from '../../src/package-files.js';
import {
  ManualClock,
  MemoryOpsReader,
  casePlans,
  fromCaseOpening,
  geoLocatorFor,
  openCase,
  parseCrosswalk,
  parseObservationBatch,
  parseUcdp,
  prepareOps,
  processBatch,
  type ObservationInput,
} from '../../src/core/ops/index.js';
import { dailyReport, renderReportJson, type DailyReport } from '../../src/core/report/daily.js';
import { reportWindow } from '../../src/core/report/window.js';
import { generateKey } from '../../src/server/api-keys.js';
import { buildApp } from '../../src/server/app.js';
import { operationsFor } from '../../src/server/operations.js';
import { reportPackageOf } from '../../src/server/reports.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const UCDP = 'examples/data/ucdp-ged/ucdp-ged-ukraine-2014-01_to_2022-02.csv';
const PACKAGE = 'examples/replay/ukraine-2015-minsk-replay.yaml';
const NOW = Date.parse('2022-03-01T00:00:00Z');
const DATES = ['2015-02-18', '2015-03-20', '2020-05-01'];

/** A CSV reader written apart from src/core/ops/replay/csv.ts. */
function readCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let row: string[] = [];
  const re = /("((?:[^"]|"")*)"|[^,\r\n]*)(,|\r?\n|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    row.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]!);
    if (m[3] !== ',') {
      records.push(row);
      row = [];
      if (m[3] === '') break;
    }
  }
  const [header, ...rest] = records.filter((r) => r.length > 1);
  return rest.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

const loaded = loadPackageFile(PACKAGE);
const oblasts = JSON.parse(readFileSync('examples/data/ukraine-oblasts.geojson', 'utf8')) as {
  features: { properties: { iso_3166_2: string }; geometry: any }[];
};
const adm1: Record<string, string> = {
  'Donetsk oblast': 'UA-14',
  'Luhansk oblast': 'UA-09',
  'Dnipropetrovsk oblast': 'UA-12',
  'Kiev Special Republican city': 'UA-30',
};

/**
 * Incidents in violation on a day, by type and by region, counted from the CSV: every event from 15 February 2015
 * located to a point or to a known oblast violates the ceasefire (which binds both parties everywhere); a point's
 * region is the oblast containing it. Its type is the activity the replay gave it (from the headlines' words, the
 * undetermined sent as artillery fire: docs/operations/replay.md; the words are tested on their own labelled sample).
 */
function countDay(
  rows: readonly Record<string, string>[],
  date: string,
  activityOf: ReadonlyMap<string, string>,
): { byType: Record<string, number>; byRegion: Record<string, number> } {
  const byType: Record<string, number> = {};
  const byRegion: Record<string, number> = {};
  const radius: Record<string, number> = { '1': 2, '2': 25, '3': 50, '5': 100 };
  for (const r of rows) {
    if (r['date_start'] !== date || date < '2015-02-15') continue;
    const prec = r['where_prec']!;
    let region: string;
    if (prec === '4') {
      const code = adm1[r['adm_1']!];
      if (!code) continue;
      region = code;
    } else if (radius[prec] !== undefined) {
      const p = point([Number(r['longitude']), Number(r['latitude'])]);
      region = oblasts.features.find((f) => booleanPointInPolygon(p, f.geometry))?.properties.iso_3166_2 ?? '(none)';
    } else continue;
    const type = activityOf.get(r['id']!)!;
    byType[type] = (byType[type] ?? 0) + 1;
    byRegion[region] = (byRegion[region] ?? 0) + 1;
  }
  return { byType, byRegion };
}

const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const asCounts = (rows: { key: string; count: number }[]) =>
  Object.fromEntries(rows.filter((r) => r.count > 0).map((r) => [r.key, r.count]));

/** The activity the replay gave each event, by GED id. */
const activityOf = new Map<string, string>();

const observations = (): ObservationInput[] => {
  const crosswalk = parseCrosswalk(readFileSync('examples/data/oblast-crosswalk.csv', 'utf8'));
  return parseUcdp(readFileSync(UCDP, 'utf8'), { source: 'ucdp', crosswalk, undetermined: 'artillery-fire' })
    .observations;
};

describe('daily report on the UCDP replay (Minsk II)', () => {
  let app: FastifyInstance;
  let store: SqliteStore;
  let auth: Record<string, string>;
  const reports = new Map<string, DailyReport>();
  let rows: Record<string, string>[];

  beforeAll(async () => {
    rows = readCsv(readFileSync(UCDP, 'utf8'));
    const geo = geoLocatorFor(loaded.model!, loaded.geometries);
    if (!geo.ok) throw new Error(JSON.stringify(geo.problems));
    const clock = new ManualClock(NOW);
    store = SqliteStore.open({ path: ':memory:' });
    app = await buildApp({
      store,
      operations: operationsFor(loaded, { clock, locator: geo.locator }),
      package: loaded,
    });
    auth = {};
    for (const role of ['monitor', 'analyst', 'guarantor', 'admin'] as const) {
      const k = generateKey(role === 'monitor' ? 'UCDP' : role === 'guarantor' ? 'UA' : '*', role, role, NOW);
      await store.createApiKey(k.record);
      auth[role] = `Bearer ${k.key}`;
    }
    const obs = observations();
    for (const o of obs) activityOf.set(o.sourceId, o.activity);
    for (let i = 0; i < obs.length; i += 500) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/observations',
        headers: { authorization: auth['monitor']!, 'content-type': 'application/json' },
        payload: obs.slice(i, i + 500),
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    // Sign the whole log now: the background signer follows appends within a second, and the reports name the
    // latest checkpoint.
    const signed = await app.inject({
      method: 'POST',
      url: '/v1/log/checkpoint',
      headers: { authorization: auth['admin']! },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    for (const d of DATES) {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/reports/daily?date=${d}`,
        headers: { authorization: auth['analyst']! },
      });
      expect(res.statusCode, res.body).toBe(200);
      reports.set(d, JSON.parse(res.body) as DailyReport);
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it.each(DATES)(
    '%s: counts by type and region are those counted from the CSV, with the previous day and the change',
    (d) => {
      const r = reports.get(d)!;
      expect(r.window).toMatchObject({
        offset: '+02:00',
        cutoff: '24:00',
        end: new Date(Date.parse(`${d}T00:00:00Z`) + 22 * 3_600_000).toISOString(),
      });
      const day = countDay(rows, d, activityOf);
      const prev = countDay(rows, dayBefore(d), activityOf);
      const v = r.violations!;
      expect(asCounts(v.byType)).toEqual(day.byType);
      expect(asCounts(v.byRegion)).toEqual(day.byRegion);
      expect(v.total.count).toBe(Object.values(day.byType).reduce((a, b) => a + b, 0));
      expect(v.total.count).toBeGreaterThan(0);
      for (const row of v.byType) {
        expect(row.previous).toBe(prev.byType[row.key] ?? 0);
        expect(row.delta).toBe(row.count - row.previous);
      }
      for (const row of v.byRegion) expect(row.previous).toBe(prev.byRegion[row.key] ?? 0);
      expect(v.total.previous).toBe(Object.values(prev.byType).reduce((a, b) => a + b, 0));
      // The 7-day mean from the CSV.
      let week = 0;
      for (let k = 1, x = d; k <= 7; k++) {
        x = dayBefore(x);
        week += Object.values(countDay(rows, x, activityOf).byType).reduce((a, b) => a + b, 0);
      }
      expect(v.total.mean7).toBe(Math.round((week / 7) * 100) / 100);
      expect(v.daily).toHaveLength(30);
      expect(v.daily.at(-1)).toEqual({ date: d, count: v.total.count });
      expect(r.checkpoint!.size).toBeGreaterThan(3000);
      // The Minsk II package names no sustainment requirements: the ledger raises nothing.
      expect(r.sustainment).toEqual({ status: 'ledger', alerts: [] });
    },
  );

  it('reports cases by the processing clock: none open on 2015 days, every replayed case new on the replay day', async () => {
    expect(reports.get(DATES[0]!)!.cases).toMatchObject({ counts: { new: 0, open: 0 } });
    const res = await app.inject({
      method: 'GET',
      url: '/v1/reports/daily?date=2022-03-01&sections=cases,votes',
      headers: { authorization: auth['guarantor']! },
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = JSON.parse(res.body) as DailyReport;
    expect(r.sections).toEqual(['cases', 'votes']);
    expect(r.violations).toBeUndefined();
    const c = r.cases as { counts: { new: number; open: number } };
    expect(c.counts.new).toBeGreaterThan(20);
    expect(c.counts.open).toBe(c.counts.new);
    // Consensus of UA, RU and OSCE, nobody voted: each member owes a vote on every open case.
    expect(r.votes!.byMember.map((m) => [m.member, m.pending.length])).toEqual(
      ['OSCE', 'RU', 'UA'].map((m) => [m, c.counts.open]),
    );
  });

  it('gives byte-identical JSON whatever the batch cuts and order of the replay', async () => {
    const geo = geoLocatorFor(loaded.model!, loaded.geometries);
    if (!geo.ok) throw new Error('geo');
    const model = prepareOps(loaded.model!, { locator: geo.locator, regions: geo.locator.regionCodes() });
    const plans = casePlans(loaded.model!);
    const pkg = reportPackageOf(loaded.model!, loaded);
    const all = observations();
    // A seeded shuffle (xorshift), so the test is the same every run.
    const shuffled = [...all];
    let s = 0x9e3779b9;
    for (let i = shuffled.length - 1; i > 0; i--) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const j = (s >>> 0) % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const runs: [string, ObservationInput[], number][] = [
      ['file order, batches of 500', all, 500],
      ['reversed, batches of 37', [...all].reverse(), 37],
      ['shuffled, batches of 1000', shuffled, 1000],
      ['shuffled, one batch', shuffled, 10_000],
    ];
    const texts = new Map<string, string[]>();
    for (const [name, obs, batch] of runs) {
      const reader = new MemoryOpsReader({ keepRevisions: false });
      for (let i = 0; i < obs.length; i += batch) {
        const b = parseObservationBatch(obs.slice(i, i + batch), model.rules, NOW);
        if (!b.ok) throw new Error(JSON.stringify(b.errors.slice(0, 2)));
        reader.apply(await processBatch({ model, now: NOW }, b.observations, reader));
      }
      const files = [...reader.cases.values()].map((c) => openCase(plans, fromCaseOpening(c)).file);
      texts.set(
        name,
        [...DATES, '2022-03-01'].map((d) => {
          const w = reportWindow(d, '+02:00');
          if (!w.ok) throw new Error(w.reason);
          return renderReportJson(
            dailyReport({
              pkg,
              window: w.window,
              violations: reader.violations.values(),
              cases: files,
              checkpoint: null,
              sustainment: { status: 'ledger', alerts: [] },
            }),
          );
        }),
      );
    }
    const [first, ...rest] = [...texts.values()];
    for (const t of rest) expect(t).toEqual(first);
    // And the server's report, read from SQLite after HTTP batches, is the same but for the checkpoint it names.
    for (const [i, d] of DATES.entries())
      expect(renderReportJson({ ...reports.get(d)!, checkpoint: null })).toBe(first![i]);
  }, 120_000);

  it('refuses bad input naming the parameter and the reason', async () => {
    const get = (q: string, role = 'analyst') =>
      app.inject({ method: 'GET', url: `/v1/reports/daily?${q}`, headers: { authorization: auth[role]! } });
    const cases: [string, number, string, RegExp][] = [
      ['date=2015-02-30', 400, 'querystring.date', /2015-02 has 28 days/],
      ['date=2015-2-3', 400, 'querystring.date', /not a date/],
      ['date=2015-02-13', 400, 'querystring.date', /before the package took effect/],
      ['date=2022-03-02', 400, 'querystring.date', /after today \(2022-03-01/],
      ['date=2015-03-01&cutoff=25:00', 400, 'querystring.cutoff', /not a time of day/],
      ['date=2015-03-01&offset=CET', 400, 'querystring.offset', /not a UTC offset/],
      ['date=2015-03-01&sections=weather', 400, 'querystring.sections', /not a section/],
      ['date=2015-03-01&format=docx', 400, 'querystring.format', /allowed values/],
    ];
    for (const [q, status, path, reason] of cases) {
      const res = await get(q);
      expect(res.statusCode, q).toBe(status);
      const body = JSON.parse(res.body) as { problems: { path: string; reason: string }[] };
      expect(body.problems[0]!.path, q).toBe(path);
      expect(body.problems[0]!.reason, q).toMatch(reason);
    }
    const res = await get('date=2015-03-01&sections=cases,violations', 'guarantor');
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({
      error: 'forbidden-section',
      problems: [{ path: 'querystring.sections', reason: 'a guarantor key may not see "violations"' }],
    });
  });

  it('serves a public variant with public content only, and refuses a section outside it', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/public/reports/daily?date=${DATES[0]}` });
    expect(res.statusCode, res.body).toBe(200);
    const r = JSON.parse(res.body) as DailyReport;
    expect(r.variant).toBe('public');
    expect(r.sections).toEqual(['violations', 'cases', 'responses']);
    expect(asCounts(r.violations!.byType)).toEqual(asCounts(reports.get(DATES[0]!)!.violations!.byType));
    for (const k of ['byParty', 'byProhibition', 'points'] as const) expect(r.violations![k]).toBeUndefined();
    expect(res.body).not.toMatch(/DPR-LPR|"party"|"lon"|"operators"|ucdp/);
    const bad = await app.inject({ method: 'GET', url: `/v1/public/reports/daily?date=${DATES[0]}&sections=votes` });
    expect(bad.statusCode).toBe(403);
    expect(bad.body).toMatch(/the public may not see \\"votes\\"/);
    const md = await app.inject({
      method: 'GET',
      url: `/v1/reports/daily?date=${DATES[0]}&format=md`,
      headers: { authorization: auth['analyst']! },
    });
    expect(md.headers['content-type']).toMatch(/text\/markdown/);
    expect(md.body).toMatch(
      new RegExp(`\\*\\*${reports.get(DATES[0]!)!.violations!.total.count}\\*\\* incidents in violation`),
    );
  });
});
