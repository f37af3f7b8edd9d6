import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEFT, LineIndex, ON, RIGHT } from './line-index.js';
import { geodesicDistance } from './vincenty.js';

/** Geodesic distance (Vincenty) from P to the lon/lat-straight segment AB: dense samples, then golden section. */
function geodesicToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const at = (t: number) => geodesicDistance(px, py, ax + (bx - ax) * t, ay + (by - ay) * t);
  const n = 48;
  let bestK = 0;
  let best = Infinity;
  for (let k = 0; k <= n; k++) {
    const d = at(k / n);
    if (d < best) {
      best = d;
      bestK = k;
    }
  }
  let lo = Math.max(0, (bestK - 1) / n);
  let hi = Math.min(1, (bestK + 1) / n);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const m1 = hi - g * (hi - lo);
    const m2 = lo + g * (hi - lo);
    if (at(m1) < at(m2)) hi = m2;
    else lo = m1;
  }
  return Math.min(best, at((lo + hi) / 2));
}

function geodesicToLine(px: number, py: number, parts: Float64Array[]): number {
  let best = Infinity;
  for (const p of parts)
    for (let i = 0; i + 3 < p.length; i += 2)
      best = Math.min(best, geodesicToSegment(px, py, p[i]!, p[i + 1]!, p[i + 2]!, p[i + 3]!));
  return best;
}

const line = (...xy: number[]) => new Float64Array(xy);

describe('LineIndex.nearest: distance', () => {
  // Long segments (100-300 km), where the method's approximations would show.
  const waypoints = [
    line(30.75, 46.48, 30.95, 46.2, 30.9, 45.6, 30.2, 45, 29.9, 44.3, 29.4, 43.6, 29.2, 42.6, 29.1, 41.3),
  ];
  const index = new LineIndex(waypoints, { hintExtent: [25, 40, 36, 48] });

  it('matches the geodesic distance within 1e-5 for points from metres to 600 km away', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 24, max: 37, noNaN: true }),
        fc.double({ min: 40, max: 49, noNaN: true }),
        (x, y) => {
          index.nearest(x, y);
          const ref = geodesicToLine(x, y, waypoints);
          expect(Math.abs(index.distance - ref)).toBeLessThanOrEqual(1e-5 * ref + 1e-6);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('matches within a millimetre for points within metres of the line', () => {
    const p = waypoints[0]!;
    for (let i = 0; i + 3 < p.length; i += 2) {
      for (const t of [0, 0.001, 0.5, 0.999]) {
        const x = p[i]! + (p[i + 2]! - p[i]!) * t;
        const y = p[i + 1]! + (p[i + 3]! - p[i + 1]!) * t;
        for (const [ox, oy] of [
          [1e-5, 0],
          [0, -3e-5],
          [2e-6, 2e-6],
        ]) {
          index.nearest(x + ox!, y + oy!);
          const ref = geodesicToLine(x + ox!, y + oy!, waypoints);
          expect(Math.abs(index.distance - ref)).toBeLessThan(1e-3);
        }
      }
    }
  });

  it('is zero on a vertex and finds the nearest segment with and without hints', () => {
    index.nearest(30.9, 45.6);
    expect(index.distance).toBe(0);
    expect(index.side).toBe(ON);
    const plain = new LineIndex(waypoints);
    for (const [x, y] of [
      [27, 47],
      [33, 41],
      [29.5, 44.1],
    ]) {
      index.nearest(x!, y!);
      plain.nearest(x!, y!);
      expect(plain.distance).toBe(index.distance);
      expect(plain.segment).toBe(index.segment);
    }
  });

  it('skips repeated positions and keeps parts apart', () => {
    const li = new LineIndex([line(30, 50, 30, 50, 31, 50, 31, 50), line(32, 50, 33, 50)]);
    expect(li.segmentCount).toBe(2);
    li.nearest(31.5, 50.1);
    expect(li.atEnd).toBe(true);
    expect(li.distance).toBeCloseTo(
      geodesicToSegment(31.5, 50.1, 31, 50, 32, 50) > 0
        ? geodesicToLine(31.5, 50.1, [line(30, 50, 31, 50), line(32, 50, 33, 50)])
        : 0,
      3,
    );
  });
});

describe('LineIndex.nearest: side', () => {
  // East along 50°N, then a left turn north along 31°E.
  const leftTurn = new LineIndex([line(30, 50, 31, 50, 31, 51)]);
  // East, then a right turn south.
  const rightTurn = new LineIndex([line(30, 50, 31, 50, 31, 49)]);

  const side = (li: LineIndex, x: number, y: number) => {
    li.nearest(x, y);
    return li.side;
  };

  it('uses the cross product inside a segment', () => {
    expect(side(leftTurn, 30.5, 50.1)).toBe(LEFT);
    expect(side(leftTurn, 30.5, 49.9)).toBe(RIGHT);
    expect(side(leftTurn, 31.1, 50.5)).toBe(RIGHT);
    expect(side(leftTurn, 30.9, 50.5)).toBe(LEFT);
  });

  it('puts the outer wedge of a left turn on the right, of a right turn on the left', () => {
    // Nearest point is the vertex (31, 50) for points south-east of it.
    leftTurn.nearest(31.2, 49.8);
    expect(leftTurn.t === 1 || leftTurn.t === 0).toBe(true);
    expect(leftTurn.side).toBe(RIGHT);
    expect(side(rightTurn, 31.2, 50.2)).toBe(LEFT);
    // On the extension of the first segment past the vertex: outside the turn.
    expect(side(leftTurn, 31.3, 50)).toBe(RIGHT);
    expect(side(rightTurn, 31.3, 50)).toBe(LEFT);
    // Inner wedge, near the vertex.
    expect(side(leftTurn, 30.95, 50.03)).toBe(LEFT);
    expect(side(rightTurn, 30.95, 49.97)).toBe(RIGHT);
  });

  it('uses the end segment extension beyond an end, and says so', () => {
    leftTurn.nearest(29.5, 50.2);
    expect(leftTurn.atEnd).toBe(true);
    expect(leftTurn.side).toBe(LEFT);
    leftTurn.nearest(31.2, 51.5);
    expect(leftTurn.atEnd).toBe(true);
    expect(leftTurn.side).toBe(RIGHT);
    leftTurn.nearest(30.5, 50.2);
    expect(leftTurn.atEnd).toBe(false);
  });

  it('agrees with the cross product of a two-segment polyline everywhere off the vertex wedge (property)', () => {
    // For a straight line the side is the sign of the cross product with its direction, whatever the vertex.
    const straight = new LineIndex([line(30, 48, 31, 49, 32, 50)]);
    fc.assert(
      fc.property(
        fc.double({ min: 29, max: 33, noNaN: true }),
        fc.double({ min: 47, max: 51, noNaN: true }),
        (x, y) => {
          straight.nearest(x, y);
          const c = (x - 30) * 1 - (y - 48) * 1; // direction (1, 1): left when y - x > 18
          if (Math.abs(c) > 1e-9) expect(straight.side).toBe(c < 0 ? LEFT : RIGHT);
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe('LineIndex boundary helpers', () => {
  it('marks the owners of segments within a radius', () => {
    const li = new LineIndex([line(30, 50, 31, 50), line(30, 51, 31, 51)], { partOwner: [3, 5] });
    const marks = new Uint8Array(6);
    li.markWithin(30.5, 50.05, 6000, marks);
    expect([...marks]).toEqual([0, 0, 0, 1, 0, 0]);
    marks.fill(0);
    li.markWithin(30.5, 50.5, 60000, marks);
    expect([...marks]).toEqual([0, 0, 0, 1, 0, 1]);
  });

  it('measures the distance to the rays beyond the ends', () => {
    const li = new LineIndex([line(30, 50, 31, 50)]);
    // 0.1° north of the ray extending east from (31, 50): about 11.1 km.
    li.measureEndRays(32, 50.1);
    expect(li.endRayDistance).toBeGreaterThan(11000);
    expect(li.endRayDistance).toBeLessThan(11200);
    li.measureEndRays(29, 50);
    expect(li.endRayDistance).toBe(0);
  });
});
