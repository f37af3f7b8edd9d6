/**
 * The exact test of a batch's incident probes on an incident's indexed columns: the stores' space-time index
 * (migration 0061) returns candidates, which this keeps only when some probe asks for them, so rows are tested
 * before their JSON is parsed and the answer is the union of the probes' answers, as the port requires.
 */
import type { IncidentProbe } from '../core/ports/ops-reader.js';
import { itemAt } from '../core/item-at.js';

/** What the exact probe test needs of an incident: the indexed columns, so rows are tested before their JSON is parsed. */
export interface IncidentShape {
  activity: string;
  start: number;
  end: number;
  /** [minLon, minLat, maxLon, maxLat] for point incidents. */
  box?: readonly number[] | null;
  region?: string | null;
}

/** Does any probe ask for this open incident? The exact test the in-memory reader makes (time overlap; box or region). */
export function matcher(probes: readonly IncidentProbe[]): (i: IncidentShape) => boolean {
  const byActivity = new Map<string, IncidentProbe[]>();
  for (const p of probes) push(byActivity, p.activity, p);
  return (i) => {
    for (const p of byActivity.get(i.activity) ?? []) {
      if (i.end < p.from || i.start > p.to) continue;
      if ('region' in p) {
        if (i.region === p.region) return true;
      } else if (
        i.box &&
        itemAt(i.box, 0) <= p.maxLon &&
        p.minLon <= itemAt(i.box, 2) &&
        itemAt(i.box, 1) <= p.maxLat &&
        p.minLat <= itemAt(i.box, 3)
      )
        return true;
    }
    return false;
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

type PointProbe = Extract<IncidentProbe, { minLon: number }>;

/** Point probes of one activity answered by one query on their union (box and time), then each row tested exactly. */
export interface ProbeGroup {
  union: PointProbe;
  members: PointProbe[];
}

/**
 * Point probes that overlap (same activity, boxes and time intervals intersecting the group's union so far) grouped,
 * so that one index query answers them all: a batch's reports of one event, and a replayed report and its
 * neighbours, ask for nearly the same box, and each query of the space-time index costs about the same however few
 * rows it returns (issue 22: about half as many queries on the out-of-order feed). Region probes are left out.
 */
export function groupPointProbes(probes: readonly IncidentProbe[]): ProbeGroup[] {
  const byActivity = new Map<string, ProbeGroup[]>();
  const out: ProbeGroup[] = [];
  for (const p of probes) {
    if ('region' in p) continue;
    const groups = byActivity.get(p.activity) ?? [];
    if (groups.length === 0) byActivity.set(p.activity, groups);
    const g = groups.find(({ union: u }) => meets(u, p));
    if (g) {
      const u = g.union;
      g.union = {
        activity: u.activity,
        from: Math.min(u.from, p.from),
        to: Math.max(u.to, p.to),
        minLon: Math.min(u.minLon, p.minLon),
        minLat: Math.min(u.minLat, p.minLat),
        maxLon: Math.max(u.maxLon, p.maxLon),
        maxLat: Math.max(u.maxLat, p.maxLat),
      };
      g.members.push(p);
    } else {
      const fresh = { union: p, members: [p] };
      groups.push(fresh);
      out.push(fresh);
    }
  }
  return out;
}

function meets(a: PointProbe, b: PointProbe): boolean {
  return (
    a.from <= b.to &&
    b.from <= a.to &&
    a.minLon <= b.maxLon &&
    b.minLon <= a.maxLon &&
    a.minLat <= b.maxLat &&
    b.minLat <= a.maxLat
  );
}
