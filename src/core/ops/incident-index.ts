/**
 * A spatio-temporal index of open incidents: a grid of 0.1-degree cells by three-hour buckets, per activity
 * (about the size of a report's uncertainty and of the longer fusion windows, so a probe touches a few cells).
 * Fusion looks up the incidents a new report could join through it, and the in-memory reader stores with it.
 * An incident sits in every cell and bucket its box and time span cover; one that would cover more than
 * `maxKeys` of them (a month-long report, a 1,000 km radius) sits in a short list scanned on every query.
 * Keys are numbers, not strings: this is the hot loop. Buckets map to cells, and a cell key (activity, cell x, cell
 * y in 29 bits) is a small integer for V8: a lookup hashes it without allocating (one key of 47 bits was a heap
 * number, allocated at every lookup of the 7-8 a probe makes on average).
 */
import { HOUR } from '../spec/units.js';
import { activities, type Activity } from '../spec/vocabulary.js';
import type { Incident } from './incident.js';
import type { IncidentProbe } from '../ports/ops-reader.js';
import { valueAt } from '../item-at.js';

const CELL = 0.1;
const BUCKET = 3 * HOUR;
const maxKeys = 96;
const activityIndex = new Map<string, number>(activities.map((a, i) => [a, i]));

/** Activity (5 bits), x and y cells offset to be non-negative (12 bits each): under 2^29, a V8 small integer. */
function cellKey(a: number, x: number, y: number): number {
  return (a * 4096 + (x + 2048)) * 4096 + (y + 2048);
}

/** Where an incident is filed: bucket and cell pairs (flat), region keys, or the wide list (null). */
type Filed = { cells: number[] } | { regions: string[] } | null;

export class IncidentIndex {
  /** Bucket -> cell key -> incidents. */
  private readonly buckets = new Map<number, Map<number, Incident[]>>();
  private readonly regionCells = new Map<string, Incident[]>();
  private readonly wide = new Map<Activity, Set<Incident>>();
  private readonly byId = new Map<string, { incident: Incident; filed: Filed }>();

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
    const filed = fileOf(incident);
    if (filed === null) {
      let s = this.wide.get(incident.activity);
      if (!s) this.wide.set(incident.activity, (s = new Set()));
      s.add(incident);
    } else if ('regions' in filed) {
      for (const k of filed.regions) {
        const s = this.regionCells.get(k);
        if (s) s.push(incident);
        else this.regionCells.set(k, [incident]);
      }
    } else {
      const c = filed.cells;
      for (let j = 0; j < c.length; j += 2) {
        // Checked inline, not with itemAt: per cell of every incident filed on the ingest path.
        const bucket = c[j];
        const cell = c[j + 1];
        if (bucket === undefined || cell === undefined) throw new RangeError(`incident ${incident.id}: odd cell list`);
        let cells = this.buckets.get(bucket);
        if (!cells) this.buckets.set(bucket, (cells = new Map()));
        const s = cells.get(cell);
        if (s) s.push(incident);
        else cells.set(cell, [incident]);
      }
    }
    this.byId.set(incident.id, { incident, filed });
  }

  remove(id: string): void {
    const e = this.byId.get(id);
    if (!e) return;
    const filed = e.filed;
    if (filed === null) this.wide.get(e.incident.activity)?.delete(e.incident);
    else if ('regions' in filed) for (const k of filed.regions) drop(this.regionCells, k, e.incident);
    else {
      const c = filed.cells;
      for (let j = 0; j < c.length; j += 2) {
        const bucket = c[j];
        const cell = c[j + 1];
        if (bucket === undefined || cell === undefined) throw new RangeError(`incident ${id}: odd cell list`);
        const cells = this.buckets.get(bucket);
        if (!cells) throw new RangeError(`incident ${id}: not in bucket ${bucket}`);
        drop(cells, cell, e.incident);
        if (cells.size === 0) this.buckets.delete(bucket);
      }
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
    const a = valueAt(activityIndex, probe.activity);
    const x0 = Math.floor(probe.minLon / CELL);
    const x1 = Math.floor(probe.maxLon / CELL);
    const y0 = Math.floor(probe.minLat / CELL);
    const y1 = Math.floor(probe.maxLat / CELL);
    for (let b = b0; b <= b1; b++) {
      const cells = this.buckets.get(b);
      if (!cells) continue;
      for (let x = x0; x <= x1; x++)
        for (let y = y0; y <= y1; y++) {
          const s = cells.get(cellKey(a, x, y));
          if (s) for (const i of s) if (!out.has(i.id) && matches(i, probe)) out.set(i.id, i);
        }
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

function drop<K>(m: Map<K, Incident[]>, k: K, incident: Incident): void {
  const s = valueAt(m, k);
  if (s.length === 1) m.delete(k);
  else s.splice(s.indexOf(incident), 1);
}

function fileOf(i: Incident): Filed {
  const b0 = Math.floor(i.start / BUCKET);
  const b1 = Math.floor(i.end / BUCKET);
  if (i.region !== undefined) {
    if (b1 - b0 + 1 > maxKeys) return null;
    const regions: string[] = [];
    for (let b = b0; b <= b1; b++) regions.push(`${i.activity}|${i.region}|${b}`);
    return { regions };
  }
  const box = i.box;
  if (!box) throw new Error(`incident ${i.id}: neither a region nor a box`);
  const x0 = Math.floor(box[0] / CELL);
  const x1 = Math.floor(box[2] / CELL);
  const y0 = Math.floor(box[1] / CELL);
  const y1 = Math.floor(box[3] / CELL);
  if ((b1 - b0 + 1) * (x1 - x0 + 1) * (y1 - y0 + 1) > maxKeys) return null;
  const a = valueAt(activityIndex, i.activity);
  const cells: number[] = [];
  for (let b = b0; b <= b1; b++)
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) cells.push(b, cellKey(a, x, y));
  return { cells };
}
