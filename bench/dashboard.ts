// The dashboard's map of the example package (27 regions, 7 zones; buffers outlined from distance fields), built as
// the server builds it on the first request, against the same outlines from the densified contact line as drawn
// (2,391 vertices, no simplification first), measured in the same run. Also the bytes a first visit moves.
import { readFileSync } from 'node:fs';
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
console.log(
  JSON.stringify({
    bench: 'dashboard',
    unit: 'ms',
    value: Math.round(map),
    baselines: { 'dense-line-buffers': Math.round(naive) },
    ratios: { 'dense-line-buffers': +(map / naive).toFixed(3) },
  }),
);
