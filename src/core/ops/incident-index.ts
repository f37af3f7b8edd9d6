/**
 * A spatio-temporal index of open incidents: a grid of 0.1-degree cells by three-hour buckets, per activity
 * (about the size of a report's uncertainty and of the longer fusion windows, so a probe touches a few cells).
 * Fusion looks up the incidents a new report could join through it, and the in-memory reader stores with it.
 * An incident sits in every cell and bucket its box and time span cover; one that would cover more than
 * `maxKeys` of them (a month-long report, a 1,000 km radius) sits in a short list scanned on every query.
 * Keys are numbers (activity, cell x, cell y, bucket packed into 47 bits), not strings: this is the hot loop.
 */
import { HOUR } from '../spec/units.js';
import { activities, type Activity } from '../spec/vocabulary.js';
import type { Incident } from './fusion.js';
import type { IncidentProbe } from './ports.js';

const CELL = 0.1;
const BUCKET = 3 * HOUR;
const maxKeys = 96;
const activityIndex = new Map<string, number>(activities.map((a, i) => [a, i]));

/** Activity (5 bits), x and y cells offset to be non-negative (12 bits each), bucket modulo 2^18. */
function cellKey(a: number, x: number, y: number, b: number): number {
  return ((a * 4096 + (x + 2048)) * 4096 + (y + 2048)) * 262_144 + (((b % 262_144) + 262_144) % 262_144);
}

export class IncidentIndex {
  private readonly cells = new Map<number, Incident[]>();
  private readonly regionCells = new Map<string, Incident[]>();
  private readonly wide = new Map<Activity, Set<Incident>>();
  private readonly byId = new Map<string, { incident: Incident; keys: (number | string)[] | null }>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Incident | undefined {
    return this.byId.get(id)?.incident;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Adds or replaces (by id) an incident; one that is no longer open is removed. */
  put(incident: Incident): void {
    this.remove(incident.id);
    if (incident.status !== 'open') return;
    const keys = keysOf(incident);
    if (keys === null) {
      let s = this.wide.get(incident.activity);
      if (!s) this.wide.set(incident.activity, (s = new Set()));
      s.add(incident);
    } else {
      for (const k of keys) {
        const m = (typeof k === 'number' ? this.cells : this.regionCells) as Map<number | string, Incident[]>;
        const s = m.get(k);
        if (s) s.push(incident);
        else m.set(k, [incident]);
      }
    }
    this.byId.set(incident.id, { incident, keys });
  }

  remove(id: string): void {
    const e = this.byId.get(id);
    if (!e) return;
    if (e.keys === null) this.wide.get(e.incident.activity)?.delete(e.incident);
    else
      for (const k of e.keys) {
        const m = (typeof k === 'number' ? this.cells : this.regionCells) as Map<number | string, Incident[]>;
        const s = m.get(k)!;
        if (s.length === 1) m.delete(k);
        else s.splice(s.indexOf(e.incident), 1);
      }
    this.byId.delete(id);
  }

  /** Incidents answering the probe (exact on time and box, not on distance), added to `out`. */
  query(probe: IncidentProbe, out: Map<string, Incident> = new Map()): Map<string, Incident> {
    const wide = this.wide.get(probe.activity);
    if (wide) for (const i of wide) if (matches(i, probe)) out.set(i.id, i);
    const b0 = Math.floor(probe.from / BUCKET);
    const b1 = Math.floor(probe.to / BUCKET);
    if ('region' in probe) {
      for (let b = b0; b <= b1; b++) {
        const s = this.regionCells.get(`${probe.activity}|${probe.region}|${b}`);
        if (s) for (const i of s) if (matches(i, probe)) out.set(i.id, i);
      }
      return out;
    }
    const a = activityIndex.get(probe.activity)!;
    const x0 = Math.floor(probe.minLon / CELL);
    const x1 = Math.floor(probe.maxLon / CELL);
    const y0 = Math.floor(probe.minLat / CELL);
    const y1 = Math.floor(probe.maxLat / CELL);
    for (let b = b0; b <= b1; b++)
      for (let x = x0; x <= x1; x++)
        for (let y = y0; y <= y1; y++) {
          const s = this.cells.get(cellKey(a, x, y, b));
          if (s) for (const i of s) if (!out.has(i.id) && matches(i, probe)) out.set(i.id, i);
        }
    return out;
  }

  *all(): IterableIterator<Incident> {
    for (const e of this.byId.values()) yield e.incident;
  }
}

function matches(i: Incident, p: IncidentProbe): boolean {
  if (i.end < p.from || i.start > p.to) return false;
  if ('region' in p) return i.region === p.region;
  const b = i.box;
  return b !== undefined && b[0] <= p.maxLon && p.minLon <= b[2] && b[1] <= p.maxLat && p.minLat <= b[3];
}

function keysOf(i: Incident): (number | string)[] | null {
  const b0 = Math.floor(i.start / BUCKET);
  const b1 = Math.floor(i.end / BUCKET);
  if (i.region !== undefined) {
    if (b1 - b0 + 1 > maxKeys) return null;
    const keys: string[] = [];
    for (let b = b0; b <= b1; b++) keys.push(`${i.activity}|${i.region}|${b}`);
    return keys;
  }
  const box = i.box!;
  const x0 = Math.floor(box[0] / CELL);
  const x1 = Math.floor(box[2] / CELL);
  const y0 = Math.floor(box[1] / CELL);
  const y1 = Math.floor(box[3] / CELL);
  if ((b1 - b0 + 1) * (x1 - x0 + 1) * (y1 - y0 + 1) > maxKeys) return null;
  const a = activityIndex.get(i.activity)!;
  const keys: number[] = [];
  for (let b = b0; b <= b1; b++) for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) keys.push(cellKey(a, x, y, b));
  return keys;
}
