/**
 * The probe index kept by the writer (incident-probe-rows.ts, migration 0170) holds exactly the boxes the
 * `incident_probe_boxes` view defines (migration 0120, the triggers' definition): one per open incident, none for
 * the others, after in-order and late reports, revisions, merges, and region incidents of one source or several.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseObservationBatch, type Observation } from '../../core/ops/index.js';
import { exampleOperations } from '../../../test/support/app.js';
import { outOfOrder, traffic } from '../../../test/support/observations.js';
import { SqliteStore } from './sqlite-store.js';

const NOW = Date.UTC(2026, 6, 1);
const ops = exampleOperations(NOW);
const meta = { receivedAt: NOW, submittedBy: 'k1' };
const tmp = mkdtempSync(join(tmpdir(), 'guarantor-probe-rows-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function batches(messy: boolean, prefix: string): Observation[][] {
  const items = traffic({ events: 1500, seed: 5, prefix, start: NOW - 12 * 86_400_000 });
  const parsed = parseObservationBatch(messy ? outOfOrder(items, { now: NOW, seed: 3 }) : items, ops.rules, NOW);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  const out: Observation[][] = [];
  for (let i = 0; i < parsed.observations.length; i += 200) out.push(parsed.observations.slice(i, i + 200));
  return out;
}

/** The R*Tree's rows, and the view's boxes put through an R*Tree of the same shape (its 32-bit rounding). */
function boxes(path: string) {
  const db = new Database(path);
  try {
    db.exec(`CREATE VIRTUAL TABLE temp.expected USING rtree(seq, min_x, max_x, min_y, max_y, start_t, end_t);
      INSERT INTO temp.expected SELECT * FROM incident_probe_boxes;`);
    const all = (sql: string) => db.prepare(sql).raw().all();
    return {
      actual: all('SELECT * FROM incident_rtree ORDER BY seq'),
      expected: all('SELECT * FROM temp.expected ORDER BY seq'),
      counts: db
        .prepare(
          `SELECT count(*) AS incidents, sum(status = 'open') AS open, sum(revision > 1) AS revised,
             sum(status = 'open' AND region IS NOT NULL AND json_array_length(doc, '$.members') = 1) AS soleRegion,
             sum(status = 'open' AND region IS NOT NULL AND json_array_length(doc, '$.members') > 1) AS sharedRegion,
             sum(status = 'open' AND end_ms - start_ms > 86400000) AS long
           FROM incidents`,
        )
        .get() as Record<string, number>,
      codes: all('SELECT code FROM incident_sources ORDER BY code'),
    };
  } finally {
    db.close();
  }
}

describe('the probe index kept by the writer', () => {
  for (const [name, messy, writer] of [
    ['in order, inline writer', false, 'inline'],
    ['out of order, writer thread', true, 'thread'],
  ] as const)
    it(`holds the view's box of every open incident and nothing else (${name})`, async () => {
      const path = join(tmp, `${name.replace(/\W+/g, '-')}.db`);
      const store = SqliteStore.open({ path, writer });
      for (const b of batches(messy, name[0]!)) await store.ingest(b, meta, ops.process);
      await store.close();
      const { actual, expected, counts, codes } = boxes(path);
      expect(actual).toEqual(expected);
      expect(actual.length).toBe(counts['open']);
      // The cases that take other paths: revised rows (old box replaced), merged ones (box gone), the long tier,
      // region incidents in a source's lane and in lane 0.
      expect(counts['revised']).toBeGreaterThan(0);
      expect(counts['open']).toBeLessThan(counts['incidents']!);
      expect(counts['long']).toBeGreaterThan(messy ? 0 : -1);
      expect(counts['soleRegion']).toBeGreaterThan(0);
      expect(codes.map((c) => (c as number[])[0])).toEqual(codes.map((_, k) => k + 1)); // numbered 1, 2, ... once each
    });
});
