/** Distances on the sphere for fusion and queries: haversine on the IUGG mean Earth radius (accurate to ~0.5%). */

export const EARTH_RADIUS = 6_371_008.8;
const RAD = Math.PI / 180;
/** Degrees of latitude per metre. */
export const DEG_PER_METRE = 1 / (EARTH_RADIUS * RAD);

export function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(s)));
}

export type Box = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** A box that contains the disc of `radius` metres around the point (not tight near the poles; never too small). */
export function discBox(lon: number, lat: number, radius: number): Box {
  const dLat = radius * DEG_PER_METRE;
  const maxAbsLat = Math.min(89.9, Math.abs(lat) + dLat);
  const dLon = Math.min(180, dLat / Math.max(Math.cos(maxAbsLat * RAD), 1e-3));
  return [Math.max(-180, lon - dLon), Math.max(-90, lat - dLat), Math.min(180, lon + dLon), Math.min(90, lat + dLat)];
}

export function boxesIntersect(a: Box, b: Box): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

export function unionBox(a: Box, b: Box): Box {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}
