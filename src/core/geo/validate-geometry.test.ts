import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateGeometry, type GeometryProblem } from './validate-geometry.js';

const square = [
  [30, 50],
  [31, 50],
  [31, 51],
  [30, 51],
  [30, 50],
];
const fcOf = (...geometries: unknown[]) => ({
  type: 'FeatureCollection',
  features: geometries.map((geometry) => ({ type: 'Feature', properties: {}, geometry })),
});
const brief = (ps: GeometryProblem[]) => ps.map((p) => [p.featureIndex, p.path, p.reason]);

describe('validateGeometry', () => {
  it('accepts good lines and polygons, bare or in features', () => {
    expect(
      validateGeometry(
        fcOf({
          type: 'LineString',
          coordinates: [
            [30, 50],
            [31, 51],
          ],
        }),
        { use: 'line' },
      ),
    ).toEqual([]);
    expect(validateGeometry({ type: 'Polygon', coordinates: [square] }, { use: 'area' })).toEqual([]);
    expect(
      validateGeometry(
        { type: 'Feature', properties: null, geometry: { type: 'MultiPolygon', coordinates: [[square]] } },
        { use: 'area' },
      ),
    ).toEqual([]);
  });

  it('accepts a polygon with a hole and an altitude in positions', () => {
    const hole = [
      [30.2, 50.2],
      [30.2, 50.8],
      [30.8, 50.8],
      [30.2, 50.2],
    ];
    expect(
      validateGeometry({ type: 'Polygon', coordinates: [square.map(([x, y]) => [x, y, 120]), hole] }, { use: 'area' }),
    ).toEqual([]);
  });

  it('reports what is not GeoJSON', () => {
    expect(brief(validateGeometry(null))).toEqual([[null, '', 'not-geojson']]);
    expect(brief(validateGeometry([1, 2]))).toEqual([[null, '', 'not-geojson']]);
    expect(brief(validateGeometry({ type: 'Circle' }))).toEqual([[null, 'type', 'not-geojson']]);
    expect(brief(validateGeometry({ type: 'FeatureCollection', features: {} }))).toEqual([
      [null, 'features', 'not-geojson'],
    ]);
    expect(brief(validateGeometry({ type: 'FeatureCollection', features: [{ type: 'Thing' }] }))).toEqual([
      [0, 'features[0]', 'not-geojson'],
    ]);
    expect(brief(validateGeometry(fcOf({ type: 'LineString', coordinates: 'abc' })))).toEqual([
      [0, 'features[0].geometry.coordinates', 'not-geojson'],
    ]);
    expect(brief(validateGeometry(fcOf({ type: 'LineString', coordinates: [[30], [31, 51]] })))).toEqual([
      [0, 'features[0].geometry.coordinates[0]', 'not-geojson'],
    ]);
  });

  it('reports empty collections, null geometries and empty coordinates', () => {
    expect(brief(validateGeometry({ type: 'FeatureCollection', features: [] }))).toEqual([[null, 'features', 'empty']]);
    expect(brief(validateGeometry(fcOf(null)))).toEqual([[0, 'features[0].geometry', 'empty']]);
    expect(brief(validateGeometry(fcOf({ type: 'Polygon', coordinates: [] })))).toEqual([
      [0, 'features[0].geometry.coordinates', 'empty'],
    ]);
    expect(brief(validateGeometry(fcOf({ type: 'MultiLineString', coordinates: [[]] })))).toEqual([
      [0, 'features[0].geometry.coordinates[0]', 'empty'],
    ]);
  });

  it('reports the wrong geometry type for the use', () => {
    const poly = { type: 'Polygon', coordinates: [square] };
    const line = {
      type: 'LineString',
      coordinates: [
        [30, 50],
        [31, 51],
      ],
    };
    expect(brief(validateGeometry(fcOf(line, poly), { use: 'line' }))).toEqual([
      [1, 'features[1].geometry.type', 'wrong-type'],
    ]);
    expect(brief(validateGeometry(fcOf(line, poly), { use: 'area' }))).toEqual([
      [0, 'features[0].geometry.type', 'wrong-type'],
    ]);
    expect(brief(validateGeometry(fcOf({ type: 'Point', coordinates: [30, 50] }), { use: 'area' }))).toEqual([
      [0, 'features[0].geometry.type', 'wrong-type'],
    ]);
    expect(validateGeometry(fcOf({ type: 'Point', coordinates: [30, 50] }))).toEqual([]);
  });

  it('reports NaN, non-numbers and out-of-range coordinates with the exact path', () => {
    const ring = square.map((p) => [...p]);
    ring[2] = [31, Number.NaN];
    const ps = validateGeometry(
      fcOf({ type: 'Polygon', coordinates: [square] }, { type: 'Polygon', coordinates: [ring] }),
      { use: 'area' },
    );
    expect(brief(ps)).toEqual([[1, 'features[1].geometry.coordinates[0][2][1]', 'not-a-number']]);
    expect(ps[0]!.detail).toContain('NaN');
    expect(
      brief(
        validateGeometry(
          fcOf({
            type: 'LineString',
            coordinates: [
              [30, '50'],
              [31, 51],
            ],
          }),
        ),
      ),
    ).toEqual([[0, 'features[0].geometry.coordinates[0][1]', 'not-a-number']]);
    expect(
      brief(
        validateGeometry(
          fcOf({
            type: 'LineString',
            coordinates: [
              [30, 50],
              [181, 51],
              [31, -91],
            ],
          }),
        ),
      ),
    ).toEqual([
      [0, 'features[0].geometry.coordinates[1]', 'out-of-range'],
      [0, 'features[0].geometry.coordinates[2]', 'out-of-range'],
    ]);
  });

  it('reports unclosed rings and rings or lines with too few positions', () => {
    expect(brief(validateGeometry(fcOf({ type: 'Polygon', coordinates: [square.slice(0, 4)] })))).toEqual([
      [0, 'features[0].geometry.coordinates[0][3]', 'unclosed-ring'],
    ]);
    expect(
      brief(
        validateGeometry(
          fcOf({
            type: 'Polygon',
            coordinates: [
              [
                [30, 50],
                [31, 50],
                [30, 50],
              ],
            ],
          }),
        ),
      ),
    ).toEqual([[0, 'features[0].geometry.coordinates[0]', 'too-few-positions']]);
    // Four positions, but only two distinct corners: no area.
    expect(
      brief(
        validateGeometry(
          fcOf({
            type: 'Polygon',
            coordinates: [
              [
                [30, 50],
                [31, 50],
                [30, 50],
                [30, 50],
              ],
            ],
          }),
        ),
      ),
    ).toEqual([[0, 'features[0].geometry.coordinates[0]', 'too-few-positions']]);
    expect(brief(validateGeometry(fcOf({ type: 'LineString', coordinates: [[30, 50]] })))).toEqual([
      [0, 'features[0].geometry.coordinates', 'too-few-positions'],
    ]);
    expect(
      brief(
        validateGeometry(
          fcOf({
            type: 'LineString',
            coordinates: [
              [30, 50],
              [30, 50],
            ],
          }),
        ),
      ),
    ).toEqual([[0, 'features[0].geometry.coordinates', 'too-few-positions']]);
  });

  it('reports a self-intersecting ring (a bow tie) at the first crossing segment', () => {
    const bowtie = [
      [30, 50],
      [31, 51],
      [31, 50],
      [30, 51],
      [30, 50],
    ];
    const ps = validateGeometry(
      fcOf({ type: 'Polygon', coordinates: [square] }, { type: 'MultiPolygon', coordinates: [[square], [bowtie]] }),
      { use: 'area' },
    );
    expect(brief(ps)).toEqual([[1, 'features[1].geometry.coordinates[1][0][0]', 'self-intersection']]);
    expect(ps[0]!.detail).toContain('segment 0–1 meets segment 2–3');
  });

  it('reports a ring touching itself at a vertex, a spike, and a hole crossing its shell', () => {
    const touching = [
      [30, 50],
      [32, 50],
      [31, 51],
      [32, 52],
      [30, 52],
      [31, 51],
      [30, 50],
    ];
    expect(brief(validateGeometry({ type: 'Polygon', coordinates: [touching] }))).toEqual([
      [null, 'coordinates[0][1]', 'self-intersection'],
    ]);
    const spike = [
      [30, 50],
      [31, 50],
      [32, 50],
      [31, 50],
      [31, 51],
      [30, 50],
    ];
    expect(brief(validateGeometry({ type: 'Polygon', coordinates: [spike] })).map((p) => p[2])).toEqual([
      'self-intersection',
    ]);
    const crossingHole = [
      [30.5, 50.5],
      [31.5, 50.5],
      [31.5, 50.7],
      [30.5, 50.5],
    ];
    expect(brief(validateGeometry({ type: 'Polygon', coordinates: [square, crossingHole] })).map((p) => p[2])).toEqual([
      'self-intersection',
    ]);
  });

  it('finds the same crossings as testing every pair of segments', () => {
    // Small integer grids make touching, collinear and folding segments common.
    const position = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }));
    const ring = fc
      .array(position, { minLength: 3, maxLength: 12 })
      .filter((ps) => new Set(ps.map(String)).size >= 3)
      .map((ps) => [...ps, ps[0]!]);
    fc.assert(
      fc.property(fc.array(ring, { minLength: 1, maxLength: 3 }), (rings) => {
        expect(validateGeometry({ type: 'Polygon', coordinates: rings }, { use: 'area' })).toEqual(
          everyPairCrossings(rings),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('allows repeated consecutive positions', () => {
    const ring = [
      [30, 50],
      [31, 50],
      [31, 50],
      [31, 51],
      [30, 51],
      [30, 50],
    ];
    expect(validateGeometry({ type: 'Polygon', coordinates: [ring] })).toEqual([]);
  });

  it('reports a segment across the antimeridian', () => {
    expect(
      brief(
        validateGeometry({
          type: 'LineString',
          coordinates: [
            [179, 50],
            [-179, 50],
          ],
        }),
      ),
    ).toEqual([[null, 'coordinates[1]', 'crosses-antimeridian']]);
  });

  it('caps the number of problems', () => {
    const line = { type: 'LineString', coordinates: Array.from({ length: 1000 }, () => [Number.NaN, 0]) };
    expect(validateGeometry(line, { maxProblems: 10 })).toHaveLength(10);
  });

  it('never throws, whatever the input', () => {
    const hostile = {
      type: 'FeatureCollection',
      get features(): unknown {
        throw new Error('boom');
      },
    };
    expect(brief(validateGeometry(hostile))).toEqual([[null, '', 'not-geojson']]);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(Array.isArray(validateGeometry(v))).toBe(true);
      }),
      { numRuns: 500 },
    );
    const coordinate = fc.oneof(fc.double(), fc.constant(Number.NaN), fc.string(), fc.constant(null));
    const geometry = fc.record({
      type: fc.constantFrom('LineString', 'Polygon', 'MultiPolygon', 'MultiLineString', 'Point'),
      coordinates: fc.oneof(
        fc.array(fc.array(coordinate)),
        fc.array(fc.array(fc.array(coordinate))),
        fc.array(fc.array(fc.array(fc.array(coordinate)))),
      ),
    });
    fc.assert(
      fc.property(
        geometry,
        fc.constantFrom('line', 'area', 'any') as fc.Arbitrary<'line' | 'area' | 'any'>,
        (g, use) => {
          for (const p of validateGeometry(fcOf(g), { use })) {
            expect(p.featureIndex).toBe(0);
            expect(p.path.startsWith('features[0]')).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** The self-intersection rule applied to every pair of segments: the reference the sweep must agree with. */
function everyPairCrossings(rings: number[][][]): GeometryProblem[] {
  const segs: { ring: number; start: number; ord: number; a: number[]; b: number[] }[] = [];
  const count: number[] = [];
  rings.forEach((ps, ring) => {
    let ord = 0;
    for (let i = 0; i + 1 < ps.length; i++) {
      const [a, b] = [ps[i]!, ps[i + 1]!];
      if (a[0] !== b[0] || a[1] !== b[1]) segs.push({ ring, start: i, ord: ord++, a, b });
    }
    count.push(ord);
  });
  const cross = (o: number[], p: number[], q: number[]) =>
    Math.sign((p[0]! - o[0]!) * (q[1]! - o[1]!) - (p[1]! - o[1]!) * (q[0]! - o[0]!));
  const within = (p: number[], q: number[], r: number[]) =>
    r[0]! >= Math.min(p[0]!, q[0]!) &&
    r[0]! <= Math.max(p[0]!, q[0]!) &&
    r[1]! >= Math.min(p[1]!, q[1]!) &&
    r[1]! <= Math.max(p[1]!, q[1]!);
  const meet = (s: (typeof segs)[0], t: (typeof segs)[0], properOnly: boolean) => {
    const [o1, o2, o3, o4] = [cross(s.a, s.b, t.a), cross(s.a, s.b, t.b), cross(t.a, t.b, s.a), cross(t.a, t.b, s.b)];
    if (o1 * o2 < 0 && o3 * o4 < 0) return true;
    if (o1 === 0 && o2 === 0) {
      const u = [s.b[0]! - s.a[0]!, s.b[1]! - s.a[1]!];
      const len2 = u[0]! ** 2 + u[1]! ** 2;
      const t0 = ((t.a[0]! - s.a[0]!) * u[0]! + (t.a[1]! - s.a[1]!) * u[1]!) / len2;
      const t1 = ((t.b[0]! - s.a[0]!) * u[0]! + (t.b[1]! - s.a[1]!) * u[1]!) / len2;
      const [lo, hi] = [Math.max(0, Math.min(t0, t1)), Math.min(1, Math.max(t0, t1))];
      return properOnly ? hi > lo : hi >= lo;
    }
    if (properOnly) return false;
    return (
      (o1 === 0 && within(s.a, s.b, t.a)) ||
      (o2 === 0 && within(s.a, s.b, t.b)) ||
      (o3 === 0 && within(t.a, t.b, s.a)) ||
      (o4 === 0 && within(t.a, t.b, s.b))
    );
  };
  const folds = (s: (typeof segs)[0], t: (typeof segs)[0]) => {
    const [u, v] = [
      [s.b[0]! - s.a[0]!, s.b[1]! - s.a[1]!],
      [t.b[0]! - t.a[0]!, t.b[1]! - t.a[1]!],
    ];
    return u[0]! * v[1]! - u[1]! * v[0]! === 0 && u[0]! * v[0]! + u[1]! * v[1]! < 0;
  };
  const out: GeometryProblem[] = [];
  const reported = new Set<number>();
  segs.forEach((s, i) => {
    if (reported.has(s.ring)) return;
    const j = segs.findIndex((t, j) => {
      if (j <= i) return false;
      if (t.ring !== s.ring) return meet(s, t, true);
      const d = t.ord - s.ord;
      const n = count[s.ring]!;
      if (d === 1) return n > 2 && folds(s, t);
      if (d === n - 1) return n > 2 && folds(t, s);
      return meet(s, t, false);
    });
    if (j < 0) return;
    const t = segs[j]!;
    out.push({
      featureIndex: null,
      path: `coordinates[${s.ring}][${s.start}]`,
      reason: 'self-intersection',
      detail:
        t.ring === s.ring
          ? `segment ${s.start}–${s.start + 1} meets segment ${t.start}–${t.start + 1} of the same ring`
          : `segment ${s.start}–${s.start + 1} of ring ${s.ring} crosses segment ${t.start}–${t.start + 1} of ring ${t.ring}`,
    });
    reported.add(s.ring);
  });
  return out;
}
