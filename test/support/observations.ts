/**
 * Deterministic observation traffic for tests and benchmarks: shellings near the front each reported by two or
 * three sensors of different operators (radar: CMM, acoustic: DE, uav: CMM), so fusion corroborates them and the
 * example package's triggers fire; heavy weapons seen by satellites and drones; patrol reports of denied access at
 * region level.
 */
import type { ObservationInput } from '../../src/core/ops/index.js';
import { mulberry32 } from './mulberry32.js';

export interface TrafficOptions {
  seed?: number;
  /** Number of events; each yields 1-3 observations. */
  events: number;
  /** Epoch ms of the first event (default: 2026-06-20T00:00Z, after the example's heavy-weapons withdrawal). */
  start?: number;
  /** Mean gap between events (ms). */
  gap?: number;
  /** Prefix of source-side ids, so separate runs do not collide. */
  prefix?: string;
}

const regions = ['UA-14', 'UA-09', 'UA-23', 'UA-63', 'UA-65'];

export function traffic(options: TrafficOptions): ObservationInput[] {
  const r = mulberry32(options.seed ?? 1);
  const start = options.start ?? Date.UTC(2026, 5, 20);
  const gap = options.gap ?? 20_000;
  const prefix = options.prefix ?? 'e';
  const out: ObservationInput[] = [];
  let t = start;
  for (let e = 0; e < options.events; e++) {
    t += Math.round(gap * (0.5 + r()));
    if (r() < 0.05) {
      out.push({
        source: 'patrol',
        sourceId: `${prefix}${e}`,
        activity: 'denial-of-access',
        time: new Date(t).toISOString(),
        timePrecision: 'hour',
        location: { region: regions[Math.floor(r() * regions.length)]! },
        confidence: 0.95,
        attribution: { party: r() < 0.5 ? 'RU' : 'UA', basis: 'observed' },
      });
      continue;
    }
    const lon = 36.5 + r() * 2;
    const lat = 47.2 + r() * 2.3;
    if (r() < 0.1) {
      const weapon = r() < 0.5 ? 'tank' : 'mlrs';
      const sensors = ['sat', 'uav', 'eu-sat'];
      const n = 1 + Math.floor(r() * sensors.length);
      for (let s = 0; s < n; s++) {
        out.push({
          source: sensors[s]!,
          sourceId: `${prefix}${e}`,
          activity: 'heavy-weapon-presence',
          weapon,
          count: 1 + Math.floor(r() * 6),
          time: new Date(t).toISOString(),
          timePrecision: 'hour',
          location: { lon: +lon.toFixed(5), lat: +lat.toFixed(5), radius: 200 },
          confidence: +(0.85 + r() * 0.1).toFixed(2),
        });
      }
      continue;
    }
    const activity = r() < 0.7 ? 'artillery-fire' : 'mortar-fire';
    const sensors = activity === 'artillery-fire' ? ['radar', 'acoustic', 'uav'] : ['radar', 'uav'];
    const n = 1 + Math.floor(r() * sensors.length);
    for (let s = 0; s < n; s++) {
      const source = sensors[s]!;
      const o: ObservationInput = {
        source,
        sourceId: `${prefix}${e}`,
        activity,
        time: new Date(t + Math.round(r() * 60_000)).toISOString(),
        timePrecision: 30,
        location: {
          lon: +(lon + (r() - 0.5) * 0.004).toFixed(5),
          lat: +(lat + (r() - 0.5) * 0.004).toFixed(5),
          radius: 300 + Math.round(r() * 500),
        },
        confidence: +(0.8 + r() * 0.15).toFixed(2),
      };
      if (activity === 'artillery-fire' && r() < 0.5) o.weapon = 'artillery-100mm-plus';
      if (r() < 0.3) o.evidence = [hex(r)];
      out.push(o);
    }
  }
  return out;
}

function hex(r: () => number): string {
  let s = '';
  for (let i = 0; i < 64; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

export interface OutOfOrderOptions {
  /** Epoch ms: every report is dated before this (the server's clock). */
  now: number;
  seed?: number;
  /** Event times uniform over this many ms before `now` (default 10 days). */
  spread?: number;
  /** The share of events whose reports cover an interval (`until` at the event time), up to `longest` long. */
  longShare?: number;
  longest?: number;
  /** One event (the first long one) covers this much instead (default 300 days; 0 for none). */
  oneSpan?: number;
}

/**
 * The same events as `items` (traffic's output), redated as a messy feed sends them: each event's reports keep their
 * spread around one time drawn uniform over the `spread` before `now`, in the items' order (so arrival is not time
 * order), 5% cover intervals up to 30 days and one 300 days (issue 22's workload).
 */
export function outOfOrder(items: readonly ObservationInput[], options: OutOfOrderOptions): ObservationInput[] {
  const r = mulberry32(options.seed ?? 11);
  const DAY = 86_400_000;
  const spread = options.spread ?? 10 * DAY;
  const longShare = options.longShare ?? 0.05;
  const longest = options.longest ?? 30 * DAY;
  let oneSpan: number | undefined = options.oneSpan === 0 ? undefined : (options.oneSpan ?? 300 * DAY);
  const end = options.now - 15 * 60_000; // clear of the future check, whatever a report's jitter
  const out: ObservationInput[] = [];
  let event = '';
  let shift = 0;
  let span = 0;
  for (const o of items) {
    if (o.sourceId !== event) {
      event = o.sourceId;
      const at = end - 2 * 60_000 - r() * spread;
      shift = at - Date.parse(o.time);
      span = 0;
      if (r() < longShare) {
        span = oneSpan ?? r() * longest;
        oneSpan = undefined;
      }
    }
    const t = Date.parse(o.time) + shift;
    out.push(
      span
        ? { ...o, time: new Date(Math.round(t - span)).toISOString(), until: new Date(Math.round(t)).toISOString() }
        : { ...o, time: new Date(Math.round(t)).toISOString() },
    );
  }
  return out;
}
