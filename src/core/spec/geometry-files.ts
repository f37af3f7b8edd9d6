/** Geometry files named by a package: read through a port, parsed, and checked for the GeoJSON the zone needs. */
import type { Diagnostic, Span } from '../diagnostics/diagnostic.js';
import {
  validateGeometry,
  type GeometryProblem,
  type GeometryProblemReason,
  type GeometryUse,
} from '../geo/validate-geometry.js';
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
  features?: {
    type: string;
    properties?: Record<string, unknown> | null;
    geometry: { type: string; coordinates?: unknown } | null;
  }[];
  [k: string]: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);

interface Use {
  path: string;
  at: Path;
  kind: string;
  use: GeometryUse;
}

/** A broken file can hold millions of bad positions; the first few say enough. */
const maxProblemsPerFile = 10;

const codeOf: Record<GeometryProblemReason, string> = {
  'not-geojson': 'geometry-not-geojson',
  'wrong-type': 'geometry-wrong-type',
  empty: 'geometry-empty',
  'not-a-number': 'geometry-not-a-number',
  'out-of-range': 'geometry-out-of-range',
  'too-few-positions': 'geometry-too-few-positions',
  'unclosed-ring': 'geometry-unclosed-ring',
  'self-intersection': 'geometry-self-intersection',
  'crosses-antimeridian': 'geometry-crosses-antimeridian',
};

function geometryDiagnostic(p: GeometryProblem, use: Use, file: string, span: Span): Diagnostic {
  const feature = p.featureIndex === null ? 'the document' : `feature ${p.featureIndex}`;
  return makeDiagnostic(codeOf[p.reason], file, span, {
    path: use.path,
    feature,
    where: p.path || 'the top level',
    detail: p.detail,
    kind: use.kind,
  });
}

export function checkGeometryFiles(
  raw: Obj,
  source: SourceFile,
  read: GeometryReader,
  loaded: Map<string, LoadedGeometry>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const uses: Use[] = [];
  const zones = isObj(raw['zones']) ? raw['zones'] : {};
  for (const [id, zv] of Object.entries(zones)) {
    if (!isObj(zv) || typeof zv['geometry'] !== 'string') continue;
    const kind = String(zv['kind']);
    uses.push({
      path: zv['geometry'],
      at: ['zones', id, 'geometry'],
      kind: `${kind} zone`,
      use: kind === 'line' || kind === 'corridor' ? 'line' : 'area',
    });
  }
  const regions = isObj(raw['regions']) ? raw['regions'] : undefined;
  if (regions && typeof regions['geometry'] === 'string') {
    uses.push({ path: regions['geometry'], at: ['regions', 'geometry'], kind: 'regions layer', use: 'area' });
  }

  const parsed = new Map<string, unknown>();
  const failed = new Set<string>();
  const validated = new Set<string>();
  for (const use of uses) {
    const span = source.span(use.at);
    if (failed.has(use.path)) continue;
    if (!parsed.has(use.path)) {
      const r = read(use.path);
      if (!r.ok) {
        out.push(makeDiagnostic('geometry-unreadable', source.file, span, { path: use.path, reason: r.reason }));
        failed.add(use.path);
        continue;
      }
      try {
        parsed.set(use.path, JSON.parse(r.text));
      } catch (e) {
        out.push(
          makeDiagnostic('geometry-not-json', source.file, span, { path: use.path, reason: (e as Error).message }),
        );
        failed.add(use.path);
        continue;
      }
    }
    const json = parsed.get(use.path);
    const key = `${use.path}\u0000${use.use}`;
    if (validated.has(key)) continue;
    validated.add(key);
    const problems = validateGeometry(json, { use: use.use, maxProblems: maxProblemsPerFile });
    for (const p of problems) out.push(geometryDiagnostic(p, use, source.file, span));
    if (problems.length > 0) {
      failed.add(use.path);
      loaded.delete(use.path);
    } else if (!loaded.has(use.path)) {
      loaded.set(use.path, { path: use.path, geojson: asFeatureCollection(json as Obj) });
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
