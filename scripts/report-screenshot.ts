/**
 * Regenerates docs/images/daily-report.png: the daily report's HTML for 2026-06-20 of the example package after
 * twenty days of the test traffic (shelling near the line reported by two or three sensors, heavy weapons seen by
 * satellites, denials of access), with cases judged on a manual clock, screenshotted by Debian's Chromium.
 *
 *     npx tsx scripts/report-screenshot.ts [out.png] [out.html]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import { loadPackageFile } from '../src/package-files.js';
import { ManualClock, geoLocatorFor } from '../src/core/ops/index.js';
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
import { traffic } from '../test/support/observations.js';

const out = process.argv[2] ?? 'docs/images/daily-report.png';
const htmlOut = process.argv[3];
const loaded = loadPackageFile('examples/ukraine-2026.yaml');
const geo = geoLocatorFor(loaded.model!, loaded.geometries);
if (!geo.ok) throw new Error('geometry');
const clock = new ManualClock(Date.UTC(2026, 5, 1));
const store = SqliteStore.open({ path: ':memory:' });
const app = await buildApp({
  store,
  operations: operationsFor(loaded, { clock, locator: geo.locator }),
  package: loaded,
});
const monitor = generateKey('*', 'monitor', 'all', clock.now());
await store.createApiKey(monitor.record);
const obs = traffic({ events: 3600, start: Date.UTC(2026, 5, 1, 6), gap: 8 * 60_000, seed: 7 });
// Sent as they would arrive: each batch when its last report is an hour old.
for (let i = 0; i < obs.length; i += 100) {
  const batch = obs.slice(i, i + 100);
  const last = Math.max(...batch.map((o) => Date.parse(o.time)));
  if (last + 3_600_000 > clock.now()) clock.set(last + 3_600_000);
  const r = await app.inject({
    method: 'POST',
    url: '/v1/observations',
    headers: { authorization: `Bearer ${monitor.key}`, 'content-type': 'application/json' },
    payload: batch,
  });
  if (r.statusCode !== 200) throw new Error(r.body);
}
const cw = caseworkFor(store, loaded.model!, clock);
await cw.catchUp();
clock.set(Math.max(clock.now(), Date.UTC(2026, 5, 21, 12)));
await cw.catchUp();
const log = logServiceFor(store, clock, loaded.model!.package);
await log.key();
const w = reportWindow('2026-06-20', 'Z');
if (!w.ok) throw new Error(w.reason);
const report = await buildDailyReport(
  { store, casework: cw.store, pkg: reportPackageOf(loaded.model!, loaded), checkpoint: () => log.latest(true) },
  { window: w.window },
);
const html = renderReportHtml(report, packageMap(loaded));
if (htmlOut) writeFileSync(htmlOut, html);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 760, height: 1400 }, deviceScaleFactor: 1 });
await page.setContent(html, { waitUntil: 'load' });
mkdirSync(dirname(out), { recursive: true });
await page.screenshot({ path: out, fullPage: false });
await browser.close();
await app.close();
await store.close();
console.log(
  `${out}: ${report.violations!.total.count} incidents in violation, ${(report.cases as { counts: { open: number } }).counts.open} open cases`,
);
