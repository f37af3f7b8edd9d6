/**
 * Refined hints (LineIndex's `hintRefine`, which the zone engine uses) change where a search starts, never its
 * answer: on the example contact line, points near it (the bench's workload) and over the package's extent get the
 * same distance, side and end flag from a refined index as from the 24-cell grid the engine used before and from a
 * search without hints. Where the segment differs, it is the tie at a shared vertex: the two segments meeting there,
 * each at that end.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index.js';
import { mulberry32 } from '../../../test/support/mulberry32.js';

const geojson = JSON.parse(
  readFileSync(new URL('../../../examples/data/contact-line.geojson', import.meta.url), 'utf8'),
) as { features: { geometry: { coordinates: [number, number][] } }[] };
const coords = geojson.features[0]!.geometry.coordinates;
const parts = [new Float64Array(coords.flat())];
/** The extent of the example package's geometry (bench/geo.ts), over which the hint grids are laid. */
const extent = [22, 40.5, 41, 52.5] as const;

/** Points within `band` metres of the line, uniform along it, as bench/geo.ts places them. */
function nearLine(n: number, band: number, rand: () => number): Float64Array {
  const M = (6_371_000 * Math.PI) / 180;
  const cum = [0];
  for (let k = 1; k < coords.length; k++) {
    const [ax, ay] = coords[k - 1]!;
    const [bx, by] = coords[k]!;
    cum.push(cum[k - 1]! + Math.hypot((bx - ax) * M * Math.cos(((ay + by) / 2) * (Math.PI / 180)), (by - ay) * M));
  }
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const at = rand() * cum[cum.length - 1]!;
    let k = 1;
    while (cum[k]! < at) k++;
    const [ax, ay] = coords[k - 1]!;
    const [bx, by] = coords[k]!;
    const t = (at - cum[k - 1]!) / (cum[k]! - cum[k - 1]! || 1);
    const y = ay + t * (by - ay);
    const kx = M * Math.cos(y * (Math.PI / 180));
    const ex = (bx - ax) * kx;
    const ey = (by - ay) * M;
    const len = Math.hypot(ex, ey) || 1;
    const off = (rand() * 2 - 1) * band;
    out[2 * i] = ax + t * (bx - ax) + ((-ey / len) * off) / kx;
    out[2 * i + 1] = y + ((ex / len) * off) / M;
  }
  return out;
}

describe('LineIndex hint refinement', () => {
  const refined = new LineIndex(parts, { hintExtent: extent, hintRefine: 6 });
  const coarse = new LineIndex(parts, { hintExtent: extent });
  const plain = new LineIndex(parts);

  const compare = (points: Float64Array) => {
    let ties = 0;
    const p = new Float64Array(2);
    for (let i = 0; i < points.length / 2; i++) {
      p[0] = points[2 * i]!;
      p[1] = points[2 * i + 1]!;
      for (const other of [coarse, plain]) {
        refined.nearestPoint(p);
        const [d, seg, t, side, end] = [refined.distance, refined.segment, refined.t, refined.side, refined.atEnd];
        other.nearestPoint(p);
        if (d !== other.distance || side !== other.side || end !== other.atEnd)
          expect({ point: [p[0], p[1]], d, side, end }).toEqual({
            point: [p[0], p[1]],
            d: other.distance,
            side: other.side,
            end: other.atEnd,
          });
        if (seg !== other.segment) {
          ties++;
          // The vertex shared by segments s and s + 1: the end of the one, the start of the other.
          const [lo, tLo, tHi] = seg < other.segment ? [seg, t, other.t] : [other.segment, other.t, t];
          expect(Math.abs(seg - other.segment)).toBe(1);
          expect([tLo, tHi]).toEqual([1, 0]);
          expect(lo).toBeGreaterThanOrEqual(0);
        }
      }
    }
    return ties;
  };

  it('gives the same distance, side and end flag near the contact line (100,000 points within 30 km)', () => {
    compare(nearLine(100_000, 30_000, mulberry32(7)));
  });

  it('and within metres of it, and over the whole extent', () => {
    compare(nearLine(20_000, 50, mulberry32(11)));
    const rand = mulberry32(13);
    const uniform = new Float64Array(2 * 20_000);
    for (let i = 0; i < 20_000; i++) {
      uniform[2 * i] = extent[0] + rand() * (extent[2] - extent[0]);
      uniform[2 * i + 1] = extent[1] + rand() * (extent[3] - extent[1]);
    }
    compare(uniform);
  });
});
