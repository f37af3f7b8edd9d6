import v8 from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INSIDE, LEFT, MAYBE, OUTSIDE, RIGHT } from './location.js';
import { geodesicDistance } from './vincenty.js';
import { buildZoneIndex, type ZoneIndex, type ZoneProblem } from './zone-index.js';
import type { ZoneGeometryInput, ZoneInput } from './zones.js';

const lineString = (...pairs: [number, number][]) => ({ type: 'LineString', coordinates: pairs });
const polygon = (...pairs: [number, number][]) => ({ type: 'Polygon', coordinates: [[...pairs, pairs[0]!]] });
const feature = (geometry: unknown, properties: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties,
  geometry,
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

// A front along the meridian 30°E from 48°N to 50°N, running north: west is its left.
const zones: ZoneInput[] = [
  {
    id: 'front',
    kind: 'line',
    geometry: collection(feature(lineString([30, 48], [30, 50]))),
    sides: { left: 'A', right: 'B' },
  },
  { id: 'b10', kind: 'buffer', around: 'front', width: 10_000 },
  { id: 'east20', kind: 'buffer', around: 'front', width: 20_000, side: 'right' },
  { id: 'lane', kind: 'corridor', geometry: lineString([31, 48.5], [32, 48.5]), width: 10_000 },
  {
    id: 'box',
    kind: 'area',
    geometry: collection(feature(polygon([29.5, 48.8], [30.5, 48.8], [30.5, 49.2], [29.5, 49.2]))),
  },
  { id: 'r2', kind: 'area', regions: ['R-2'] },
  { id: 'nofly', kind: 'airspace', over: 'b10', ceiling: 5000, floor: 100 },
  {
    id: 'dome',
    kind: 'airspace',
    geometry: polygon([29.5, 48.8], [30.5, 48.8], [30.5, 49.2], [29.5, 49.2]),
    ceiling: 3000,
  },
];
const regions = {
  geometry: collection(
    feature(polygon([28, 47], [30, 47], [30, 51], [28, 51]), { iso_3166_2: 'R-1', name_en: 'West' }),
    feature(polygon([30, 47], [32, 47], [32, 51], [30, 51]), { iso_3166_2: 'R-2', name_en: 'East' }),
  ),
};
const input: ZoneGeometryInput = { zones, regions };

function build(i: ZoneGeometryInput = input): ZoneIndex {
  const { index, problems } = buildZoneIndex(i);
  expect(problems).toEqual([]);
  return index!;
}

describe('ZoneIndex.locate', () => {
  const ix = build();
  const zonesAt = (x: number, y: number, alt?: number) => ix.record(ix.locate(x, y, alt)).zones;

  it('places a point west of the front: buffer, side, party, area, region, airspace footprint', () => {
    const r = ix.record(ix.locate(29.9, 49));
    expect(r.zones).toEqual(['b10', 'box', 'nofly', 'dome']);
    expect(r.region).toEqual({ code: 'R-1', name: 'West' });
    expect(r.altitudeKnown).toBe(false);
    const front = r.lines.find((l) => l.id === 'front')!;
    expect(front.side).toBe('left');
    expect(front.party).toBe('A');
    expect(front.beyondEnd).toBe(false);
    // 0.1° of longitude at 49°N, by Vincenty to the foot on the meridian (which lies a few metres north).
    expect(Math.abs(front.distance - geodesicDistance(29.9, 49, 30, 49))).toBeLessThan(0.01);
  });

  it('applies one-sided buffers by side', () => {
    expect(zonesAt(30.2, 49)).toEqual(['east20', 'box', 'r2', 'dome']);
    expect(zonesAt(29.8, 49)).toEqual(['box', 'dome']);
    expect(ix.record(ix.locate(30.2, 49)).lines[0]!.party).toBe('B');
  });

  it('counts a corridor width as the total, half each side', () => {
    expect(zonesAt(31.5, 48.52)).toContain('lane');
    expect(zonesAt(31.5, 48.46)).toContain('lane');
    expect(zonesAt(31.5, 48.6)).not.toContain('lane');
  });

  it('applies the airspace height band when an altitude is known', () => {
    expect(zonesAt(29.9, 49, 50)).toEqual(['b10', 'box', 'dome']);
    expect(zonesAt(29.9, 49, 2000)).toEqual(['b10', 'box', 'nofly', 'dome']);
    expect(zonesAt(29.9, 49, 4000)).toEqual(['b10', 'box', 'nofly']);
    expect(zonesAt(29.9, 49, 6000)).toEqual(['b10', 'box']);
    expect(ix.locate(29.9, 49, 2000).altitudeKnown).toBe(true);
  });

  it('says when a point lies beyond an end of a line', () => {
    const r = ix.record(ix.locate(30.01, 50.05));
    expect(r.lines[0]!.beyondEnd).toBe(true);
    expect(r.lines[0]!.side).toBe('right');
  });

  it('puts a point on the line in the line zone and both one-sided buffers', () => {
    const r = ix.record(ix.locate(30, 49));
    expect(r.lines[0]!.distance).toBe(0);
    expect(r.lines[0]!.side).toBe('on');
    expect(r.zones).toEqual(expect.arrayContaining(['front', 'b10', 'east20']));
  });

  it('answers nothing for an invalid point, and recovers', () => {
    for (const [x, y] of [
      [Number.NaN, 49],
      [30, Number.NaN],
      [200, 0],
      [0, 91],
      [Infinity, 0],
    ]) {
      const loc = ix.locate(x!, y!);
      expect(loc.valid).toBe(false);
      expect([...loc.inside].every((v) => v === 0)).toBe(true);
      expect(loc.region).toBe(-1);
    }
    expect(ix.locate(29.9, 49).valid).toBe(true);
  });

  it('reuses one Location object; copyFrom and record keep an answer', () => {
    const a = ix.locate(29.9, 49);
    const kept = ix.record(a);
    const b = ix.locate(31.5, 48.52);
    expect(b).toBe(a);
    expect(ix.record(b)).not.toEqual(kept);
  });

  it('locateFrom reads coordinates from a typed array', () => {
    const coords = new Float64Array([0, 0, 29.9, 49, 2000]);
    expect(ix.record(ix.locateFrom(coords, 2, true))).toEqual(ix.record(ix.locate(29.9, 49, 2000)));
  });
});

describe('ZoneIndex.locateWithin', () => {
  const ix = build();
  const z = (id: string) => ix.zoneNumber(id);

  it('is certain when the whole disc is on one side of every boundary', () => {
    const pr = ix.locateWithin(29.9, 49, 1000);
    expect(pr.status[z('b10')]).toBe(INSIDE);
    expect(pr.status[z('box')]).toBe(INSIDE);
    expect(pr.status[z('east20')]).toBe(OUTSIDE);
    expect(pr.status[z('lane')]).toBe(OUTSIDE);
    expect(pr.status[z('front')]).toBe(OUTSIDE);
    expect(ix.proximityRecord(pr).regions).toEqual({ inside: 'R-1', maybe: [] });
  });

  it('is MAYBE when the disc crosses a boundary', () => {
    const pr = ix.locateWithin(29.9, 49, 8000);
    expect(pr.status[z('b10')]).toBe(MAYBE);
    expect(pr.status[z('front')]).toBe(MAYBE);
    expect(pr.status[z('east20')]).toBe(MAYBE);
    expect(pr.status[z('r2')]).toBe(MAYBE);
    expect(ix.proximityRecord(pr).regions).toEqual({ inside: null, maybe: ['R-1', 'R-2'] });
  });

  it('handles one-sided buffers, including near the rays beyond the line ends', () => {
    expect(ix.locateWithin(30.2, 49, 1000).status[z('east20')]).toBe(INSIDE);
    expect(ix.locateWithin(30.2, 49, 6000).status[z('east20')]).toBe(MAYBE);
    expect(ix.locateWithin(29.8, 49, 1000).status[z('east20')]).toBe(OUTSIDE);
    // North of the end at 50°N the side is the ray's; a disc across that ray is on both sides.
    expect(ix.locateWithin(30.01, 50.05, 5000).status[z('east20')]).toBe(MAYBE);
    expect(ix.locateWithin(30.1, 50.05, 1000).status[z('east20')]).toBe(INSIDE);
  });

  it('applies altitude to airspace and passes the footprint through', () => {
    expect(ix.locateWithin(29.9, 49, 1000, 6000).status[z('nofly')]).toBe(OUTSIDE);
    expect(ix.locateWithin(29.9, 49, 1000, 2000).status[z('nofly')]).toBe(INSIDE);
    expect(ix.locateWithin(29.9, 49, 8000, 2000).status[z('nofly')]).toBe(MAYBE);
  });

  it('with radius 0 agrees with locate (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 27, max: 33, noNaN: true }),
        fc.double({ min: 47, max: 51, noNaN: true }),
        (x, y) => {
          const inside = [...ix.locate(x, y).inside];
          const status = [...ix.locateWithin(x, y, 0).status];
          inside.forEach((v, i) => {
            if (status[i] === MAYBE) return;
            // A line zone is never INSIDE a disc; off the line both say no.
            expect(status[i] === INSIDE ? 1 : 0).toBe(ix.zones[i]!.kind === 'line' ? 0 : v);
          });
        },
      ),
      { numRuns: 2000, seed: 3 },
    );
  });

  it('rejects a negative or infinite radius', () => {
    expect(ix.locateWithin(29.9, 49, -1).valid).toBe(false);
    expect(ix.locateWithin(29.9, 49, Infinity).valid).toBe(false);
  });
});

describe('buildZoneIndex problems', () => {
  const reasons = (ps: ZoneProblem[]) => ps.map((p) => [p.zone, p.field, p.reason]);
  const withZones = (...zs: unknown[]) => buildZoneIndex({ zones: zs as ZoneInput[], regions });

  it('reports references to missing zones or zones of the wrong kind', () => {
    const r = withZones(
      zones[0],
      { id: 'b', kind: 'buffer', around: 'nope', width: 5 },
      { id: 'c', kind: 'buffer', around: 'a', width: 5 },
      { id: 'a', kind: 'area', regions: ['R-1'] },
      { id: 's', kind: 'airspace', over: 'front', ceiling: 5 },
    );
    expect(r.index).toBeNull();
    expect(reasons(r.problems)).toEqual([
      ['b', 'around', 'unknown-zone'],
      ['c', 'around', 'wrong-zone-kind'],
      ['s', 'over', 'wrong-zone-kind'],
    ]);
  });

  it('reports bad numbers, sides, kinds and duplicate ids', () => {
    const r = withZones(
      zones[0],
      { id: 'w', kind: 'buffer', around: 'front', width: -1 },
      { id: 'n', kind: 'buffer', around: 'front', width: Number.NaN },
      { id: 's', kind: 'buffer', around: 'front', width: 5, side: 'up' },
      { id: 'h', kind: 'airspace', over: 'w', ceiling: 100, floor: 200 },
      { id: 'k', kind: 'zone' },
      { id: 'w', kind: 'area', regions: ['R-1'] },
      { kind: 'area' },
      { id: 'l', kind: 'line', geometry: lineString([30, 48], [30, 49]), sides: { left: 'A' } },
    );
    expect(reasons(r.problems)).toEqual([
      ['k', 'kind', 'unknown-kind'],
      ['w', 'id', 'duplicate-zone'],
      [null, 'id', 'unknown-kind'],
      ['w', 'width', 'bad-number'],
      ['n', 'width', 'bad-number'],
      ['s', 'side', 'bad-side'],
      ['h', 'floor', 'bad-number'],
      ['l', 'sides', 'bad-side'],
    ]);
  });

  it('reports missing geometry and unknown region codes', () => {
    const r = withZones(
      { id: 'l', kind: 'line' },
      { id: 'a', kind: 'area' },
      { id: 'g', kind: 'area', regions: ['R-9'] },
      { id: 'x', kind: 'airspace', ceiling: 1 },
    );
    expect(reasons(r.problems)).toEqual([
      ['l', 'geometry', 'missing-geometry'],
      ['a', 'geometry', 'missing-geometry'],
      ['g', 'regions[0]', 'unknown-region'],
      ['x', 'over', 'missing-geometry'],
    ]);
    const noLayer = buildZoneIndex({ zones: [{ id: 'g', kind: 'area', regions: ['R-1'] }] });
    expect(reasons(noLayer.problems)).toEqual([['g', 'regions[0]', 'unknown-region']]);
  });

  it('carries GeoJSON problems with their feature index and path', () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [30, 48],
          [31, 49],
          [31, 48],
          [30, 49],
          [30, 48],
        ],
      ],
    };
    const r = withZones(
      { id: 'a', kind: 'area', geometry: collection(feature(polygon([30, 48], [31, 48], [31, 49])), feature(bowtie)) },
      { id: 'l', kind: 'line', geometry: polygon([30, 48], [31, 48], [31, 49]) },
    );
    expect(reasons(r.problems)).toEqual([
      ['a', 'geometry', 'geometry'],
      ['l', 'geometry', 'geometry'],
    ]);
    expect(r.problems[0]!.geometry).toMatchObject({
      featureIndex: 1,
      path: 'features[1].geometry.coordinates[0][0]',
      reason: 'self-intersection',
    });
    expect(r.problems[1]!.geometry).toMatchObject({ reason: 'wrong-type', path: 'type' });
  });

  it('reports region features without a code, or with a repeated one', () => {
    const layer = collection(
      feature(polygon([28, 47], [30, 47], [30, 51]), { iso_3166_2: 'R-1' }),
      feature(polygon([30, 47], [32, 47], [32, 51]), { iso_3166_2: 'R-1' }),
      feature(polygon([30, 47], [32, 47], [32, 51]), { name_en: 'none' }),
    );
    const r = buildZoneIndex({ zones: [], regions: { geometry: layer } });
    expect(reasons(r.problems)).toEqual([
      [null, 'regions.code', 'bad-region-code'],
      [null, 'regions.code', 'bad-region-code'],
    ]);
  });

  it('never throws on hostile input', () => {
    for (const bad of [
      null,
      42,
      { zones: 'x' },
      { zones: [null, 1, 'a'] },
      { zones: [], regions: 5 },
      {
        zones: [
          {
            id: 'a',
            kind: 'line',
            geometry: {
              type: 'LineString',
              coordinates: [
                [Number.NaN, 1],
                [2, 3],
              ],
            },
          },
        ],
      },
    ]) {
      const r = buildZoneIndex(bad as unknown as ZoneGeometryInput);
      expect(r.index).toBeNull();
      expect(r.problems.length).toBeGreaterThan(0);
    }
  });
});

describe('ZoneIndex allocation', () => {
  it('allocates nothing per query (young-generation growth well under one boxed number per call)', () => {
    const ix = build();
    const n = 4000;
    const coords = new Float64Array(n * 4);
    let s = 12345;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < n; i++) coords.set([27 + rnd() * 6, 47 + rnd() * 4, rnd() * 20000, rnd() * 8000], i * 4);
    const newSpace = () => v8.getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')!.space_used_size;
    const perCall = (f: (i: number) => void) => {
      for (let k = 0; k < 100; k++) for (let i = 0; i < n; i++) f(i);
      let best = Infinity;
      for (let k = 0; k < 9; k++) {
        const a = newSpace();
        for (let i = 0; i < n; i++) f(i);
        const b = newSpace();
        if (b >= a) best = Math.min(best, (b - a) / n);
      }
      return best;
    };
    // A boxed double is 12-16 bytes; V8's own bookkeeping accounts for the rest.
    const a = perCall((i) => ix.locateFrom(coords, i * 4, true));
    const b = perCall((i) => ix.locateWithinFrom(coords, i * 4, true));
    expect(a).toBeLessThan(8);
    expect(b).toBeLessThan(8);
  });
});

describe('side constants', () => {
  it('are -1 left and 1 right', () => {
    expect([LEFT, RIGHT]).toEqual([-1, 1]);
  });
});
