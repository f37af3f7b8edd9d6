// The dashboard's first load with 10,000 breach cases (test/dashboard/scale.ts) in Debian's Chromium: from the start
// of the navigation to the first page of cases on screen, on the page's clock, median of 5; and the case board's
// first page from the server alone (GET /v1/judgment?sort=severity&limit=50), median of 20.
// And the dashboard's map of the example package (27 regions, 7 zones; buffers outlined from distance fields), built as
// the server builds it on the first request, against the same outlines from the densified contact line as drawn
// (2,391 vertices, no simplification first), measured in the same run. Also the bytes a first visit moves.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadPackageFile } from '../src/package-files.js';
import { packageMap } from '../src/server/dashboard/package-geometry.js';
import { listFiles } from '../src/server/dashboard/assets.js';
import { bothSides, contour, distanceField, oneSide, simplifyPolygons } from '../src/server/dashboard/zone-outlines.js';
import { webDir } from '../src/server/routes/dashboard.js';

const loaded = loadPackageFile('examples/ukraine-2026.yaml');

function median(f: () => void, runs: number): number {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

const runs = 7;
let bytes = 0;
const map = median(() => {
  bytes = JSON.stringify(packageMap(loaded)).length;
}, runs);

// Baseline: the three contact-line buffers from the dense line as drawn, same grid and contours.
const dense = [
  Float64Array.from(
    (
      JSON.parse(readFileSync('examples/data/contact-line.geojson', 'utf8')).features[0].geometry
        .coordinates as number[][]
    ).flat(),
  ),
];
const naive = median(() => {
  const f = distanceField(dense, 100_000, 15_000 / 8);
  for (const level of [bothSides(15_000), bothSides(50_000), oneSide(100_000, 'right')])
    simplifyPolygons(contour(f, level), 60);
}, 3);

const gz = (b: Buffer | string) => gzipSync(b, { level: 9 }).length;
const web = listFiles(webDir).reduce((n, f) => n + gz(readFileSync(join(webDir, f))), 0);
const vendor = ['maplibre-gl.mjs', 'maplibre-gl-worker.mjs', 'maplibre-gl.css'].reduce(
  (n, f) => n + gz(readFileSync(join('node_modules/maplibre-gl/dist', f))),
  0,
);
const geometry = gz(JSON.stringify(packageMap(loaded)));

console.log(
  `package map (27 regions, 7 zones):        ${map.toFixed(0)} ms, ${(bytes / 1000).toFixed(0)} kB JSON, ${(geometry / 1000).toFixed(0)} kB gzipped`,
);
console.log(`baseline, 3 buffers from the dense line:   ${naive.toFixed(0)} ms`);
console.log(
  `first visit, gzipped: app ${(web / 1000).toFixed(0)} kB + MapLibre ${(vendor / 1000).toFixed(0)} kB + map ${(geometry / 1000).toFixed(0)} kB = ${((web + vendor + geometry) / 1000).toFixed(0)} kB`,
);
let firstLoad: number | undefined;
let boardMs: number | undefined;
if (existsSync('/usr/bin/chromium')) {
  const { chromium } = await import('playwright-core');
  const { openDashboard, scaleServer } = await import('../test/dashboard/scale.js');
  const x = await scaleServer(10_000);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { page, ms } = await openDashboard(browser, x.s.url, x.s.keys.analyst);
    loads.push(ms);
    await page.context().close();
  }
  await browser.close();
  const board: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await x.s.get('/v1/judgment?sort=severity&limit=50', x.s.keys.analyst);
    board.push(performance.now() - t0);
  }
  await x.s.close();
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  firstLoad = mid(loads);
  boardMs = mid(board);
  console.log(`first load, 10,000 cases (page clock, median of 5): ${firstLoad} ms (runs: ${loads.join(', ')})`);
  console.log(`first page of the case board from the server (median of 20): ${boardMs.toFixed(1)} ms`);
} else console.log('first load: skipped (no /usr/bin/chromium)');

console.log(
  JSON.stringify({
    bench: 'dashboard',
    unit: 'ms',
    value: Math.round(map),
    baselines: { 'dense-line-buffers': Math.round(naive) },
    ratios: { 'dense-line-buffers': +(map / naive).toFixed(3) },
    ...(firstLoad === undefined ? {} : { firstLoad10kCases: firstLoad, caseBoardPage: Math.round(boardMs! * 10) / 10 }),
  }),
);
