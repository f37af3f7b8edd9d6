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
