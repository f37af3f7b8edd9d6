/**
 * Violations: an incident checked against each prohibition of the package. A prohibition is violated when the
 * activity is one it names, the incident's best time is at or after the prohibition binds (`effective`, or its
 * `from`) and before its `until` (so a phase change at its date changes the zones in force), its count exceeds the
 * ceiling where the prohibition is a `limit`, the place is not in one of its `except` zones, the weapon class is one it names (a report with no weapon class cannot violate a weapons clause), the
 * place is inside one of its zones (the incident's best position, via the geo engine; a region-level incident is
 * inside only area zones defined by regions), or across its line, and the party held responsible is one it binds
 * (or is undetermined). Denial of access and jamming are violations like any other.
 *
 * Across a line: a ground advance seen on one side of a line with `sides` is a violation by the party holding the
 * other side (`advance-side`), unless the reports attribute it to the party holding the side it was seen on (that
 * party moving on its own ground). Its depth is the distance beyond the line. An incident whose uncertainty disc
 * reaches the line cannot be said to be across it, and is not a violation of an `across` clause.
 */
import { sha256Hex } from './digest.js';
import type { Activity, LimitUnit, WeaponClass } from '../spec/vocabulary.js';
import {
  attribute,
  oppositeHolder,
  reportedAttribution,
  UNDETERMINED,
  type Attribution,
  type Basis,
} from './attribution.js';
import type { Incident } from './incident.js';
import type { LineLocation, OpsModel, ZoneLocation } from './model.js';

export interface ObservationRef {
  source: string;
  sourceId: string;
}

export interface Violation {
  /** Derived from the incident and the prohibition: the same breach keeps its id across revisions and replays. */
  id: string;
  /** The incident revision it was computed from. */
  revision: number;
  /** `withdrawn` when a later revision (a merge, a changed attribution) no longer supports it. */
  status: 'active' | 'withdrawn';
  prohibition: string;
  incidentId: string;
  activity: Activity;
  weapons: WeaponClass[];
  /** An actor id, or `undetermined`. */
  party: string;
  basis: Basis;
  time: number;
  start: number;
  end: number;
  lon?: number;
  lat?: number;
  radius: number;
  region?: string;
  /** When `region` is the nearest region to a point outside every region: every region its disc reaches. */
  regionCandidates?: string[];
  /** Zones of the prohibition the incident is inside. */
  zones: string[];
  /** For `across`: the line, the side the incident is on, and how far beyond the line (metres). */
  line?: LineLocation;
  depth?: number;
  confidence: number;
  corroboration: number;
  operators: string[];
  /** The evidence chain's last link: the observations behind the incident. */
  observations: ObservationRef[];
  /** Processing time of this revision. */
  detectedAt: number;
}

/** `vio-<the incident's time stamp>-<64 bits of SHA-256(incident, prohibition)>`: in time order, like incident ids. */
export function violationId(incidentId: string, prohibition: string): string {
  const stamp = /^inc-(\d{8}T\d{6}Z)-/.exec(incidentId)?.[1];
  return `vio-${stamp ? `${stamp}-` : ''}${sha256Hex(`${incidentId}\u0000${prohibition}`).slice(0, 16)}`;
}

/** Where the incident is, asked once per incident revision. */
export function locateIncident(model: OpsModel, incident: Incident): ZoneLocation | undefined {
  if (incident.lon === undefined || incident.lat === undefined) return undefined;
  return model.locator.locate(incident.lon, incident.lat, incident.radius);
}

function inside(
  model: OpsModel,
  within: readonly string[],
  incident: Incident,
  loc: ZoneLocation | undefined,
): string[] {
  const hits: string[] = [];
  for (const z of within) {
    const regions = model.areaRegions.get(z);
    if (incident.region !== undefined) {
      if (regions?.has(incident.region)) hits.push(z);
      continue;
    }
    if (!loc) continue;
    const inZone =
      loc.zones.includes(z) || (regions !== undefined && loc.region !== undefined && regions.has(loc.region));
    if (!inZone) continue;
    const band = model.airspace.get(z);
    if (band && incident.altitude !== undefined && (incident.altitude < band.floor || incident.altitude > band.ceiling))
      continue;
    hits.push(z);
  }
  return hits;
}

/**
 * Whether an incident's count exceeds the ceiling a limit sets for what it saw: pieces of a weapon class it reports
 * (the lowest ceiling among them), else personnel. A class the limit does not name is not limited by it. The count is
 * the incident's (the largest count among its reports): counts in separate reports are not summed, since two reports
 * may see the same forces.
 */
export function overLimit(limit: Readonly<Partial<Record<LimitUnit, number>>>, incident: Incident): boolean {
  const ceilings = incident.weapons.map((w) => limit[w]).filter((x): x is number => x !== undefined);
  const ceiling = ceilings.length
    ? Math.min(...ceilings)
    : incident.activity === 'troop-presence'
      ? limit.personnel
      : undefined;
  return ceiling !== undefined && incident.count > ceiling;
}

/** Every prohibition the incident violates, in package order. */
export function detectViolations(
  model: OpsModel,
  incident: Incident,
  now: number,
  loc: ZoneLocation | undefined = locateIncident(model, incident),
): Violation[] {
  if (incident.status !== 'open') return [];
  const out: Violation[] = [];
  let general: Attribution | undefined;
  for (const p of model.prohibitions) {
    if (!p.activities.has(incident.activity)) continue;
    if (incident.time < p.activeFrom || incident.time >= p.activeUntil) continue;
    const weapons = p.weapons;
    if (weapons && !incident.weapons.some((w) => weapons.has(w))) continue;
    if (p.limit && !overLimit(p.limit, incident)) continue;
    let zones: string[] = [];
    if (p.inside) {
      zones = inside(model, p.inside, incident, loc);
      if (zones.length === 0) continue;
      if (p.except && inside(model, p.except, incident, loc).length > 0) continue;
    }
    let who: Attribution;
    let line: LineLocation | undefined;
    if (p.across !== undefined) {
      line = loc?.lines.find((l) => l.zone === p.across);
      const sides = model.sides.get(p.across);
      if (!line || !sides || line.side === 'on' || line.distance <= incident.radius) continue;
      const ownSide = sides[line.side];
      const reported = reportedAttribution(incident);
      if (reported && reported.party !== UNDETERMINED) {
        if (reported.party === ownSide) continue;
        who = reported;
      } else {
        const party = oppositeHolder(model, line);
        who =
          party === undefined
            ? { party: UNDETERMINED, basis: reported?.basis ?? 'none' }
            : { party, basis: 'advance-side' };
      }
    } else {
      who = general ??= attribute(model, incident, loc);
    }
    if (who.party !== UNDETERMINED && !p.binds.has(who.party)) continue;
    // Every key, in canonical order (optional ones held open, undefined, in their places): the document is written
    // as the object is (canonical-json.ts), and the compiler sees every field.
    const point = incident.lon !== undefined;
    const v: Violation = {
      activity: incident.activity,
      basis: who.basis,
      confidence: incident.confidence,
      corroboration: incident.corroboration,
      depth: line?.distance,
      detectedAt: now,
      end: incident.end,
      id: violationId(incident.id, p.id),
      incidentId: incident.id,
      lat: point ? incident.lat : undefined,
      line,
      lon: point ? incident.lon : undefined,
      observations: incident.members.map((m) => ({ source: m.source, sourceId: m.sourceId })),
      operators: incident.operators,
      party: who.party,
      prohibition: p.id,
      radius: incident.radius,
      region: incident.region ?? loc?.region,
      regionCandidates: incident.region === undefined ? loc?.regionNear?.candidates : undefined,
      revision: incident.revision,
      start: incident.start,
      status: 'active',
      time: incident.time,
      weapons: incident.weapons,
      zones,
    };
    out.push(v);
  }
  return out;
}

/**
 * The violation records one batch's fusion produces: for every incident changed, its violations now, and a
 * withdrawal for each violation its state before the batch had that no longer holds (merged away, attribution
 * changed). Records on each changed incident (its latest revision) the ids it supports. Sorted by id. `moved` holds
 * the former state of each violation that is still held but changed party or time: the breach windows it left must
 * be looked at again (trigger.ts).
 */
export function violationChanges(
  model: OpsModel,
  changed: Iterable<Incident>,
  before: ReadonlyMap<string, Incident | null>,
  now: number,
): { records: Violation[]; moved: Violation[] } {
  const out: Violation[] = [];
  const moved: Violation[] = [];
  for (const incident of changed) {
    const current = detectViolations(model, incident, now);
    out.push(...current);
    incident.violations = current.map((v) => v.id);
    const prior = before.get(incident.id);
    if (!prior) continue;
    // The prior revision records what it supported; recompute only for a record from before that field existed.
    const had = prior.violations ?? detectViolations(model, prior, now).map((v) => v.id);
    if (had.length === 0) continue;
    const held = new Map(current.map((v) => [v.id, v]));
    for (const old of detectViolations(model, prior, now)) {
      const v = held.get(old.id);
      if (!v) out.push({ ...old, revision: incident.revision, status: 'withdrawn', detectedAt: now });
      else if (v.party !== old.party || v.time !== old.time) moved.push(old);
    }
  }
  return { records: out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), moved };
}
