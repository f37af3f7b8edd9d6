/**
 * The length of the line zones, for "km² along the contact line". Great-circle distance by the haversine formula
 * on a sphere of the IUGG mean Earth radius (6,371,008.8 m; Moritz, "Geodetic Reference System 1980"): within
 * about 0.5% of the ellipsoidal length, which is far below the uncertainty of an assumed advance rate.
 */
import type { LoadedGeometry } from '../spec/geometry-files.js';
import type { Package } from '../spec/schema.js';

const R = 6_371_008.8;
const RAD = Math.PI / 180;

/** Metres between two [longitude, latitude] positions in degrees. */
export function haversine(a: readonly number[], b: readonly number[]): number {
  const dLat = (b[1]! - a[1]!) * RAD;
  const dLon = (b[0]! - a[0]!) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a[1]! * RAD) * Math.cos(b[1]! * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Summed length in metres of every LineString and MultiLineString in a loaded GeoJSON file. */
export function geometryLength(g: LoadedGeometry): number {
  let total = 0;
  const path = (coords: unknown) => {
    if (!Array.isArray(coords)) return;
    for (let i = 1; i < coords.length; i++) {
      const p = coords[i - 1];
      const q = coords[i];
      if (Array.isArray(p) && Array.isArray(q)) total += haversine(p as number[], q as number[]);
    }
  };
  for (const f of g.geojson.features ?? []) {
    const geom = f.geometry;
    if (!geom) continue;
    if (geom.type === 'LineString') path(geom.coordinates);
    else if (geom.type === 'MultiLineString' && Array.isArray(geom.coordinates)) for (const part of geom.coordinates) path(part);
  }
  return total;
}

/** Metres per line zone whose geometry file was loaded. */
export function lineLengths(model: Package, geometries: ReadonlyMap<string, LoadedGeometry>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, z] of Object.entries(model.zones)) {
    if (z.kind !== 'line') continue;
    const g = geometries.get(z.geometry);
    if (g) out.set(id, geometryLength(g));
  }
  return out;
}
