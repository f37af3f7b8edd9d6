/**
 * Zones as polygons for the map. The zone engine never needs a buffer as a polygon ("inside a 50 km buffer" is
 * "within 50 km of the line", issue 4), but a map does. Each buffer and corridor is drawn as the level set of the
 * distance field around its line: distances on a lon/lat grid (mid-latitude plane on the WGS84 ellipsoid, the method
 * of `core/geo/ellipsoid.ts`), contoured by marching squares with linear interpolation (Lorensen & Cline 1987 in 2-D)
 * and simplified by Douglas-Peucker. The drawn edge is within about a tenth of a grid cell of the true one; the grid
 * cell is an eighth of the narrowest zone around the line, so a 15 km buffer is drawn to a few hundred metres.
 *
 * One-sided buffers use the signed distance (positive on the covered side): the covered band is
 * max(-s, s - width) < 0. The side of a point whose nearest point is a vertex is taken against the mean of the unit
 * directions of the two segments meeting there: a point right of both is right of their mean, so this agrees with
 * either segment wherever they agree, both segments give the same answer, and it is stable where the line is straight
 * (rounding makes tiny turns of either sign there).
 */
import { metresPerDegree } from '../../core/geo/ellipsoid.js';

export type Position = [number, number];
/** A GeoJSON MultiPolygon's coordinates: polygons of rings, outer rings counter-clockwise, holes clockwise. */
export type MultiPolygonCoordinates = Position[][][];

const LEFT = -1;
const RIGHT = 1;

export interface DistanceField {
  /** Grid origin (south-west node) and steps, degrees. */
  lon0: number;
  lat0: number;
  dlon: number;
  dlat: number;
  nx: number;
  ny: number;
  /** Metres from each node to the nearest point of the lines, capped at `reach` + 2 steps; row-major from the south. */
  distance: Float64Array;
  /** LEFT (-1) or RIGHT (1) of the nearest segment, looking along the line; 0 where not computed. */
  side: Int8Array;
  reach: number;
  /** Grid step, metres (nominal, at the centre latitude). */
  step: number;
}

/**
 * The distance field around a set of polylines (flat [lon, lat, ...] arrays), out to `reach` metres, on a grid of
 * about `step` metres. Each segment writes the nodes within `reach` of its box: cost ~ segments x (reach/step)^2, so
 * simplify densified lines first (`simplifyLine`).
 */
export function distanceField(parts: readonly Float64Array[], reach: number, step: number): DistanceField {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 2) {
      minLon = Math.min(minLon, p[i]!);
      maxLon = Math.max(maxLon, p[i]!);
      minLat = Math.min(minLat, p[i + 1]!);
      maxLat = Math.max(maxLat, p[i + 1]!);
    }
  }
  if (!Number.isFinite(minLon)) throw new RangeError('a distance field needs at least one line with positions');
  const margin = reach + 2 * step;
  const mid = metresPerDegree((minLat + maxLat) / 2);
  // The widest degree of longitude on the grid is at its most poleward row.
  const poleward = Math.min(89, Math.max(Math.abs(minLat), Math.abs(maxLat)) + margin / mid.ky);
  const kxMin = metresPerDegree(poleward).kx;
  const dlat = step / mid.ky;
  const dlon = step / mid.kx;
  const lon0 = minLon - margin / kxMin;
  const lat0 = minLat - margin / mid.ky;
  const nx = Math.ceil((maxLon + margin / kxMin - lon0) / dlon) + 1;
  const ny = Math.ceil((maxLat + margin / mid.ky - lat0) / dlat) + 1;
  if (nx * ny > 4_000_000)
    throw new RangeError(`distance field of ${nx} x ${ny} nodes is too large; use a coarser step`);
  // Nodes beyond the margin keep the margin: outside every zone of width <= reach, with a true gradient near it.
  const distance = new Float64Array(nx * ny).fill(margin);
  const side = new Int8Array(nx * ny);
  for (const p of parts) {
    const n = p.length / 2;
    for (let s = 0; s + 1 < n; s++) {
      const ax = p[s * 2]!;
      const ay = p[s * 2 + 1]!;
      const bx = p[s * 2 + 2]!;
      const by = p[s * 2 + 3]!;
      if (ax === bx && ay === by) continue;
      // Neighbouring segments' directions, for the side of points whose nearest point is a shared vertex.
      const hasPrev = s > 0;
      const hasNext = s + 2 < n;
      const pdx = hasPrev ? ax - p[s * 2 - 2]! : 0;
      const pdy = hasPrev ? ay - p[s * 2 - 1]! : 0;
      const ndx = hasNext ? p[s * 2 + 4]! - bx : 0;
      const ndy = hasNext ? p[s * 2 + 5]! - by : 0;
      const segMinLat = Math.min(ay, by) - margin / mid.ky;
      const segMaxLat = Math.max(ay, by) + margin / mid.ky;
      const j0 = Math.max(0, Math.floor((segMinLat - lat0) / dlat));
      const j1 = Math.min(ny - 1, Math.ceil((segMaxLat - lat0) / dlat));
      const reachLon = margin / kxMin;
      const i0 = Math.max(0, Math.floor((Math.min(ax, bx) - reachLon - lon0) / dlon));
      const i1 = Math.min(nx - 1, Math.ceil((Math.max(ax, bx) + reachLon - lon0) / dlon));
      const segLat = (ay + by) / 2;
      for (let j = j0; j <= j1; j++) {
        const lat = lat0 + j * dlat;
        // Directions at the scale between this row and the segment (only their signs and angles matter).
        const { kx, ky } = metresPerDegree((lat + segLat) / 2);
        const ux = (bx - ax) * kx;
        const uy = (by - ay) * ky;
        const uu = ux * ux + uy * uy;
        // Mean unit directions at A and at B (see `vertexSide`), once per row.
        const ul = Math.sqrt(uu);
        let mAx = 0;
        let mAy = 0;
        let mBx = 0;
        let mBy = 0;
        if (hasPrev) {
          const l = Math.hypot(pdx * kx, pdy * ky) || 1;
          mAx = (pdx * kx) / l + ux / ul;
          mAy = (pdy * ky) / l + uy / ul;
        }
        if (hasNext) {
          const l = Math.hypot(ndx * kx, ndy * ky) || 1;
          mBx = ux / ul + (ndx * kx) / l;
          mBy = uy / ul + (ndy * ky) / l;
        }
        for (let i = i0; i <= i1; i++) {
          const lon = lon0 + i * dlon;
          // The foot point in the plane at the row's scale, then again in the plane at the mean latitude of the
          // node and that foot (the mid-latitude method; a long segment's own middle can be a degree away).
          let px = (lon - ax) * kx;
          let py = (lat - ay) * ky;
          let t = clamp01((px * ux + py * uy) / uu);
          const k2 = metresPerDegree((lat + ay + t * (by - ay)) / 2);
          const vx = (bx - ax) * k2.kx;
          const vy = (by - ay) * k2.ky;
          px = (lon - ax) * k2.kx;
          py = (lat - ay) * k2.ky;
          t = clamp01((px * vx + py * vy) / (vx * vx + vy * vy));
          const ex = px - t * vx;
          const ey = py - t * vy;
          const d = Math.sqrt(ex * ex + ey * ey);
          const k = j * nx + i;
          if (d < distance[k]!) {
            distance[k] = d;
            let cross: number;
            if (t === 0 && hasPrev) cross = mAx * py - mAy * px;
            else if (t === 1 && hasNext) cross = mBx * (py - vy) - mBy * (px - vx);
            else cross = vx * py - vy * px;
            side[k] = cross > 0 ? LEFT : RIGHT;
          }
        }
      }
    }
  }
  return { lon0, lat0, dlon, dlat, nx, ny, distance, side, reach, step };
}

const clamp01 = (t: number) => (t < 0 ? 0 : t > 1 ? 1 : t);

/** Which nodes a zone covers: the value is negative inside, positive outside, zero on the edge (metres). */
export type LevelFunction = (distance: number, side: number) => number;

export const bothSides =
  (width: number): LevelFunction =>
  (d) =>
    d - width;

export const oneSide =
  (width: number, which: 'left' | 'right'): LevelFunction =>
  (d, side) => {
    if (side === 0) return d;
    const s = (which === 'left' ? -side : side) * d;
    return Math.max(-s, s - width);
  };

/**
 * The region where `level` is negative, as polygons. Marching squares: around each cell, counter-clockwise, the
 * edge crossings alternate between entering (outside to inside) and leaving; each leaving crossing is joined to the
 * entering one before it (separate corners) or after it (a saddle whose centre is inside), so the inside is always on
 * the left of a contour segment and outer rings come out counter-clockwise, holes clockwise (RFC 7946 §3.1.6).
 */
export function contour(field: DistanceField, level: LevelFunction): MultiPolygonCoordinates {
  const { nx, ny, distance, side, lon0, lat0, dlon, dlat } = field;
  const f = new Float64Array(nx * ny);
  for (let k = 0; k < f.length; k++) f[k] = level(distance[k]!, side[k]!) || 0;
  // Nodes on the grid boundary are outside by construction (the grid reaches past the widest zone); force it, so
  // every ring closes.
  for (let i = 0; i < nx; i++) {
    f[i] = Math.max(f[i]!, 1);
    f[(ny - 1) * nx + i] = Math.max(f[(ny - 1) * nx + i]!, 1);
  }
  for (let j = 0; j < ny; j++) {
    f[j * nx] = Math.max(f[j * nx]!, 1);
    f[j * nx + nx - 1] = Math.max(f[j * nx + nx - 1]!, 1);
  }
  const inside = (k: number) => f[k]! < 0;
  const next = new Map<number, number>();
  const points = new Map<number, Position>();
  // Edge keys: horizontal edge from node (i, j) east: 2k; vertical edge from node (i, j) north: 2k + 1.
  const crossing = (key: number): void => {
    if (points.has(key)) return;
    const k = key >> 1;
    const i = k % nx;
    const j = (k - i) / nx;
    const k2 = key & 1 ? k + nx : k + 1;
    const t = f[k]! / (f[k]! - f[k2]!);
    points.set(key, key & 1 ? [lon0 + i * dlon, lat0 + (j + t) * dlat] : [lon0 + (i + t) * dlon, lat0 + j * dlat]);
  };
  const enter: number[] = [];
  const leave: number[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const k0 = j * nx + i;
      const k1 = k0 + 1;
      const k2 = k0 + nx + 1;
      const k3 = k0 + nx;
      const c = (inside(k0) ? 1 : 0) | (inside(k1) ? 2 : 0) | (inside(k2) ? 4 : 0) | (inside(k3) ? 8 : 0);
      if (c === 0 || c === 15) continue;
      // Counter-clockwise: bottom (k0 -> k1), right (k1 -> k2), top (k2 -> k3), left (k3 -> k0).
      const corners = [k0, k1, k2, k3];
      const edges = [2 * k0, 2 * k1 + 1, 2 * k3, 2 * k0 + 1];
      enter.length = 0;
      leave.length = 0;
      for (let e = 0; e < 4; e++) {
        const a = inside(corners[e]!);
        const b = inside(corners[(e + 1) % 4]!);
        if (a === b) continue;
        crossing(edges[e]!);
        (b ? enter : leave).push(e);
      }
      if (enter.length === 1) {
        next.set(edges[leave[0]!]!, edges[enter[0]!]!);
      } else {
        // Saddle: four crossings in order E, X, E, X (or X, E, X, E) around the cell.
        const centreInside = (f[k0]! + f[k1]! + f[k2]! + f[k3]!) / 4 < 0;
        const order = [
          ...enter.map((e) => ({ e, kind: 'in' as const })),
          ...leave.map((e) => ({ e, kind: 'out' as const })),
        ].sort((a, b) => a.e - b.e);
        for (let q = 0; q < 4; q++) {
          if (order[q]!.kind !== 'out') continue;
          const partner = centreInside ? order[(q + 1) % 4]! : order[(q + 3) % 4]!;
          next.set(edges[order[q]!.e]!, edges[partner.e]!);
        }
      }
    }
  }
  const rings: Position[][] = [];
  const seen = new Set<number>();
  for (const start of next.keys()) {
    if (seen.has(start)) continue;
    const ring: Position[] = [];
    let key: number | undefined = start;
    while (key !== undefined && !seen.has(key)) {
      seen.add(key);
      ring.push(points.get(key)!);
      key = next.get(key);
    }
    if (ring.length >= 3) {
      ring.push(ring[0]!);
      rings.push(ring);
    }
  }
  return assemble(rings);
}

/** The diagonal of a ring's box, metres. */
function extent(ring: readonly Position[]): number {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const p of ring) {
    w = Math.min(w, p[0]);
    e = Math.max(e, p[0]);
    s = Math.min(s, p[1]);
    n = Math.max(n, p[1]);
  }
  const { kx, ky } = metresPerDegree((s + n) / 2);
  return Math.hypot((e - w) * kx, (n - s) * ky);
}

/** Twice the signed area in degrees²: positive for counter-clockwise. */
export function signedArea(ring: readonly Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s;
}

function contains(ring: readonly Position[], p: Position): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/** Outer rings with the holes inside them; a hole goes to the smallest outer ring containing it. */
function assemble(rings: Position[][]): MultiPolygonCoordinates {
  const outers = rings.filter((r) => signedArea(r) > 0).sort((a, b) => signedArea(a) - signedArea(b));
  const holes = rings.filter((r) => signedArea(r) < 0);
  const polys: Position[][][] = outers.map((o) => [o]);
  for (const h of holes) {
    const owner = outers.findIndex((o) => contains(o, h[0]!));
    if (owner >= 0) polys[owner]!.push(h);
  }
  return polys.sort((a, b) => signedArea(b[0]!) - signedArea(a[0]!));
}

/**
 * Douglas-Peucker (1973) on the positions `first..last` of a path, tolerance in metres (scale factors at the first
 * position's latitude: their change over a zone's extent is a few per cent of an already small tolerance). Marks
 * the positions to keep in `keep`.
 */
function douglasPeucker(
  at: (i: number) => Position,
  first: number,
  last: number,
  tolerance: number,
  keep: Uint8Array,
): void {
  const { kx, ky } = metresPerDegree(at(first)[1]);
  keep[first] = keep[last] = 1;
  const stack: [number, number][] = [[first, last]];
  const tol2 = tolerance * tolerance;
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const ax = at(a)[0] * kx;
    const ay = at(a)[1] * ky;
    const ux = at(b)[0] * kx - ax;
    const uy = at(b)[1] * ky - ay;
    const uu = ux * ux + uy * uy;
    let worst = -1;
    let far = -1;
    for (let i = a + 1; i < b; i++) {
      const px = at(i)[0] * kx - ax;
      const py = at(i)[1] * ky - ay;
      let t = uu > 0 ? (px * ux + py * uy) / uu : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = px - t * ux;
      const ey = py - t * uy;
      const d = ex * ex + ey * ey;
      if (d > worst) {
        worst = d;
        far = i;
      }
    }
    if (far >= 0 && worst > tol2) {
      keep[far] = 1;
      stack.push([a, far], [far, b]);
    }
  }
}

/** A polyline (flat [lon, lat, ...]) simplified to within `tolerance` metres. */
export function simplifyLine(flat: Float64Array, tolerance: number): Float64Array {
  const n = flat.length / 2;
  if (n <= 2) return flat;
  const keep = new Uint8Array(n);
  douglasPeucker((i) => [flat[i * 2]!, flat[i * 2 + 1]!], 0, n - 1, tolerance, keep);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(flat[i * 2]!, flat[i * 2 + 1]!);
  return Float64Array.from(out);
}

/** A closed ring (first position repeated last) simplified to within `tolerance` metres. */
export function simplifyRing(ring: readonly Position[], tolerance: number): Position[] {
  if (ring.length <= 4) return [...ring];
  const n = ring.length - 1;
  // Split at the vertex farthest from the first, so both halves are open paths.
  const { kx, ky } = metresPerDegree(ring[0]![1]);
  let far = 1;
  let best = -1;
  for (let i = 1; i < n; i++) {
    const d = ((ring[i]![0] - ring[0]![0]) * kx) ** 2 + ((ring[i]![1] - ring[0]![1]) * ky) ** 2;
    if (d > best) {
      best = d;
      far = i;
    }
  }
  const keep = new Uint8Array(ring.length);
  const at = (i: number) => ring[i]!;
  douglasPeucker(at, 0, far, tolerance, keep);
  douglasPeucker(at, far, n, tolerance, keep);
  return ring.filter((_, i) => keep[i]);
}

/** Simplify every ring, round positions to `digits` decimals, and drop rings that collapse or are smaller than the tolerance. */
export function simplifyPolygons(
  polys: MultiPolygonCoordinates,
  tolerance: number,
  digits = 5,
): MultiPolygonCoordinates {
  const r = 10 ** digits;
  const round = (p: Position): Position => [Math.round(p[0] * r) / r, Math.round(p[1] * r) / r];
  const out: MultiPolygonCoordinates = [];
  for (const poly of polys) {
    const rings = poly
      .map((ring) => simplifyRing(ring, tolerance).map(round))
      .filter((ring) => ring.length >= 4 && extent(ring) >= tolerance);
    if (rings.length && poly[0] && rings[0] && signedArea(rings[0]) > 0) out.push(rings);
  }
  return out;
}
