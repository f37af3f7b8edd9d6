/**
 * The public's view: per region (oblast) of the package's regions layer, one plain state, as OPERATIONS.md §8 lists
 * them: calm, violations reported, breach declared, response under way. Nothing else leaves this module: no
 * incident, source, attribution or vote, only counts and states per region, so that the anonymous public sees what
 * is happening where without learning how the mission knows it.
 */
import type { Violation } from '../../core/ops/index.js';
import type { LoadedPackage } from '../../core/spec/load.js';
import { itemAt } from '../../core/item-at.js';

export const regionStates = ['calm', 'violations', 'breach', 'response'] as const;
export type RegionState = (typeof regionStates)[number];

export interface RegionStatus {
  code: string;
  name: string;
  state: RegionState;
  /** Active violations located in the region within the window. */
  violations: number;
  /** Latest of them (epoch ms), if any. */
  lastViolation?: number;
}

type Ring = Float64Array;
interface RegionShape {
  code: string;
  name: string;
  box: [number, number, number, number];
  /** All rings of all parts: even-odd parity over them is exact for non-overlapping parts with holes. */
  rings: Ring[];
}

/** A point-in-region index over the package's regions layer (27 oblasts: a box test then parity is enough). */
export class RegionIndex {
  readonly regions: RegionShape[] = [];

  constructor(loaded: LoadedPackage) {
    const spec = loaded.model?.regions;
    if (!spec) return;
    const doc = loaded.geometries.get(spec.geometry)?.geojson;
    for (const f of doc?.features ?? []) {
      const code = f.properties?.[spec.code];
      const name = f.properties?.[spec.name];
      const g = f.geometry;
      if (typeof code !== 'string' || !g || !Array.isArray(g.coordinates)) continue;
      const polys = (
        g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []
      ) as number[][][][];
      const rings = polys.flatMap((p) =>
        p.map((r) => Float64Array.from(r.flatMap((q) => [itemAt(q, 0), itemAt(q, 1)]))),
      );
      if (!rings.length) continue;
      const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const r of rings)
        for (let i = 0; i < r.length; i += 2) {
          box[0] = Math.min(box[0], itemAt(r, i));
          box[1] = Math.min(box[1], itemAt(r, i + 1));
          box[2] = Math.max(box[2], itemAt(r, i));
          box[3] = Math.max(box[3], itemAt(r, i + 1));
        }
      this.regions.push({ code, name: typeof name === 'string' ? name : code, box, rings });
    }
    this.regions.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  /** The region code containing the point, if any. */
  locate(lon: number, lat: number): string | undefined {
    for (const r of this.regions) {
      if (lon < r.box[0] || lon > r.box[2] || lat < r.box[1] || lat > r.box[3]) continue;
      let inside = false;
      for (const ring of r.rings) {
        const n = ring.length / 2;
        for (let i = 0, j = n - 1; i < n; j = i++) {
          const xi = itemAt(ring, i * 2);
          const yi = itemAt(ring, i * 2 + 1);
          const xj = itemAt(ring, j * 2);
          const yj = itemAt(ring, j * 2 + 1);
          if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
      if (inside) return r.code;
    }
    return undefined;
  }
}

/** The region of a violation: as the pipeline located it, else by its point. */
export function violationRegion(v: Pick<Violation, 'region' | 'lon' | 'lat'>, index: RegionIndex): string | undefined {
  if (v.region) return v.region;
  return v.lon !== undefined && v.lat !== undefined ? index.locate(v.lon, v.lat) : undefined;
}

export interface StatusInput {
  /** Active violations within the window. */
  violations: readonly Pick<Violation, 'region' | 'lon' | 'lat' | 'time' | 'status'>[];
  /** Declared breaches: the regions of their evidence, and whether any response moved. */
  cases: readonly { regions: readonly string[]; responding: boolean }[];
}

const rank: Record<RegionState, number> = { calm: 0, violations: 1, breach: 2, response: 3 };

/**
 * Each region's state: the strongest that applies. A declared breach whose evidence lies in a region marks it
 * `breach`, or `response` once any of its responses has been acknowledged or delivered; a case still under judgment
 * shows only as the violations behind it, so the public never sees a finding before the guarantors make it.
 */
export function regionalStatus(index: RegionIndex, input: StatusInput): RegionStatus[] {
  const out = new Map<string, RegionStatus>(
    index.regions.map((r) => [r.code, { code: r.code, name: r.name, state: 'calm', violations: 0 }]),
  );
  const raise = (s: RegionStatus, state: RegionState) => {
    if (rank[state] > rank[s.state]) s.state = state;
  };
  for (const v of input.violations) {
    if (v.status !== 'active') continue;
    const code = violationRegion(v, index);
    const s = code === undefined ? undefined : out.get(code);
    if (!s) continue;
    s.violations++;
    s.lastViolation = Math.max(s.lastViolation ?? -Infinity, v.time);
    raise(s, 'violations');
  }
  for (const { regions, responding } of input.cases) {
    for (const code of regions) {
      const s = out.get(code);
      if (s) raise(s, responding ? 'response' : 'breach');
    }
  }
  return [...out.values()];
}
