// CPU per batch of the in-process ingest path only (JSON.parse, validation, pipeline, SQLite store with the
// transparency-log append), no HTTP: the load-independent figure of bench/ingest.ts, quick enough to profile with
// `node --cpu-prof --import tsx bench/ingest-cpu.ts`. INGEST_EVENTS sets the traffic size (default 30,000); BATCH the
// batch size (default 500); INGEST_ORDER=messy redates the events out of order over 10 days, 5% with intervals up
// to 30 days and one of 300 (issue 22's workload).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outOfOrder, traffic } from '../test/support/observations.js';
import { ingestStages } from './support/ingest-stages.js';

const BATCH = Number(process.env['BATCH'] ?? 500);
const EVENTS = Number(process.env['INGEST_EVENTS'] ?? 30_000);
const messy = process.env['INGEST_ORDER'] === 'messy';
const inOrder = traffic({ events: EVENTS, prefix: 'c', seed: 3 });
const items = messy ? outOfOrder(inOrder, { now: Date.UTC(2026, 10, 1) }) : inOrder;
const batches: string[] = [];
for (let i = 0; i + BATCH <= items.length; i += BATCH) batches.push(JSON.stringify(items.slice(i, i + BATCH)));

const dir = mkdtempSync(join(tmpdir(), 'guarantor-ingest-cpu-'));
try {
  const { perBatch: per, wallObsPerSec, storeByQuarter } = await ingestStages(batches, join(dir, 'cpu.db'));
  const total = Object.values(per).reduce((a, b) => a + b, 0);
  console.log(
    `CPU per batch of ${BATCH} over ${batches.length} batches: ${Object.entries(per)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(
        ', ',
      )}; total ${total.toFixed(1)} ms = ${Math.round((BATCH * 1000) / total).toLocaleString('en')} obs/s per idle core; wall ${Math.round(wallObsPerSec).toLocaleString('en')} obs/s`,
  );
  console.log(
    `store CPU per batch by quarter of the run (does it grow with the database?): ${storeByQuarter.map((x) => `${x} ms`).join(', ')}`,
  );
  console.log(`order: ${messy ? 'out of order (INGEST_ORDER=messy)' : 'time order'}`);
  console.log(
    JSON.stringify({
      bench: 'ingest-cpu',
      order: messy ? 'messy' : 'time',
      unit: 'ms/batch',
      value: +total.toFixed(2),
      baselines: {},
      ratios: {},
      cpuPerBatchMs: per,
      storeByQuarter,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
