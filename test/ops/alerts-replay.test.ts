/**
 * Replaying all 43,031 official air-raid alerts against the counterfactual air-truce package, checked against a
 * count made directly from the CSV.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryOpsReader } from '../../src/core/ops/index.js';
import { parseObservationBatch } from '../../src/core/ops/index.js';
import { prepareOps, processBatch } from '../../src/core/ops/index.js';
import { parseAlerts } from '../../src/core/ops/index.js';
import { parseCrosswalk } from '../../src/core/ops/index.js';
import { loadExample } from './simple-locator.js';
import { geoLocatorFor } from '../../src/core/ops/index.js';

const ALERTS = resolve('examples/data/air-raid-alerts/official_data_en.csv');
const EFFECTIVE = Date.parse('2022-03-15T00:00:00Z');
const DAY = 86_400_000;

describe('air-raid alerts replay against an air truce', () => {
  const reader = new MemoryOpsReader({ keepRevisions: false });
  let parsed = 0;

  beforeAll(async () => {
    const loaded = loadExample('examples/replay/ukraine-2022-air-alerts-replay.yaml');
    const built = geoLocatorFor(loaded.model!, loaded.geometries);
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    const locator = built.locator;
    const model = prepareOps(loaded.model!, { locator, regions: locator.regionCodes() });
    const p = parseAlerts(readFileSync(ALERTS, 'utf8'), {
      source: 'air-alerts',
      crosswalk: parseCrosswalk(readFileSync('examples/data/oblast-crosswalk.csv', 'utf8')),
    });
    parsed = p.observations.length;
    const now = Date.parse('2024-05-01T00:00:00Z');
    for (let i = 0; i < p.observations.length; i += 1000) {
      const batch = parseObservationBatch(p.observations.slice(i, i + 1000), model.rules, now);
      if (!batch.ok) throw new Error(JSON.stringify(batch.errors.slice(0, 3)));
      reader.apply(await processBatch({ model, now }, batch.observations, reader));
    }
  }, 120_000);

  it('finds one violation per alert and a case for every run of 20 alerts within a day, as counted from the CSV', () => {
    // The independent count: every line after the header is an alert. A case for day k (UTC days from the effective
    // time) when 20 alerts start less than a day apart and the earliest of them starts on day k.
    const lines = readFileSync(ALERTS, 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim());
    const times = lines.map((l) => Date.parse(l.split(',')[4]!.replace(' ', 'T'))).sort((a, b) => a - b);
    const days = new Set<number>();
    for (let i = 0; i + 19 < times.length; i++)
      if (times[i + 19]! - times[i]! < DAY) days.add(Math.floor((times[i]! - EFFECTIVE) / DAY));
    expect(parsed).toBe(lines.length);
    expect(reader.violations.size).toBe(lines.length);
    expect(
      [...reader.violations.values()].every(
        (v) => v.party === 'undetermined' && v.zones[0] === 'ukraine' && v.region !== undefined,
      ),
    ).toBe(true);
    const expectedCases = [...days].map((d) => `mass-alerts|undetermined|${EFFECTIVE + d * DAY}`).sort();
    expect([...reader.cases.keys()].sort()).toEqual(expectedCases);
    expect(expectedCases.length).toBeGreaterThan(100);
  });
});
