/**
 * Hostile input to `POST /v1/observations`: thousands of mutated batches (fields removed, replaced by arbitrary
 * JSON, wrong types, out-of-range numbers, broken JSON and NDJSON text, wrong shapes). The server never answers
 * 5xx, and a rejected batch changes nothing that is stored.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservationInput } from '../src/core/ops/index.js';
import { testServer, type TestServer } from './support/app.js';
import { traffic } from './support/observations.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ limits: { maxBatch: 50, bodyLimit: 64 * 1024 } });
});
afterAll(() => s.close());

const pool: ObservationInput[] = traffic({ events: 400, prefix: 'f', seed: 17 });
const fields = [
  'source',
  'sourceId',
  'activity',
  'weapon',
  'count',
  'time',
  'until',
  'timePrecision',
  'location',
  'confidence',
  'attribution',
  'evidence',
  'note',
];

const nasty = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    null,
    '',
    -1,
    0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    'NaN',
    '2026-13-45T99:99:99Z',
    '9999-01-01T00:00:00Z',
    '\u0000',
    'x'.repeat(5000),
  ),
  fc.record({ lon: fc.double(), lat: fc.double(), radius: fc.double() }),
  fc.record({ region: fc.string() }),
  fc.array(fc.string({ maxLength: 70 }), { maxLength: 70 }),
);

type Mutation = (o: Record<string, unknown>) => unknown;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...fields).map((f) => (o: Record<string, unknown>) => {
    const c = { ...o };
    delete c[f];
    return c;
  }),
  fc
    .tuple(fc.constantFrom(...fields, '__proto__', 'constructor', 'extra'), nasty)
    .map(([f, v]) => (o: Record<string, unknown>) => ({ ...o, [f]: v })),
  fc
    .tuple(fc.constantFrom('lon', 'lat', 'radius', 'altitude', 'region', 'extra'), nasty)
    .map(([f, v]) => (o: Record<string, unknown>) => ({ ...o, location: { ...(o['location'] as object), [f]: v } })),
  nasty.map((v) => () => v),
);

/** A batch: valid items from the pool (fresh ids), some mutated; or a wholly broken body. */
const request = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.tuple(
      fc.array(fc.tuple(fc.nat(pool.length - 1), fc.option(mutation, { freq: 2 })), { minLength: 1, maxLength: 8 }),
      fc.nat(),
      fc.boolean(),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.string(), fc.json(), fc.constantFrom('[', '[{]', '{"a":1}', 'null', '[]x', '\u0000'))
      .map((t) => ({ raw: t })),
  },
);

let counter = 0;
async function stored() {
  return (await s.app.inject({ method: 'GET', url: '/v1/status' })).json() as Record<string, number>;
}

describe('hostile batches', () => {
  it('never get a 5xx, and a rejected batch stores nothing', async () => {
    let rejected = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const before = await stored();
        let payload: string;
        let contentType = 'application/json';
        if ('raw' in req) payload = req.raw;
        else {
          const [picks, salt, ndjson] = req;
          const items = picks.map(([i, m]) => {
            const o = { ...pool[i]!, sourceId: `fz${++counter}-${salt}` } as Record<string, unknown>;
            return m ? m(o) : o;
          });
          if (ndjson) {
            contentType = 'application/x-ndjson';
            payload = items.map((x) => (x === undefined ? '' : (JSON.stringify(x) ?? ''))).join('\n');
          } else payload = JSON.stringify(items);
        }
        const r = await s.app.inject({
          method: 'POST',
          url: '/v1/observations',
          headers: { authorization: s.auth.monitor, 'content-type': contentType },
          payload,
        });
        expect(r.statusCode, r.body).toBeLessThan(500);
        const body = r.json() as { error?: string; message?: string };
        if (r.statusCode === 200) {
          accepted++;
          return;
        }
        rejected++;
        expect(r.statusCode).toBeGreaterThanOrEqual(400);
        expect(typeof body.error).toBe('string');
        expect(typeof body.message).toBe('string');
        expect(await stored()).toEqual(before);
      }),
      { numRuns: 3000, seed: 20260601 },
    );
    // The generator exercises both outcomes.
    expect(rejected).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(50);
  }, 120_000);
});
