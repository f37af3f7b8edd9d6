/**
 * A deliberately simple, slow ZoneLocator for tests: brute force over every segment in a local equirectangular
 * plane, Turf for points in polygons. Independent of the geo engine, so tests that use it check the pipeline's
 * logic, and a comparison test can check the two against each other.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Package } from '../../src/core/spec/schema.js';
import { loadPackage, type LoadedPackage } from '../../src/core/spec/load.js';
import type { LineLocation, ZoneLocation, ZoneLocator } from '../../src/core/ops/index.js';

type Ring = number[][];
type Poly = { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
const M = 111_195; // metres per degree on the mean sphere

function linesOf(geojson: any): number[][][] {
  const out: number[][][] = [];
  for (const f of geojson.features ?? []) {
    const g = f.geometry;
    if (g?.type === 'LineString') out.push(g.coordinates);
    if (g?.type === 'MultiLineString') out.push(...g.coordinates);
  }
  return out;
}

/**
 * Distance (m) and side of a point from polylines. The side is the sign of the cross product at the nearest
 * segment, or, when the nearest point is a vertex between two segments, of the sum of both segments' unit normals
 * (the pseudo-normal: a single segment's sign is wrong in the wedge beyond a bend).
 */
export function lineDistance(
  parts: number[][][],
  lon: number,
  lat: number,
): { distance: number; side: 'left' | 'right' | 'on' } {
  const k = Math.cos((lat * Math.PI) / 180);
  let best = Infinity;
  let cross = 0;
  for (const p of parts) {
    const X = (i: number) => (p[i]![0]! - lon) * k * M;
    const Y = (i: number) => (p[i]![1]! - lat) * M;
    for (let i = 0; i + 1 < p.length; i++) {
      const ax = X(i);
      const ay = Y(i);
      const dx = X(i + 1) - ax;
      const dy = Y(i + 1) - ay;
      const len2 = dx * dx + dy * dy;
      let t = len2 ? -(ax * dx + ay * dy) / len2 : 0;
      t = Math.max(0, Math.min(1, t));
      const d = Math.hypot(ax + t * dx, ay + t * dy);
      if (d < best) {
        best = d;
        const len = Math.sqrt(len2) || 1;
        // The point is at the origin: its offset from A is (-ax, -ay); unit normal dot offset.
        cross = (dx * -ay - dy * -ax) / len;
        const v = t === 1 && i + 2 < p.length ? i + 1 : t === 0 && i > 0 ? i : -1;
        if (v >= 0) {
          const [px, py] = [-X(v), -Y(v)];
          const n = (a: number, b: number) => {
            const ex = X(b) - X(a);
            const ey = Y(b) - Y(a);
            return (ex * py - ey * px) / (Math.hypot(ex, ey) || 1);
          };
          cross = n(v - 1, v) + n(v, v + 1);
        }
      }
    }
  }
  return { distance: best, side: best < 1e-6 ? 'on' : cross > 0 ? 'left' : 'right' };
}

export class SimpleLocator implements ZoneLocator {
  private readonly lines = new Map<string, number[][][]>();
  private readonly regions: { code: string; geometry: Poly }[] = [];
  calls = 0;

  constructor(
    private readonly pkg: Package,
    geometries: ReadonlyMap<string, { geojson: unknown }>,
  ) {
    for (const [id, z] of Object.entries(pkg.zones)) {
      if (z.kind === 'line' || z.kind === 'corridor') this.lines.set(id, linesOf(geometries.get(z.geometry)!.geojson));
    }
    if (pkg.regions) {
      const g = geometries.get(pkg.regions.geometry)!.geojson as any;
      for (const f of g.features)
        this.regions.push({ code: String(f.properties[pkg.regions.code]), geometry: f.geometry });
    }
  }

  regionCodes(): string[] {
    return this.regions.map((r) => r.code);
  }

  locate(lon: number, lat: number): ZoneLocation {
    this.calls++;
    const lines: LineLocation[] = [];
    const dist = new Map<string, { distance: number; side: 'left' | 'right' | 'on' }>();
    for (const [id, parts] of this.lines) {
      const d = lineDistance(parts, lon, lat);
      dist.set(id, d);
      if (this.pkg.zones[id]!.kind === 'line') lines.push({ zone: id, ...d });
    }
    let region: string | undefined;
    for (const r of this.regions) if (booleanPointInPolygon([lon, lat], r.geometry as any)) region = r.code;
    const zones: string[] = [];
    const inZone = (id: string): boolean => {
      const z = this.pkg.zones[id]!;
      switch (z.kind) {
        case 'line':
          return false;
        case 'buffer': {
          const d = dist.get(z.around)!;
          return d.distance <= z.width && (z.side === 'both' || d.side === z.side || d.side === 'on');
        }
        case 'corridor':
          return dist.get(id)!.distance <= z.width / 2;
        case 'airspace':
          return z.over !== undefined ? inZone(z.over) : false;
        case 'area':
          return z.regions !== undefined && region !== undefined && z.regions.includes(region);
      }
    };
    for (const id of Object.keys(this.pkg.zones)) if (inZone(id)) zones.push(id);
    const out: ZoneLocation = { zones, lines };
    if (region !== undefined) (out as { region?: string }).region = region;
    return out;
  }
}

export function loadExample(path: string): LoadedPackage {
  const text = readFileSync(path, 'utf8');
  const base = dirname(resolve(path));
  const loaded = loadPackage(text, {
    file: path,
    readGeometry: (rel) => ({ ok: true, text: readFileSync(resolve(base, rel), 'utf8') }),
  });
  if (!loaded.model) throw new Error(`${path} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  return loaded;
}

export type { Ring };
