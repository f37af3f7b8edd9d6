// The daily report for a day with 10,000 violations and 1,000 open cases (29 days before it with 1,000 violations
// each, so the 30-day chart and the 7-day mean have history), rendered as HTML with its map, from a SQLite store:
// against the fastest way a peer would get the report's headline counts, one SQL GROUP BY per table of the report
// over the same rows (counts by type and region for the day and the day before, and the 30-day series), measured
// in the same run. Target: under 500 ms.
//
// Then the export: 1,000,000 observations streamed as CSV over HTTP from a server in this process, the process's
// RSS sampled every 20 ms; against paging the JSON list (limit 1000) through the same server, the way to get them
// before exports existed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPackageFile } from '../src/package-files.js';
import { ManualClock, type CaseOpening, type Observation, type Violation } from '../src/core/ops/index.js';
import { renderReportHtml } from '../src/core/report/html.js';
import { reportWindow } from '../src/core/report/window.js';
import { generateKey } from '../src/server/api-keys.js';
import { buildApp } from '../src/server/app.js';
import { caseworkFor } from '../src/server/casework.js';
import { packageMap } from '../src/server/dashboard/package-geometry.js';
import { operationsFor } from '../src/server/operations.js';
import { buildDailyReport, reportPackageOf } from '../src/server/reports.js';
import { logServiceFor } from '../src/server/transparency-log.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { mulberry32 } from '../test/support/mulberry32.js';

const DAY = 86_400_000;
const D = Date.UTC(2026, 6, 15);
const loaded = loadPackageFile('examples/ukraine-2026.yaml');
const pkg = loaded.model!;
const dir = mkdtempSync(join(tmpdir(), 'guarantor-bench-report-'));

const regions = ['UA-14', 'UA-09', 'UA-23', 'UA-63', 'UA-65', 'UA-12'];
const kinds: [string, string, string[], string[]][] = [
  ['artillery-fire', 'no-fire', [], []],
  ['mortar-fire', 'no-fire', [], []],
  ['drone-strike', 'no-fire', [], []],
  ['heavy-weapon-presence', 'heavy-weapons', ['tank'], ['heavy-weapons']],
  ['heavy-weapon-presence', 'heavy-weapons', ['mlrs'], ['heavy-weapons']],
  ['denial-of-access', 'monitor-access', [], []],
  ['jamming', 'monitor-access', [], []],
];

function violation(r: () => number, i: number, time: number): Violation {
  const [activity, prohibition, weapons, zones] = kinds[Math.floor(r() * r() * kinds.length)]!;
  const id = `vio-${String(i).padStart(8, '0')}`;
  return {
    id,
    revision: 1,
    status: 'active',
    prohibition,
    incidentId: `inc-${String(i).padStart(8, '0')}`,
    activity,
    weapons,
    party: ['RU', 'UA', 'undetermined'][Math.floor(r() * 3)]!,
    basis: 'observed',
    time,
    start: time,
    end: time,
    lon: 37 + r() * 2,
    lat: 47 + r() * 2,
    radius: 200 + Math.round(r() * 2000),
    region: regions[Math.floor(r() * regions.length)],
    zones,
    confidence: 0.9,
    corroboration: 2,
    operators: ['CMM', 'DE'],
    observations: [{ source: 'radar', sourceId: `r-${i}` }],
    detectedAt: time + 60_000,
  } as Violation;
}

function observation(i: number, time: number): Observation {
  return {
    source: 'radar',
    sourceId: `o-${i}`,
    activity: 'artillery-fire',
    count: 1,
    time,
    start: time,
    end: time,
    lon: 37.5,
    lat: 48,
    radius: 500,
    confidence: 0.9,
    evidence: [],
    note: `report ${i}`,
  };
}

const rss = () => process.memoryUsage().rss / 2 ** 20;

// ---- The report ----
const store = SqliteStore.open({ path: join(dir, 'report.db') });
const r = mulberry32(1);
let n = 0;
const meta = { receivedAt: D + 2 * DAY, submittedBy: 'bench' };
const batches: Violation[][] = [];
for (let d = 29; d >= 1; d--)
  batches.push(Array.from({ length: 1000 }, () => violation(r, n++, D - d * DAY + Math.floor(r() * DAY))));
for (let b = 0; b < 5; b++)
  batches.push(Array.from({ length: 2000 }, () => violation(r, n++, D + Math.floor(r() * DAY))));
// 1,000 cases opened on the day, each with three violations of the day as evidence.
const dayViolations = batches.slice(29).flat();
const cases: CaseOpening[] = Array.from({ length: 1000 }, (_, i) => {
  const ev = [0, 1, 2].map((k) => dayViolations[(i * 3 + k) % dayViolations.length]!);
  const openedAt = D + Math.floor((i / 1000) * DAY);
  return {
    id: `case-${String(i).padStart(6, '0')}`,
    revision: 1,
    key: `serious-violation|RU|${i}`,
    trigger: 'serious-violation',
    severity: 'serious',
    party: 'RU',
    windowStart: openedAt - DAY,
    windowEnd: openedAt,
    breachAt: openedAt,
    openedAt,
    evidence: ev.map((v) => ({
      violation: v.id,
      incident: v.incidentId,
      prohibition: v.prohibition,
      time: v.time,
      confidence: v.confidence,
      corroboration: v.corroboration,
      observations: v.observations,
    })),
  };
});
let t0 = performance.now();
for (const [i, b] of batches.entries()) {
  await store.ingest([observation(i, b[0]!.time)], meta, () => ({
    incidentRevisions: [],
    violations: b,
    caseOpenings: i === batches.length - 1 ? cases : [],
  }));
}
const clock = new ManualClock(D + DAY + 3_600_000);
const cw = caseworkFor(store, pkg, clock);
await cw.catchUp();
const log = logServiceFor(store, clock, pkg.package);
await log.latest(true);
console.log(
  `setup: ${n} violations (10,000 on the day), 1,000 cases, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const wr = reportWindow('2026-07-15', 'Z');
if (!wr.ok) throw new Error(wr.reason);
const w = wr;
const rpkg = reportPackageOf(pkg, loaded);
t0 = performance.now();
const map = packageMap(loaded);
const mapMs = performance.now() - t0;

async function report(): Promise<{ html: number; open: number; count: number }> {
  const rep = await buildDailyReport(
    { store, casework: cw.store, pkg: rpkg, checkpoint: () => log.latest() },
    { window: w.window },
  );
  const html = renderReportHtml(rep, map);
  return {
    html: html.length,
    open: (rep.cases as { counts: { open: number } }).counts.open,
    count: rep.violations!.total.count,
  };
}

// The peer's way: SQL over the same table, the counts the report's tables hold.
const db = store.db;
const groupBy = db.prepare(
  `SELECT json_extract(doc, '$.activity') AS a, region, (time - ?) / ${DAY} AS d, count(DISTINCT json_extract(doc, '$.incidentId')) AS n
   FROM violations WHERE status = 'active' AND time >= ? AND time < ? GROUP BY a, region, d`,
);
const peer = () => groupBy.all(w.window.end - 30 * DAY, w.window.end - 30 * DAY, w.window.end).length;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
/** Median wall-clock and median CPU time (user + system, this process) of `runs` runs, after one warm-up. */
async function time(f: () => unknown | Promise<unknown>, runs: number): Promise<{ wall: number; cpu: number }> {
  await f();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await f();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const check = await report();
if (check.count !== 10_000 || check.open !== 1000) throw new Error(`unexpected report: ${JSON.stringify(check)}`);
const reportT = await time(report, 7);
const peerT = await time(peer, 7);
const reportMs = reportT.wall;
const peerMs = peerT.wall;
console.log(
  `daily report, HTML with map: ${reportMs.toFixed(0)} ms median of 7 (CPU ${reportT.cpu.toFixed(0)} ms) (${check.count} incidents, ${check.open} open cases, ${(check.html / 1e6).toFixed(2)} MB of HTML; the package map, drawn once per server: ${mapMs.toFixed(0)} ms)`,
);
console.log(
  `baseline, SQL GROUP BY for the counts by type, region and day: ${peerMs.toFixed(0)} ms (CPU ${peerT.cpu.toFixed(0)} ms)`,
);
console.log(`target < 500 ms: ${reportMs < 500 ? 'met' : 'NOT met'}`);
await store.close();

// ---- The export: a million observations ----
const big = SqliteStore.open({ path: join(dir, 'export.db') });
const N = 1_000_000;
t0 = performance.now();
for (let i = 0; i < N; i += 10_000) {
  const obs = Array.from({ length: 10_000 }, (_, k) => observation(i + k, D + (i + k) * 1000));
  await big.ingest(obs, meta, () => ({ incidentRevisions: [], violations: [], caseOpenings: [] }));
}
console.log(`setup: ${N} observations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const app = await buildApp({ store: big, operations: operationsFor(loaded, { clock }), package: loaded });
const key = generateKey('*', 'analyst', 'bench', clock.now());
await big.createApiKey(key.record);
const url = await app.listen({ port: 0, host: '127.0.0.1' });
global.gc?.();
const before = rss();

const series: number[] = [];
async function drain(path: string, accept: string): Promise<{ bytes: number; peak: number; ms: number; rows: number }> {
  let peak = rss();
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 20);
  const t = performance.now();
  let bytes = 0;
  let rows = 0;
  try {
    if (accept === 'text/csv') {
      const res = await fetch(new URL(path, url), { headers: { authorization: `Bearer ${key.key}`, accept } });
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
          // Every 100,000 rows, the RSS: constant memory is a flat series, whatever the rows sent so far.
          if (++rows % 100_000 === 1 && rows > 1) series.push(Math.round(rss()));
        }
      }
      rows -= 1;
    } else {
      let cursor: string | undefined;
      do {
        const res = await fetch(new URL(`${path}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`, url), {
          headers: { authorization: `Bearer ${key.key}` },
        });
        const text = await res.text();
        bytes += text.length;
        const page = JSON.parse(text) as { items: unknown[]; next?: string };
        rows += page.items.length;
        cursor = page.next;
      } while (cursor);
    }
  } finally {
    clearInterval(timer);
  }
  return { bytes, peak: Math.max(peak, rss()), ms: performance.now() - t, rows };
}

const csv = await drain('/v1/observations', 'text/csv');
const paged = await drain('/v1/observations', 'application/json');
await app.close();
await big.close();
rmSync(dir, { recursive: true, force: true });
if (csv.rows !== N || paged.rows !== N)
  throw new Error(`exported ${csv.rows} CSV rows and ${paged.rows} JSON items, not ${N}`);
const growth = csv.peak - before;
console.log(
  `export of ${N} observations as CSV: ${(csv.ms / 1000).toFixed(1)} s, ${(csv.bytes / 2 ** 20).toFixed(0)} MB, ${Math.round(N / (csv.ms / 1000))} rows/s; RSS ${before.toFixed(0)} MB before, peak ${csv.peak.toFixed(0)} MB (+${growth.toFixed(0)} MB for ${(csv.bytes / 2 ** 20).toFixed(0)} MB sent)`,
);
console.log(`RSS every 100,000 rows sent (MB): ${series.join(' ')}`);
console.log(
  `baseline, paging the JSON list (limit 1000): ${(paged.ms / 1000).toFixed(1)} s, ${Math.round(N / (paged.ms / 1000))} rows/s, peak RSS ${paged.peak.toFixed(0)} MB`,
);
console.log(
  JSON.stringify({
    bench: 'report',
    unit: 'ms',
    value: Math.round(reportMs),
    baselines: {
      'sql-group-by-counts': Math.round(peerMs),
      'export-json-paging-rows-per-s': Math.round(N / (paged.ms / 1000)),
    },
    ratios: {
      'sql-group-by-counts': +(reportMs / peerMs).toFixed(2),
      'sql-group-by-counts-cpu': +(reportT.cpu / peerT.cpu).toFixed(2),
      'export-csv-vs-json-paging-speed': +(paged.ms / csv.ms).toFixed(2),
    },
    cpu: { reportMs: Math.round(reportT.cpu), sqlGroupByMs: Math.round(peerT.cpu) },
    export: {
      rows: N,
      csvRowsPerS: Math.round(N / (csv.ms / 1000)),
      csvMB: Math.round(csv.bytes / 2 ** 20),
      rssBeforeMB: Math.round(before),
      rssPeakMB: Math.round(csv.peak),
      rssGrowthMB: Math.round(growth),
      rssEvery100kRowsMB: series,
    },
  }),
);
