import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EFFECTIVE, Runner, WEST } from '../../../test/ops/harness.js';
import { DAY, MINUTE } from '../spec/units.js';
import type { Incident } from './incident.js';
import type { ObservationInput } from './observation.js';
import { batchRevisions } from './pipeline.js';

const sources = ['radar', 'acoustic', 'uav', 'sat', 'eu-sat', 'patrol', 'air-track'];
const activities = [
  'artillery-fire',
  'mortar-fire',
  'heavy-weapon-presence',
  'ground-advance',
  'denial-of-access',
] as const;

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

// Revision numbers, reasons and absorbed lists record how the stream was batched (one revision per batch); the
// state itself must not depend on it.
const snapshot = (r: Runner) => ({
  incidents: [...r.reader.incidents.values()]
    .map(({ revision: _r, reason: _why, absorbed: _a, ...i }) => ({ ...i, createdAt: 0, updatedAt: 0 }))
    .sort((a, b) => (a.id < b.id ? -1 : 1)),
  violations: [...r.reader.violations.values()]
    .map(({ revision: _r, ...v }) => ({ ...v, detectedAt: 0 }))
    .sort((a, b) => (a.id < b.id ? -1 : 1)),
  cases: [...r.reader.cases.keys()].sort(),
});

describe('processBatch', () => {
  it('gives the same incidents, violations and cases however a stream is cut into batches, and nothing more on a retry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(observation, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 40 }),
        async (xs, size) => {
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
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('batchRevisions: one revision per incident per batch', () => {
  const base = {
    status: 'open' as const,
    activity: 'artillery-fire' as const,
    members: [],
    confidence: 0.9,
    corroboration: 1,
    operators: [],
    weapons: [],
    count: 1,
    time: 0,
    start: 0,
    end: 0,
    radius: 0,
    createdAt: 0,
    updatedAt: 0,
  };
  const rev = (id: string, revision: number, reason: Incident['reason'], extra: Partial<Incident> = {}): Incident => ({
    ...base,
    id,
    revision,
    reason,
    ...extra,
  });

  it('folds each incident to its last state, numbered one past its stored revision, in first-change order', () => {
    const stored = rev('s', 4, 'joined');
    const steps = [
      rev('n', 1, 'created'),
      rev('s', 5, 'joined'),
      rev('n', 2, 'joined', { count: 3 }),
      rev('s', 6, 'joined', { count: 7 }),
    ];
    const out = batchRevisions(
      steps,
      new Map([
        ['n', null],
        ['s', stored],
      ]),
    );
    expect(out.map((r) => [r.id, r.revision, r.reason, r.count])).toEqual([
      ['n', 1, 'created', 3],
      ['s', 5, 'joined', 7],
    ]);
  });

  it('keeps every absorption: the survivor lists all it took, an absorbed incident says merged-into', () => {
    const steps = [
      rev('b', 3, 'merged-into', { status: 'merged', mergedInto: 'a' }),
      rev('a', 2, 'merged', { absorbed: ['b'] }),
      rev('c', 2, 'merged-into', { status: 'merged', mergedInto: 'a' }),
      rev('a', 3, 'merged', { absorbed: ['c'] }),
      rev('a', 4, 'joined', { count: 9 }),
    ];
    const out = batchRevisions(
      steps,
      new Map<string, Incident | null>([
        ['a', rev('a', 1, 'created')],
        ['b', rev('b', 2, 'joined')],
        ['c', rev('c', 1, 'created')],
      ]),
    );
    expect(out.map((r) => [r.id, r.revision, r.reason, r.absorbed ?? null, r.mergedInto ?? null])).toEqual([
      ['b', 3, 'merged-into', null, 'a'],
      ['a', 2, 'merged', ['b', 'c'], null],
      ['c', 2, 'merged-into', null, 'a'],
    ]);
    expect(out[1]!.count).toBe(9);
    // The steps themselves are not changed.
    expect(steps[4]!.revision).toBe(4);
  });
});
