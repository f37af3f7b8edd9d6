/**
 * The package's map: its regions layer (the base map) and every zone as GeoJSON a browser can draw, small enough for
 * a field connection. Lines are drawn as given; buffers, corridors and airspaces over them as their outlines
 * (`zone-outlines.ts`); areas as their polygons or the regions they name. Simplified to well under the drawing
 * accuracy of a country-scale map: regions to 250 m and 4 decimals (about 10 m), zones to 60 m and 5 decimals.
 */
import type { LoadedPackage } from '../../core/spec/load.js';
import type { Package, Zone } from '../../core/spec/schema.js';
import {
  bothSides,
  contour,
  distanceField,
  oneSide,
  simplifyLine,
  simplifyPolygons,
  type DistanceField,
  type MultiPolygonCoordinates,
  type Position,
} from './zone-outlines.js';

export type Geometry =
  | { type: 'MultiPolygon'; coordinates: MultiPolygonCoordinates }
  | { type: 'MultiLineString'; coordinates: Position[][] };

export interface MapFeature {
  type: 'Feature';
  id: number;
  properties: Record<string, string | number | boolean | string[]>;
  geometry: Geometry;
}

export interface PackageMap {
  type: 'FeatureCollection';
  /** [west, south, east, north] of the regions and zones. */
  bbox: [number, number, number, number];
  features: MapFeature[];
  /** Zones that could not be drawn and why (a geometry file the package lacks, a zone over an unknown zone). */
  undrawn: { zone: string; reason: string }[];
}

export const mapTolerances = { regions: 250, zones: 60, lines: 20 } as const;
/** The distance grid's step: an eighth of the narrowest zone around a line, at least 250 m. */
const stepDivisor = 8;
/** Most nodes in one distance grid, so that a very wide buffer around a long line stays cheap. */
const maxNodes = 600_000;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

interface RawFeature {
  geometry: Obj;
  properties: Obj;
}

function features(doc: unknown): RawFeature[] {
  if (!isObj(doc)) return [];
  if (doc['type'] === 'FeatureCollection' && Array.isArray(doc['features'])) return doc['features'].flatMap(features);
  if (doc['type'] === 'Feature')
    return isObj(doc['geometry'])
      ? [{ geometry: doc['geometry'], properties: isObj(doc['properties']) ? doc['properties'] : {} }]
      : [];
  return typeof doc['type'] === 'string' ? [{ geometry: doc, properties: {} }] : [];
}

const isPosition = (p: unknown): p is Position =>
  Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number';

function lineParts(doc: unknown): Position[][] {
  const out: Position[][] = [];
  for (const { geometry } of features(doc)) {
    const c = geometry['coordinates'];
    const lines =
      geometry['type'] === 'LineString' ? [c] : geometry['type'] === 'MultiLineString' && Array.isArray(c) ? c : [];
    for (const l of lines) if (Array.isArray(l)) out.push(l.filter(isPosition).map((p) => [p[0], p[1]]));
  }
  return out.filter((l) => l.length >= 2);
}

function polygons(geometry: Obj): MultiPolygonCoordinates {
  const c = geometry['coordinates'];
  const polys = geometry['type'] === 'Polygon' ? [c] : geometry['type'] === 'MultiPolygon' && Array.isArray(c) ? c : [];
  return polys
    .filter(Array.isArray)
    .map((poly: unknown[]) =>
      poly.filter(Array.isArray).map((ring: unknown[]) => ring.filter(isPosition).map((p): Position => [p[0], p[1]])),
    );
}

const flat = (l: Position[]) => Float64Array.from(l.flat());

function unflat(a: Float64Array, digits: number): Position[] {
  const r = 10 ** digits;
  const out: Position[] = [];
  for (let i = 0; i < a.length; i += 2) {
    // Checked inline, not with itemAt: once per vertex of every outline (docs/architecture.md, Index accesses).
    const x = a[i];
    const y = a[i + 1];
    if (x === undefined || y === undefined) throw new RangeError(`odd coordinate list: ${a.length} numbers`);
    out.push([Math.round(x * r) / r, Math.round(y * r) / r]);
  }
  return out;
}

/** Builds the map of a loaded package: deterministic (same package, same bytes). */
export function packageMap(loaded: LoadedPackage): PackageMap {
  const pkg = loaded.model;
  if (!pkg) throw new Error(`package ${loaded.file} did not load; the server starts only with a valid package`);
  const out: MapFeature[] = [];
  const undrawn: PackageMap['undrawn'] = [];
  const doc = (path: string) => loaded.geometries.get(path)?.geojson;

  // Regions: the base map.
  const regionPolys = new Map<string, MultiPolygonCoordinates>();
  if (pkg.regions) {
    for (const f of features(doc(pkg.regions.geometry))) {
      const code = f.properties[pkg.regions.code];
      const name = f.properties[pkg.regions.name];
      const coords = simplifyPolygons(polygons(f.geometry), mapTolerances.regions, 4);
      if (typeof code !== 'string' || !coords.length) continue;
      regionPolys.set(code, [...(regionPolys.get(code) ?? []), ...coords]);
      out.push({
        type: 'Feature',
        id: out.length,
        properties: { layer: 'region', code, name: typeof name === 'string' ? name : code },
        geometry: { type: 'MultiPolygon', coordinates: coords },
      });
    }
  }

  const lines = new Map<string, Position[][]>();
  for (const [id, z] of Object.entries(pkg.zones)) if (z.kind === 'line') lines.set(id, lineParts(doc(z.geometry)));

  // One distance field per line, reaching the widest buffer around it, stepped for the narrowest.
  const fields = new Map<string, DistanceField>();
  const fieldFor = (line: string): DistanceField | undefined => {
    const cached = fields.get(line);
    if (cached) return cached;
    const parts = lines.get(line);
    if (!parts?.length) return undefined;
    const widths = Object.values(pkg.zones).flatMap((z) => (z.kind === 'buffer' && z.around === line ? [z.width] : []));
    const field = fieldAround(parts, Math.max(...widths), Math.min(...widths));
    fields.set(line, field);
    return field;
  };

  const shapes = new Map<string, Geometry | string>();
  const shapeOf = (id: string, seen: Set<string>): Geometry | string => {
    const known = shapes.get(id);
    if (known) return known;
    const z = pkg.zones[id];
    let g: Geometry | string;
    if (!z) g = `no zone ${id}`;
    else if (seen.has(id)) g = `zone ${id} is defined over itself`;
    else g = drawZone(z, id, new Set([...seen, id]));
    shapes.set(id, g);
    return g;
  };
  const drawZone = (z: Zone, id: string, seen: Set<string>): Geometry | string => {
    switch (z.kind) {
      case 'line': {
        const parts = lines.get(id) ?? [];
        return parts.length
          ? {
              type: 'MultiLineString',
              coordinates: parts.map((l) => unflat(simplifyLine(flat(l), mapTolerances.lines), 5)),
            }
          : `no line geometry in ${z.geometry}`;
      }
      case 'buffer': {
        const field = fieldFor(z.around);
        if (!field) return `${z.around} is not a line zone with geometry`;
        const level = z.side === 'both' ? bothSides(z.width) : oneSide(z.width, z.side);
        return { type: 'MultiPolygon', coordinates: simplifyPolygons(contour(field, level), mapTolerances.zones) };
      }
      case 'corridor': {
        const parts = lineParts(doc(z.geometry));
        if (!parts.length) return `no line geometry in ${z.geometry}`;
        const half = z.width / 2;
        return {
          type: 'MultiPolygon',
          coordinates: simplifyPolygons(contour(fieldAround(parts, half, half), bothSides(half)), mapTolerances.zones),
        };
      }
      case 'airspace': {
        if (z.geometry) return areaOf(z.geometry);
        if (z.over) return shapeOf(z.over, seen);
        return 'an airspace needs `over` or `geometry`';
      }
      case 'area': {
        if (z.geometry) return areaOf(z.geometry);
        const coords = (z.regions ?? []).flatMap((r) => regionPolys.get(r) ?? []);
        return coords.length
          ? { type: 'MultiPolygon', coordinates: coords }
          : `none of the regions ${(z.regions ?? []).join(', ')} is in the regions layer`;
      }
    }
  };
  const areaOf = (path: string): Geometry | string => {
    const coords = features(doc(path)).flatMap((f) => simplifyPolygons(polygons(f.geometry), mapTolerances.zones));
    return coords.length ? { type: 'MultiPolygon', coordinates: coords } : `no polygon geometry in ${path}`;
  };

  for (const [id, z] of Object.entries(pkg.zones)) {
    const g = shapeOf(id, new Set());
    if (typeof g === 'string') {
      undrawn.push({ zone: id, reason: g });
      continue;
    }
    out.push({
      type: 'Feature',
      id: out.length,
      properties: { layer: 'zone', ...zoneProperties(pkg, id, z) },
      geometry: g,
    });
  }
  return { type: 'FeatureCollection', bbox: bboxOf(out), features: out, undrawn };
}

function fieldAround(parts: Position[][], reach: number, narrowest: number): DistanceField {
  const simplified = parts.map((l) => simplifyLine(flat(l), Math.min(10, narrowest / 1000)));
  let step = Math.max(250, narrowest / stepDivisor);
  // Coarsen until the grid fits: nodes ~ (extent + 2 reach)^2 / step^2.
  for (;;) {
    try {
      const f = distanceField(simplified, reach, step);
      if (f.nx * f.ny <= maxNodes) return f;
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
    step *= 1.5;
  }
}

/** What a popup and the legend say about a zone: its kind, sizes and what it is defined by. */
function zoneProperties(pkg: Package, id: string, z: Zone): Record<string, string | number | boolean | string[]> {
  const p: Record<string, string | number | boolean | string[]> = { id, kind: z.kind };
  if (z.text) p['text'] = z.text;
  switch (z.kind) {
    case 'line':
      if (z.sides?.left) p['left'] = z.sides.left;
      if (z.sides?.right) p['right'] = z.sides.right;
      break;
    case 'buffer':
      p['around'] = z.around;
      p['width'] = z.width;
      p['side'] = z.side;
      break;
    case 'corridor':
      p['width'] = z.width;
      break;
    case 'airspace':
      if (z.over) p['over'] = z.over;
      p['ceiling'] = z.ceiling;
      if (z.floor !== undefined) p['floor'] = z.floor;
      break;
    case 'area':
      if (z.regions) p['regions'] = z.regions;
      break;
  }
  // Which prohibitions bind inside it, for the popup.
  const rules = Object.entries(pkg.prohibitions)
    .filter(
      ([, r]) => r.across === id || (typeof r.inside === 'string' ? r.inside === id : (r.inside ?? []).includes(id)),
    )
    .map(([rid]) => rid);
  if (rules.length) p['prohibitions'] = rules;
  return p;
}

function bboxOf(fs: MapFeature[]): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (p: Position) => {
    if (p[0] < w) w = p[0];
    if (p[0] > e) e = p[0];
    if (p[1] < s) s = p[1];
    if (p[1] > n) n = p[1];
  };
  for (const f of fs) {
    if (f.geometry.type === 'MultiLineString') f.geometry.coordinates.forEach((l) => l.forEach(visit));
    else f.geometry.coordinates.forEach((poly) => poly.forEach((r) => r.forEach(visit)));
  }
  return Number.isFinite(w) ? [w, s, e, n] : [-180, -85, 180, 85];
}
