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
