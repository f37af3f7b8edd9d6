/**
 * Checks a GeoJSON document (RFC 7946) named by a package before any of it becomes a zone. The input is hostile:
 * it comes from a file anyone can edit, so this never throws and never trusts a shape it has not checked. Each
 * problem names the feature and the JSON path of the offending value, e.g. `features[3].geometry.coordinates[0][17]`,
 * so that the package diagnostics can point at it.
 */
/** What the geometry is for: a line zone or corridor needs lines, an area or regions layer needs polygons. */
export type GeometryUse = 'line' | 'area' | 'any';

export type GeometryProblemReason =
  /** Not a GeoJSON object, an unknown `type`, or coordinates not nested as the type requires. */
  | 'not-geojson'
  /** An empty collection, a null geometry, or a geometry without positions. */
  | 'empty'
  /** A geometry type the use does not take (a Polygon where a line is needed, a Point anywhere). */
  | 'wrong-type'
  /** A coordinate that is not a finite number (NaN, a string, null). */
  | 'not-a-number'
  /** Longitude outside ±180 or latitude outside ±90. */
  | 'out-of-range'
  /** A line with fewer than 2 distinct positions or a ring with fewer than 4 positions. */
  | 'too-few-positions'
  /** A ring whose last position is not its first. */
  | 'unclosed-ring'
  /** A ring that crosses or touches itself, or crosses another ring of the same polygon. */
  | 'self-intersection'
  /** A segment spanning more than 180° of longitude: the engine does not wrap the antimeridian. */
  | 'crosses-antimeridian';

export interface GeometryProblem {
  /** Index in `features` of a FeatureCollection; null for a bare geometry or a problem at the top level. */
  featureIndex: number | null;
  /** JSON path of the offending value from the document root, e.g. `features[3].geometry.coordinates[0][17]`. */
  path: string;
  reason: GeometryProblemReason;
  /** Plain English facts about the value (got X, expected Y). */
  detail: string;
}

export interface ValidateOptions {
  use?: GeometryUse;
  /** Stop after this many problems (a broken file can hold millions). Default 100. */
  maxProblems?: number;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

const LINE_TYPES = new Set(['LineString', 'MultiLineString']);
const AREA_TYPES = new Set(['Polygon', 'MultiPolygon']);
const GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
]);
const MAX_COLLECTION_DEPTH = 4;

class Full extends Error {}

class Collector {
  readonly problems: GeometryProblem[] = [];
  constructor(
    readonly use: GeometryUse,
    readonly max: number,
  ) {}
  add(featureIndex: number | null, path: string, reason: GeometryProblemReason, detail: string): void {
    this.problems.push({ featureIndex, path, reason, detail });
    if (this.problems.length >= this.max) throw new Full();
  }
}

/** Every problem in a GeoJSON document for the given use, in document order (self-intersections last per ring). */
export function validateGeometry(geojson: unknown, options: ValidateOptions = {}): GeometryProblem[] {
  const c = new Collector(options.use ?? 'any', Math.max(1, options.maxProblems ?? 100));
  try {
    checkDocument(geojson, c);
  } catch (e) {
    if (!(e instanceof Full)) {
      // A getter that throws, a proxy, a stack overflow: whatever it was, it is the input's fault, not a crash.
      c.problems.push({
        featureIndex: null,
        path: '',
        reason: 'not-geojson',
        detail: `the document could not be read: ${describeError(e)}`,
      });
    }
  }
  return c.problems;
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function checkDocument(doc: unknown, c: Collector): void {
  if (!isObj(doc)) {
    c.add(null, '', 'not-geojson', `expected a GeoJSON object, got ${kindOf(doc)}`);
    return;
  }
  const t = doc['type'];
  if (t === 'FeatureCollection') {
    const features = doc['features'];
    if (!Array.isArray(features)) {
      c.add(null, 'features', 'not-geojson', `a FeatureCollection needs a \`features\` list, got ${kindOf(features)}`);
      return;
    }
    if (features.length === 0) {
      c.add(null, 'features', 'empty', 'the collection has no features');
      return;
    }
    for (let i = 0; i < features.length; i++) checkFeature(features[i], i, `features[${i}]`, c);
    return;
  }
  if (t === 'Feature') {
    checkFeature(doc, null, '', c);
    return;
  }
  if (typeof t === 'string' && GEOMETRY_TYPES.has(t)) {
    checkGeometry(doc, null, '', c, 0);
    return;
  }
  c.add(null, 'type', 'not-geojson', `${quote(t)} is not a GeoJSON type`);
}

function checkFeature(f: unknown, index: number | null, path: string, c: Collector): void {
  if (!isObj(f) || f['type'] !== 'Feature') {
    c.add(index, path, 'not-geojson', `expected a Feature, got ${isObj(f) ? quote(f['type']) : kindOf(f)}`);
    return;
  }
  const g = f['geometry'];
  const gp = join(path, 'geometry');
  if (g === null || g === undefined) {
    c.add(index, gp, 'empty', 'the feature has no geometry');
    return;
  }
  if (!isObj(g)) {
    c.add(index, gp, 'not-geojson', `expected a geometry object, got ${kindOf(g)}`);
    return;
  }
  checkGeometry(g, index, gp, c, 0);
}

function checkGeometry(g: Obj, index: number | null, path: string, c: Collector, depth: number): void {
  const t = g['type'];
  if (typeof t !== 'string' || !GEOMETRY_TYPES.has(t)) {
    c.add(index, join(path, 'type'), 'not-geojson', `${quote(t)} is not a GeoJSON geometry type`);
    return;
  }
  if (t === 'GeometryCollection') {
    if (c.use !== 'any') {
      c.add(index, join(path, 'type'), 'wrong-type', `got GeometryCollection, expected ${expected(c.use)}`);
      return;
    }
    const gs = g['geometries'];
    const gsp = join(path, 'geometries');
    if (!Array.isArray(gs)) {
      c.add(index, gsp, 'not-geojson', `a GeometryCollection needs a \`geometries\` list, got ${kindOf(gs)}`);
      return;
    }
    if (gs.length === 0) {
      c.add(index, gsp, 'empty', 'the collection has no geometries');
      return;
    }
    if (depth >= MAX_COLLECTION_DEPTH) {
      c.add(index, gsp, 'not-geojson', `GeometryCollections nested deeper than ${MAX_COLLECTION_DEPTH}`);
      return;
    }
    for (let i = 0; i < gs.length; i++) {
      const sub = gs[i];
      if (!isObj(sub)) c.add(index, `${gsp}[${i}]`, 'not-geojson', `expected a geometry object, got ${kindOf(sub)}`);
      else checkGeometry(sub, index, `${gsp}[${i}]`, c, depth + 1);
    }
    return;
  }
  if ((c.use === 'line' && !LINE_TYPES.has(t)) || (c.use === 'area' && !AREA_TYPES.has(t))) {
    c.add(index, join(path, 'type'), 'wrong-type', `got ${t}, expected ${expected(c.use)}`);
    return;
  }
  const coords = g['coordinates'];
  const cp = join(path, 'coordinates');
  switch (t) {
    case 'Point':
      checkPosition(coords, index, cp, c);
      return;
    case 'MultiPoint':
      if (listOf(coords, index, cp, c, 'positions')) coords.forEach((p, i) => checkPosition(p, index, cp, c, i));
      return;
    case 'LineString':
      checkLine(coords, index, cp, c);
      return;
    case 'MultiLineString':
      if (listOf(coords, index, cp, c, 'lines')) coords.forEach((l, i) => checkLine(l, index, `${cp}[${i}]`, c));
      return;
    case 'Polygon':
      checkPolygon(coords, index, cp, c);
      return;
    case 'MultiPolygon':
      if (listOf(coords, index, cp, c, 'polygons')) coords.forEach((p, i) => checkPolygon(p, index, `${cp}[${i}]`, c));
      return;
  }
}

function listOf(x: unknown, index: number | null, path: string, c: Collector, what: string): x is unknown[] {
  if (!Array.isArray(x)) {
    c.add(index, path, 'not-geojson', `expected a list of ${what}, got ${kindOf(x)}`);
    return false;
  }
  if (x.length === 0) {
    c.add(index, path, 'empty', `the list of ${what} is empty`);
    return false;
  }
  return true;
}

/**
 * True when the position is usable (two finite numbers in range). `at` is its index in the list at `path`; the path
 * of a problem is built only when there is one (a regions layer has tens of thousands of positions).
 */
function checkPosition(p: unknown, index: number | null, path: string, c: Collector, at?: number): boolean {
  if (!Array.isArray(p)) {
    c.add(index, pathAt(path, at), 'not-geojson', `expected a position [longitude, latitude], got ${kindOf(p)}`);
    return false;
  }
  if (p.length < 2) {
    c.add(index, pathAt(path, at), 'not-geojson', `a position needs at least 2 numbers, got ${p.length}`);
    return false;
  }
  let ok = true;
  for (let k = 0; k < p.length; k++) {
    const v = p[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      c.add(index, `${pathAt(path, at)}[${k}]`, 'not-a-number', `expected a finite number, got ${kindOf(v)}`);
      ok = false;
    }
  }
  if (!ok) return false;
  const lon = p[0] as number;
  const lat = p[1] as number;
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    c.add(index, pathAt(path, at), 'out-of-range', `[${lon}, ${lat}] is outside longitude ±180, latitude ±90`);
    return false;
  }
  return true;
}

function pathAt(path: string, at: number | undefined): string {
  return at === undefined ? path : `${path}[${at}]`;
}

/** Checks every position; returns the flat [lon, lat, ...] array when all are usable. */
function positions(list: unknown[], index: number | null, path: string, c: Collector): Float64Array | undefined {
  const out = new Float64Array(list.length * 2);
  // The common case first, with as few element reads as possible (this runs cold, once per check, over every
  // position of a regions layer): a pair of numbers in range. The first position that is anything else, and every
  // one after it, goes through checkPosition, which reports what is wrong.
  let i = 0;
  for (; i < list.length; i++) {
    const p = list[i];
    if (!Array.isArray(p) || p.length !== 2) break;
    const lon: unknown = p[0];
    const lat: unknown = p[1];
    if (typeof lon !== 'number' || typeof lat !== 'number') break;
    if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) break;
    out[i * 2] = lon;
    out[i * 2 + 1] = lat;
  }
  let ok = true;
  for (; i < list.length; i++) {
    const p = list[i];
    if (checkPosition(p, index, path, c, i)) {
      out[i * 2] = (p as number[])[0]!;
      out[i * 2 + 1] = (p as number[])[1]!;
    } else ok = false;
  }
  if (!ok) return undefined;
  let prev = out[0]!;
  for (let i = 1; i < list.length; i++) {
    const lon = out[i * 2]!;
    if (Math.abs(lon - prev) > 180) {
      c.add(
        index,
        `${path}[${i}]`,
        'crosses-antimeridian',
        `the segment from position ${i - 1} to ${i} spans more than 180° of longitude`,
      );
      ok = false;
    }
    prev = lon;
  }
  return ok ? out : undefined;
}

function checkLine(l: unknown, index: number | null, path: string, c: Collector): void {
  if (!listOf(l, index, path, c, 'positions')) return;
  const xy = positions(l, index, path, c);
  if (!xy) return;
  if (l.length < 2) {
    c.add(index, path, 'too-few-positions', `a line needs at least 2 positions, got ${l.length}`);
    return;
  }
  for (let i = 2; i < xy.length; i += 2) if (xy[i] !== xy[0] || xy[i + 1] !== xy[1]) return;
  c.add(
    index,
    path,
    'too-few-positions',
    `a line needs at least 2 distinct positions; all ${l.length} are [${xy[0]}, ${xy[1]}]`,
  );
}

function checkPolygon(rings: unknown, index: number | null, path: string, c: Collector): void {
  if (!listOf(rings, index, path, c, 'rings')) return;
  const good: { xy: Float64Array; ring: number }[] = [];
  for (let r = 0; r < rings.length; r++) {
    const ring = rings[r];
    const rp = `${path}[${r}]`;
    if (!listOf(ring, index, rp, c, 'positions')) continue;
    const xy = positions(ring, index, rp, c);
    if (!xy) continue;
    const n = ring.length;
    if (n < 4) {
      c.add(
        index,
        rp,
        'too-few-positions',
        `a ring needs at least 4 positions (the last repeating the first), got ${n}`,
      );
      continue;
    }
    if (xy[0] !== xy[n * 2 - 2] || xy[1] !== xy[n * 2 - 1]) {
      c.add(
        index,
        `${rp}[${n - 1}]`,
        'unclosed-ring',
        `the last position [${xy[n * 2 - 2]}, ${xy[n * 2 - 1]}] is not the first [${xy[0]}, ${xy[1]}]`,
      );
      continue;
    }
    let distinct = 0;
    for (let i = 1, px = xy[0]!, py = xy[1]!; i < n; i++) {
      const x = xy[i * 2]!;
      const y = xy[i * 2 + 1]!;
      if (x !== px || y !== py) distinct++;
      px = x;
      py = y;
    }
    if (distinct < 3) {
      c.add(index, rp, 'too-few-positions', `a ring needs at least 3 distinct corners, got ${distinct}`);
      continue;
    }
    good.push({ xy, ring: r });
  }
  if (good.length > 0) checkRingIntersections(good, index, path, c);
}

/** A polygon's non-degenerate segments, numbered ring by ring in ring order, with their bounding boxes. */
interface Segments {
  n: number;
  ring: Int32Array;
  /** Index in its ring of the segment's first position. */
  start: Int32Array;
  minX: Float64Array;
  maxX: Float64Array;
  minY: Float64Array;
  maxY: Float64Array;
  /** Ring r's segments are first[r] .. first[r] + count[r] - 1. */
  first: Int32Array;
  count: Int32Array;
  /** The first offending partner j > i of each segment i (in segment order), or -1. */
  partner: Int32Array;
}

/**
 * Reports segment pairs of a polygon's rings that meet where they should not: two non-adjacent segments of one ring
 * that touch or cross, two adjacent ones that fold back over each other (a spike), or segments of two rings that
 * cross. Zero-length segments (repeated positions) are skipped. Adjacent segments share a vertex, so they are tested
 * while the segments are collected; every other pair whose boxes overlap comes from a sweep over x (segments
 * bucketed by their left end), so the cost is linear plus those pairs, not n². This runs once per `check` on code
 * V8 has not optimised yet, where every typed-array read costs an inline-cache call: the loops read each value
 * once, and each sits in a small function that TurboFan compiles quickly (one function with a comparator sort, the
 * exact tests inlined and all loops took it ~55 ms to compile, the sweep running unoptimised meanwhile). A flatbush
 * index gave the same pairs at twice the cold cost (closures and result arrays per query).
 */
function checkRingIntersections(
  rings: { xy: Float64Array; ring: number }[],
  index: number | null,
  path: string,
  c: Collector,
): void {
  const s = collectSegments(rings);
  sweepCrossings(s, rings);
  const reportedRings = new Set<number>();
  for (let i = 0; i < s.n; i++) {
    const hit = s.partner[i]!;
    const ri = s.ring[i]!;
    if (hit < 0 || reportedRings.has(ri)) continue;
    const rj = s.ring[hit]!;
    const a = rings[ri]!.ring;
    const b = rings[rj]!.ring;
    const si = s.start[i]!;
    const sh = s.start[hit]!;
    const where =
      rj === ri
        ? `segment ${si}–${si + 1} meets segment ${sh}–${sh + 1} of the same ring`
        : `segment ${si}–${si + 1} of ring ${a} crosses segment ${sh}–${sh + 1} of ring ${b}`;
    c.add(index, `${path}[${a}][${si}]`, 'self-intersection', where);
    // One report per ring is enough to locate the problem; a figure-eight would otherwise report every crossing.
    reportedRings.add(ri);
  }
}

/**
 * The segments and their boxes; on the way, each adjacent pair that folds back (the second segment turning back
 * along the first) is recorded as the first segment's partner.
 */
function collectSegments(rings: { xy: Float64Array }[]): Segments {
  let total = 0;
  for (const r of rings) total += r.xy.length / 2 - 1;
  const s: Segments = {
    n: 0,
    ring: new Int32Array(total),
    start: new Int32Array(total),
    minX: new Float64Array(total),
    maxX: new Float64Array(total),
    minY: new Float64Array(total),
    maxY: new Float64Array(total),
    first: new Int32Array(rings.length),
    count: new Int32Array(rings.length),
    partner: new Int32Array(total).fill(-1),
  };
  let n = 0;
  for (let ri = 0; ri < rings.length; ri++) {
    const xy = rings[ri]!.xy;
    const first = n;
    // The direction of the previous segment and of the ring's first one.
    let pux = 0;
    let puy = 0;
    let fux = 0;
    let fuy = 0;
    let ax = xy[0]!;
    let ay = xy[1]!;
    for (let i = 0; i + 1 < xy.length / 2; i++) {
      const bx = xy[i * 2 + 2]!;
      const by = xy[i * 2 + 3]!;
      if (ax !== bx || ay !== by) {
        const ux = bx - ax;
        const uy = by - ay;
        if (n === first) {
          fux = ux;
          fuy = uy;
        } else if (foldsBack(pux, puy, ux, uy)) s.partner[n - 1] = n;
        s.ring[n] = ri;
        s.start[n] = i;
        s.minX[n] = ax < bx ? ax : bx;
        s.maxX[n] = ax < bx ? bx : ax;
        s.minY[n] = ay < by ? ay : by;
        s.maxY[n] = ay < by ? by : ay;
        pux = ux;
        puy = uy;
        n++;
      }
      ax = bx;
      ay = by;
    }
    const count = n - first;
    s.first[ri] = first;
    s.count[ri] = count;
    // The last segment runs into the first (the ring is closed). Two segments can only be the same line twice.
    if (count <= 2) s.partner.fill(-1, first, n);
    else if (s.partner[first]! < 0 && foldsBack(pux, puy, fux, fuy)) s.partner[first] = n - 1;
  }
  s.n = n;
  return s;
}

/**
 * Every pair of non-adjacent segments whose boxes overlap, each tested exactly. Segments are visited in order of the
 * bucket of their left end (a counting sort); each is tested against the following ones up to the end of the
 * bucket of its right end, which holds every later segment whose box can overlap its own. Bucketing is monotone in
 * x, so no overlapping pair is missed.
 */
function sweepCrossings(s: Segments, rings: { xy: Float64Array }[]): void {
  const { n, minX, maxX, minY, maxY, ring, count, partner } = s;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = minX[i]!;
    const b = maxX[i]!;
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  const buckets = Math.max(1, n);
  const scale = hi > lo && Number.isFinite(buckets / (hi - lo)) ? buckets / (hi - lo) : 0;
  const bucketEnd = new Int32Array(buckets + 1);
  const bucketOfMin = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.min(buckets - 1, Math.floor((minX[i]! - lo) * scale));
    bucketOfMin[i] = b;
    bucketEnd[b + 1] = bucketEnd[b + 1]! + 1;
  }
  for (let b = 0; b < buckets; b++) bucketEnd[b + 1] = bucketEnd[b + 1]! + bucketEnd[b]!;
  const next = bucketEnd.slice(0, buckets);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = bucketOfMin[i]!;
    const at = next[b]!;
    order[at] = i;
    next[b] = at + 1;
  }
  for (let k = 0; k < n; k++) {
    const p = order[k]!;
    const pMinX = minX[p]!;
    const pMaxX = maxX[p]!;
    const pMinY = minY[p]!;
    const pMaxY = maxY[p]!;
    const end = bucketEnd[Math.min(buckets - 1, Math.floor((pMaxX - lo) * scale)) + 1]!;
    for (let m = k + 1; m < end; m++) {
      const q = order[m]!;
      if (minX[q]! > pMaxX || maxX[q]! < pMinX || minY[q]! > pMaxY || maxY[q]! < pMinY) continue;
      const i = p < q ? p : q;
      const j = p < q ? q : p;
      if (partner[i]! >= 0 && partner[i]! < j) continue;
      const sameRing = ring[j] === ring[i];
      if (sameRing && (j - i === 1 || j - i === count[ring[i]!]! - 1)) continue;
      if (segmentsMeetAt(s, rings, i, j, !sameRing)) partner[i] = j;
    }
  }
}

/** segmentsMeet for segments i and j, read from their rings' positions. */
function segmentsMeetAt(s: Segments, rings: { xy: Float64Array }[], i: number, j: number, properOnly: boolean) {
  const a = rings[s.ring[i]!]!.xy;
  const b = rings[s.ring[j]!]!.xy;
  const ai = s.start[i]! * 2;
  const bj = s.start[j]! * 2;
  return segmentsMeet(
    a[ai]!,
    a[ai + 1]!,
    a[ai + 2]!,
    a[ai + 3]!,
    b[bj]!,
    b[bj + 1]!,
    b[bj + 2]!,
    b[bj + 3]!,
    properOnly,
  );
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return px >= Math.min(ax, bx) && px <= Math.max(ax, bx) && py >= Math.min(ay, by) && py <= Math.max(ay, by);
}

/** Whether two segments share a point; with `properOnly`, only a crossing or a collinear overlap counts. */
function segmentsMeet(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
  properOnly: boolean,
): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (o1 * o2 < 0 && o3 * o4 < 0) return true;
  if (o1 === 0 && o2 === 0) {
    // Collinear: an overlap of positive length always counts; a single shared end point only when touching counts.
    const ux = bx - ax;
    const uy = by - ay;
    const len2 = ux * ux + uy * uy;
    const tc = ((cx - ax) * ux + (cy - ay) * uy) / len2;
    const td = ((dx - ax) * ux + (dy - ay) * uy) / len2;
    const lo = Math.max(0, Math.min(tc, td));
    const hi = Math.min(1, Math.max(tc, td));
    return properOnly ? hi > lo : hi >= lo;
  }
  if (properOnly) return false;
  return (
    (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) ||
    (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) ||
    (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) ||
    (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by))
  );
}

/** A segment along (vx, vy) that follows one along (ux, uy) and turns back on it along one line. */
function foldsBack(ux: number, uy: number, vx: number, vy: number): boolean {
  return ux * vy - uy * vx === 0 && ux * vx + uy * vy < 0;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function expected(use: GeometryUse): string {
  return use === 'line'
    ? 'LineString or MultiLineString'
    : use === 'area'
      ? 'Polygon or MultiPolygon'
      : 'a GeoJSON geometry';
}

function quote(x: unknown): string {
  return typeof x === 'string' ? `"${x.length > 40 ? `${x.slice(0, 40)}…` : x}"` : kindOf(x);
}

function kindOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (typeof x === 'number') return Number.isNaN(x) ? 'NaN' : String(x);
  if (typeof x === 'string') return `the string ${quote(x)}`;
  return typeof x === 'object' ? 'an object' : typeof x;
}
