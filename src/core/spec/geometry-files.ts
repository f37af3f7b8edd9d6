/** Geometry files named by a package: read through a port, parsed, and checked for the GeoJSON the zone needs. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { Path, SourceFile } from './source.js';
import { closest } from './suggest.js';

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };
/** Reads a file named in the package; the path is as written, relative to the package file. */
export type GeometryReader = (relativePath: string) => ReadResult;

export interface LoadedGeometry {
  path: string;
  geojson: GeoJsonLike;
}

export interface GeoJsonLike {
  type: string;
  features?: { type: string; properties?: Record<string, unknown> | null; geometry: { type: string; coordinates?: unknown } | null }[];
  [k: string]: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

const lineTypes = ['LineString', 'MultiLineString'];
const areaTypes = ['Polygon', 'MultiPolygon'];
const geometryTypes = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'];

interface Use {
  path: string;
  at: Path;
  kind: string;
  expected: string[];
}

export function checkGeometryFiles(raw: Obj, source: SourceFile, read: GeometryReader, loaded: Map<string, LoadedGeometry>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const uses: Use[] = [];
  const zones = isObj(raw['zones']) ? raw['zones'] : {};
  for (const [id, zv] of Object.entries(zones)) {
    if (!isObj(zv) || typeof zv['geometry'] !== 'string') continue;
    const kind = String(zv['kind']);
    const expected = kind === 'line' || kind === 'corridor' ? lineTypes : areaTypes;
    uses.push({ path: zv['geometry'], at: ['zones', id, 'geometry'], kind: `${kind} zone`, expected });
  }
  const regions = isObj(raw['regions']) ? raw['regions'] : undefined;
  if (regions && typeof regions['geometry'] === 'string') {
    uses.push({ path: regions['geometry'], at: ['regions', 'geometry'], kind: 'regions layer', expected: areaTypes });
  }

  const failed = new Set<string>();
  for (const use of uses) {
    const span = source.span(use.at);
    let g = loaded.get(use.path);
    if (!g && !failed.has(use.path)) {
      const r = read(use.path);
      if (!r.ok) {
        out.push(makeDiagnostic('geometry-unreadable', source.file, span, { path: use.path, reason: r.reason }));
        failed.add(use.path);
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(r.text);
      } catch (e) {
        out.push(makeDiagnostic('geometry-not-json', source.file, span, { path: use.path, reason: (e as Error).message }));
        failed.add(use.path);
        continue;
      }
      const problem = geojsonProblem(json);
      if (problem) {
        out.push(makeDiagnostic('geometry-not-geojson', source.file, span, { path: use.path, where: problem.where, reason: problem.reason }));
        failed.add(use.path);
        continue;
      }
      g = { path: use.path, geojson: asFeatureCollection(json as Obj) };
      loaded.set(use.path, g);
    }
    if (!g) continue;
    const types = new Set((g.geojson.features ?? []).map((f) => f.geometry?.type ?? 'null'));
    const wrong = [...types].filter((t) => !use.expected.includes(t));
    if (wrong.length > 0) {
      out.push(
        makeDiagnostic('geometry-wrong-type', source.file, span, {
          path: use.path,
          actual: wrong.join(' and '),
          kind: use.kind,
          expected: use.expected.join(' or '),
        }),
      );
    }
  }

  // Region codes named by area zones must exist in the regions layer.
  const layer = regions && typeof regions['geometry'] === 'string' ? loaded.get(regions['geometry']) : undefined;
  if (layer && regions) {
    const prop = typeof regions['code'] === 'string' ? regions['code'] : 'iso_3166_2';
    const codes = new Set((layer.geojson.features ?? []).map((f) => String(f.properties?.[prop] ?? '')));
    for (const [id, zv] of Object.entries(zones)) {
      if (!isObj(zv) || !Array.isArray(zv['regions'])) continue;
      zv['regions'].forEach((code, i) => {
        if (typeof code !== 'string' || codes.has(code)) return;
        const near = closest(code, codes);
        out.push(
          makeDiagnostic('unknown-region', source.file, source.span(['zones', id, 'regions', i]), {
            ref: code,
            file: layer.path,
            property: prop,
            suggestion: near === undefined ? '' : `; did you mean \`${near}\`?`,
          }),
        );
      });
    }
  }
  return out;
}

function asFeatureCollection(json: Obj): GeoJsonLike {
  if (json['type'] === 'FeatureCollection') return json as GeoJsonLike;
  if (json['type'] === 'Feature') return { type: 'FeatureCollection', features: [json as never] };
  return { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: json as never }] };
}

/** The first structural problem of a GeoJSON document, with where it is; coordinates are checked in depth by core/geo. */
function geojsonProblem(json: unknown): { where: string; reason: string } | undefined {
  if (!isObj(json)) return { where: 'the top level', reason: 'expected a GeoJSON object' };
  const t = json['type'];
  if (t === 'FeatureCollection') {
    if (!Array.isArray(json['features'])) return { where: 'features', reason: 'a FeatureCollection needs a `features` list' };
    if (json['features'].length === 0) return { where: 'features', reason: 'the collection is empty' };
    for (let i = 0; i < json['features'].length; i++) {
      const p = featureProblem(json['features'][i], `features[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if (t === 'Feature') return featureProblem(json, 'the feature');
  if (typeof t === 'string' && geometryTypes.includes(t)) return geometryProblem(json, 'the geometry');
  return { where: 'type', reason: `"${String(t)}" is not a GeoJSON type` };
}

function featureProblem(f: unknown, where: string): { where: string; reason: string } | undefined {
  if (!isObj(f) || f['type'] !== 'Feature') return { where, reason: 'expected a Feature' };
  if (!isObj(f['geometry'])) return { where: `${where}.geometry`, reason: 'the feature has no geometry' };
  return geometryProblem(f['geometry'], `${where}.geometry`);
}

function geometryProblem(g: Obj, where: string): { where: string; reason: string } | undefined {
  const t = g['type'];
  if (typeof t !== 'string' || !geometryTypes.includes(t)) return { where: `${where}.type`, reason: `"${String(t)}" is not a GeoJSON geometry type` };
  if (t === 'GeometryCollection') return undefined;
  const depth = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 }[t]!;
  const bad = positionsProblem(g['coordinates'], depth, `${where}.coordinates`);
  return bad;
}

function positionsProblem(c: unknown, depth: number, where: string): { where: string; reason: string } | undefined {
  if (depth === 0) {
    if (!Array.isArray(c) || c.length < 2 || !c.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      return { where, reason: 'a position is [longitude, latitude] in numbers' };
    }
    const [lon, lat] = c as number[];
    if (lon! < -180 || lon! > 180 || lat! < -90 || lat! > 90) return { where, reason: `[${lon}, ${lat}] is out of range (longitude ±180, latitude ±90)` };
    return undefined;
  }
  if (!Array.isArray(c) || c.length === 0) return { where, reason: 'expected a non-empty list of coordinates' };
  for (let i = 0; i < c.length; i++) {
    const p = positionsProblem(c[i], depth - 1, `${where}[${i}]`);
    if (p) return p;
  }
  return undefined;
}
