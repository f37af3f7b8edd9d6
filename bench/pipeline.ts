/**
 * The pure operations pipeline alone (issue 5, "pipeline only"): fusion, violation checks and case opening over
 * an in-memory reader, in batches of 500, on a seeded stream for the example package. The HTTP + SQLite target
 * is 20,000 observations/s end to end, so the pipeline must do far better than that by itself.
 *
 * Two locators: the geo engine on the package's zones (the production path), and a constant one (what the
 * pipeline itself costs without geometry; `locate` calls per observation are reported).
 * Baselines, measured in the same run: validating the same observations (`parseObservationBatch`), and
 * `JSON.parse` of the same batches.
 */
import { readFileSync } from 'node:fs';
import { MemoryOpsReader } from '../src/core/ops/index.js';
import { parseObservationBatch, type Observation } from '../src/core/ops/index.js';
import { prepareOps, processBatch, type OpsModel, type ZoneLocator } from '../src/core/ops/index.js';
import { geoLocatorFor } from '../src/core/ops/index.js';
import { loadExample } from '../test/ops/simple-locator.js';
import { workload } from '../test/ops/workload.js';

const N = Number(process.env['BENCH_N'] ?? 200_000);
const BATCH = 500;
const loaded = loadExample('examples/ukraine-2026.yaml');
const built = geoLocatorFor(loaded.model!, loaded.geometries);
if (!built.ok) throw new Error(JSON.stringify(built.problems));
const geo = built.locator;
const regions = geo.regionCodes();
const line = (
  JSON.parse(readFileSync('examples/data/contact-line.geojson', 'utf8')) as {
    features: { geometry: { coordinates: number[][] } }[];
  }
).features[0]!.geometry.coordinates;
const start = Date.parse('2026-07-01T00:00:00Z');
const now = start + 400 * 86_400_000;
const items = workload(N, line, start);
const batches: string[] = [];
for (let i = 0; i < items.length; i += BATCH) batches.push(JSON.stringify(items.slice(i, i + BATCH)));

let locateCalls = 0;
const constant: ZoneLocator = {
  locate: () => {
    locateCalls++;
    return {
      zones: ['buffer', 'heavy-weapons', 'no-fly'],
      lines: [{ zone: 'contact-line', distance: 5000, side: 'right' }],
      region: 'UA-14',
    };
  },
};

function validateAll(model: OpsModel): { seconds: number; parsed: Observation[][] } {
  const t0 = process.hrtime.bigint();
  const parsed: Observation[][] = [];
  for (const b of batches) {
    const r = parseObservationBatch(JSON.parse(b) as unknown[], model.rules, now);
    if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 2)));
    parsed.push(r.observations);
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, parsed };
}

async function pipeline(model: OpsModel, parsed: Observation[][], limit = parsed.length) {
  const reader = new MemoryOpsReader({ keepRevisions: false });
  const lat: number[] = [];
  let cases = 0;
  let obs = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < limit; i++) {
    const b0 = process.hrtime.bigint();
    const r = await processBatch({ model, now }, parsed[i]!, reader);
    reader.apply(r);
    lat.push(Number(process.hrtime.bigint() - b0) / 1e6);
    cases += r.caseOpenings.length;
    obs += parsed[i]!.length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  lat.sort((a, b) => a - b);
  return {
    seconds,
    cpuSeconds,
    obs,
    cases,
    incidents: reader.incidents.size,
    violations: reader.violations.size,
    p99: lat[Math.floor(lat.length * 0.99)]!,
  };
}

const model = prepareOps(loaded.model!, { locator: constant, regions });
const geoModel = prepareOps(loaded.model!, { locator: geo, regions });
const t0 = process.hrtime.bigint();
for (const b of batches) JSON.parse(b);
const jsonSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
const v = validateAll(model);
// Warm up the JIT on a slice, then measure the whole stream on a fresh reader.
await pipeline(geoModel, v.parsed, 40);
const g = await pipeline(geoModel, v.parsed);
locateCalls = 0;
const p = await pipeline(model, v.parsed);
const callsPerObs = locateCalls / p.obs;

const rate = g.obs / g.seconds;
const validation = N / v.seconds;
const json = N / jsonSeconds;
const fmt = (x: number) => Math.round(x).toLocaleString('en');
console.log(
  `stream: ${N} observations for the example package, batches of ${BATCH}; the machine may be shared, so CPU-time rates (GC threads included) are shown too`,
);
console.log(
  `pipeline, geo engine: ${fmt(rate)} obs/s wall, ${fmt(g.obs / g.cpuSeconds)} obs/s CPU; p99 batch ${g.p99.toFixed(2)} ms; ${g.incidents} incidents, ${g.violations} violations, ${g.cases} cases`,
);
console.log(
  `pipeline, constant locator: ${fmt(p.obs / p.seconds)} obs/s wall, ${fmt(p.obs / p.cpuSeconds)} obs/s CPU; p99 batch ${p.p99.toFixed(2)} ms; ${callsPerObs.toFixed(2)} locate calls per observation`,
);
console.log(`baseline validation: ${fmt(validation)} obs/s; baseline JSON.parse: ${fmt(json)} obs/s`);
console.log(
  JSON.stringify({
    bench: 'pipeline',
    unit: 'observations/s',
    value: Math.round(rate),
    baselines: { validation: Math.round(validation), 'json-parse': Math.round(json) },
    ratios: { validation: rate / validation, 'json-parse': rate / json },
  }),
);
