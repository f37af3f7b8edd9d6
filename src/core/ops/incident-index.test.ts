/**
 * The incident index (incident-index.ts) answers every probe exactly as a scan of the open incidents does, through
 * puts, replacements and removals, for point and region incidents, narrow and wide (the short list), and in the
 * same order whatever the order of the answer's insertion was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR } from '../spec/units.js';
import type { Incident } from './incident.js';
import { IncidentIndex } from './incident-index.js';
import type { IncidentProbe } from '../ports/ops-reader.js';

const T0 = Date.UTC(2026, 5, 1);
const activities = ['artillery-fire', 'overflight'] as const;

function incident(
  id: string,
  activity: (typeof activities)[number],
  start: number,
  span: number,
  where: { lon: number; lat: number; r: number } | { region: string },
  status: 'open' | 'merged',
): Incident {
  const base = {
    id,
    revision: 1,
    status,
    reason: 'created',
    activity,
    members: [],
    confidence: 0.9,
    corroboration: 1,
    operators: ['CMM'],
    weapons: [],
    count: 1,
    time: start,
    start,
    end: start + span,
    radius: 0,
    createdAt: T0,
    updatedAt: T0,
  } as Incident;
  if ('region' in where) base.region = where.region;
  else base.box = [where.lon - where.r, where.lat - where.r, where.lon + where.r, where.lat + where.r];
  return base;
}

function matches(i: Incident, p: IncidentProbe): boolean {
  if (i.status !== 'open' || i.activity !== p.activity || i.end < p.from || i.start > p.to) return false;
  if ('region' in p) return i.region === p.region;
  const b = i.box;
  return b !== undefined && b[0] <= p.maxLon && p.minLon <= b[2] && b[1] <= p.maxLat && p.minLat <= b[3];
}

const where = fc.oneof(
  fc.record({
    lon: fc.double({ min: -179, max: 179, noNaN: true }),
    lat: fc.double({ min: -89, max: 89, noNaN: true }),
    r: fc.oneof(fc.double({ min: 0, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true })),
  }),
  fc.record({ region: fc.constantFrom('UA-14', 'UA-23') }),
);
const op = fc.record({
  id: fc.integer({ min: 0, max: 30 }).map((n) => `inc-${n}`),
  activity: fc.constantFrom(...activities),
  start: fc.integer({ min: -48, max: 48 }).map((h) => T0 + h * HOUR),
  span: fc.oneof(fc.integer({ min: 0, max: 6 * HOUR }), fc.integer({ min: 0, max: 40 * 24 * HOUR })),
  where,
  status: fc.constantFrom('open', 'open', 'open', 'merged'),
  remove: fc.boolean(),
});
const probe = fc.record({
  activity: fc.constantFrom(...activities),
  from: fc.integer({ min: -60, max: 60 }).map((h) => T0 + h * HOUR),
  hours: fc.integer({ min: 0, max: 24 }),
  where,
});

describe('IncidentIndex', () => {
  it('answers every probe as a scan of the open incidents does (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.array(probe, { minLength: 1, maxLength: 20 }), (ops, probes) => {
        const index = new IncidentIndex();
        const current = new Map<string, Incident>();
        for (const o of ops) {
          if (o.remove) {
            index.remove(o.id);
            current.delete(o.id);
          } else {
            const i = incident(o.id, o.activity, o.start, o.span, o.where, o.status as 'open' | 'merged');
            index.put(i);
            if (i.status === 'open') current.set(i.id, i);
            else current.delete(i.id);
          }
        }
        expect(index.size).toBe(current.size);
        for (const q of probes) {
          const p: IncidentProbe =
            'region' in q.where
              ? { activity: q.activity, from: q.from, to: q.from + q.hours * HOUR, region: q.where.region }
              : {
                  activity: q.activity,
                  from: q.from,
                  to: q.from + q.hours * HOUR,
                  minLon: q.where.lon - q.where.r,
                  minLat: q.where.lat - q.where.r,
                  maxLon: q.where.lon + q.where.r,
                  maxLat: q.where.lat + q.where.r,
                };
          const got = [...index.query(p).keys()].sort();
          const want = [...current.values()]
            .filter((i) => matches(i, p))
            .map((i) => i.id)
            .sort();
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 500 },
    );
  });
});
