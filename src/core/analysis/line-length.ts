/**
 * The length of the line zones, for "km² along the contact line": segment by segment on the WGS84 ellipsoid with
 * the geo engine's distance (docs/geo.md), the same metric that places observations against the line.
 */
import { distanceMetres } from '../geo/ellipsoid.js';
import type { LoadedGeometry } from '../spec/geometry-files.js';
import type { Package } from '../spec/schema.js';

/** Summed length in metres of every LineString and MultiLineString in a loaded GeoJSON file. */
export function geometryLength(g: LoadedGeometry): number {
  let total = 0;
  const path = (coords: unknown) => {
    if (!Array.isArray(coords)) return;
    for (let i = 1; i < coords.length; i++) {
      const p = coords[i - 1];
      const q = coords[i];
      if (Array.isArray(p) && Array.isArray(q))
        total += distanceMetres(p[0] as number, p[1] as number, q[0] as number, q[1] as number);
    }
  };
  for (const f of g.geojson.features ?? []) {
    const geom = f.geometry;
    if (!geom) continue;
    if (geom.type === 'LineString') path(geom.coordinates);
    else if (geom.type === 'MultiLineString' && Array.isArray(geom.coordinates))
      for (const part of geom.coordinates) path(part);
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
