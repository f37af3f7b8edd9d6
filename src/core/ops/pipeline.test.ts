import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EFFECTIVE, Runner, WEST } from '../../../test/ops/harness.js';
import { DAY, MINUTE } from '../spec/units.js';
import type { ObservationInput } from './observation.js';

const sources = ['radar', 'acoustic', 'uav', 'sat', 'eu-sat', 'patrol', 'air-track'];
const activities = ['artillery-fire', 'mortar-fire', 'heavy-weapon-presence', 'ground-advance', 'denial-of-access'] as const;

const observation = fc.record({
  source: fc.constantFrom(...sources),
  activity: fc.constantFrom(...activities),
  minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  dx: fc.integer({ min: -40, max: 40 }),
  radius: fc.integer({ min: 0, max: 3000 }),
  confidence: fc.double({ min: 0.5, max: 1, noNaN: true }),
  weapon: fc.constantFrom(undefined, 'tank', 'mlrs'),
});

type Generated = typeof observation extends fc.Arbitrary<infer T> ? T : never;

function toInputs(xs: Generated[]): ObservationInput[] {
  return xs.map((x, i) => {
    const o: ObservationInput = {
      source: x.source,
      sourceId: `p${i}`,
      activity: x.activity,
      time: new Date(EFFECTIVE + 20 * DAY + x.minute * MINUTE).toISOString(),
      location: { lon: WEST.lon + x.dx * 0.01, lat: WEST.lat, radius: x.radius },
      confidence: x.confidence,
    };
    if (x.weapon) o.weapon = x.weapon as 'tank';
    return o;
  });
}

const snapshot = (r: Runner) => ({
  incidents: [...r.reader.incidents.values()].map((i) => ({ ...i, createdAt: 0, updatedAt: 0 })).sort((a, b) => (a.id < b.id ? -1 : 1)),
  violations: [...r.reader.violations.values()].map((v) => ({ ...v, detectedAt: 0 })).sort((a, b) => (a.id < b.id ? -1 : 1)),
  cases: [...r.reader.cases.keys()].sort(),
});

describe('processBatch', () => {
  it('gives the same incidents, violations and cases however a stream is cut into batches, and nothing more on a retry', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 40 }), async (xs, size) => {
        const items = toInputs(xs);
        const whole = new Runner();
        await whole.run(items);
        const cut = new Runner();
        for (let i = 0; i < items.length; i += size) {
          await cut.run(items.slice(i, i + size));
          // A retry of the batch just stored changes nothing.
          const again = await cut.run(items.slice(i, i + size));
          expect(again.incidentRevisions).toEqual([]);
          expect(again.caseOpenings).toEqual([]);
        }
        expect(snapshot(cut)).toEqual(snapshot(whole));
      }),
      { numRuns: 60 },
    );
  });
});
