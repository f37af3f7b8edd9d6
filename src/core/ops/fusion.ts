/**
 * Fusion: reports of the same event from different sources become one incident.
 *
 * The rule (docs/operations/fusion.md): a report joins an incident when it coheres with every member (complete
 * linkage): same activity, a different source (a source's distinct ids assert distinct events, so an incident
 * holds at most one report per source), time intervals no further apart than the activity's window, and
 * uncertainty discs no further apart than the slack (distance <= r1 + r2 + slack), or the same region for
 * region-level reports. A report that coheres with several incidents that also cohere with each other bridges
 * them: they merge into the one that started earliest. Observations are immutable and the relation is fixed, so
 * an incident never needs splitting; it only grows, or is merged away.
 *
 * Confidence combines operators as independent witnesses, 1 - prod(1 - c_op), where c_op is the highest
 * confidence among that operator's reports: two sources of one operator are not independent (the same
 * organisation, the same tasking), so corroboration counts operators, not reports.
 */
import { sha256Hex } from './digest.js';
import type { Activity, WeaponClass } from '../spec/vocabulary.js';
import { distanceMetres } from '../geo/ellipsoid.js';
import { discBox, type Box } from './geodesy.js';
import { windowOf, type FusionOptions, type Incident, type IncidentMember, type IncidentReason } from './incident.js';
import type { IncidentIndex } from './incident-index.js';
import { observationKey, type Observation } from './observation.js';
import type { IncidentProbe } from '../ports/ops-reader.js';
import { itemAt } from '../item-at.js';

/**
 * `inc-<the founding report's time, UTC to the second>-<64 bits of SHA-256(source, sourceId)>`. Replays give the same
 * id (a report's key and time never change), and ids sort by time: the stores' id indexes grow at their right edge
 * instead of taking an insert on a random page each, which cut SQLite's share of an ingest batch by about a quarter
 * (bench/ingest.ts; docs/operations/fusion.md).
 */
export function incidentId(source: string, sourceId: string, time: number): string {
  return `inc-${timeStamp(time)}-${sha256Hex(observationKey(source, sourceId)).slice(0, 16)}`;
}

/** `20260701T120000Z`: sorts as the time does (years 1000-9999; observation times are checked to be plausible). */
export function timeStamp(t: number): string {
  const iso = new Date(Math.floor(t / 1000) * 1000).toISOString(); // 2026-07-01T12:00:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

export function memberOf(o: Observation, operator: string): IncidentMember {
  // Every key, in canonical order (optional ones held open, undefined, in their places): stored inside the incident
  // as written (canonical-json.ts), and the compiler sees every field.
  return {
    altitude: o.altitude,
    attribution: o.attribution,
    confidence: o.confidence,
    count: o.count,
    end: o.end,
    lat: o.lat,
    lon: o.lon,
    operator,
    radius: o.radius,
    region: o.region,
    source: o.source,
    sourceId: o.sourceId,
    start: o.start,
    time: o.time,
    weapon: o.weapon,
  };
}

/** Do two reports of one activity describe the same event? */
export function cohere(a: IncidentMember, b: IncidentMember, window: number, slack: number): boolean {
  if (a.source === b.source) return false;
  if (Math.max(a.start, b.start) - Math.min(a.end, b.end) > window) return false;
  if (a.region !== undefined || b.region !== undefined) return a.region === b.region;
  if (a.lon === undefined || a.lat === undefined) throw unlocated(a);
  if (b.lon === undefined || b.lat === undefined) throw unlocated(b);
  return distanceMetres(a.lon, a.lat, b.lon, b.lat) <= a.radius + b.radius + slack;
}

/** A report with neither a region nor coordinates: validation (observation.ts) lets none through. */
function unlocated(m: { source: string; sourceId: string }): Error {
  return new Error(`${m.source}/${m.sourceId}: neither a region nor coordinates`);
}

function coheresWithAll(m: IncidentMember, members: readonly IncidentMember[], window: number, slack: number): boolean {
  for (const x of members) if (!cohere(m, x, window, slack)) return false;
  return true;
}

/** Where to look for incidents an observation might join. */
export function probeFor(o: Observation, options: FusionOptions): IncidentProbe {
  const w = windowOf(options, o.activity);
  const { activity, source } = o;
  if (o.region !== undefined) return { activity, from: o.start - w, to: o.end + w, region: o.region, source };
  if (o.lon === undefined || o.lat === undefined) throw unlocated(o);
  const [minLon, minLat, maxLon, maxLat] = discBox(o.lon, o.lat, o.radius + options.slack);
  return { activity, from: o.start - w, to: o.end + w, minLon, minLat, maxLon, maxLat, source };
}

/** The derived fields of an incident from its members. */
export function summarize(
  base: {
    id: string;
    revision: number;
    status: 'open' | 'merged';
    reason: IncidentReason;
    activity: Activity;
    createdAt: number;
    updatedAt: number;
  },
  members: IncidentMember[],
): Incident {
  const byOperator = new Map<string, number>();
  const weapons = new Set<WeaponClass>();
  let count = 0;
  let start = Infinity;
  let end = -Infinity;
  let best = itemAt(members, 0);
  let sw = 0;
  let slon = 0;
  let slat = 0;
  let radius = Infinity;
  let altitude: number | undefined;
  for (const m of members) {
    byOperator.set(m.operator, Math.max(byOperator.get(m.operator) ?? 0, m.confidence));
    if (m.weapon) weapons.add(m.weapon);
    if (m.count > count) count = m.count;
    if (m.start < start) start = m.start;
    if (m.end > end) end = m.end;
    const span = m.end - m.start;
    const bestSpan = best.end - best.start;
    if (span < bestSpan || (span === bestSpan && m.time < best.time)) best = m;
    if (m.lon !== undefined && m.lat !== undefined) {
      // Inverse-variance weights, with a floor so that a claimed 0 m radius does not outvote everyone.
      const r = Math.max(m.radius, 100);
      const w = 1 / (r * r);
      sw += w;
      slon += w * m.lon;
      slat += w * m.lat;
      if (m.radius < radius) radius = m.radius;
    }
    if (m.altitude !== undefined && altitude === undefined) altitude = m.altitude;
  }
  let miss = 1;
  for (const c of byOperator.values()) miss *= 1 - c;
  const operators = byOperator.size === 1 ? [itemAt(members, 0).operator] : [...byOperator.keys()].sort();
  const first = itemAt(members, 0);
  let box: Box | undefined;
  if (first.region === undefined) {
    for (const m of members) {
      if (m.lon === undefined || m.lat === undefined) throw unlocated(m);
      const b = discBox(m.lon, m.lat, m.radius);
      if (!box) {
        box = b;
        continue;
      }
      if (b[0] < box[0]) box[0] = b[0];
      if (b[1] < box[1]) box[1] = b[1];
      if (b[2] > box[2]) box[2] = b[2];
      if (b[3] > box[3]) box[3] = b[3];
    }
  }
  // Every key, in canonical order (optional ones held open, undefined, in their places): the stored document is
  // written as the object is (canonical-json.ts), and the compiler sees every field. `violations` is filled in by
  // the pipeline (violation.ts); `absorbed` and `mergedInto`, set on a merge, fall outside the order, and those rare
  // revisions take the slow path.
  return {
    activity: base.activity,
    altitude,
    box,
    confidence: 1 - miss,
    corroboration: operators.length,
    count,
    createdAt: base.createdAt,
    end,
    id: base.id,
    lat: box ? slat / sw : undefined,
    lon: box ? slon / sw : undefined,
    members,
    operators,
    radius: box ? radius : 0,
    reason: base.reason,
    region: first.region,
    revision: base.revision,
    start,
    status: base.status,
    time: best.time,
    updatedAt: base.updatedAt,
    violations: undefined,
    weapons: weapons.size === 0 ? [] : [...weapons].sort(),
  };
}

export interface FusionResult {
  /** Every revision made, in order (an incident changed twice in a batch appears twice). */
  revisions: Incident[];
  /** For each incident changed: its state before the batch, or null if the batch created it. */
  before: Map<string, Incident | null>;
  /** Observations already fused earlier (a retry): skipped. */
  duplicates: number;
}

/**
 * Fuses a batch into the open incidents held by `index` (loaded from the store for this batch), updating the
 * index in place. Deterministic: the same incidents and the same observations in the same order give the same
 * revisions and ids.
 */
export function fuse(
  observations: readonly Observation[],
  index: IncidentIndex,
  operatorOf: (source: string) => string,
  options: FusionOptions,
  now: number,
): FusionResult {
  const revisions: Incident[] = [];
  const before = new Map<string, Incident | null>();
  const memberKeys = new Set<string>();
  for (const i of index.all()) for (const m of i.members) memberKeys.add(observationKey(m.source, m.sourceId));
  let duplicates = 0;

  const record = (i: Incident, prior: Incident | null) => {
    if (!before.has(i.id)) before.set(i.id, prior);
    revisions.push(i);
    index.put(i);
  };

  for (const o of observations) {
    const key = observationKey(o.source, o.sourceId);
    if (memberKeys.has(key)) {
      duplicates++;
      continue;
    }
    memberKeys.add(key);
    const m = memberOf(o, operatorOf(o.source));
    const w = windowOf(options, o.activity);
    const candidates: Incident[] = [];
    for (const i of index.query(probeFor(o, options)).values()) {
      if (i.activity === o.activity && coheresWithAll(m, i.members, w, options.slack)) candidates.push(i);
    }
    if (candidates.length === 0) {
      record(
        summarize(
          {
            id: incidentId(o.source, o.sourceId, o.time),
            revision: 1,
            status: 'open',
            reason: 'created',
            activity: o.activity,
            createdAt: now,
            updatedAt: now,
          },
          [m],
        ),
        null,
      );
      continue;
    }
    candidates.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const survivor = itemAt(candidates, 0);
    const members = [...survivor.members];
    const absorbed: Incident[] = [];
    for (const other of candidates.slice(1)) {
      if (other.members.every((x) => coheresWithAll(x, members, w, options.slack))) {
        members.push(...other.members);
        absorbed.push(other);
      }
    }
    members.push(m);
    for (const a of absorbed) {
      const gone = summarize(
        {
          id: a.id,
          revision: a.revision + 1,
          status: 'merged',
          reason: 'merged-into',
          activity: a.activity,
          createdAt: a.createdAt,
          updatedAt: now,
        },
        a.members,
      );
      gone.mergedInto = survivor.id;
      record(gone, a);
    }
    const next = summarize(
      {
        id: survivor.id,
        revision: survivor.revision + 1,
        status: 'open',
        reason: absorbed.length ? 'merged' : 'joined',
        activity: survivor.activity,
        createdAt: survivor.createdAt,
        updatedAt: now,
      },
      members,
    );
    if (absorbed.length) next.absorbed = absorbed.map((a) => a.id);
    record(next, survivor);
  }
  return { revisions, before, duplicates };
}
