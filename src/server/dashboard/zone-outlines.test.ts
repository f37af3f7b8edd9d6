import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { distanceMetres } from '../../core/geo/ellipsoid.js';
import { metresPerDegree } from '../../core/geo/ellipsoid.js';
import {
  bothSides,
  contour,
  distanceField,
  oneSide,
  signedArea,
  simplifyLine,
  simplifyPolygons,
  simplifyRing,
  type Position,
} from './zone-outlines.js';

const line = JSON.parse(readFileSync('examples/data/contact-line.geojson', 'utf8')).features[0].geometry
  .coordinates as Position[];
const flat = Float64Array.from(line.flat());

/** Brute force: the geodesic-accurate distance (ellipsoid.ts) from p to the dense line, to its nearest vertex or foot. */
function trueDistance(p: Position): number {
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    // Densified every ~0.35 km: ten points per segment bound the error by a few metres.
    for (let k = 0; k <= 10; k++) {
      const x = line[i]![0] + ((line[i + 1]![0] - line[i]![0]) * k) / 10;
      const y = line[i]![1] + ((line[i + 1]![1] - line[i]![1]) * k) / 10;
      const d = distanceMetres(p[0], p[1], x, y);
      if (d < best) best = d;
    }
  }
  return best;
}

describe('distanceField', () => {
  const simplified = simplifyLine(flat, 10);
  const field = distanceField([simplified], 50_000, 2_000);

  it('simplifies the densified contact line to its waypoints within 10 m', () => {
    expect(flat.length / 2).toBe(2391);
    // 22 named waypoints, joined by straight lon/lat segments.
    expect(simplified.length / 2).toBeLessThan(40);
    for (let i = 0; i < line.length; i += 97) {
      const p = line[i]!;
      const f = distanceField([simplified], 1000, 250);
      const ix = Math.round((p[0] - f.lon0) / f.dlon);
      const iy = Math.round((p[1] - f.lat0) / f.dlat);
      expect(f.distance[iy * f.nx + ix]).toBeLessThan(260);
    }
  });

  it('agrees with the ellipsoidal distance to within 0.2% plus 20 m at grid nodes', () => {
    let checked = 0;
    for (let j = 3; j < field.ny; j += 11) {
      for (let i = 5; i < field.nx; i += 9) {
        const d = field.distance[j * field.nx + i]!;
        if (d > 45_000) continue;
        const p: Position = [field.lon0 + i * field.dlon, field.lat0 + j * field.dlat];
        const t = trueDistance(p);
        expect(Math.abs(d - t), `at ${p}`).toBeLessThan(0.002 * t + 20);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('puts the east of a north-to-south line on its left', () => {
    // Donetsk (37.8E, 48.0N) is east of the line; Kramatorsk (37.55E, 48.72N) west of it.
    const at = (lon: number, lat: number) =>
      field.side[Math.round((lat - field.lat0) / field.dlat) * field.nx + Math.round((lon - field.lon0) / field.dlon)];
    expect(at(38.0, 48.0)).toBe(-1);
    expect(at(37.2, 48.5)).toBe(1);
  });

  it('refuses a grid too large to hold', () => {
    expect(() => distanceField([simplified], 500_000, 50)).toThrow(RangeError);
    expect(() => distanceField([], 1000, 100)).toThrow(RangeError);
  });
});

describe('contour', () => {
  const field = distanceField([simplifyLine(flat, 10)], 100_000, 1_875);

  it('draws a 15 km buffer as one ring whose vertices lie 15 km from the line (within a tenth of a grid cell and 2%)', () => {
    const polys = contour(field, bothSides(15_000));
    expect(polys).toHaveLength(1);
    expect(polys[0]).toHaveLength(1);
    const ring = polys[0]![0]!;
    expect(signedArea(ring)).toBeGreaterThan(0);
    expect(ring[0]).toEqual(ring.at(-1));
    let worst = 0;
    for (let i = 0; i < ring.length; i += 7) worst = Math.max(worst, Math.abs(trueDistance(ring[i]!) - 15_000));
    expect(worst).toBeLessThan(400);
  });

  it('draws a one-sided buffer on the named side only', () => {
    const right = contour(field, oneSide(100_000, 'right'));
    expect(right).toHaveLength(1);
    const ring = right[0]![0]!;
    // Right of a north-to-south line is west: the band reaches 100 km west of the line and not east of it.
    const lons = ring.map((p) => p[0]);
    const lineWest = Math.min(...line.map((p) => p[0]));
    const lineEast = Math.max(...line.map((p) => p[0]));
    expect(Math.min(...lons)).toBeLessThan(lineWest - 1);
    expect(Math.max(...lons)).toBeLessThan(lineEast + 0.05);
    const left = contour(field, oneSide(100_000, 'left'));
    expect(Math.max(...left[0]![0]!.map((p) => p[0]))).toBeGreaterThan(lineEast + 1);
  });

  it('nests buffers: the 15 km outline lies inside the 50 km one', () => {
    const inner = contour(field, bothSides(15_000))[0]![0]!;
    const outer = contour(field, bothSides(50_000))[0]![0]!;
    expect(Math.abs(signedArea(outer))).toBeGreaterThan(2.5 * Math.abs(signedArea(inner)));
  });

  it('makes holes clockwise inside their outer ring (an annulus from a closed loop)', () => {
    // A square loop of side ~110 km: a 10 km buffer is an annulus.
    const loop = Float64Array.from([30, 50, 31.5, 50, 31.5, 51, 30, 51, 30, 50]);
    const f = distanceField([loop], 10_000, 1000);
    const polys = contour(f, bothSides(10_000));
    expect(polys).toHaveLength(1);
    expect(polys[0]).toHaveLength(2);
    expect(signedArea(polys[0]![0]!)).toBeGreaterThan(0);
    expect(signedArea(polys[0]![1]!)).toBeLessThan(0);
  });
});

describe('simplification', () => {
  it('keeps every removed vertex within the tolerance of the kept ring', () => {
    const field = distanceField([simplifyLine(flat, 10)], 50_000, 1_000);
    const ring = contour(field, bothSides(50_000))[0]![0]!;
    const kept = simplifyRing(ring, 100);
    expect(kept.length).toBeLessThan(ring.length / 3);
    expect(kept[0]).toEqual(kept.at(-1));
    const { kx, ky } = metresPerDegree(48);
    const toSeg = (p: Position, a: Position, b: Position) => {
      const ux = (b[0] - a[0]) * kx;
      const uy = (b[1] - a[1]) * ky;
      const px = (p[0] - a[0]) * kx;
      const py = (p[1] - a[1]) * ky;
      const t = Math.max(0, Math.min(1, (px * ux + py * uy) / (ux * ux + uy * uy || 1)));
      return Math.hypot(px - t * ux, py - t * uy);
    };
    for (const p of ring) {
      let best = Infinity;
      for (let i = 0; i + 1 < kept.length; i++) best = Math.min(best, toSeg(p, kept[i]!, kept[i + 1]!));
      // Scale factors of one latitude over 5 degrees: a few per cent of slack on the tolerance.
      expect(best).toBeLessThan(110);
    }
  });

  it('drops rings that collapse and rounds positions', () => {
    const tiny: Position[] = [
      [30, 50],
      [30.00001, 50],
      [30.00001, 50.00001],
      [30, 50],
    ];
    expect(simplifyPolygons([[tiny]], 100)).toEqual([]);
    const square: Position[] = [
      [30.123456789, 50],
      [31, 50],
      [31, 51],
      [30.123456789, 51],
      [30.123456789, 50],
    ];
    expect(simplifyPolygons([[square]], 100, 4)[0]![0]![0]).toEqual([30.1235, 50]);
  });
});
