/**
 * Bounding boxes for the fusion index. Distances themselves come from the geo engine (`geo/ellipsoid.ts`); the
 * boxes only need to be never too small, so a sphere of the mean Earth radius with a 1% margin is enough.
 */

const EARTH_RADIUS = 6_371_008.8;
const RAD = Math.PI / 180;
/** Degrees of latitude per metre, 1% generous: an ellipsoidal degree is as short as 110.57 km at the equator. */
const DEG_PER_METRE = 1.01 / (EARTH_RADIUS * RAD);

export type Box = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** A box that contains the disc of `radius` metres around the point (not tight near the poles; never too small). */
export function discBox(lon: number, lat: number, radius: number): Box {
  const dLat = radius * DEG_PER_METRE;
  const maxAbsLat = Math.min(89.9, Math.abs(lat) + dLat);
  const dLon = Math.min(180, dLat / Math.max(Math.cos(maxAbsLat * RAD), 1e-3));
  return [Math.max(-180, lon - dLon), Math.max(-90, lat - dLat), Math.min(180, lon + dLon), Math.min(90, lat + dLat)];
}
