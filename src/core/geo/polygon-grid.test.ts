import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolygonGrid } from './polygon-grid.js';

/** The textbook even-odd crossing test (W. R. Franklin's pnpoly), over all rings: the slow reference. */
function pnpoly(rings: readonly Float64Array[], x: number, y: number): boolean {
  let inside = false;
  for (const r of rings) {
    const n = r.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = r[i * 2]!;
      const yi = r[i * 2 + 1]!;
      const xj = r[j * 2]!;
      const yj = r[j * 2 + 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** True when (x, y) lies on an edge; exact for the small integer coordinates used below. */
function onBoundary(rings: readonly Float64Array[], x: number, y: number): boolean {
  for (const r of rings) {
    for (let i = 0; i + 3 < r.length; i += 2) {
      const ax = r[i]!;
      const ay = r[i + 1]!;
      const bx = r[i + 2]!;
      const by = r[i + 3]!;
      if ((bx - ax) * (y - ay) - (by - ay) * (x - ax) !== 0) continue;
      if (x >= Math.min(ax, bx) && x <= Math.max(ax, bx) && y >= Math.min(ay, by) && y <= Math.max(ay, by)) return true;
    }
  }
  return false;
}

const ring = (...xy: number[]) => new Float64Array(xy);
const inside = (g: PolygonGrid, x: number, y: number, p = 0) => {
  const out = new Int32Array(g.words);
  g.contains(x, y, out);
  return ((out[p >> 5]! >>> (p & 31)) & 1) === 1;
};

describe('PolygonGrid', () => {
  const shell = ring(0, 0, 10, 0, 10, 10, 0, 10, 0, 0);
  const hole = ring(3, 3, 7, 3, 7, 7, 3, 7, 3, 3);
  const island = ring(4, 4, 6, 4, 6, 6, 4, 6, 4, 4);

  it('handles holes and islands in holes by parity', () => {
    const g = new PolygonGrid([[shell, hole, island]]);
    expect(inside(g, 1, 1)).toBe(true);
    expect(inside(g, 3.5, 3.5)).toBe(false);
    expect(inside(g, 5, 5)).toBe(true);
    expect(inside(g, 11, 5)).toBe(false);
    expect(inside(g, -1, 5)).toBe(false);
  });

  it('answers for many polygons at once, across 32-bit words', () => {
    const polys = Array.from({ length: 40 }, (_, i) => [ring(i, 0, i + 1, 0, i + 1, 1, i, 1, i, 0)]);
    const g = new PolygonGrid(polys);
    expect(g.words).toBe(2);
    for (let i = 0; i < 40; i++) {
      expect(inside(g, i + 0.5, 0.5, i)).toBe(true);
      expect(inside(g, i + 0.5, 0.5, (i + 1) % 40)).toBe(false);
    }
  });

  it('is outside everything for NaN and for points off the grid', () => {
    const g = new PolygonGrid([[shell]]);
    expect(inside(g, Number.NaN, 5)).toBe(false);
    expect(inside(g, 5, Number.NaN)).toBe(false);
    expect(inside(g, 5, 1e9)).toBe(false);
    const empty = new PolygonGrid([]);
    expect(inside(empty, 5, 5)).toBe(false);
  });

  it('agrees with pnpoly on random polygons with shared coordinates (degenerate cases), off the boundary', () => {
    // Small integer coordinates make vertices share rows and columns with each other and with the queries: the
    // vertex-on-ray and edge-through-corner cases a grid must not double count.
    const pt = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }));
    const ringArb = fc.array(pt, { minLength: 3, maxLength: 12 }).map((ps) => ring(...ps.flat(), ...ps[0]!));
    fc.assert(
      fc.property(
        fc.array(fc.array(ringArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.integer({ min: -2, max: 28 }), fc.integer({ min: -2, max: 28 })), {
          minLength: 20,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 400 }),
        fc.boolean(),
        (polys, queries, cells, aligned) => {
          // Aligned: grid lines every 0.5, through vertices and queries. Otherwise a free grid of `cells` cells.
          const layout = { x0: -1, y0: -1, x1: 14, y1: 14, nx: 30, ny: 30 };
          const g = new PolygonGrid(polys, aligned ? { layout } : { targetCells: cells });
          const out = new Int32Array(g.words);
          for (const [qx, qy] of queries) {
            const x = qx / 2;
            const y = qy / 2;
            g.contains(x, y, out);
            polys.forEach((rings, p) => {
              if (onBoundary(rings, x, y)) return;
              expect(((out[p >> 5]! >>> (p & 31)) & 1) === 1).toBe(pnpoly(rings, x, y));
            });
          }
        },
      ),
      { numRuns: 600, seed: 11 },
    );
  });

  it('agrees with pnpoly on random real-valued points', () => {
    const star: number[] = [];
    for (let k = 0; k < 24; k++) {
      const a = (k / 24) * 2 * Math.PI;
      const r = k % 2 === 0 ? 5 : 2;
      star.push(30 + r * Math.cos(a), 48 + r * Math.sin(a));
    }
    star.push(star[0]!, star[1]!);
    const rings = [ring(...star)];
    const g = new PolygonGrid([rings], { targetCells: 64 });
    fc.assert(
      fc.property(
        fc.double({ min: 24, max: 36, noNaN: true }),
        fc.double({ min: 42, max: 54, noNaN: true }),
        (x, y) => {
          expect(inside(g, x, y)).toBe(pnpoly(rings, x, y));
        },
      ),
      { numRuns: 5000, seed: 5 },
    );
  });
});
