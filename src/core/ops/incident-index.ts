/**
 * A spatio-temporal index of open incidents: a grid of 0.25-degree cells by one-day buckets, per activity.
 * Fusion looks up the incidents a new report could join through it, and the in-memory reader stores with it.
 * An incident sits in every cell and bucket its box and time span cover; one that would cover more than
 * `maxKeys` of them (a month-long report, a 1,000 km radius) sits in a short list scanned on every query.
 */
import type { Activity } from '../spec/vocabulary.js';
import { boxesIntersect, type Box } from './geodesy.js';
import type { Incident } from './fusion.js';
import type { IncidentProbe } from './ports.js';
import { DAY } from '../spec/units.js';

const CELL = 0.25;
const BUCKET = DAY;
const maxKeys = 96;

export class IncidentIndex {
  private readonly cells = new Map<string, Set<Incident>>();
  private readonly wide = new Map<Activity, Set<Incident>>();
  private readonly byId = new Map<string, { incident: Incident; keys: string[] | null }>();

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
        let s = this.cells.get(k);
        if (!s) this.cells.set(k, (s = new Set()));
        s.add(incident);
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
        const s = this.cells.get(k)!;
        s.delete(e.incident);
        if (s.size === 0) this.cells.delete(k);
      }
    this.byId.delete(id);
  }

  /** Incidents answering the probe (exact on time and box, not on distance). */
  query(probe: IncidentProbe, out: Map<string, Incident> = new Map()): Map<string, Incident> {
    const match = (i: Incident) => {
      if (i.end < probe.from || i.start > probe.to) return;
      if ('region' in probe) {
        if (i.region !== probe.region) return;
      } else {
        if (!i.box || !boxesIntersect(i.box, [probe.minLon, probe.minLat, probe.maxLon, probe.maxLat])) return;
      }
      out.set(i.id, i);
    };
    const wide = this.wide.get(probe.activity);
    if (wide) for (const i of wide) match(i);
    const b0 = Math.floor(probe.from / BUCKET);
    const b1 = Math.floor(probe.to / BUCKET);
    if ('region' in probe) {
      for (let b = b0; b <= b1; b++) {
        const s = this.cells.get(`${probe.activity}|r|${probe.region}|${b}`);
        if (s) for (const i of s) match(i);
      }
      return out;
    }
    const x0 = Math.floor(probe.minLon / CELL);
    const x1 = Math.floor(probe.maxLon / CELL);
    const y0 = Math.floor(probe.minLat / CELL);
    const y1 = Math.floor(probe.maxLat / CELL);
    for (let b = b0; b <= b1; b++)
      for (let x = x0; x <= x1; x++)
        for (let y = y0; y <= y1; y++) {
          const s = this.cells.get(`${probe.activity}|${x}|${y}|${b}`);
          if (s) for (const i of s) match(i);
        }
    return out;
  }

  *all(): IterableIterator<Incident> {
    for (const e of this.byId.values()) yield e.incident;
  }
}

function keysOf(i: Incident): string[] | null {
  const b0 = Math.floor(i.start / BUCKET);
  const b1 = Math.floor(i.end / BUCKET);
  if (i.region !== undefined) {
    if (b1 - b0 + 1 > maxKeys) return null;
    const keys: string[] = [];
    for (let b = b0; b <= b1; b++) keys.push(`${i.activity}|r|${i.region}|${b}`);
    return keys;
  }
  const box = i.box as Box;
  const x0 = Math.floor(box[0] / CELL);
  const x1 = Math.floor(box[2] / CELL);
  const y0 = Math.floor(box[1] / CELL);
  const y1 = Math.floor(box[3] / CELL);
  if ((b1 - b0 + 1) * (x1 - x0 + 1) * (y1 - y0 + 1) > maxKeys) return null;
  const keys: string[] = [];
  for (let b = b0; b <= b1; b++) for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) keys.push(`${i.activity}|${x}|${y}|${b}`);
  return keys;
}
