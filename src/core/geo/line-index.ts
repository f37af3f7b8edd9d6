/**
 * The nearest point of a polyline set to a query point, on the WGS84 ellipsoid, with no allocation per query.
 *
 * Segments are straight in longitude/latitude, as RFC 7946 §3.1.1 defines a line between two positions. The
 * distance from P to a segment is the corrected mid-latitude distance (`ellipsoid.ts`) from P to the segment's
 * point Q(t) nearest P in a plane tangent at the mean latitude of P and the segment; the error of t is first order,
 * so its effect on the distance is second order (the distance is stationary at the foot point).
 *
 * Index: a binary hierarchy over runs of consecutive segments (a strip tree: D. H. Ballard, "Strip trees: a
 * hierarchical representation for curves", CACM 24(5), 1981). Each node keeps its box, the chord from its first
 * to its last vertex and the width of the strip around that chord holding all its vertices. A node cannot hold a
 * point nearer than max(distance to its box, distance to its chord − width), evaluated with the smallest scale
 * factors over the latitudes involved and the curvature bound, so the bound is a true lower bound of the computed
 * distance; branch and bound is exact. Consecutive segments of a densified straight piece give strips of zero
 * width, whose bound is tight, which keeps far queries (hundreds of km) to a handful of segment evaluations.
 * A coarse grid of hints gives each query a near-best first candidate.
 */
import { METRIC_STEPS_PER_DEGREE, METRIC_TABLE, MAX_LATITUDE } from './ellipsoid.js';

export const LEFT = -1;
export const RIGHT = 1;
/** The point is on the line (distance 0). */
export const ON = 0;

const HAS_PREV = 1;
const HAS_NEXT = 2;
const LEAF = 8;
/** States of a hint cell. */
const PLAIN = 0;
const PENDING = 1;
const REFINED = 2;
/** Node record: minLon, minLat, maxLon, maxLat, chord x0, y0, x1, y1, width (m), ref kx, ref ky. */
const NS = 11;
/** Margin for the linear interpolation of convex table functions in lower bounds. */
const SAFE = 1 - 1e-7;

// Module-level copies of imported constants: V8 treats an imported binding in arithmetic as an unknown tagged
// value, so that `lat > MAX_LATITUDE ? MAX_LATITUDE : lat` boxes `lat` (allocates) on every call; a local const
// does not.
const T = METRIC_TABLE;
const SPD = METRIC_STEPS_PER_DEGREE;
const MAX_LAT = MAX_LATITUDE;

function rowOf(lat: number): number {
  const l = lat > MAX_LAT ? MAX_LAT : lat < -MAX_LAT ? -MAX_LAT : lat;
  return (l + 90) * SPD;
}

export interface LineIndexOptions {
  /** Polygon (or other owner) number per part, for boundary queries; default: the part number. */
  partOwner?: ArrayLike<number>;
  /** Extent [minLon, minLat, maxLon, maxLat] over which to build the hint grid; omit for no hints. */
  hintExtent?: readonly [number, number, number, number];
  /** Cells of the hint grid along its longer side. Default 24 (finer grids gain little: 14.8 bounds per query at 24, 14.0 at 48). */
  hintCells?: number;
  /**
   * Split each hint cell near the lines into refine × refine pieces with their own hints, the first time a query
   * falls in it (default 1: no split). The zone engine uses 6: near the contact line a 24-cell grid's hint is often
   * some leaves away from the nearest segment (bench/geo.ts near-line workload: 27.8 segments and 18.4 bounds per
   * query at 1, 16.1 and 12.3 at 6).
   */
  hintRefine?: number;
}

export class LineIndex {
  readonly segmentCount: number;
  readonly partCount: number;
  /** Owner number of each segment (see `partOwner`). */
  readonly owner: Int32Array;

  // Segment i runs from (ax, ay) to (ax + dx, ay + dy), in degrees.
  private readonly ax: Float64Array;
  private readonly ay: Float64Array;
  private readonly dx: Float64Array;
  private readonly dy: Float64Array;
  private readonly links: Uint8Array;
  private readonly partFirst: Int32Array;
  private readonly partLast: Int32Array;

  private readonly nodeCount: number;
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly parent: Int32Array;
  /** Node id of each leaf, in segment order: leaf k holds segments [k·LEAF, (k+1)·LEAF). */
  private readonly leafNode: Int32Array;
  private readonly geom: Float64Array;

  private readonly stackNode: Int32Array;
  private readonly stackLb: Float64Array;

  private readonly hintX0: number = 0;
  private readonly hintY0: number = 0;
  private readonly hintW: number = 1;
  private readonly hintH: number = 1;
  private readonly hintNx: number = 0;
  private readonly hintNy: number = 0;
  private readonly hints: Int32Array = new Int32Array(0);
  /** Per hint cell: PLAIN (its hint serves), PENDING (to be refined on first use) or REFINED (see `fine`). */
  private readonly cellState: Uint8Array = new Uint8Array(0);
  private readonly refine: number = 1;
  /** Hints of the refined pieces, row-major over the grid split refine × refine; filled cell by cell. */
  private readonly fine: Int32Array = new Int32Array(0);

  // Results of the last `nearest` call; read them before the next call.
  /** Metres from the query point to the nearest point of the lines. */
  get distance(): number {
    return this.num[0]!;
  }
  /** Index of the nearest segment. */
  segment = -1;
  /** Position of the nearest point along that segment, 0 at its start, 1 at its end. */
  get t(): number {
    return this.num[1]!;
  }
  /** LEFT, RIGHT or ON, relative to the direction of the line (see `side()` for the rule). */
  side = ON;
  /** True when the nearest point is the first or last position of a part: the point is beyond an end. */
  atEnd = false;

  /**
   * Doubles written on every query live in a typed array, not in fields: a field that has held both a small
   * integer and a fraction is boxed by V8, and every write would then allocate.
   * [0] distance, [1] t, [2] foot of the last segment measured, [3] best so far, [4] its foot, [5] last lower
   * bound, [6] last segment distance, [7] distance to the end rays.
   */
  private readonly num = new Float64Array([Infinity, 0, 0, Infinity, 0, 0, 0, Infinity]);
  /** The query: [px, py, kx0, ky0, kx1, ky1] (see `setQuery`), and [6] a radius. */
  private readonly q = new Float64Array(7);
  private bestSeg = -1;

  /** `parts`: flat [lon, lat, ...] arrays of at least two distinct positions each, already validated. */
  constructor(parts: readonly Float64Array[], options: LineIndexOptions = {}) {
    let total = 0;
    for (const p of parts) total += Math.max(0, p.length / 2 - 1);
    this.ax = new Float64Array(total);
    this.ay = new Float64Array(total);
    this.dx = new Float64Array(total);
    this.dy = new Float64Array(total);
    this.links = new Uint8Array(total);
    this.owner = new Int32Array(total);
    this.partFirst = new Int32Array(parts.length);
    this.partLast = new Int32Array(parts.length);
    let n = 0;
    parts.forEach((p, k) => {
      const first = n;
      const ownerOf = options.partOwner ? options.partOwner[k]! : k;
      for (let i = 0; i + 1 < p.length / 2; i++) {
        const x = p[i * 2]!;
        const y = p[i * 2 + 1]!;
        const ddx = p[i * 2 + 2]! - x;
        const ddy = p[i * 2 + 3]! - y;
        if (ddx === 0 && ddy === 0) continue; // repeated position
        this.ax[n] = x;
        this.ay[n] = y;
        this.dx[n] = ddx;
        this.dy[n] = ddy;
        this.owner[n] = ownerOf;
        this.links[n] = n > first ? HAS_PREV | HAS_NEXT : HAS_NEXT;
        n++;
      }
      if (n > first) this.links[n - 1]! &= ~HAS_NEXT;
      this.partFirst[k] = first;
      this.partLast[k] = n - 1;
    });
    this.segmentCount = n;
    this.partCount = parts.length;

    const maxNodes = Math.max(1, 2 * Math.ceil(n / LEAF) - 1);
    this.lo = new Int32Array(maxNodes);
    this.hi = new Int32Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.parent = new Int32Array(maxNodes);
    this.leafNode = new Int32Array(Math.ceil(n / LEAF));
    this.geom = new Float64Array(maxNodes * NS);
    let count = 0;
    let depth = 0;
    const build = (lo: number, hi: number, d: number): number => {
      const id = count++;
      depth = Math.max(depth, d);
      this.lo[id] = lo;
      this.hi[id] = hi;
      if (hi - lo <= LEAF) {
        this.left[id] = -1;
        this.right[id] = -1;
        this.leafNode[(lo / LEAF) | 0] = id;
      } else {
        // Split at a multiple of LEAF so that every leaf but the last is full: ceil(n / LEAF) leaves.
        const mid = lo + LEAF * Math.ceil((hi - lo) / LEAF / 2);
        const l = build(lo, mid, d + 1);
        const r = build(mid, hi, d + 1);
        this.left[id] = l;
        this.right[id] = r;
        this.parent[l] = id;
        this.parent[r] = id;
      }
      this.describeNode(id);
      return id;
    };
    if (n > 0) build(0, n, 1);
    this.nodeCount = count;
    this.stackNode = new Int32Array(2 * depth + 4);
    this.stackLb = new Float64Array(2 * depth + 4);

    if (options.hintExtent && n > 0) {
      const [x0, y0, x1, y1] = options.hintExtent;
      const cells = options.hintCells ?? 24;
      const kx = (x1 - x0) * Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
      const ky = y1 - y0;
      const nx = Math.max(1, Math.round(kx >= ky ? cells : (cells * kx) / ky));
      const ny = Math.max(1, Math.round(ky >= kx ? cells : (cells * ky) / kx));
      this.hintX0 = x0;
      this.hintY0 = y0;
      this.hintW = (x1 - x0) / nx || 1;
      this.hintH = (y1 - y0) / ny || 1;
      this.hintNx = nx;
      this.hintNy = ny;
      const hints = new Int32Array(nx * ny);
      const refine = Math.max(1, Math.floor(options.hintRefine ?? 1));
      const state = new Uint8Array(nx * ny);
      // A cell whose centre is within a cell diagonal of the line (metres per degree as at 60° N, a loose scale): its
      // points lie near the line, where the nearest segment changes within the cell; its hint is refined when a
      // query first falls in it (refineCell).
      const reach = Math.hypot(this.hintW * 55_000, this.hintH * 111_000);
      // Each cell's search starts from its neighbour's answer, which is near: the build stays cheap.
      let seed = -1;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const ii = j % 2 === 0 ? i : nx - 1 - i;
          this.setQuery(x0 + (ii + 0.5) * this.hintW, y0 + (j + 0.5) * this.hintH);
          this.nearestFrom(seed);
          hints[j * nx + ii] = this.segment;
          state[j * nx + ii] = refine > 1 && this.distance <= reach ? PENDING : PLAIN;
          seed = this.segment;
        }
      }
      this.hints = hints;
      this.cellState = state;
      this.refine = refine;
      if (refine > 1) this.fine = new Int32Array(nx * refine * ny * refine);
    }
  }

  /**
   * Splits hint cell (ci, cj) into refine × refine pieces, each with the nearest segment to its centre. Done once,
   * when the first query falls in the cell, so that the build pays only for the cells queries reach (the search is
   * exact from any start: a better start only means fewer bounds and segments). Leaves the query in `q` as it was.
   */
  private refineCell(ci: number, cj: number): void {
    const px = this.q[0]!;
    const py = this.q[1]!;
    const r = this.refine;
    const fnx = this.hintNx * r;
    const fw = this.hintW / r;
    const fh = this.hintH / r;
    const c = cj * this.hintNx + ci;
    for (let j = cj * r; j < (cj + 1) * r; j++) {
      let prev = this.hints[c]!; // then the answer of the piece to the left: a nearer start
      for (let i = ci * r; i < (ci + 1) * r; i++) {
        this.setQuery(this.hintX0 + (i + 0.5) * fw, this.hintY0 + (j + 0.5) * fh);
        this.nearestFrom(prev);
        this.fine[j * fnx + i] = prev = this.segment;
      }
    }
    this.cellState[c] = REFINED;
    this.q[0] = px;
    this.q[1] = py;
    this.setScales();
  }

  /**
   * Box, chord and strip width of node `id`, whose children (if any) are already described. A leaf's width is
   * exact; an internal node's is bounded from its children's, in O(1): every point of child c lies within w_c of
   * c's chord, whose points lie within the larger distance of its two ends from this node's chord (distance to a
   * segment is convex), so the sum bounds this node's width. Building is thus linear in the number of segments.
   */
  private describeNode(id: number): void {
    const lo = this.lo[id]!;
    const hi = this.hi[id]!;
    const g = this.geom;
    const o = id * NS;
    const l = this.left[id]!;
    const rt = this.right[id]!;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    if (l < 0) {
      for (let s = lo; s < hi; s++) {
        const x = this.ax[s]!;
        const y = this.ay[s]!;
        const x2 = x + this.dx[s]!;
        const y2 = y + this.dy[s]!;
        minX = Math.min(minX, x, x2);
        maxX = Math.max(maxX, x, x2);
        minY = Math.min(minY, y, y2);
        maxY = Math.max(maxY, y, y2);
      }
    } else {
      minX = Math.min(g[l * NS]!, g[rt * NS]!);
      minY = Math.min(g[l * NS + 1]!, g[rt * NS + 1]!);
      maxX = Math.max(g[l * NS + 2]!, g[rt * NS + 2]!);
      maxY = Math.max(g[l * NS + 3]!, g[rt * NS + 3]!);
    }
    const cx0 = this.ax[lo]!;
    const cy0 = this.ay[lo]!;
    const cx1 = this.ax[hi - 1]! + this.dx[hi - 1]!;
    const cy1 = this.ay[hi - 1]! + this.dy[hi - 1]!;
    // Width in metres in a frame at the node's middle latitude. At query time it is scaled by the largest ratio of
    // the query frame's scale factors to these, which bounds the width in the query frame from above.
    const r = rowOf((minY + maxY) / 2);
    const i = r | 0;
    const f = r - i;
    const kx = T[i * 4]! + (T[i * 4 + 4]! - T[i * 4]!) * f;
    const ky = T[i * 4 + 1]! + (T[i * 4 + 5]! - T[i * 4 + 1]!) * f;
    const fx = (cx1 - cx0) * kx;
    const fy = (cy1 - cy0) * ky;
    let width = 0;
    if (l < 0) {
      for (let s = lo; s < hi; s++) {
        for (let e = 0; e < 2; e++) {
          const x = this.ax[s]! + e * this.dx[s]!;
          const y = this.ay[s]! + e * this.dy[s]!;
          width = Math.max(width, pointSegment((x - cx0) * kx, (y - cy0) * ky, fx, fy));
        }
      }
    } else {
      for (const c of [l, rt]) {
        const q = c * NS;
        const ratio = Math.max(kx / g[q + 9]!, ky / g[q + 10]!);
        const e0 = pointSegment((g[q + 4]! - cx0) * kx, (g[q + 5]! - cy0) * ky, fx, fy);
        const e1 = pointSegment((g[q + 6]! - cx0) * kx, (g[q + 7]! - cy0) * ky, fx, fy);
        width = Math.max(width, g[q + 8]! * ratio + Math.max(e0, e1));
      }
    }
    g[o] = minX;
    g[o + 1] = minY;
    g[o + 2] = maxX;
    g[o + 3] = maxY;
    g[o + 4] = cx0;
    g[o + 5] = cy0;
    g[o + 6] = cx1;
    g[o + 7] = cy1;
    // Round the width up a little: it is computed in floating point and must stay an upper bound.
    g[o + 8] = width * (1 + 1e-9) + 1e-6;
    g[o + 9] = kx;
    g[o + 10] = ky;
  }

  /**
   * A lower bound, in metres, of the computed distance from the query point to any segment of node `id`, into
   * num[5].
   */
  private lowerBound(id: number): void {
    const px = this.q[0]!;
    const py = this.q[1]!;
    const g = this.geom;
    const o = id * NS;
    const minX = g[o]!;
    const minY = g[o + 1]!;
    const maxX = g[o + 2]!;
    const maxY = g[o + 3]!;
    // The mean latitude of P and any point of the node lies in [latA, latB].
    const latA = (py + minY) * 0.5;
    const latB = (py + maxY) * 0.5;
    const ra = rowOf(latA);
    const ia = ra | 0;
    const fa = ra - ia;
    const rb = rowOf(latB);
    const ib = rb | 0;
    const fb = rb - ib;
    const kxa = T[ia * 4]! + (T[ia * 4 + 4]! - T[ia * 4]!) * fa;
    const kxb = T[ib * 4]! + (T[ib * 4 + 4]! - T[ib * 4]!) * fb;
    let kya = T[ia * 4 + 1]! + (T[ia * 4 + 5]! - T[ia * 4 + 1]!) * fa;
    const kyb = T[ib * 4 + 1]! + (T[ib * 4 + 5]! - T[ib * 4 + 1]!) * fb;
    const ca = T[ia * 4 + 3]! + (T[ia * 4 + 7]! - T[ia * 4 + 3]!) * fa;
    const cb = T[ib * 4 + 3]! + (T[ib * 4 + 7]! - T[ib * 4 + 3]!) * fb;
    // Longitude scale falls and latitude scale rises away from the equator (monotone on each side of it).
    const kx = (kxa < kxb ? kxa : kxb) * SAFE;
    if (latA < 0 && latB > 0) kya = T[90 * SPD * 4 + 1]!;
    const ky = (kya < kyb ? kya : kyb) * SAFE;
    const k = ca > cb ? ca : cb;

    const gx = px < minX ? minX - px : px > maxX ? px - maxX : 0;
    const gy = py < minY ? minY - py : py > maxY ? py - maxY : 0;
    const bx = gx * kx;
    const by = gy * ky;
    let lb = Math.sqrt(bx * bx + by * by);

    const rx = kx / g[o + 9]!;
    const ry = ky / g[o + 10]!;
    // Distance to the chord (written out: a call taking doubles that V8 declines to inline would box them).
    const wx = (px - g[o + 4]!) * kx;
    const wy = (py - g[o + 5]!) * ky;
    const fx = (g[o + 6]! - g[o + 4]!) * kx;
    const fy = (g[o + 7]! - g[o + 5]!) * ky;
    const l2 = fx * fx + fy * fy;
    let u = l2 > 0 ? (wx * fx + wy * fy) / l2 : 0;
    u = u > 0 ? (u < 1 ? u : 1) : 0;
    const cx = wx - u * fx;
    const cy = wy - u * fy;
    const chord = Math.sqrt(cx * cx + cy * cy) - g[o + 8]! * (rx > ry ? rx : ry);
    if (chord > lb) lb = chord;
    const c = k * lb * lb;
    this.num[5] = c < 1 / 3 ? lb * (1 - c) : 0;
  }

  /**
   * Distance in metres from the query point to segment s, into num[6]; the foot parameter into num[2].
   */
  private segmentDistance(s: number): void {
    const q = this.q;
    const px = q[0]!;
    const py = q[1]!;
    const kx0 = q[2]!;
    const ky0 = q[3]!;
    const kx1 = q[4]!;
    const ky1 = q[5]!;
    const ax = this.ax[s]!;
    const ay = this.ay[s]!;
    const dx = this.dx[s]!;
    const dy = this.dy[s]!;
    const ex = ax - px;
    const ey = ay - py;
    // Foot point: first in a plane at the mean latitude of P and the segment's middle...
    const h = (ey + 0.5 * dy) * 0.5;
    const kx = kx0 + kx1 * h;
    const ky = ky0 + ky1 * h;
    const fx = dx * kx;
    const fy = dy * ky;
    let t = -(ex * kx * fx + ey * ky * fy) / (fx * fx + fy * fy);
    t = t > 0 ? (t < 1 ? t : 1) : 0;
    // ...then one Newton step on f(t) = (u·K)² + (v·L)², u and v the offsets of Q(t) from P in degrees, K and L the
    // scale factors at the mean latitude of P and Q(t). The varying K is the convergence of the meridians: it moves
    // the foot on a north-south segment poleward by about sin φ cos φ Δλ² / 2, which the plane does not see and
    // which would cost (offset)² / 2d of distance on long segments far away.
    const u = ex + t * dx;
    const v = ey + t * dy;
    const K = kx0 + 0.5 * kx1 * v;
    const L = ky0 + 0.5 * ky1 * v;
    const Kp = 0.5 * kx1 * dy;
    const Lp = 0.5 * ky1 * dy;
    const A = u * K;
    const Ap = dx * K + u * Kp;
    const B = v * L;
    const Bp = dy * L + v * Lp;
    const f2 = Ap * Ap + 2 * A * dx * Kp + Bp * Bp + 2 * B * dy * Lp;
    if (f2 > 0) {
      t -= (A * Ap + B * Bp) / f2;
      t = t > 0 ? (t < 1 ? t : 1) : 0;
    }
    this.num[2] = t;
    const qx = ax + t * dx;
    const qy = ay + t * dy;
    // Corrected mid-latitude distance from P to Q (ellipsoid.ts, inlined).
    const r = rowOf((py + qy) * 0.5);
    const i = r | 0;
    const f = r - i;
    const j = i * 4;
    const X = (qx - px) * (T[j]! + (T[j + 4]! - T[j]!) * f);
    const Y = (qy - py) * (T[j + 1]! + (T[j + 5]! - T[j + 1]!) * f);
    const X2 = X * X;
    const Y2 = Y * Y;
    const m2 = X2 + Y2;
    if (m2 === 0) {
      this.num[6] = 0;
      return;
    }
    const c1 = T[j + 2]! + (T[j + 6]! - T[j + 2]!) * f;
    const c2 = T[j + 3]! + (T[j + 7]! - T[j + 3]!) * f;
    this.num[6] = Math.sqrt(m2) * (1 - (X2 * (X2 * c1 + Y2 * c2)) / m2);
  }

  /**
   * Finds the nearest point of the lines to (px, py) and sets `distance`, `segment`, `t`, `side` and `atEnd`.
   * Exact up to ties: where two segments are equally near, the one found first wins.
   */
  nearest(px: number, py: number): void {
    this.setQuery(px, py);
    this.nearestHinted();
  }

  /**
   * `nearest` for the point (p[0], p[1]). Callers in hot loops pass coordinates this way: V8 boxes a double
   * argument of a call it does not inline, which would allocate on every query.
   */
  nearestPoint(p: Float64Array): void {
    this.setQueryFrom(p);
    this.nearestHinted();
  }

  private nearestHinted(): void {
    const px = this.q[0]!;
    const py = this.q[1]!;
    let h = -1;
    if (this.hintNx > 0) {
      let ci = Math.floor((px - this.hintX0) / this.hintW);
      let cj = Math.floor((py - this.hintY0) / this.hintH);
      ci = ci < 0 ? 0 : ci >= this.hintNx ? this.hintNx - 1 : ci;
      cj = cj < 0 ? 0 : cj >= this.hintNy ? this.hintNy - 1 : cj;
      const c = cj * this.hintNx + ci;
      const state = this.cellState[c]!;
      if (state === PLAIN) h = this.hints[c]!;
      else {
        if (state === PENDING) this.refineCell(ci, cj);
        const r = this.refine;
        let fi = Math.floor(((px - this.hintX0) * r) / this.hintW);
        let fj = Math.floor(((py - this.hintY0) * r) / this.hintH);
        fi = fi < ci * r ? ci * r : fi >= (ci + 1) * r ? (ci + 1) * r - 1 : fi;
        fj = fj < cj * r ? cj * r : fj >= (cj + 1) * r ? (cj + 1) * r - 1 : fj;
        h = this.fine[fj * this.hintNx * r + fi]!;
      }
    }
    this.nearestFrom(h);
  }

  /**
   * Stores the query point and its scale factors (kx0, ky0 at its latitude; kx1, ky1 their derivatives per degree)
   * in `q`. Doubles travel through typed arrays, not arguments or return values: V8 boxes a double passed to or
   * returned from a call it does not inline, which would allocate on every query.
   */
  private setQuery(px: number, py: number): void {
    this.q[0] = px;
    this.q[1] = py;
    this.setScales();
  }

  private setQueryFrom(p: Float64Array): void {
    this.q[0] = p[0]!;
    this.q[1] = p[1]!;
    this.setScales();
  }

  private setScales(): void {
    const q = this.q;
    const r0 = rowOf(q[1]!);
    const i0 = r0 | 0;
    const f0 = r0 - i0;
    const j0 = i0 * 4;
    const kx1 = (T[j0 + 4]! - T[j0]!) * SPD;
    const ky1 = (T[j0 + 5]! - T[j0 + 1]!) * SPD;
    q[2] = T[j0]! + (kx1 / SPD) * f0;
    q[3] = T[j0 + 1]! + (ky1 / SPD) * f0;
    q[4] = kx1;
    q[5] = ky1;
  }

  /** `nearest` for the point in `q`, starting from segment h (-1: from the root). */
  private nearestFrom(h: number): void {
    this.num[0] = Infinity;
    this.segment = -1;
    this.num[1] = 0;
    this.side = ON;
    this.atEnd = false;
    if (this.segmentCount === 0) return;

    this.num[3] = Infinity;
    this.bestSeg = -1;
    this.num[4] = 0;
    if (h >= 0) {
      // Search the hinted leaf, then climb to the root, searching each sibling subtree that could hold a nearer
      // segment: about one bound per level instead of two.
      let node = this.leafNode[(h / LEAF) | 0]!;
      this.search(node);
      while (node !== 0) {
        const parent = this.parent[node]!;
        const l = this.left[parent]!;
        const sibling = l === node ? this.right[parent]! : l;
        this.lowerBound(sibling);
        if (this.num[5]! < this.num[3]!) this.search(sibling);
        node = parent;
      }
    } else {
      this.search(0);
    }
    this.num[0] = this.num[3]!;
    this.segment = this.bestSeg;
    this.num[1] = this.num[4]!;
    this.sideOf();
  }

  /** Branch and bound below node `root`, improving `best`, `bestSeg`, `bestT`. */
  private search(root: number): void {
    const stackNode = this.stackNode;
    const stackLb = this.stackLb;
    let best = this.num[3]!;
    let sp = 0;
    stackNode[sp] = root;
    stackLb[sp] = 0;
    sp++;
    while (sp > 0) {
      sp--;
      if (stackLb[sp]! >= best) continue;
      const id = stackNode[sp]!;
      const l = this.left[id]!;
      if (l < 0) {
        const hi = this.hi[id]!;
        for (let s = this.lo[id]!; s < hi; s++) {
          this.segmentDistance(s);
          const d = this.num[6]!;
          if (d < best) {
            best = d;
            this.bestSeg = s;
            this.num[4] = this.num[2]!;
          }
        }
        continue;
      }
      const r = this.right[id]!;
      this.lowerBound(l);
      const lbL = this.num[5]!;
      this.lowerBound(r);
      const lbR = this.num[5]!;
      // Push the farther child first so that the nearer one is searched first.
      if (lbL <= lbR) {
        if (lbR < best) {
          stackNode[sp] = r;
          stackLb[sp++] = lbR;
        }
        if (lbL < best) {
          stackNode[sp] = l;
          stackLb[sp++] = lbL;
        }
      } else {
        if (lbL < best) {
          stackNode[sp] = l;
          stackLb[sp++] = lbL;
        }
        if (lbR < best) {
          stackNode[sp] = r;
          stackLb[sp++] = lbR;
        }
      }
    }
    this.num[3] = best;
  }

  /**
   * The side rule. In a plane tangent at the query point (x east, y north):
   * - nearest point inside a segment: the sign of the cross product of the segment's direction with P − A;
   * - nearest point at a vertex V joining segments d1 (in) and d2 (out): P is left when it is left of both
   *   (a left turn, cross(d1, d2) > 0, whose left side is the inner wedge) or left of either (a right turn). This
   *   equals taking the side of the bisector of the angle at V, and is the side of the wedge P is in.
   * - nearest point at the first or last position of a part: the side of that end segment's extension; `atEnd`.
   * A point at distance 0 is ON.
   */
  private sideOf(): void {
    const px = this.q[0]!;
    const py = this.q[1]!;
    const kx = this.q[2]!;
    const ky = this.q[3]!;
    const s = this.segment;
    const t = this.t;
    if (this.distance === 0) {
      this.side = ON;
      return;
    }
    const links = this.links[s]!;
    if (t <= 0 && links & HAS_PREV) {
      this.side = this.vertexSide(s - 1, s);
      return;
    }
    if (t >= 1 && links & HAS_NEXT) {
      this.side = this.vertexSide(s, s + 1);
      return;
    }
    this.atEnd = (t <= 0 && !(links & HAS_PREV)) || (t >= 1 && !(links & HAS_NEXT));
    const cross = this.dx[s]! * kx * (py - this.ay[s]!) * ky - this.dy[s]! * ky * (px - this.ax[s]!) * kx;
    this.side = cross > 0 ? LEFT : cross < 0 ? RIGHT : ON;
  }

  /** The side of the query point at the vertex joining segment s1 to segment s2 = s1 + 1. */
  private vertexSide(s1: number, s2: number): number {
    const kx = this.q[2]!;
    const ky = this.q[3]!;
    const x = (this.q[0]! - this.ax[s2]!) * kx;
    const y = (this.q[1]! - this.ay[s2]!) * ky;
    const d1x = this.dx[s1]! * kx;
    const d1y = this.dy[s1]! * ky;
    const d2x = this.dx[s2]! * kx;
    const d2y = this.dy[s2]! * ky;
    const c1 = d1x * y - d1y * x;
    const c2 = d2x * y - d2y * x;
    const turn = d1x * d2y - d1y * d2x;
    if (turn > 0) return c1 > 0 && c2 > 0 ? LEFT : RIGHT;
    if (turn < 0) return c1 > 0 || c2 > 0 ? LEFT : RIGHT;
    // Straight on, or folding back: the first segment decides.
    const c = c1 !== 0 ? c1 : c2;
    return c > 0 ? LEFT : c < 0 ? RIGHT : ON;
  }

  /**
   * Sets `marks[owner] = 1` for every owner with a segment within `radius` metres of (px, py).
   * Used to tell which polygons' boundaries a disc touches.
   */
  markWithin(px: number, py: number, radius: number, marks: Uint8Array): void {
    this.setQuery(px, py);
    this.q[6] = radius;
    this.markWithinQuery(marks);
  }

  /** `markWithin` for the point (p[0], p[1]) and radius p[2]; see `nearestPoint` for why. */
  markWithinPoint(p: Float64Array, marks: Uint8Array): void {
    this.setQueryFrom(p);
    this.q[6] = p[2]!;
    this.markWithinQuery(marks);
  }

  /** The radius is in q[6]: a double argument would be boxed when this call is not inlined. */
  private markWithinQuery(marks: Uint8Array): void {
    if (this.segmentCount === 0) return;
    const radius = this.q[6]!;
    const stackNode = this.stackNode;
    let sp = 0;
    stackNode[sp++] = 0;
    while (sp > 0) {
      const id = stackNode[--sp]!;
      this.lowerBound(id);
      if (this.num[5]! > radius) continue;
      const l = this.left[id]!;
      if (l < 0) {
        const hi = this.hi[id]!;
        for (let s = this.lo[id]!; s < hi; s++) {
          if (marks[this.owner[s]!]) continue;
          this.segmentDistance(s);
          if (this.num[6]! <= radius) marks[this.owner[s]!] = 1;
        }
        continue;
      }
      stackNode[sp++] = this.right[id]!;
      stackNode[sp++] = l;
    }
  }

  /**
   * Measures the metres from (px, py) to the nearest of the rays that extend each part beyond its two ends. Beyond an end the
   * side of a point is the side of that ray, so a disc that touches neither the line nor these rays lies on one side.
   * Evaluated in the plane tangent at the point: accurate to a few parts in 10^4 within a few hundred km.
   */
  measureEndRays(px: number, py: number): void {
    this.setQuery(px, py);
    this.measureEndRaysQuery();
  }

  /** `measureEndRays` for the point (p[0], p[1]). */
  measureEndRaysPoint(p: Float64Array): void {
    this.setQueryFrom(p);
    this.measureEndRaysQuery();
  }

  private measureEndRaysQuery(): void {
    const px = this.q[0]!;
    const py = this.q[1]!;
    const r0 = rowOf(py);
    const i0 = r0 | 0;
    const f0 = r0 - i0;
    const kx = T[i0 * 4]! + (T[i0 * 4 + 4]! - T[i0 * 4]!) * f0;
    const ky = T[i0 * 4 + 1]! + (T[i0 * 4 + 5]! - T[i0 * 4 + 1]!) * f0;
    let best = Infinity;
    for (let k = 0; k < this.partCount; k++) {
      const first = this.partFirst[k]!;
      const last = this.partLast[k]!;
      if (last < first) continue;
      // Two rays per part: back from the first position against the first segment's direction, and on from the
      // last position along the last segment's. Written out rather than calling a helper (see lowerBound).
      for (let e = 0; e < 2; e++) {
        const s = e === 0 ? first : last;
        const ox = e === 0 ? this.ax[s]! : this.ax[s]! + this.dx[s]!;
        const oy = e === 0 ? this.ay[s]! : this.ay[s]! + this.dy[s]!;
        const fx = (e === 0 ? -this.dx[s]! : this.dx[s]!) * kx;
        const fy = (e === 0 ? -this.dy[s]! : this.dy[s]!) * ky;
        const wx = (px - ox) * kx;
        const wy = (py - oy) * ky;
        const l2 = fx * fx + fy * fy;
        const u = l2 > 0 ? Math.max(0, (wx * fx + wy * fy) / l2) : 0;
        const x = wx - u * fx;
        const y = wy - u * fy;
        const d = Math.sqrt(x * x + y * y);
        if (d < best) best = d;
      }
    }
    this.num[7] = best;
  }

  /** The result of the last `measureEndRays`. */
  get endRayDistance(): number {
    return this.num[7]!;
  }

  /** [lon, lat] of the start of segment s and its direction, for tests and reports. */
  segmentCoordinates(s: number): [number, number, number, number] {
    return [this.ax[s]!, this.ay[s]!, this.ax[s]! + this.dx[s]!, this.ay[s]! + this.dy[s]!];
  }

  /** Number of tree nodes (for the documentation of the index layout). */
  get nodes(): number {
    return this.nodeCount;
  }
}

/** Planar distance from point (px, py) to the segment from (0, 0) to (fx, fy), P given relative to the start. */
function pointSegment(px: number, py: number, fx: number, fy: number): number {
  const l2 = fx * fx + fy * fy;
  let t = l2 > 0 ? (px * fx + py * fy) / l2 : 0;
  t = t > 0 ? (t < 1 ? t : 1) : 0;
  const x = px - t * fx;
  const y = py - t * fy;
  return Math.sqrt(x * x + y * y);
}
