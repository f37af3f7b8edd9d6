/**
 * Geodesic distance on the WGS84 ellipsoid by Vincenty's inverse method (T. Vincenty, "Direct and inverse
 * solutions of geodesics on the ellipsoid with application of nested equations", Survey Review 23(176), 1975).
 * Accurate to about 0.5 mm; it iterates, so it is the slow, obviously-right reference against which the fast
 * method in `ellipsoid.ts` is tested, and a precise point-to-point distance for code that is not in a hot loop.
 * It fails to converge only for nearly antipodal points (returns NaN), which these extents never produce.
 */
import { WGS84_A, WGS84_F } from './ellipsoid.js';

const B = WGS84_A * (1 - WGS84_F);
const RAD = Math.PI / 180;

/** Metres between two positions given as longitude and latitude in degrees. */
export function geodesicDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const f = WGS84_F;
  const L = (lon2 - lon1) * RAD;
  const u1 = Math.atan((1 - f) * Math.tan(lat1 * RAD));
  const u2 = Math.atan((1 - f) * Math.tan(lat2 * RAD));
  const sinU1 = Math.sin(u1);
  const cosU1 = Math.cos(u1);
  const sinU2 = Math.sin(u2);
  const cosU2 = Math.cos(u2);
  let lambda = L;
  let sinSigma = 0;
  let cosSigma = 0;
  let sigma = 0;
  let cos2Alpha = 0;
  let cos2SigmaM = 0;
  for (let iter = 0; iter < 200; iter++) {
    const sinLambda = Math.sin(lambda);
    const cosLambda = Math.cos(lambda);
    const p = cosU2 * sinLambda;
    const q = cosU1 * sinU2 - sinU1 * cosU2 * cosLambda;
    sinSigma = Math.sqrt(p * p + q * q);
    if (sinSigma === 0) return 0;
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    cos2Alpha = 1 - sinAlpha * sinAlpha;
    cos2SigmaM = cos2Alpha !== 0 ? cosSigma - (2 * sinU1 * sinU2) / cos2Alpha : 0;
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
    const next =
      L +
      (1 - C) *
        f *
        sinAlpha *
        (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    const done = Math.abs(next - lambda) < 1e-13;
    lambda = next;
    if (done) {
      const uSq = (cos2Alpha * (WGS84_A * WGS84_A - B * B)) / (B * B);
      const A = 1 + (uSq / 16384) * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
      const Bc = (uSq / 1024) * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
      const deltaSigma =
        Bc *
        sinSigma *
        (cos2SigmaM +
          (Bc / 4) *
            (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
              (Bc / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
      return B * A * (sigma - deltaSigma);
    }
  }
  return NaN;
}
