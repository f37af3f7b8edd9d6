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
import { IncidentIndex } from './incident-index.js';
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
  /** One revision per incident the batch changed: created, joined, regrouped, or dissolved (`merged-into`). */
  revisions: Incident[];
  /** For each incident changed: its state before the batch, or null if the batch made it. */
  before: Map<string, Incident | null>;
  /** Observations already fused earlier (a retry): skipped. */
  duplicates: number;
  /**
   * Stored reports whose neighbourhood must be loaded before the result stands (their decision may change and
   * depends on incidents not loaded): load `probeOf` each into the index, add them to `probed`, and fuse again.
   * The result is final when this is empty.
   */
  needs: { activity: Activity; member: IncidentMember }[];
  /**
   * Stored reports of incidents the batch changed, whose surroundings from `from` (event time) on must be loaded:
   * a report there, not loaded, may see the changed incident. Load them (a probe from `from`), add them to
   * `watched`, and fuse again; if they load nothing new, this result stands. Checked once `needs` is empty.
   */
  watch: { activity: Activity; member: IncidentMember; from: number }[];
  /** Ids of incidents the batch founded on a stored report: one may have existed before (dissolved, then refounded). */
  refounded: string[];
}

/** Where to look for incidents a report (an observation or an incident's member) might cohere with. */
export function probeOf(activity: Activity, m: IncidentMember | Observation, options: FusionOptions): IncidentProbe {
  const w = windowOf(options, activity);
  if (m.region !== undefined) return { activity, from: m.start - w, to: m.end + w, region: m.region };
  if (m.lon === undefined || m.lat === undefined) throw unlocated(m);
  const [minLon, minLat, maxLon, maxLat] = discBox(m.lon, m.lat, m.radius + options.slack);
  return { activity, from: m.start - w, to: m.end + w, minLon, minLat, maxLon, maxLat };
}

/** The canonical order of reports: event time, then the observation key. Fusion's result is fusing in this order. */
export function canonicalOrder(a: IncidentMember, b: IncidentMember): number {
  if (a.time !== b.time) return a.time - b.time;
  const ka = observationKey(a.source, a.sourceId);
  const kb = observationKey(b.source, b.sourceId);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A report in the replay: its member record, and the incident it belonged to before the batch (null if new). */
interface Entry {
  key: string;
  activity: Activity;
  m: IncidentMember;
  old: string | null;
  fresh: boolean;
  /** Where it is filed in the replay's grids (an incident-shaped record of this one report). */
  cell: Incident;
}

interface Cluster {
  id: string;
  members: Entry[];
}

/**
 * Fuses a batch into the open incidents held by `index` (those the batch's reports, and the reports in `probed`,
 * could reach), so that the result equals fusing every report in canonical order (event time, then key): each
 * report, in turn, joins the incident whose first member comes first among those whose every member so far coheres
 * with it, or founds one (id from the founder). The result is a function of the set of reports, whatever the
 * batches and arrival order.
 *
 * Incrementally: reports before the batch's first report (in canonical order) keep their incidents, since a
 * report's decision depends only on the reports before it. From there the reports of the loaded incidents are
 * replayed: a new report, or a stored one whose neighbourhood is loaded (`probed`), decides afresh; any other
 * stored report keeps its incident when the loaded candidates it sees are the ones it saw before (the incidents not
 * loaded are unchanged for it), and is otherwise returned in `needs`, for the caller to load and fuse again.
 */
export function fuse(
  observations: readonly Observation[],
  index: IncidentIndex,
  probed: ReadonlySet<string>,
  watched: ReadonlySet<string>,
  operatorOf: (source: string) => string,
  options: FusionOptions,
  now: number,
): FusionResult {
  const loaded = [...index.all()];
  const known = new Map<string, Entry>();
  const oldGrid = new IncidentIndex();
  const oldMembers = new Map<string, Entry[]>();
  for (const i of loaded) {
    const list: Entry[] = [];
    for (const m of i.members) {
      const key = observationKey(m.source, m.sourceId);
      const e: Entry = { key, activity: i.activity, m, old: i.id, fresh: false, cell: cellOf(key, i.activity, m) };
      known.set(key, e);
      list.push(e);
      oldGrid.put(e.cell);
    }
    list.sort((a, b) => canonicalOrder(a.m, b.m));
    oldMembers.set(i.id, list);
  }
  let duplicates = 0;
  const fresh: Entry[] = [];
  for (const o of observations) {
    const key = observationKey(o.source, o.sourceId);
    if (known.has(key)) {
      duplicates++;
      continue;
    }
    const m = memberOf(o, operatorOf(o.source));
    const e: Entry = { key, activity: o.activity, m, old: null, fresh: true, cell: cellOf(key, o.activity, m) };
    known.set(key, e);
    fresh.push(e);
  }
  const result: FusionResult = { revisions: [], before: new Map(), duplicates, needs: [], watch: [], refounded: [] };
  if (fresh.length === 0) return result;

  const entries = [...known.values()].sort((a, b) => canonicalOrder(a.m, b.m));
  const clusters = new Map<string, Cluster>();
  const clusterOf = new Map<string, Cluster>();
  const grid = new IncidentIndex();
  const place = (e: Entry, c: Cluster) => {
    c.members.push(e);
    clusterOf.set(e.key, c);
    grid.put(e.cell);
  };
  const found = (e: Entry, id: string) => {
    const c: Cluster = { id, members: [] };
    clusters.set(id, c);
    place(e, c);
    return c;
  };
  let first = true;
  for (const e of entries) {
    if (first && !e.fresh) {
      // Before the batch's first report: as stored.
      const id = e.old ?? '';
      const c = clusters.get(id);
      if (c) place(e, c);
      else found(e, id);
      continue;
    }
    first = false;
    const w = windowOf(options, e.activity);
    const probe = probeOf(e.activity, e.m, options);
    const seen = candidates(e, grid.query(probe).values(), clusterOf, w, options.slack);
    let choice = earliest(seen, clusters);
    if (!e.fresh && !probed.has(e.key)) {
      const before = oldCandidates(e, oldGrid.query(probe).values(), known, oldMembers, w, options.slack);
      if (sameIds(seen, before)) {
        const id = e.old ?? '';
        const c = clusters.get(id);
        if (c) place(e, c);
        else found(e, id);
        continue;
      }
      result.needs.push({ activity: e.activity, member: e.m });
    }
    if (choice) place(e, choice);
    else {
      choice = found(e, incidentId(e.m.source, e.m.sourceId, e.m.time));
      if (!e.fresh && choice.id !== e.old) result.refounded.push(choice.id);
    }
  }
  if (result.needs.length) return result;

  // Reports not loaded may decide differently only beside an incident that changed, after the change: watch every
  // member of each changed incident (old and new membership) from the first report that differs.
  const watch = (list: readonly Entry[], from: number) => {
    for (const e of list)
      if (!e.fresh && !probed.has(e.key) && !watched.has(e.key))
        result.watch.push({ activity: e.activity, member: e.m, from });
  };
  for (const i of loaded) {
    const c = clusters.get(i.id);
    const old = oldMembers.get(i.id) ?? [];
    if (!c) {
      watch(old, itemAt(old, 0).m.time);
      continue;
    }
    let from = Infinity;
    for (const e of c.members) if (e.old !== i.id && e.m.time < from) from = e.m.time;
    for (const e of old) if (clusterOf.get(e.key) !== c && e.m.time < from) from = e.m.time;
    if (from === Infinity) continue;
    watch(old, from);
    watch(c.members, from);
  }
  for (const c of clusters.values()) if (!index.has(c.id)) watch(c.members, itemAt(c.members, 0).m.time);

  const loadedIds = new Set<string>();
  for (const i of loaded) {
    loadedIds.add(i.id);
    const c = clusters.get(i.id);
    if (c && c.members.length === i.members.length && c.members.every((e) => e.old === i.id)) continue;
    result.before.set(i.id, i);
    if (c) {
      const kept = i.members.every((m) => clusterOf.get(observationKey(m.source, m.sourceId)) === c);
      result.revisions.push(revise(i, kept ? 'joined' : 'regrouped', 'open', c.members, now));
      continue;
    }
    // Its founder now belongs to an earlier incident: this one is dissolved, its reports regrouped.
    const founder = itemAt(i.members, 0);
    const gone = revise(
      i,
      'merged-into',
      'merged',
      i.members.map((m) => ({ m })),
      now,
    );
    gone.mergedInto = clusterOf.get(observationKey(founder.source, founder.sourceId))?.id ?? '';
    result.revisions.push(gone);
  }
  for (const c of clusters.values()) {
    if (loadedIds.has(c.id)) continue;
    const f = itemAt(c.members, 0);
    result.before.set(c.id, null);
    result.revisions.push(
      summarize(
        {
          id: c.id,
          revision: 1,
          status: 'open',
          reason: 'created',
          activity: f.activity,
          createdAt: now,
          updatedAt: now,
        },
        c.members.map((e) => e.m),
      ),
    );
  }
  result.refounded = result.refounded.filter((id) => !loadedIds.has(id) && clusters.has(id));
  // In id order: the log's order must not depend on the order the store returned the incidents in (a batch
  // prepared against others in flight loads them from the overlay first).
  result.revisions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return result;
}

function revise(
  i: Incident,
  reason: IncidentReason,
  status: 'open' | 'merged',
  members: readonly { m: IncidentMember }[],
  now: number,
): Incident {
  return summarize(
    {
      id: i.id,
      revision: i.revision + 1,
      status,
      reason,
      activity: i.activity,
      createdAt: i.createdAt,
      updatedAt: now,
    },
    members.map((e) => e.m),
  );
}

/** One report as an incident-shaped record, so the replay's grids can file it (IncidentIndex). */
function cellOf(key: string, activity: Activity, m: IncidentMember): Incident {
  const box =
    m.region === undefined && m.lon !== undefined && m.lat !== undefined ? discBox(m.lon, m.lat, m.radius) : undefined;
  return {
    activity,
    box,
    confidence: m.confidence,
    corroboration: 1,
    count: m.count,
    createdAt: 0,
    end: m.end,
    id: key,
    members: [],
    operators: [],
    radius: m.radius,
    reason: 'created',
    region: m.region,
    revision: 0,
    start: m.start,
    status: 'open',
    time: m.time,
    updatedAt: 0,
    weapons: [],
  };
}

/** The incidents (their members so far) every member of which coheres with the report, by id. */
function candidates(
  e: Entry,
  near: Iterable<Incident>,
  clusterOf: ReadonlyMap<string, Cluster>,
  window: number,
  slack: number,
): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  for (const cell of near) {
    const c = clusterOf.get(cell.id);
    if (!c || cell.activity !== e.activity || seen.has(c.id)) continue;
    seen.add(c.id);
    if (c.members.every((x) => cohere(e.m, x.m, window, slack))) out.add(c.id);
  }
  return out;
}

/** The same, as the stored run saw it: the loaded incidents' members that come before the report. */
function oldCandidates(
  e: Entry,
  near: Iterable<Incident>,
  known: ReadonlyMap<string, Entry>,
  oldMembers: ReadonlyMap<string, readonly Entry[]>,
  window: number,
  slack: number,
): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  for (const cell of near) {
    const x = known.get(cell.id);
    if (!x || x.old === null || x.activity !== e.activity || seen.has(x.old)) continue;
    if (canonicalOrder(x.m, e.m) >= 0) continue;
    seen.add(x.old);
    const prefix = (oldMembers.get(x.old) ?? []).filter((y) => canonicalOrder(y.m, e.m) < 0);
    if (prefix.every((y) => cohere(e.m, y.m, window, slack))) out.add(x.old);
  }
  return out;
}

function sameIds(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a) if (!b.has(k)) return false;
  return true;
}

/** The candidate whose first member comes first in canonical order. */
function earliest(cands: ReadonlySet<string>, clusters: ReadonlyMap<string, Cluster>): Cluster | undefined {
  let best: Cluster | undefined;
  for (const id of cands) {
    const c = clusters.get(id);
    if (!c) continue;
    if (!best || canonicalOrder(itemAt(c.members, 0).m, itemAt(best.members, 0).m) < 0) best = c;
  }
  return best;
}
