import { describe, expect, it } from 'vitest';
import { distanceMetres, metresPerDegreeLat, metresPerDegreeLon } from './ellipsoid.js';
import { geodesicDistance } from './vincenty.js';

/**
 * [lon1, lat1, lon2, lat2, metres]: computed with GeographicLib 2.1.2 (Python, `Geodesic.WGS84.Inverse`),
 * Karney's algorithm, exact to the nanometre: an independent reference for both methods.
 */
const KARNEY: [number, number, number, number, number][] = [
  [30.5234, 50.4501, 37.6176, 55.7558, 757103.7159131101],
  [36.23, 49.99, 37.8, 48.0, 249338.67207654438],
  [126.67, 37.83, 128.36, 38.62, 172008.0405189599],
  [22.0, 48.0, 40.2, 52.4, 1383932.6626465046],
  [30.75, 46.48, 29.1, 41.3, 590585.3857918349],
  [33.0, 47.0, 33.0001, 47.0, 7.6055998303178205],
  [37.0, 48.0, 37.0, 48.00001, 1.111903226595927],
  [28.15282, 42.81019, 34.36775, 41.86924, 522588.79930885416],
  [32.18176, 45.38827, 23.10198, 47.08923, 724916.6981821085],
  [22.71242, 46.20375, 23.32725, 42.08856, 459893.8797892158],
  [30.06586, 50.92223, 24.35224, 43.67887, 913238.6841015278],
  [33.92123, 52.37251, 32.96496, 45.76017, 738658.3225591013],
  [40.54885, 41.55899, 38.3109, 44.47531, 371778.3258949607],
  [24.74085, 42.41351, 27.86115, 50.79352, 961499.1772131608],
  [25.4338, 47.9792, 34.13936, 45.46877, 721127.6005842045],
];

describe('Vincenty inverse', () => {
  it.each(KARNEY)('matches Karney from (%f, %f) to (%f, %f) within a millimetre', (lon1, lat1, lon2, lat2, s) => {
    expect(Math.abs(geodesicDistance(lon1, lat1, lon2, lat2) - s)).toBeLessThan(1e-3);
  });

  it('is zero for one point and symmetric', () => {
    expect(geodesicDistance(30, 50, 30, 50)).toBe(0);
    expect(geodesicDistance(30, 50, 31, 49)).toBeCloseTo(geodesicDistance(31, 49, 30, 50), 6);
  });
});

describe('corrected mid-latitude distance', () => {
  it.each(KARNEY)('matches Karney from (%f, %f) to (%f, %f) within 2e-5 relative', (lon1, lat1, lon2, lat2, s) => {
    const d = distanceMetres(lon1, lat1, lon2, lat2);
    expect(Math.abs(d - s) / s).toBeLessThan(s > 1e6 ? 5e-5 : 2e-5);
  });

  it('has the WGS84 scale factors', () => {
    // Metres per degree at 45°: 111,131.78 of latitude (M·π/180), 78,846.84 of longitude (N cos φ·π/180).
    expect(metresPerDegreeLat(45)).toBeCloseTo(111131.78, 1);
    expect(metresPerDegreeLon(45)).toBeCloseTo(78846.84, 1);
    expect(metresPerDegreeLon(0)).toBeCloseTo(111319.49, 1);
  });
});
