/**
 * The package as the operations pipeline needs it: lookups built once per package version, so that each batch
 * costs only the work its observations bring.
 */
import type { Package } from '../spec/schema.js';
import { DAY, MINUTE } from '../spec/units.js';
import type { Activity, LimitUnit, WeaponClass } from '../spec/vocabulary.js';
import { defaultFusionOptions, type FusionOptions } from './incident.js';
import type { ObservationRules } from './observation.js';

/** Distance and side of a point relative to one line zone of the package. */
export interface LineLocation {
  zone: string;
  /** Metres from the line. */
  distance: number;
  /** Looking along the line's direction; `on` within numerical tolerance. */
  side: 'left' | 'right' | 'on';
}

/** What the geo engine says about a point. */
export interface ZoneLocation {
  /** Ids of the area-like zones (buffers, corridors, airspaces by footprint, areas) containing the point. */
  zones: readonly string[];
  /** Every line zone, with distance and side. */
  lines: readonly LineLocation[];
  /**
   * Region code of the package's regions layer: the one the point lies in; or, for a point outside every region by
   * no more than its uncertainty radius, the nearest region its disc reaches (then `regionNear` says so).
   */
  region?: string;
  /** Set when `region` is the nearest one: the centre's distance to it (m) and every region the disc reaches. */
  regionNear?: { distance: number; candidates: string[] };
}

export interface ZoneLocator {
  /** `radius`: the location's uncertainty (m); a point outside every region may still be given the nearest one within it. */
  locate(lon: number, lat: number, radius?: number): ZoneLocation;
}

export interface PreparedProhibition {
  id: string;
  binds: ReadonlySet<string>;
  activities: ReadonlySet<Activity>;
  weapons?: ReadonlySet<WeaponClass>;
  inside?: readonly string[];
  across?: string;
  /** Epoch ms from which it binds: the later of `effective` and its `from`. */
  activeFrom: number;
  /** Epoch ms at which it stops binding (its `until`; a phase ends); Infinity when it never does. */
  activeUntil: number;
  /** Zones inside `inside` where it does not apply (cantonments). */
  except?: readonly string[];
  /** A ceiling rather than a ban: personnel or pieces per weapon class (a count above it is the violation). */
  limit?: Readonly<Partial<Record<LimitUnit, number>>>;
}

export interface PreparedTrigger {
  id: string;
  on: readonly string[];
  sources: number;
  confidence: number;
  count: number;
  /** Window length (ms); absent when the trigger names no `within`. */
  within?: number;
  depth?: number;
  severity: string;
  /**
   * Epoch ms from which it applies: `effective`, or when a dormant trigger wakes (its `wakes`); Infinity when it never
   * does (it waits for a prohibition with no `until`). Violations before it do not count towards it.
   */
  activeFrom: number;
  /** For a dormant trigger: what wakes it, in words, for the status. */
  wakes?: string;
}

export interface OpsModel {
  pkg: Package;
  effective: number;
  rules: ObservationRules;
  operators: ReadonlyMap<string, string>;
  prohibitions: readonly PreparedProhibition[];
  /** Prohibition id -> triggers that cover it. */
  triggersOn: ReadonlyMap<string, readonly PreparedTrigger[]>;
  triggers: readonly PreparedTrigger[];
  /** Line zone -> which party holds each side. */
  sides: ReadonlyMap<string, { left?: string; right?: string }>;
  /** Area zones defined by regions. */
  areaRegions: ReadonlyMap<string, ReadonlySet<string>>;
  /** Airspace zones: altitude band (metres). */
  airspace: ReadonlyMap<string, { floor: number; ceiling: number }>;
  locator: ZoneLocator;
  fusion: FusionOptions;
  /** The late-arrival window (ms): OpsOptions.maxLateness. */
  maxLateness: number;
}

/**
 * No window unless one is configured: a deployment sets one (`GUARANTOR_MAX_LATENESS`, docs/operations/fusion.md);
 * 30 days keeps patrol reports hours late, satellite analyses days late and a month's backfill inside it.
 */
export const defaultMaxLateness = Infinity;

export interface OpsOptions {
  locator: ZoneLocator;
  /** Region codes of the package's regions layer (from its geometry). */
  regions: Iterable<string>;
  fusion?: FusionOptions;
  /** How far ahead of the clock a report may be dated (ms); default 10 minutes. */
  maxFuture?: number;
  /**
   * The late-arrival window (ms): a report whose interval ended longer ago than this, by the clock, is stored and
   * logged as context but not fused (docs/operations/fusion.md, "Late reports"). Default: none (Infinity).
   */
  maxLateness?: number;
}

export function prepareOps(pkg: Package, options: OpsOptions): OpsModel {
  const effective = pkg.effective.start;
  const operators = new Map<string, string>();
  const sources = new Map<string, { operator: string }>();
  const activities = new Set<string>();
  for (const [id, s] of Object.entries(pkg.verification)) {
    operators.set(id, s.operator);
    for (const a of Object.keys(s.detects)) activities.add(a);
    sources.set(id, { operator: s.operator });
  }
  const prohibitions: PreparedProhibition[] = [];
  for (const [id, p] of Object.entries(pkg.prohibitions)) {
    for (const a of p.activities) activities.add(a);
    let activeFrom = effective;
    if (p.from) activeFrom = Math.max(effective, 'after' in p.from ? effective + p.from.after : p.from.at.start);
    // A phase ends at its `until` (a month or day as an end date means through its end).
    const activeUntil =
      p.until === undefined ? Infinity : 'after' in p.until ? effective + p.until.after : p.until.at.end;
    const prepared: PreparedProhibition = {
      id,
      binds: new Set(p.binds),
      activities: new Set(p.activities),
      activeFrom,
      activeUntil,
    };
    if (p.weapons) prepared.weapons = new Set(p.weapons);
    if (p.except !== undefined) prepared.except = typeof p.except === 'string' ? [p.except] : p.except;
    if (p.limit !== undefined) prepared.limit = { ...p.limit };
    if (p.inside !== undefined) prepared.inside = typeof p.inside === 'string' ? [p.inside] : p.inside;
    if (p.across !== undefined) prepared.across = p.across;
    prohibitions.push(prepared);
  }
  const triggers: PreparedTrigger[] = [];
  const triggersOn = new Map<string, PreparedTrigger[]>();
  for (const [id, t] of Object.entries(pkg.triggers)) {
    const prepared: PreparedTrigger = {
      id,
      on: t.on,
      sources: t.evidence?.['independent-sources'] ?? 1,
      confidence: t.evidence?.confidence ?? 0,
      count: t.count ?? 1,
      severity: t.severity,
      activeFrom: effective,
    };
    const w = t.wakes;
    if (w?.at !== undefined) {
      prepared.activeFrom = Math.max(effective, 'after' in w.at ? effective + w.at.after : w.at.at.start);
      prepared.wakes = `at ${new Date(prepared.activeFrom).toISOString()}`;
    } else if (w?.held !== undefined) {
      // Held = time in force since `effective`, as the analysis reads it; a declared breach does not restart it.
      prepared.activeFrom = effective + w.held;
      prepared.wakes = `once the ceasefire has held ${Math.round(w.held / DAY)} days (from effective)`;
    } else if (w?.['on-lapse-of'] !== undefined) {
      const lapse = prohibitions.find((p) => p.id === w['on-lapse-of'])?.activeUntil ?? Infinity;
      prepared.activeFrom = lapse;
      prepared.wakes = `when prohibition ${w['on-lapse-of']} lapses`;
    }
    if (t.within !== undefined) prepared.within = t.within;
    if (t.depth !== undefined) prepared.depth = t.depth;
    triggers.push(prepared);
    for (const p of t.on) {
      let l = triggersOn.get(p);
      if (!l) triggersOn.set(p, (l = []));
      l.push(prepared);
    }
  }
  const sides = new Map<string, { left?: string; right?: string }>();
  const areaRegions = new Map<string, Set<string>>();
  const airspace = new Map<string, { floor: number; ceiling: number }>();
  for (const [id, z] of Object.entries(pkg.zones)) {
    if (z.kind === 'line' && z.sides) sides.set(id, { ...z.sides });
    if (z.kind === 'area' && z.regions) areaRegions.set(id, new Set(z.regions));
    if (z.kind === 'airspace') airspace.set(id, { floor: z.floor ?? 0, ceiling: z.ceiling });
  }
  return {
    pkg,
    effective,
    rules: {
      sources,
      activities,
      regions: new Set(options.regions),
      actors: new Set(Object.keys(pkg.actors)),
      maxFuture: options.maxFuture ?? 10 * MINUTE,
    },
    operators,
    prohibitions,
    triggersOn,
    triggers,
    sides,
    areaRegions,
    airspace,
    locator: options.locator,
    fusion: options.fusion ?? defaultFusionOptions,
    maxLateness: options.maxLateness ?? defaultMaxLateness,
  };
}
