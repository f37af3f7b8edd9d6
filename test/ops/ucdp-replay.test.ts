/**
 * Replaying the full UCDP GED Ukraine file (3,077 events) through the pipeline (with the geo engine as its
 * locator) against the Minsk II replay package,
 * checked against an independent count made directly from the CSV: its own CSV reading, Turf for distances, and
 * the documented rules restated in a few lines (docs/operations/replay.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pointToLineDistance from '@turf/point-to-line-distance';
import { lineString, point } from '@turf/helpers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryOpsReader } from '../../src/core/ops/index.js';
import { parseObservationBatch } from '../../src/core/ops/index.js';
import { prepareOps, processBatch, type OpsModel } from '../../src/core/ops/index.js';
import { parseCrosswalk } from '../../src/core/ops/index.js';
import { parseUcdp } from '../../src/core/ops/index.js';
import { loadExample } from './simple-locator.js';
import { geoLocatorFor } from '../../src/core/ops/index.js';

const UCDP = resolve('examples/data/ucdp-ged/ucdp-ged-ukraine-2014-01_to_2022-02.csv');
const PACKAGE = 'examples/replay/ukraine-2015-minsk-replay.yaml';
const EFFECTIVE = Date.parse('2015-02-14T22:00:00Z');
const WEEK = 7 * 86_400_000;

/** A CSV reader written separately from src/core/ops/replay/csv.ts. */
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

interface Expected {
  violations: Map<string, number>;
  cases: Set<string>;
}

/** The independent count. */
function countFromCsv(line: number[][], activityOf: ReadonlyMap<string, string>): Expected {
  const rows = readCsv(readFileSync(UCDP, 'utf8'));
  expect(rows).toHaveLength(3077);
  const radius: Record<string, number> = { '1': 2, '2': 25, '3': 50, '5': 100 };
  const ls = lineString(line);
  const violations = new Map<string, number>();
  const times = new Map<string, number[]>();
  for (const r of rows) {
    if (r['date_start']! < '2015-02-15') continue;
    let party = 'undetermined';
    const prec = r['where_prec']!;
    if (prec === '4') {
      if (
        !['Donetsk oblast', 'Luhansk oblast', 'Dnipropetrovsk oblast', 'Kiev Special Republican city'].includes(
          r['adm_1']!,
        )
      )
        continue;
    } else if (radius[prec] !== undefined) {
      const lon = Number(r['longitude']);
      const lat = Number(r['latitude']);
      const d = pointToLineDistance(point([lon, lat]), ls, { units: 'kilometers' });
      // Fire reaches 40 km (artillery), 2 km (small arms); missiles, drones and aircraft have no such bound.
      const reach =
        ({ 'artillery-fire': 40, 'small-arms-fire': 2 } as Record<string, number>)[activityOf.get(r['id']!)!] ??
        Infinity;
      if (d > radius[prec]! && d <= reach) party = sideOf(line, lon, lat) === 'left' ? 'UA' : 'DPR-LPR';
    } else continue;
    violations.set(party, (violations.get(party) ?? 0) + 1);
    if (r['event_clarity'] !== '1') continue;
    const t = Date.parse(`${r['date_start']}T00:00:00Z`);
    times.set(party, [...(times.get(party) ?? []), t]);
  }
  // Sliding windows anchored to weeks from the effective date: a case for week k when three clear events lie less
  // than a week apart and the earliest of them falls in week k.
  const cases = new Set<string>();
  for (const [party, ts] of times) {
    ts.sort((a, b) => a - b);
    for (let i = 0; i + 2 < ts.length; i++) {
      if (ts[i + 2]! - ts[i]! < WEEK)
        cases.add(`ceasefire-breach|${party}|${EFFECTIVE + Math.floor((ts[i]! - EFFECTIVE) / WEEK) * WEEK}`);
    }
  }
  return { violations, cases };
}

/** Side of the nearest vertex-to-vertex segment, by the sign of the cross product in degrees scaled by cos(lat). */
function sideOf(line: number[][], lon: number, lat: number): 'left' | 'right' {
  const k = Math.cos((lat * Math.PI) / 180);
  let best = Infinity;
  let side: 'left' | 'right' = 'left';
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = [(line[i]![0]! - lon) * k, line[i]![1]! - lat];
    const [bx, by] = [(line[i + 1]![0]! - lon) * k, line[i + 1]![1]! - lat];
    const t = Math.max(0, Math.min(1, -(ax * (bx - ax) + ay * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
    const d = Math.hypot(ax + t * (bx - ax), ay + t * (by - ay));
    if (d < best) {
      best = d;
      side = (bx - ax) * -ay - (by - ay) * -ax > 0 ? 'left' : 'right';
    }
  }
  return side;
}

describe('UCDP replay against Minsk II', () => {
  let model: OpsModel;
  let reader: MemoryOpsReader;
  let skipped: number;
  let line: number[][];
  /** The activity the parser gave each event (from its words, else artillery-fire): the count checks the pipeline. */
  const activityOf = new Map<string, string>();

  beforeAll(async () => {
    const loaded = loadExample(PACKAGE);
    line = (loaded.geometries.get('data/contact-line-2015.geojson')!.geojson as any).features[0].geometry.coordinates;
    const built = geoLocatorFor(loaded.model!, loaded.geometries);
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    const locator = built.locator;
    model = prepareOps(loaded.model!, { locator, regions: locator.regionCodes() });
    const crosswalk = parseCrosswalk(readFileSync('examples/data/oblast-crosswalk.csv', 'utf8'));
    // Every event is sent, undetermined ones as artillery-fire: the ceasefire forbids every fire activity, so the
    // activity does not change which are violations or cases, and the count below needs no word rules.
    const parsed = parseUcdp(readFileSync(UCDP, 'utf8'), { source: 'ucdp', crosswalk, undetermined: 'artillery-fire' });
    skipped = parsed.skipped.length;
    for (const o of parsed.observations) activityOf.set(o.sourceId, o.activity);
    reader = new MemoryOpsReader();
    const now = Date.parse('2022-03-01T00:00:00Z');
    for (let i = 0; i < parsed.observations.length; i += 500) {
      const batch = parseObservationBatch(parsed.observations.slice(i, i + 500), model.rules, now);
      if (!batch.ok) throw new Error(JSON.stringify(batch.errors.slice(0, 3)));
      reader.apply(await processBatch({ model, now }, batch.observations, reader));
    }
  });

  it('accepts every located event and skips only the three located to the country or to waters', () => {
    expect(skipped).toBe(3);
    expect(reader.incidents.size).toBe(3077 - 3);
  });

  it('finds the violations an independent count finds, by party', () => {
    const expected = countFromCsv(line, activityOf);
    const got = new Map<string, number>();
    for (const v of reader.violations.values())
      if (v.status === 'active') got.set(v.party, (got.get(v.party) ?? 0) + 1);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected.violations));
    expect([...got.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(1400);
    expect(got.get('UA')).toBeGreaterThan(50);
    expect(got.get('DPR-LPR')).toBeGreaterThan(50);
  });

  it('opens exactly the cases the independent count finds, each once', () => {
    const expected = countFromCsv(line, activityOf);
    const keys = new Set(reader.cases.keys());
    expect([...keys].sort()).toEqual([...expected.cases].sort());
    expect(keys.size).toBeGreaterThan(20);
    console.log(
      `UCDP replay: ${reader.violations.size} violations, ${keys.size} cases (${[...new Set([...reader.cases.values()].map((c) => c.party))].join(', ')})`,
    );
    for (const c of reader.cases.values()) {
      expect(c.severity).toBe('serious');
      expect(c.evidence.length).toBeGreaterThanOrEqual(3);
      expect(c.breachAt).toBe(c.evidence[2]!.time);
    }
  });
});
