// CPU per batch of the in-process ingest path only (JSON.parse, validation, pipeline, SQLite store with the
// transparency-log append), no HTTP: the load-independent figure of bench/ingest.ts, quick enough to profile with
// `node --cpu-prof --import tsx bench/ingest-cpu.ts`. INGEST_EVENTS sets the traffic size (default 30,000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { geoLocatorFor } from '../src/core/ops/geo-locator.js';
import { parseObservationBatch } from '../src/core/ops/observation.js';
import { operationsFor } from '../src/server/operations.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { examplePackage } from '../test/support/app.js';
import { traffic } from '../test/support/observations.js';

const BATCH = 500;
const EVENTS = Number(process.env['INGEST_EVENTS'] ?? 30_000);
const items = traffic({ events: EVENTS, prefix: 'c', seed: 3 });
const batches: string[] = [];
for (let i = 0; i + BATCH <= items.length; i += BATCH) batches.push(JSON.stringify(items.slice(i, i + BATCH)));

const geo = geoLocatorFor(examplePackage.model!, examplePackage.geometries);
if (!geo.ok) throw new Error('example zones do not build');
const now = Date.UTC(2026, 10, 1);
const ops = operationsFor(examplePackage, { clock: { now: () => now }, locator: geo.locator });
const dir = mkdtempSync(join(tmpdir(), 'guarantor-ingest-cpu-'));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
try {
  const store = SqliteStore.open({ path: join(dir, 'cpu.db') });
  const acc = { parse: 0, validate: 0, pipeline: 0, store: 0 };
  const t0 = process.hrtime.bigint();
  for (const body of batches) {
    let c = cpu();
    const list = JSON.parse(body) as unknown[];
    acc.parse += cpu() - c;
    c = cpu();
    const parsed = parseObservationBatch(list, ops.rules, now);
    acc.validate += cpu() - c;
    if (!parsed.ok) throw new Error('bench data is invalid');
    let inPipeline = 0;
    c = cpu();
    await store.ingest(parsed.observations, { receivedAt: now, submittedBy: 'bench' }, async (o, reader) => {
      const p = cpu();
      const out = await ops.process(o, reader);
      inPipeline += cpu() - p;
      return out;
    });
    acc.store += cpu() - c - inPipeline;
    acc.pipeline += inPipeline;
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  await store.close();
  const per = Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, +(v / batches.length).toFixed(2)]));
  const total = Object.values(per).reduce((a, b) => a + b, 0);
  console.log(`CPU per batch of ${BATCH} over ${batches.length} batches: ${Object.entries(per).map(([k, v]) => `${k} ${v} ms`).join(', ')}; total ${total.toFixed(1)} ms = ${Math.round((BATCH * 1000) / total).toLocaleString('en')} obs/s per idle core; wall ${Math.round((batches.length * BATCH) / wall).toLocaleString('en')} obs/s`);
  console.log(JSON.stringify({ bench: 'ingest-cpu', unit: 'ms/batch', value: +total.toFixed(2), baselines: {}, ratios: {}, cpuPerBatchMs: per }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
