/**
 * CPU time per batch by stage of the in-process ingest path (JSON.parse, validation, pipeline, SQLite store with the
 * transparency-log append), on the example package with the real geo engine as locator: what an idle core would
 * need, whatever else the machine runs. Shared by bench/ingest.ts and bench/ingest-cpu.ts.
 */
import { geoLocatorFor } from '../../src/core/ops/index.js';
import { parseObservationBatch } from '../../src/core/ops/index.js';
import { operationsFor } from '../../src/server/operations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { examplePackage } from '../../test/support/app.js';

export interface Stages {
  /** Mean CPU ms per batch: parse, validate, pipeline (its reads included), store (inserts, writes, log, commit). */
  perBatch: { parse: number; validate: number; pipeline: number; store: number };
  /** Observations per wall-clock second over the whole loop. */
  wallObsPerSec: number;
  /** Store CPU per batch (ms) in each quarter of the run, in order: does the cost grow with the database? */
  storeByQuarter: number[];
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Each body is a JSON array of observation inputs; every item must be valid. */
export async function ingestStages(bodies: readonly string[], path: string): Promise<Stages> {
  const geo = geoLocatorFor(examplePackage.model!, examplePackage.geometries);
  if (!geo.ok) throw new Error('example zones do not build');
  const now = Date.UTC(2026, 10, 1);
  const ops = operationsFor(examplePackage, { clock: { now: () => now }, locator: geo.locator });
  const store = SqliteStore.open({ path });
  const acc = { parse: 0, validate: 0, pipeline: 0, store: 0 };
  let observations = 0;
  const storeByBatch: number[] = [];
  const t0 = process.hrtime.bigint();
  try {
    for (const body of bodies) {
      let c = cpu();
      const items = JSON.parse(body) as unknown[];
      acc.parse += cpu() - c;
      c = cpu();
      const parsed = parseObservationBatch(items, ops.rules, now);
      acc.validate += cpu() - c;
      if (!parsed.ok) throw new Error('bench data is invalid');
      observations += parsed.observations.length;
      let inPipeline = 0;
      c = cpu();
      await store.ingest(parsed.observations, { receivedAt: now, submittedBy: 'bench' }, async (o, reader) => {
        const p = cpu();
        const out = await ops.process(o, reader);
        inPipeline += cpu() - p;
        return out;
      });
      acc.store += cpu() - c - inPipeline;
      storeByBatch.push(cpu() - c - inPipeline);
      acc.pipeline += inPipeline;
    }
  } finally {
    await store.close();
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const mean = (v: number) => +(v / bodies.length).toFixed(2);
  const quarter = (q: number) => {
    const part = storeByBatch.slice(
      Math.floor((q * storeByBatch.length) / 4),
      Math.floor(((q + 1) * storeByBatch.length) / 4),
    );
    return +(part.reduce((a, b) => a + b, 0) / Math.max(1, part.length)).toFixed(2);
  };
  return {
    perBatch: {
      parse: mean(acc.parse),
      validate: mean(acc.validate),
      pipeline: mean(acc.pipeline),
      store: mean(acc.store),
    },
    wallObsPerSec: observations / wall,
    storeByQuarter: [0, 1, 2, 3].map(quarter),
  };
}
