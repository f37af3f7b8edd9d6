/**
 * `locate` against slow, obviously-right references on 100,000 seeded points over the example package's extent,
 * a third of them placed within metres of every vertex and edge of the oblasts and the contact line, or of a buffer's
 * or corridor's edge:
 * - membership of polygons (regions, an area by region code) against Turf's booleanPointInPolygon;
 * - distance to a line against Vincenty's geodesic (vincenty.ts, itself checked against Karney's GeographicLib)
 *   minimised over each candidate segment by golden-section search; candidates are all segments an independent
 *   mid-latitude screen cannot rule out (its error bound is checked against Vincenty here too);
 * - buffer and corridor membership against that reference distance, and the one-sided buffer against a side taken
 *   from the angle bisector at the reference's nearest vertex (a different formulation of the rule in line-index.ts).
 *
 * Tolerance band (docs/geo.md): memberships may differ only where the reference distance is within 1 m of a buffer
 * edge or where a point is within 1 cm of a polygon edge; distances agree within 0.1% (in fact within 1e-5) above
 * 1 m, and within 1 mm below.
 */
import { readFileSync } from 'node:fs';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAreaFeatures, readLineParts } from './features.js';
import { LEFT, RIGHT } from './location.js';
import { geodesicDistance } from './vincenty.js';
import { buildZoneIndex, type ZoneIndex } from './zone-index.js';
import { mulberry32 } from '../../../test/support/mulberry32.js';

const EXAMPLES = new URL('../../../examples/data/', import.meta.url);
const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, EXAMPLES), 'utf8'));
const oblasts = readJson('ukraine-oblasts.geojson') as {
  features: { bbox?: number[]; geometry: unknown; properties: Record<string, string> }[];
};
const contact = readLineParts(readJson('contact-line.geojson'))[0]!;
const corridor = readLineParts(readJson('grain-corridor.geojson'))[0]!;

const W_BUFFER = 15_000;
const W_HEAVY = 50_000;
const W_REAR = 100_000;
const W_CORRIDOR = 10_000;

// --- The reference distance -------------------------------------------------------------------------------------

const A = 6378137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const RAD = Math.PI / 180;
/** Metres per degree of longitude and latitude (N cos φ, M), computed with trigonometry, not tables. */
const kxAt = (lat: number) => (A * Math.cos(lat * RAD) * RAD) / Math.sqrt(1 - E2 * Math.sin(lat * RAD) ** 2);
const kyAt = (lat: number) => (A * (1 - E2) * RAD) / (1 - E2 * Math.sin(lat * RAD) ** 2) ** 1.5;

/** Vincenty distance from P to the point at t along the lon/lat-straight segment AB. */
const along = (px: number, py: number, ax: number, ay: number, bx: number, by: number, t: number) =>
  geodesicDistance(px, py, ax + (bx - ax) * t, ay + (by - ay) * t);

/** Geodesic distance from P to segment AB: the best of 16 samples, then golden section around it. */
function geodesicToSegment(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): { d: number; t: number } {
  const n = 16;
  let k0 = 0;
  let best = Infinity;
  for (let k = 0; k <= n; k++) {
    const d = along(px, py, ax, ay, bx, by, k / n);
    if (d < best) {
      best = d;
      k0 = k;
    }
  }
  let lo = Math.max(0, (k0 - 1) / n);
  let hi = Math.min(1, (k0 + 1) / n);
  const g = (Math.sqrt(5) - 1) / 2;
  let m1 = hi - g * (hi - lo);
  let m2 = lo + g * (hi - lo);
  let f1 = along(px, py, ax, ay, bx, by, m1);
  let f2 = along(px, py, ax, ay, bx, by, m2);
  for (let i = 0; i < 40; i++) {
    if (f1 < f2) {
      hi = m2;
      m2 = m1;
      f2 = f1;
      m1 = hi - g * (hi - lo);
      f1 = along(px, py, ax, ay, bx, by, m1);
    } else {
      lo = m1;
      m1 = m2;
      f1 = f2;
      m2 = lo + g * (hi - lo);
      f2 = along(px, py, ax, ay, bx, by, m2);
    }
  }
  const t = f1 < f2 ? m1 : m2;
  const d = Math.min(f1, f2);
  return d < best ? { d, t } : { d: best, t: k0 / n };
}

interface Segments {
  /** Long segments (the corridor's, 100-150 km): the plane's scale varies along them; use wide bounds. */
  long: boolean;
  ax: Float64Array;
  ay: Float64Array;
  bx: Float64Array;
  by: Float64Array;
  kx: Float64Array;
  ky: Float64Array;
  /** Scales at each segment's start and end. */
  kxa: Float64Array;
  kxb: Float64Array;
  kya: Float64Array;
  kyb: Float64Array;
}
function segments(xy: Float64Array, long: boolean): Segments {
  const n = xy.length / 2 - 1;
  const s = {
    long,
    ax: new Float64Array(n),
    ay: new Float64Array(n),
    bx: new Float64Array(n),
    by: new Float64Array(n),
    kx: new Float64Array(n),
    ky: new Float64Array(n),
    kxa: new Float64Array(n),
    kxb: new Float64Array(n),
    kya: new Float64Array(n),
    kyb: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    s.ax[i] = xy[i * 2]!;
    s.ay[i] = xy[i * 2 + 1]!;
    s.bx[i] = xy[i * 2 + 2]!;
    s.by[i] = xy[i * 2 + 3]!;
    s.kx[i] = kxAt((s.ay[i]! + s.by[i]!) / 2);
    s.ky[i] = kyAt((s.ay[i]! + s.by[i]!) / 2);
    s.kxa[i] = kxAt(s.ay[i]!);
    s.kxb[i] = kxAt(s.by[i]!);
    s.kya[i] = kyAt(s.ay[i]!);
    s.kyb[i] = kyAt(s.by[i]!);
  }
  return s;
}
const CONTACT = segments(contact, false);
const CORRIDOR = segments(corridor, true);

/**
 * The screen: for each segment, the foot in the plane at the mean latitude of P and the segment, and the distance to
 * it in the plane at the mean latitude of P and the foot (the plain mid-latitude formula, scales averaged). The geodesic distance to the segment
 * lies within [lo, hi]: hi = flat (1 + e(flat)), lo = flat (1 − e(flat)) − off² / 2·flat, where e bounds the plane's
 * error at a fixed foot and off the foot's error along the segment (at most about d²/R, and the segment's length);
 * for long segments, whose scale varies along them, e = 5% and off = the length.
 * The test "screen bound" checks these bounds against Vincenty; every segment whose lo is below the least hi goes to
 * the geodesic reference.
 */
const SCREEN_ERROR = (d: number) => 1e-5 + 6e-15 * d * d;
const EARTH = 6371e3;
const lo = new Float64Array(4096);
const hi = new Float64Array(4096);
const feet = new Float64Array(4096);
function screen(px: number, py: number, s: Segments): number {
  const kxp = kxAt(py);
  const kyp = kyAt(py);
  let least = Infinity;
  for (let i = 0; i < s.ax.length; i++) {
    const kx = (kxp + s.kx[i]!) / 2;
    const ky = (kyp + s.ky[i]!) / 2;
    const ex = (s.ax[i]! - px) * kx;
    const ey = (s.ay[i]! - py) * ky;
    const fx = (s.bx[i]! - s.ax[i]!) * kx;
    const fy = (s.by[i]! - s.ay[i]!) * ky;
    const l2 = fx * fx + fy * fy;
    let t = l2 > 0 ? -(ex * fx + ey * fy) / l2 : 0; // repeated positions make zero-length segments
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    // The distance to that foot with the scales of its own latitude averaged with P's.
    const kxq = (kxp + s.kxa[i]! + t * (s.kxb[i]! - s.kxa[i]!)) / 2;
    const kyq = (kyp + s.kya[i]! + t * (s.kyb[i]! - s.kya[i]!)) / 2;
    const qx = (s.ax[i]! + t * (s.bx[i]! - s.ax[i]!) - px) * kxq;
    const qy = (s.ay[i]! + t * (s.by[i]! - s.ay[i]!) - py) * kyq;
    const d = Math.sqrt(qx * qx + qy * qy);
    const e = s.long ? 0.05 : SCREEN_ERROR(d);
    const off = s.long ? Math.sqrt(l2) : Math.min(Math.sqrt(l2), (2 * d * d) / EARTH + 1);
    feet[i] = t;
    hi[i] = d * (1 + e) + 1e-3;
    lo[i] = d * (1 - e) - (off * off) / (2 * Math.max(d, 1)) - 1e-3;
    if (hi[i]! < least) least = hi[i]!;
  }
  return least;
}

interface Reference {
  d: number;
  seg: number;
  t: number;
}
/**
 * The reference distance and nearest segment (and foot) of a line; only a lower bound (seg -1) when that exceeds
 * `upTo`. Each candidate is measured by Vincenty at the screen's foot, which bounds its minimum from above; those
 * whose lower bound is still below the best of these are minimised in full.
 */
function reference(px: number, py: number, s: Segments, upTo = Infinity): Reference {
  const least = screen(px, py, s);
  let floor = Infinity;
  for (let i = 0; i < s.ax.length; i++) floor = Math.min(floor, lo[i]!);
  if (floor > upTo) return { d: floor, seg: -1, t: 0 };
  const cand: number[] = [];
  let bestFoot = Infinity;
  for (let i = 0; i < s.ax.length; i++) {
    if (lo[i]! > least) continue;
    cand.push(i);
    bestFoot = Math.min(bestFoot, along(px, py, s.ax[i]!, s.ay[i]!, s.bx[i]!, s.by[i]!, feet[i]!));
  }
  let best: Reference = { d: Infinity, seg: -1, t: 0 };
  for (const i of cand) {
    if (lo[i]! > bestFoot) continue;
    const r = geodesicToSegment(px, py, s.ax[i]!, s.ay[i]!, s.bx[i]!, s.by[i]!);
    if (r.d < best.d) best = { d: r.d, seg: i, t: r.t };
  }
  // Every candidate's lower bound above the best upper bound means the screen's bounds are wrong: say so loudly.
  if (best.seg < 0) throw new Error(`screen bounds failed at ${px}, ${py}`);
  return best;
}

/**
 * The side by the angle bisector: in a plane at P, the sign of cross(direction, P − Q) for a foot inside a segment;
 * at a vertex, cross(u1 + u2, P − V) with u1, u2 the unit directions in and out; beyond an end, the end segment.
 */
function referenceSide(px: number, py: number, s: Segments, r: Reference): number {
  const kx = kxAt(py);
  const ky = kyAt(py);
  const dir = (i: number): [number, number] => {
    const x = (s.bx[i]! - s.ax[i]!) * kx;
    const y = (s.by[i]! - s.ay[i]!) * ky;
    const l = Math.hypot(x, y);
    return [x / l, y / l];
  };
  const n = s.ax.length;
  let vx: number;
  let vy: number;
  let b: [number, number];
  const atStart = r.t <= 1e-9;
  const atEnd = r.t >= 1 - 1e-9;
  if (atStart && r.seg > 0) {
    [vx, vy] = [s.ax[r.seg]!, s.ay[r.seg]!];
    const [u1, u2] = [dir(r.seg - 1), dir(r.seg)];
    b = [u1[0] + u2[0], u1[1] + u2[1]];
  } else if (atEnd && r.seg < n - 1) {
    [vx, vy] = [s.bx[r.seg]!, s.by[r.seg]!];
    const [u1, u2] = [dir(r.seg), dir(r.seg + 1)];
    b = [u1[0] + u2[0], u1[1] + u2[1]];
  } else {
    [vx, vy] = [s.ax[r.seg]!, s.ay[r.seg]!];
    b = dir(r.seg);
  }
  const c = b[0] * (py - vy) * ky - b[1] * (px - vx) * kx;
  return c > 0 ? LEFT : c < 0 ? RIGHT : 0;
}

// --- The points ------------------------------------------------------------------------------------------------

type Kind = 'uniform' | 'oblast-vertex' | 'oblast-edge' | 'line-vertex' | 'line-edge' | 'buffer-edge' | 'corridor-edge';
const N = 100_000;
const xs = new Float64Array(N);
const ys = new Float64Array(N);
const kinds: Kind[] = [];

function generate(): void {
  const next = mulberry32(20260601);
  let n = 0;
  const push = (x: number, y: number, k: Kind) => {
    if (n >= N) return;
    xs[n] = x;
    ys[n] = y;
    kinds[n++] = k;
  };
  /** A point `metres` from (x, y) in a random direction. */
  const jitter = (x: number, y: number, metres: number, k: Kind) => {
    const a = next() * 2 * Math.PI;
    push(x + (metres * Math.cos(a)) / kxAt(y), y + (metres * Math.sin(a)) / kyAt(y), k);
  };
  const near = () => 10 ** (-2 + next() * 3); // 1 cm to 10 m, log-uniform
  // Every vertex and edge of the oblasts and of both lines.
  for (const f of readAreaFeatures(oblasts)) {
    for (const ring of f.rings) {
      for (let i = 0; i + 3 < ring.length; i += 2) {
        jitter(ring[i]!, ring[i + 1]!, near(), 'oblast-vertex');
        const t = next();
        jitter(
          ring[i]! + (ring[i + 2]! - ring[i]!) * t,
          ring[i + 1]! + (ring[i + 3]! - ring[i + 1]!) * t,
          near(),
          'oblast-edge',
        );
      }
    }
  }
  for (const line of [contact, corridor]) {
    for (let i = 0; i + 1 < line.length; i += 2) jitter(line[i]!, line[i + 1]!, near(), 'line-vertex');
    for (let i = 0; i + 3 < line.length; i += 2) {
      const t = next();
      jitter(
        line[i]! + (line[i + 2]! - line[i]!) * t,
        line[i + 1]! + (line[i + 3]! - line[i + 1]!) * t,
        near(),
        'line-edge',
      );
    }
  }
  // Near the buffers' and the corridor's edges: a point on the line, moved across it to the edge, give or take 5 m.
  const offsetFrom = (line: Float64Array, width: number, k: Kind) => {
    const i = Math.floor(next() * (line.length / 2 - 1)) * 2;
    const t = next();
    const x = line[i]! + (line[i + 2]! - line[i]!) * t;
    const y = line[i + 1]! + (line[i + 3]! - line[i + 1]!) * t;
    const ex = (line[i + 2]! - line[i]!) * kxAt(y);
    const ey = (line[i + 3]! - line[i + 1]!) * kyAt(y);
    const l = Math.hypot(ex, ey);
    const side = next() < 0.5 ? -1 : 1;
    const m = width + (next() - 0.5) * 10;
    push(x + (side * (-ey / l) * m) / kxAt(y), y + (side * (ex / l) * m) / kyAt(y), k);
  };
  for (let k = 0; k < 3000; k++) for (const w of [W_BUFFER, W_HEAVY, W_REAR]) offsetFrom(contact, w, 'buffer-edge');
  for (let k = 0; k < 1000; k++) offsetFrom(corridor, W_CORRIDOR / 2, 'corridor-edge');
  // The rest uniformly over the extent: Ukraine and the western Black Sea.
  while (n < N) push(22 + next() * 19, 40.5 + next() * 12, 'uniform');
}

// --- The comparison --------------------------------------------------------------------------------------------

let ix: ZoneIndex;
const zone: Record<string, number> = {};
/**
 * Reference distances, computed once: to the contact line in full for points within 200 km of it and for one in
 * twenty of the rest (a lower bound for the others, seg -1); to the corridor in full where it is within 5 km plus
 * the band, and for every 25th point.
 */
const refContact: Reference[] = [];
const refCorridor: Reference[] = [];

beforeAll(() => {
  generate();
  for (const f of oblasts.features) {
    const b = [180, 90, -180, -90];
    for (const ring of readAreaFeatures({ type: 'FeatureCollection', features: [f] })[0]!.rings) {
      for (let i = 0; i < ring.length; i += 2) {
        b[0] = Math.min(b[0]!, ring[i]!);
        b[1] = Math.min(b[1]!, ring[i + 1]!);
        b[2] = Math.max(b[2]!, ring[i]!);
        b[3] = Math.max(b[3]!, ring[i + 1]!);
      }
    }
    f.bbox = b; // lets Turf skip polygons whose box does not hold the point
  }
  const built = buildZoneIndex({
    regions: { geometry: oblasts, code: 'iso_3166_2', name: 'name_en' },
    zones: [
      {
        id: 'contact-line',
        kind: 'line',
        geometry: readJson('contact-line.geojson'),
        sides: { left: 'RU', right: 'UA' },
      },
      { id: 'buffer', kind: 'buffer', around: 'contact-line', width: W_BUFFER },
      { id: 'heavy-weapons', kind: 'buffer', around: 'contact-line', width: W_HEAVY },
      { id: 'rear-ua', kind: 'buffer', around: 'contact-line', width: W_REAR, side: 'right' },
      { id: 'grain-corridor', kind: 'corridor', geometry: readJson('grain-corridor.geojson'), width: W_CORRIDOR },
      { id: 'no-fly', kind: 'airspace', over: 'buffer', ceiling: 10_000 },
      { id: 'zaporizhzhia-npp', kind: 'area', regions: ['UA-23'] },
    ],
  });
  expect(built.problems).toEqual([]);
  ix = built.index!;
  ix.zones.forEach((z, i) => (zone[z.id] = i));
  const next = mulberry32(5);
  for (let i = 0; i < N; i++) {
    refContact.push(reference(xs[i]!, ys[i]!, CONTACT, next() < 0.05 ? Infinity : 200_000));
    refCorridor.push(reference(xs[i]!, ys[i]!, CORRIDOR, i % 25 === 0 ? Infinity : W_CORRIDOR));
  }
}, 300_000);

describe(`locate against references on ${N.toLocaleString('en')} points`, () => {
  it('has the points it promises', () => {
    expect(kinds).toHaveLength(N);
    const count = (k: Kind) => kinds.filter((x) => x === k).length;
    expect(count('oblast-vertex')).toBeGreaterThan(20_000);
    expect(count('oblast-edge')).toBeGreaterThan(20_000);
    expect(count('line-vertex') + count('line-edge')).toBeGreaterThan(4_700);
    expect(count('uniform')).toBeGreaterThan(35_000);
  });

  it('agrees with Turf on every region and on the area made of a region', { timeout: 120_000 }, () => {
    const uaz = ix.zoneNumber('zaporizhzhia-npp');
    const disagreements: number[] = [];
    for (let i = 0; i < N; i++) {
      const loc = ix.locate(xs[i]!, ys[i]!);
      const p: [number, number] = [xs[i]!, ys[i]!];
      const turf = oblasts.features.findIndex((f) => booleanPointInPolygon(p, f as never));
      const turfUaz = turf >= 0 && oblasts.features[turf]!.properties['iso_3166_2'] === 'UA-23';
      if (turf !== loc.region || turfUaz !== (loc.inside[uaz] === 1)) disagreements.push(i);
    }
    // Points are placed as close as 1 cm to edges; both methods are exact there: no disagreement is tolerated
    // beyond floating-point rounding, and none occurs.
    expect(disagreements).toEqual([]);
  });

  it(
    'agrees with the geodesic reference on buffer, corridor and airspace membership, and on the side',
    { timeout: 120_000 },
    () => {
      const BAND = 1; // metres either side of a buffer's edge
      let decided = 0;
      let banded = 0;
      const wrong: string[] = [];
      for (let i = 0; i < N; i++) {
        const x = xs[i]!;
        const y = ys[i]!;
        const loc = ix.locate(x, y);
        const r = refContact[i]!;
        const rc = refCorridor[i]!;
        const check = (id: string, d: number, width: number, sideOk: boolean) => {
          if (Math.abs(d - width) <= BAND) {
            banded++;
            return;
          }
          decided++;
          const want = d <= width && sideOk;
          if ((loc.inside[zone[id]!] === 1) !== want)
            wrong.push(`${kinds[i]} ${x},${y} ${id} ref ${d} got ${loc.inside[zone[id]!]}`);
        };
        check('buffer', r.d, W_BUFFER, true);
        check('heavy-weapons', r.d, W_HEAVY, true);
        check('no-fly', r.d, W_BUFFER, true);
        check('grain-corridor', rc.d, W_CORRIDOR / 2, true);
        if (r.seg >= 0 && r.d > BAND) check('rear-ua', r.d, W_REAR, referenceSide(x, y, CONTACT, r) === RIGHT);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
      expect(decided).toBeGreaterThan(4 * N);
      expect(banded).toBeLessThan(N / 100);
    },
  );

  it(
    'has distances within 0.1% of the geodesic reference (in fact 1e-4), near the line and far from it',
    { timeout: 120_000 },
    () => {
      // Every point within 200 km of the contact line, and one in twenty of the rest (up to 1,300 km away).
      let worst = 0;
      let compared = 0;
      let far = 0;
      for (let i = 0; i < N; i++) {
        const r = refContact[i]!;
        if (r.seg < 0) continue;
        const d = ix.locate(xs[i]!, ys[i]!).distance[0]!;
        if (r.d < 1) expect(Math.abs(d - r.d)).toBeLessThan(1e-3);
        else worst = Math.max(worst, Math.abs(d - r.d) / r.d);
        compared++;
        if (r.d > 200_000) far++;
      }
      expect(far).toBeGreaterThan(1000);
      expect(compared).toBeGreaterThan(20_000);
      expect(worst).toBeLessThan(1e-4);
    },
  );

  it('has corridor distances within 0.1% (long segments: 100-150 km)', { timeout: 120_000 }, () => {
    let worst = 0;
    for (let i = 0; i < N; i += 25) {
      const r = refCorridor[i]!;
      const d = ix.locate(xs[i]!, ys[i]!).distance[1]!;
      if (r.d >= 1) worst = Math.max(worst, Math.abs(d - r.d) / r.d);
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it('uses a screen whose bounds hold segment by segment (the bounds the reference relies on)', () => {
    const next = mulberry32(77);
    for (let k = 0; k < 1000; k++) {
      const x = 22 + next() * 19;
      const y = 40.5 + next() * 12;
      const lines = k % 4 === 0 ? CORRIDOR : CONTACT;
      screen(x, y, lines);
      const i = Math.floor(next() * lines.ax.length);
      const g = geodesicToSegment(x, y, lines.ax[i]!, lines.ay[i]!, lines.bx[i]!, lines.by[i]!).d;
      expect(lo[i]).toBeLessThanOrEqual(g);
      expect(hi[i]).toBeGreaterThanOrEqual(g);
      const r = reference(x, y, lines);
      screen(x, y, lines);
      expect(lo[r.seg]).toBeLessThanOrEqual(r.d);
      expect(hi[r.seg]).toBeGreaterThanOrEqual(r.d);
    }
  });
});
