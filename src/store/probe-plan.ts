/**
 * Answering a batch's incident probes with a few range queries instead of one per probe. Probes of one activity
 * whose time ranges overlap or nearly touch merge into one cluster (the union of their ranges and boxes); the store
 * runs one query per cluster and `matchesAny` keeps exactly the incidents some probe asks for, so the answer is the
 * union of the probes' answers, as the port requires. A batch of reports in time order needs a handful of queries;
 * reports scattered over months fall back to about one query per probe.
 */
import type { IncidentProbe } from '../core/ports/ops-reader.js';

type BoxProbe = Extract<IncidentProbe, { minLon: number }>;
type RegionProbe = Extract<IncidentProbe, { region: string }>;

export interface BoxCluster {
  kind: 'box';
  activity: string;
  from: number;
  to: number;
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

export interface RegionCluster {
  kind: 'region';
  activity: string;
  region: string;
  from: number;
  to: number;
}

export type Cluster = BoxCluster | RegionCluster;

/** Ranges this close (ms) merge: one query with a little slack beats two. */
const joinGap = 60 * 60 * 1000;

export function planProbes(probes: readonly IncidentProbe[]): Cluster[] {
  const boxes = new Map<string, BoxProbe[]>();
  const regions = new Map<string, RegionProbe[]>();
  for (const p of probes) {
    if ('region' in p) push(regions, `${p.activity}\u0000${p.region}`, p);
    else push(boxes, p.activity, p);
  }
  const out: Cluster[] = [];
  for (const list of boxes.values()) {
    list.sort((a, b) => a.from - b.from);
    let c: BoxCluster | undefined;
    for (const p of list) {
      if (c && p.from <= c.to + joinGap) {
        c.to = Math.max(c.to, p.to);
        c.minLon = Math.min(c.minLon, p.minLon);
        c.minLat = Math.min(c.minLat, p.minLat);
        c.maxLon = Math.max(c.maxLon, p.maxLon);
        c.maxLat = Math.max(c.maxLat, p.maxLat);
      } else {
        c = {
          kind: 'box',
          activity: p.activity,
          from: p.from,
          to: p.to,
          minLon: p.minLon,
          minLat: p.minLat,
          maxLon: p.maxLon,
          maxLat: p.maxLat,
        };
        out.push(c);
      }
    }
  }
  for (const list of regions.values()) {
    list.sort((a, b) => a.from - b.from);
    let c: RegionCluster | undefined;
    for (const p of list) {
      if (c && p.from <= c.to + joinGap) c.to = Math.max(c.to, p.to);
      else {
        c = { kind: 'region', activity: p.activity, region: p.region, from: p.from, to: p.to };
        out.push(c);
      }
    }
  }
  return out;
}

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
        i.box[0]! <= p.maxLon &&
        p.minLon <= i.box[2]! &&
        i.box[1]! <= p.maxLat &&
        p.minLat <= i.box[3]!
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
