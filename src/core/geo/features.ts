/**
 * Reads the positions out of GeoJSON that `validateGeometry` has passed, into flat [lon, lat, lon, lat, ...] arrays.
 * Altitudes in positions are ignored: zone geometry is a footprint; heights belong to airspace zones.
 */

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

/** One polygon feature: all rings of all its parts (a MultiPolygon's parts do not overlap, so parity is exact). */
export interface AreaFeature {
  rings: Float64Array[];
  properties: Record<string, unknown>;
}

function flat(list: unknown): Float64Array {
  const a = list as number[][];
  const out = new Float64Array(a.length * 2);
  for (let i = 0; i < a.length; i++) {
    out[i * 2] = a[i]![0]!;
    out[i * 2 + 1] = a[i]![1]!;
  }
  return out;
}

function geometries(doc: unknown): { geometry: Obj; properties: Record<string, unknown> }[] {
  if (!isObj(doc)) return [];
  if (doc['type'] === 'FeatureCollection' && Array.isArray(doc['features'])) {
    return doc['features'].flatMap((f) => geometries(f));
  }
  if (doc['type'] === 'Feature') {
    const g = doc['geometry'];
    const p = doc['properties'];
    return isObj(g) ? [{ geometry: g, properties: isObj(p) ? p : {} }] : [];
  }
  return [{ geometry: doc, properties: {} }];
}

/** Every line part (LineString, or each line of a MultiLineString) of every feature, in document order. */
export function readLineParts(doc: unknown): Float64Array[] {
  const out: Float64Array[] = [];
  for (const { geometry } of geometries(doc)) {
    const c = geometry['coordinates'];
    if (geometry['type'] === 'LineString') out.push(flat(c));
    else if (geometry['type'] === 'MultiLineString') for (const l of c as unknown[]) out.push(flat(l));
  }
  return out;
}

/** One AreaFeature per Polygon or MultiPolygon feature, in document order. */
export function readAreaFeatures(doc: unknown): AreaFeature[] {
  const out: AreaFeature[] = [];
  for (const { geometry, properties } of geometries(doc)) {
    const c = geometry['coordinates'] as unknown[];
    if (geometry['type'] === 'Polygon') out.push({ rings: c.map(flat), properties });
    else if (geometry['type'] === 'MultiPolygon')
      out.push({ rings: (c as unknown[][]).flatMap((p) => p.map(flat)), properties });
  }
  return out;
}
