import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compiledObservationSchema,
  normalizeObservation,
  observationInputSchema,
  observationJsonSchema,
  parseObservationBatch,
  type ObservationRules,
} from './observation.js';

const NOW = Date.parse('2026-07-01T12:00:00Z');
const rules: ObservationRules = {
  sources: new Map([
    ['radar', { operator: 'CMM' }],
    ['sat', { operator: 'US' }],
  ]),
  activities: new Set(['artillery-fire', 'denial-of-access']),
  regions: new Set(['UA-14', 'UA-09']),
  actors: new Set(['UA', 'RU']),
  maxFuture: 10 * 60_000,
};
const good = {
  source: 'radar',
  sourceId: 'r-1',
  activity: 'artillery-fire',
  time: '2026-07-01T10:15:30Z',
  location: { lon: 37.5, lat: 48.3, radius: 300 },
  confidence: 0.8,
};

describe('observation batches', () => {
  it('accepts a valid batch and normalises it', () => {
    const r = parseObservationBatch(
      [good, { ...good, sourceId: 'r-2', location: { region: 'UA-14' }, timePrecision: 'day' }],
      rules,
      NOW,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [a, b] = r.observations;
    expect(a).toMatchObject({
      source: 'radar',
      sourceId: 'r-1',
      count: 1,
      time: Date.parse(good.time),
      start: Date.parse(good.time),
      end: Date.parse(good.time),
      lon: 37.5,
      lat: 48.3,
      radius: 300,
      evidence: [],
    });
    expect(b).toMatchObject({
      region: 'UA-14',
      radius: 0,
      start: Date.parse('2026-07-01T00:00:00Z'),
      end: Date.parse('2026-07-02T00:00:00Z'),
    });
    expect(b!.lon).toBeUndefined();
  });

  it('names the index, field path and reason of every bad item, and accepts none of the batch', () => {
    const r = parseObservationBatch(
      [
        good,
        { ...good, sourceId: 'x', location: { lon: 37, lat: 91 } },
        { ...good, sourceId: 'y', activity: 'shelling' },
        { ...good, sourceId: 'z', source: 'drone' },
        { ...good, sourceId: 'f', time: '2026-07-01T13:00:00Z' },
        { ...good, sourceId: 'g', location: { region: 'UA-99' } },
        { ...good, sourceId: 'h', attribution: { party: 'XX', basis: 'observed' } },
        { ...good, sourceId: 'i', evidence: ['abc'] },
        { ...good, sourceId: 'j', confidence: 1.5, extra: 1 },
        good,
        { ...good, sourceId: 'k', time: '2026-07-01T10:00:00Z', until: '2026-06-30T10:00:00Z' },
        { ...good, sourceId: 'l\u0000m' },
        'not an object',
        { ...good, sourceId: 'n\ud800' },
        { ...good, sourceId: 'o', note: 'a \udfff b' },
        { ...good, sourceId: 'p', note: 'a \ud83d\ude00 b' },
      ],
      rules,
      NOW,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = (i: number) => r.errors.filter((e) => e.index === i).map((e) => e.path);
    expect(at(0)).toEqual([]);
    expect(at(1)).toEqual(['location.lat']);
    expect(at(2)).toEqual(['activity']);
    expect(at(3)).toEqual(['source']);
    expect(at(4)).toEqual(['time']);
    expect(r.errors.find((e) => e.index === 4)!.reason).toMatch(/future/);
    expect(at(5)).toEqual(['location.region']);
    expect(at(6)).toEqual(['attribution.party']);
    expect(at(7)).toEqual(['evidence[0]']);
    expect(at(8).sort()).toEqual(['', 'confidence']);
    expect(at(9)).toEqual(['sourceId']);
    expect(r.errors.find((e) => e.index === 9)!.reason).toMatch(/duplicates item 0/);
    expect(at(10)).toEqual(['until']);
    expect(at(11)).toEqual(['sourceId']);
    expect(at(12)).toEqual(['']);
    expect(at(13)).toEqual(['sourceId']);
    expect(at(14)).toEqual(['note']);
    expect(at(15)).toEqual([]); // a surrogate pair is Unicode
    expect(r.errors.find((e) => e.index === 14)!.reason).toMatch(/lone UTF-16 surrogate/);
    for (const e of r.errors) expect(e.reason.length).toBeGreaterThan(5);
    const sorted = [...r.errors].sort((a, b) => a.index - b.index);
    expect(r.errors.map((e) => e.index)).toEqual(sorted.map((e) => e.index));
  });

  it('turns time precision into an interval', () => {
    const n = (extra: object) => normalizeObservation(observationInputSchema.parse({ ...good, ...extra }));
    expect(n({ timePrecision: 'hour' })).toMatchObject({
      start: Date.parse('2026-07-01T10:00:00Z'),
      end: Date.parse('2026-07-01T11:00:00Z'),
    });
    expect(n({ timePrecision: 'month' })).toMatchObject({
      start: Date.parse('2026-07-01T00:00:00Z'),
      end: Date.parse('2026-08-01T00:00:00Z'),
    });
    expect(n({ timePrecision: 'week' })).toMatchObject({
      start: Date.parse('2026-07-01T00:00:00Z'),
      end: Date.parse('2026-07-08T00:00:00Z'),
    });
    expect(n({ timePrecision: 90 })).toMatchObject({
      start: Date.parse('2026-07-01T10:14:00Z'),
      end: Date.parse('2026-07-01T10:17:00Z'),
    });
    expect(n({ time: '2026-07-01T12:15:30+02:00' }).time).toBe(Date.parse('2026-07-01T10:15:30Z'));
    expect(n({ timePrecision: 'day', until: '2026-07-03T00:00:00Z' })).toMatchObject({
      start: Date.parse('2026-07-01T00:00:00Z'),
      end: Date.parse('2026-07-03T00:00:00Z'),
    });
  });

  it('publishes a JSON Schema for OpenAPI', () => {
    const s = observationJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(s.properties)).toContain('location');
    expect(s.required.sort()).toEqual(['activity', 'confidence', 'location', 'source', 'sourceId', 'time']);
  });

  it('the compiled schema answers exactly as the runtime schema, valid or not', () => {
    const full = {
      ...good,
      weapon: 'artillery-100mm-plus',
      count: 3,
      until: '2026-07-01T11:00:00+01:00',
      timePrecision: 'minute',
      attribution: { party: 'RU', basis: 'observed' },
      evidence: ['a'.repeat(64)],
      note: 'seen',
    };
    const odd = fc.oneof(
      fc.constantFrom(
        undefined,
        null,
        '',
        'x',
        -1,
        0,
        0.5,
        1.5,
        1e9,
        NaN,
        Infinity,
        true,
        [],
        {},
        'hour',
        'artillery-fire',
        '2026-02-30T00:00:00Z',
        '2026-07-01T10:15Z',
        '2026-07-01T10:15:30.123456+02:00',
        { region: 'UA-14' },
        { lon: 181, lat: 0 },
        { lon: 1, lat: 2, radius: -1 },
        ['f'.repeat(64)],
        ['F'.repeat(64)],
        'a\u0000b',
        'x'.repeat(201),
      ),
      fc.anything(),
    );
    const keys = [
      ...Object.keys(full),
      'extra',
      'location.lon',
      'location.lat',
      'location.radius',
      'location.altitude',
      'location.region',
      'attribution.party',
      'attribution.basis',
    ];
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(fc.constantFrom(...keys), odd, fc.boolean()), { maxLength: 4 }),
        (fromFull, edits) => {
          const item = structuredClone(fromFull ? full : good) as Record<string, unknown>;
          for (const [key, value, remove] of edits) {
            const [a, b] = key.split('.') as [string, string | undefined];
            const holder =
              b === undefined
                ? item
                : ((item[a] = typeof item[a] === 'object' && item[a] !== null ? item[a] : {}) as Record<
                    string,
                    unknown
                  >);
            if (remove) delete holder[b ?? a];
            else holder[b ?? a] = value;
          }
          const runtime = observationInputSchema.safeParse(item);
          const compiled = compiledObservationSchema.safeParse(item);
          expect(compiled.success).toBe(runtime.success);
          if (runtime.success) expect(compiled.data).toEqual(runtime.data);
          else
            expect(compiled.error!.issues.map((i) => [i.path, i.message])).toEqual(
              runtime.error.issues.map((i) => [i.path, i.message]),
            );
        },
      ),
      { numRuns: 3000 },
    );
  });
});
