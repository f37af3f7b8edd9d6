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
import { itemAt, present, valueAt } from '../item-at.js';

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
   * What must be loaded before the result stands: the neighbourhoods of stored reports whose decision depends on
   * incidents not loaded, and the surroundings (from a time on) of incidents that changed, where a report not loaded
   * may decide differently. Load them (`BatchFusion.load`) and replay; when they load nothing new, the result stands.
   * Each is asked for once per batch.
   */
  probes: IncidentProbe[];
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

/** A report in the replay: its member record and the incident it belonged to before the batch (null if new). */
interface Entry {
  key: string;
  activity: Activity;
  m: IncidentMember;
  old: string | null;
  /** Where it is filed in the replay's grid (an incident-shaped record of this one report). */
  cell: Incident;
}

/** Canonical order on entries (the key computed once). */
function before(a: Entry, b: Entry): boolean {
  return a.m.time < b.m.time || (a.m.time === b.m.time && a.key < b.key);
}

/**
 * Fuses one batch into the open incidents around it, so that the result equals fusing every report in canonical
 * order (event time, then key): each report, in turn, joins the incident whose first member comes first among those
 * whose every member so far coheres with it, or founds one (id from the founder). The result is a function of the set
 * of reports, whatever the batches and arrival order.
 *
 * Incrementally, and only where something changed. A report's decision depends only on the incidents, as they stood
 * just before it, that hold a report of its neighbourhood (time window and place). So the replay visits, in canonical
 * order, the new reports and the stored reports whose neighbourhood changed before them: the later members of an
 * incident that gained or lost a report, and the reports that may now cohere with an incident that lost one or was
 * founded. Every other report keeps its incident. A stored report visited keeps its incident unless one of the
 * loaded incidents now comes first (those not loaded did not change, and came after its own); if its own can no
 * longer take it, its whole neighbourhood must be loaded (`probes`) before its decision stands. Reports not loaded
 * that may see a changed incident are loaded the same way. The loaded reports are filed once in one grid, kept
 * across the rounds of loading.
 */
export class BatchFusion {
  private readonly entries = new Map<string, Entry>();
  private readonly grid = new IncidentIndex();
  /** The loaded incidents, and their members in canonical order. */
  private readonly loaded = new Map<string, Incident>();
  private readonly oldMembers = new Map<string, Entry[]>();
  private readonly fresh: Entry[] = [];
  private duplicates = 0;
  /** Stored reports whose neighbourhood was asked for; and, per report, the earliest time its surroundings were. */
  private readonly probed = new Set<string>();
  private readonly watched = new Map<string, number>();

  constructor(
    observations: readonly Observation[],
    operatorOf: (source: string) => string,
    private readonly options: FusionOptions,
    private readonly now: number,
  ) {
    for (const o of observations) {
      const key = observationKey(o.source, o.sourceId);
      if (this.entries.has(key)) {
        this.duplicates++;
        continue;
      }
      const m = memberOf(o, operatorOf(o.source));
      const e: Entry = { key, activity: o.activity, m, old: null, cell: cellOf(key, o.activity, m) };
      this.entries.set(key, e);
      this.grid.put(e.cell);
      this.fresh.push(e);
      // The batch's first load asks for every new report's neighbourhood (processBatch): once founded, its
      // surroundings need not be asked for again.
      this.watched.set(key, m.start - windowOf(options, o.activity));
    }
  }

  /** Adds incidents read from the store (those already loaded are skipped); returns how many were new. */
  load(incidents: Iterable<Incident>): number {
    let added = 0;
    for (const i of incidents) {
      if (this.loaded.has(i.id)) continue;
      this.loaded.set(i.id, i);
      added++;
      const list: Entry[] = [];
      for (const m of i.members) {
        const key = observationKey(m.source, m.sourceId);
        const had = this.entries.get(key);
        if (had?.old === null) {
          // A report of this batch already stored (a retry the store did not catch): skipped, as stored.
          this.fresh.splice(this.fresh.indexOf(had), 1);
          this.duplicates++;
        }
        const e: Entry = { key, activity: i.activity, m, old: i.id, cell: cellOf(key, i.activity, m) };
        this.entries.set(key, e);
        this.grid.put(e.cell);
        list.push(e);
      }
      list.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
      this.oldMembers.set(i.id, list);
    }
    return added;
  }

  /** Replays the batch over what is loaded. */
  run(): FusionResult {
    const result: FusionResult = {
      revisions: [],
      before: new Map(),
      duplicates: this.duplicates,
      probes: [],
      refounded: [],
    };
    if (this.fresh.length === 0) return result;
    const { options } = this;
    /** Members of each incident as the replay has it so far, in canonical order (the stored lists until changed). */
    const clusters = new Map<string, Entry[]>(this.oldMembers);
    const owned = new Set<string>();
    const labelOf = new Map<Entry, string>();
    const label = (e: Entry) => labelOf.get(e) ?? e.old;
    const touched = new Set<string>();
    const queue = new EntryHeap();
    const queued = new Set<Entry>();
    const enqueue = (e: Entry) => {
      if (queued.has(e)) return;
      queued.add(e);
      queue.push(e);
    };
    for (const e of this.fresh) enqueue(e);
    const own = (id: string): Entry[] => {
      let list = clusters.get(id);
      if (!owned.has(id)) {
        list = list ? [...list] : [];
        clusters.set(id, list);
        owned.add(id);
      }
      return present(list, `cluster ${id}`);
    };
    const near = (probe: IncidentProbe) => {
      const out: Entry[] = [];
      for (const cell of this.grid.query(probe).values()) out.push(valueAt(this.entries, cell.id));
      return out;
    };
    /** Marks the loaded reports after `y` near `m` that cohere with every one of `must`, and watches `m` from y on. */
    const around = (y: Entry, m: Entry, must: readonly Entry[]) => {
      const probe = probeOf(m.activity, m.m, options);
      for (const z of near(probe)) {
        if (z.activity !== y.activity || !before(y, z) || queued.has(z)) continue;
        const w = windowOf(options, z.activity);
        if (must.every((x) => x === z || cohere(z.m, x.m, w, options.slack))) enqueue(z);
      }
      const from = Math.max(probe.from, y.m.time);
      const asked = this.watched.get(m.key);
      if (from <= probe.to && (asked === undefined || from < asked)) {
        this.watched.set(m.key, from);
        probe.from = from;
        result.probes.push(probe);
      }
    };

    for (let y = queue.pop(); y; y = queue.pop()) {
      const w = windowOf(options, y.activity);
      // The incidents holding a report of its neighbourhood before it, whose every member before it coheres with it.
      let choice: string | undefined;
      let first: Entry | undefined;
      const seen = new Set<string>();
      let oldChoiceStands = false;
      const oldList = y.old === null ? undefined : this.oldMembers.get(y.old);
      const wasFounder = oldList === undefined || oldList[0] === y;
      for (const x of near(probeOf(y.activity, y.m, options))) {
        if (x.activity !== y.activity || !before(x, y)) continue;
        const id = label(x);
        if (id === null || seen.has(id)) continue;
        seen.add(id);
        const members = valueAt(clusters, id);
        let ok = true;
        for (const z of members) {
          if (!before(z, y)) break;
          if (!cohere(y.m, z.m, w, options.slack)) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        if (id === y.old) oldChoiceStands = true;
        const f = itemAt(members, 0);
        if (!first || before(f, first)) {
          first = f;
          choice = id;
        }
      }
      // A stored report whose incident can no longer take it may belong to one not loaded: load its neighbourhood.
      if (y.old !== null && !wasFounder && !oldChoiceStands && !this.probed.has(y.key)) {
        this.probed.add(y.key);
        result.probes.push(probeOf(y.activity, y.m, options));
      }
      const from = label(y);
      if (choice === undefined) {
        // It founds an incident: a stored founder keeps its id (one made before canonical order included).
        choice = y.old !== null && wasFounder ? y.old : incidentId(y.m.source, y.m.sourceId, y.m.time);
        if (y.old !== null && choice !== y.old) result.refounded.push(choice);
      }
      if (choice === from) continue;
      labelOf.set(y, choice);
      touched.add(choice);
      if (from !== null) {
        touched.add(from);
        const left = own(from);
        left.splice(left.indexOf(y), 1);
        // Its later members decide again; reports after it may now cohere with what remains.
        for (const z of left) if (before(y, z)) enqueue(z);
        const prefix = left.filter((z) => before(z, y));
        if (prefix.length) around(y, narrowest(prefix), prefix);
      }
      const joined = own(choice);
      let at = joined.length;
      while (at > 0 && before(y, itemAt(joined, at - 1))) at--;
      joined.splice(at, 0, y);
      // Its later members must cohere with it too.
      for (let k = at + 1; k < joined.length; k++) enqueue(itemAt(joined, k));
      // A new incident: reports after it that cohere with it may now join it.
      if (at === 0) around(y, y, [y]);
    }

    for (const id of touched) {
      const i = this.loaded.get(id);
      const members = clusters.get(id) ?? [];
      if (!i) {
        if (members.length === 0) continue;
        const f = itemAt(members, 0);
        result.before.set(id, null);
        result.revisions.push(
          summarize(
            {
              id,
              revision: 1,
              status: 'open',
              reason: 'created',
              activity: f.activity,
              createdAt: this.now,
              updatedAt: this.now,
            },
            members.map((e) => e.m),
          ),
        );
        continue;
      }
      const old = valueAt(this.oldMembers, id);
      if (members.length === old.length && members.every((e, k) => e === old[k])) continue;
      result.before.set(id, i);
      if (members.length) {
        const kept = old.every((e) => label(e) === id);
        result.revisions.push(revise(i, kept ? 'joined' : 'regrouped', 'open', members, this.now));
        continue;
      }
      // Its founder now belongs to an earlier incident: this one is dissolved, its reports regrouped.
      const gone = revise(i, 'merged-into', 'merged', old, this.now);
      gone.mergedInto = label(itemAt(old, 0)) ?? '';
      result.revisions.push(gone);
    }
    result.refounded = [...new Set(result.refounded)].filter(
      (id) => !this.loaded.has(id) && (clusters.get(id)?.length ?? 0) > 0,
    );
    // In id order: the log's order must not depend on the order the store returned the incidents in (a batch
    // prepared against others in flight loads them from the overlay first).
    result.revisions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return result;
  }
}

/** The member whose neighbourhood is smallest (shortest interval, then smallest disc): the cheapest to search. */
function narrowest(list: readonly Entry[]): Entry {
  let best = itemAt(list, 0);
  for (const e of list) {
    const span = e.m.end - e.m.start;
    const bestSpan = best.m.end - best.m.start;
    if (span < bestSpan || (span === bestSpan && e.m.radius < best.m.radius)) best = e;
  }
  return best;
}

/** A binary heap of entries in canonical order. */
class EntryHeap {
  private readonly items: Entry[] = [];

  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, itemAt(a, p))) break;
      a[i] = itemAt(a, p);
      i = p;
    }
    a[i] = e;
  }

  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && before(itemAt(a, r), itemAt(a, l)) ? r : l;
      if (!before(itemAt(a, c), last)) break;
      a[i] = itemAt(a, c);
      i = c;
    }
    a[i] = last;
    return top;
  }
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
