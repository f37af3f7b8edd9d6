/**
 * Distances on the WGS84 ellipsoid for the hot loops of the zone index.
 *
 * The method is the mid-latitude ("Gauss") plane with a curvature correction:
 *
 *   x = Δλ · N(φm) cos φm,  y = Δφ · M(φm),  m = √(x² + y²)          (Δλ, Δφ in radians, φm the mean latitude)
 *   s = m · (1 − x² (x² tan²φm + y² (1 + 3 tan²φm)) / (24 m² M(φm) N(φm)))
 *
 * M and N are the meridional and prime-vertical radii of curvature. The plain mid-latitude plane is exact to first
 * order; the bracket is the leading term of the series of the spherical law of haversines about the mean latitude
 * (derivation in docs/geo.md), with R² = M·N, the Gaussian radius. Against GeographicLib's geodesic inverse
 * (Karney 2013, J. Geodesy 87:43) over latitudes 35..60°, the worst relative error is 1.1e-9 at 10 km, 1.1e-7 at
 * 100 km, 1.1e-6 at 300 km, 1.7e-5 at 1,000 km and 5.1e-5 at 1,500 km: far inside the 0.1% the zone engine
 * promises, at the cost of a few multiplications and no trigonometry per pair (the latitude functions come from a
 * table, linearly interpolated, whose own error is below 1e-7).
 */

export const WGS84_A = 6378137;
export const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const RAD = Math.PI / 180;

/** Table step: 1/20 degree. Linear interpolation of cos-like functions at this step errs by < 1e-7 relative. */
const STEPS_PER_DEGREE = 20;
const ROWS = 180 * STEPS_PER_DEGREE + 1;
/** Latitudes beyond this are clamped: the method is for the mid-latitudes where people sign ceasefires. */
export const MAX_LATITUDE = 89;

/**
 * Interleaved table, stride 4, one row per 1/20 degree from −90 to 90:
 * [metres per degree of longitude, metres per degree of latitude, c1, c2] where
 * c1 = tan²φ / (24 M N) and c2 = (1 + 3 tan²φ) / (24 M N), both per square metre.
 */
const TABLE = buildTable();

/**
 * The WGS84 radii of curvature at a latitude (degrees), exact: `n` in the prime vertical, `m` in the meridian (metres).
 * The one derivation of the ellipsoid: the table below and the dashboard's zone outlines both build on it.
 */
export function radiiOfCurvature(lat: number): { n: number; m: number } {
  const s = Math.sin(lat * RAD);
  const w = Math.sqrt(1 - E2 * s * s);
  return { n: WGS84_A / w, m: (WGS84_A * (1 - E2)) / (w * w * w) };
}

/** Metres per degree of longitude (`kx`) and of latitude (`ky`) at a latitude, exact (the table interpolates these). */
export function metresPerDegree(lat: number): { kx: number; ky: number } {
  const { n, m } = radiiOfCurvature(lat);
  return { kx: n * Math.cos(lat * RAD) * RAD, ky: m * RAD };
}

function buildTable(): Float64Array {
  const t = new Float64Array(ROWS * 4);
  for (let i = 0; i < ROWS; i++) {
    // Clamp the poles so that tan stays finite; queries are clamped the same way.
    const lat = Math.max(-MAX_LATITUDE - 0.5, Math.min(MAX_LATITUDE + 0.5, -90 + i / STEPS_PER_DEGREE));
    const phi = lat * RAD;
    const s = Math.sin(phi);
    const c = Math.cos(phi);
    const { n, m } = radiiOfCurvature(lat);
    const tan2 = (s * s) / (c * c);
    t[i * 4] = n * c * RAD;
    t[i * 4 + 1] = m * RAD;
    t[i * 4 + 2] = tan2 / (24 * m * n);
    t[i * 4 + 3] = (1 + 3 * tan2) / (24 * m * n);
  }
  return t;
}

function row(lat: number): number {
  const l = lat > MAX_LATITUDE ? MAX_LATITUDE : lat < -MAX_LATITUDE ? -MAX_LATITUDE : lat;
  return (l + 90) * STEPS_PER_DEGREE;
}

/** Metres per degree of longitude at a latitude (N cos φ · π/180). */
export function metresPerDegreeLon(lat: number): number {
  const r = row(lat);
  const i = r | 0;
  const f = r - i;
  const a = TABLE[i * 4]!;
  return a + (TABLE[i * 4 + 4]! - a) * f;
}

/** Metres per degree of latitude at a latitude (M · π/180). */
export function metresPerDegreeLat(lat: number): number {
  const r = row(lat);
  const i = r | 0;
  const f = r - i;
  const a = TABLE[i * 4 + 1]!;
  return a + (TABLE[i * 4 + 5]! - a) * f;
}

/**
 * The distance in metres between two positions ([lon, lat] in degrees) by the corrected mid-latitude method above.
 * Inlined copies of this computation live in the hot loops of `line-index.ts`; this is the readable one.
 */
export function distanceMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = row((lat1 + lat2) * 0.5);
  const i = r | 0;
  const f = r - i;
  const j = i * 4;
  const kx = TABLE[j]! + (TABLE[j + 4]! - TABLE[j]!) * f;
  const ky = TABLE[j + 1]! + (TABLE[j + 5]! - TABLE[j + 1]!) * f;
  const c1 = TABLE[j + 2]! + (TABLE[j + 6]! - TABLE[j + 2]!) * f;
  const c2 = TABLE[j + 3]! + (TABLE[j + 7]! - TABLE[j + 3]!) * f;
  const x = (lon2 - lon1) * kx;
  const y = (lat2 - lat1) * ky;
  const x2 = x * x;
  const m2 = x2 + y * y;
  if (m2 === 0) return 0;
  return Math.sqrt(m2) * (1 - (x2 * (x2 * c1 + y * y * c2)) / m2);
}

/** The table, for the inlined hot loops. Read-only by convention. */
export const METRIC_TABLE: Float64Array = TABLE;
export const METRIC_STEPS_PER_DEGREE = STEPS_PER_DEGREE;
