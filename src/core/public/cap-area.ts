import { itemAt } from '../item-at.js';
/**
 * A region's outline as CAP 1.2 areas take it (OASIS CAP 1.2 §3.2.4): `polygon` is a closed ring of at least four
 * "lat,lon" WGS 84 pairs separated by spaces. The standard sets no upper bound, but alerting networks do: FEMA's
 * IPAWS CAP profile and many receivers accept at most 100 points per polygon, so each ring is simplified
 * (Douglas-Peucker, tolerance doubled until it fits) to that many and written to 4 decimals (about 11 m).
 */

export const capMaxPoints = 100;
/** Parts of a multi-part region kept, largest first: islands and slivers carry no meaning in an alert. */
export const capMaxParts = 8;

type Pt = [number, number];

function perpendicular(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy);
  if (len === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]);
  return Math.abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / len;
}

/** Douglas-Peucker on an open polyline (iterative: outlines have tens of thousands of points). */
function simplifyLine(points: readonly Pt[], tolerance: number): Pt[] {
  const n = points.length;
  if (n <= 2) return [...points];
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const stack: [number, number][] = [[0, n - 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [i, j] = top;
    let best = -1;
    let far = 0;
    for (let k = i + 1; k < j; k++) {
      const d = perpendicular(itemAt(points, k), itemAt(points, i), itemAt(points, j));
      if (d > far) {
        far = d;
        best = k;
      }
    }
    if (best >= 0 && far > tolerance) {
      keep[best] = 1;
      stack.push([i, best], [best, j]);
    }
  }
  return points.filter((_, k) => keep[k]);
}

/** A closed ring (first point repeated last) simplified to at most `max` points, still closed; undefined if degenerate. */
export function simplifyRing(ring: readonly Pt[], max = capMaxPoints): Pt[] | undefined {
  const [first, last] = [ring[0], ring.at(-1)];
  const open =
    ring.length > 1 && first && last && first[0] === last[0] && first[1] === last[1] ? ring.slice(0, -1) : [...ring];
  if (open.length < 3) return undefined;
  // Split at the point farthest from the first, so both halves are lines with fixed ends.
  let far = 0;
  for (let k = 1; k < open.length; k++)
    if (
      Math.hypot(itemAt(open, k)[0] - itemAt(open, 0)[0], itemAt(open, k)[1] - itemAt(open, 0)[1]) >
      Math.hypot(itemAt(open, far)[0] - itemAt(open, 0)[0], itemAt(open, far)[1] - itemAt(open, 0)[1])
    )
      far = k;
  if (far === 0) return undefined;
  const a = open.slice(0, far + 1);
  const b = [...open.slice(far), itemAt(open, 0)];
  let box = 0;
  for (const p of open) box = Math.max(box, Math.abs(p[0] - itemAt(open, 0)[0]), Math.abs(p[1] - itemAt(open, 0)[1]));
  for (let tol = box / 1e5 || 1e-9; ; tol *= 2) {
    const out = [...simplifyLine(a, tol), ...simplifyLine(b, tol).slice(1)];
    // out is closed (ends with open[0]); it needs three distinct corners.
    if (out.length <= max) return out.length >= 4 ? out : undefined;
  }
}

function ringArea(r: readonly Pt[]): number {
  let s = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++)
    s += (itemAt(r, j)[0] + itemAt(r, i)[0]) * (itemAt(r, j)[1] - itemAt(r, i)[1]);
  return Math.abs(s / 2);
}

/**
 * CAP `polygon` values for a GeoJSON Polygon or MultiPolygon: the outer ring of each part (CAP has no holes),
 * the largest parts first, at most `capMaxParts`.
 */
export function capPolygons(geometry: { type: string; coordinates: unknown }): string[] {
  const parts = (
    geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : []
  ) as number[][][][];
  const outers = parts
    .map((p) => (p[0] ?? []).map((q) => [itemAt(q, 0), itemAt(q, 1)] as Pt))
    .filter((r) => r.length >= 4)
    .map((r) => ({ r, area: ringArea(r) }))
    .sort((x, y) => y.area - x.area)
    .slice(0, capMaxParts);
  const out: string[] = [];
  for (const { r } of outers) {
    const s = simplifyRing(r);
    if (s) out.push(s.map(([lon, lat]) => `${lat.toFixed(4)},${lon.toFixed(4)}`).join(' '));
  }
  return out;
}
