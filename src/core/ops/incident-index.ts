/**
 * A spatio-temporal index of open incidents: a grid of 0.1-degree cells by three-hour buckets, per activity
 * (about the size of a report's uncertainty and of the longer fusion windows, so a probe touches a few cells).
 * Fusion looks up the incidents a new report could join through it, and the in-memory reader stores with it.
 * An incident sits in every cell and bucket its box and time span cover, in the finest of a few tiers of bucket
 * (3 hours, 2 days, 32 days, 512 days) where that is at most `maxKeys` keys: a month-long report is filed in its
 * cells by 32-day buckets, where probes near it find it. Only one that would cover more than `maxKeys` even so (a
 * 1,000 km radius, decades) sits in a short list scanned on every query. Before the tiers every report longer than
 * 12 days sat in that list: on a feed with 5% of reports up to 30 days long (issue 22's messy feed) a probe scanned
 * dozens of them, a quarter of the replay's time.
 * Keys are numbers, not strings: this is the hot loop. Buckets map to cells, and a cell key (activity, cell x, cell
 * y in 29 bits) is a small integer for V8: a lookup hashes it without allocating (one key of 47 bits was a heap
 * number, allocated at every lookup of the 7-8 a probe makes on average).
 */
import { HOUR } from '../spec/units.js';
import { activities, type Activity } from '../spec/vocabulary.js';
import type { Incident } from './incident.js';
import type { IncidentProbe } from '../ports/ops-reader.js';
import { itemAt, valueAt } from '../item-at.js';

const CELL = 0.1;
const BUCKET = 3 * HOUR;
/** Bucket sizes of the tiers, finest first. */
const TIERS = [BUCKET, 16 * BUCKET, 256 * BUCKET, 4096 * BUCKET];
const maxKeys = 96;
const activityIndex = new Map<string, number>(activities.map((a, i) => [a, i]));

/** Activity (5 bits), x and y cells offset to be non-negative (12 bits each): under 2^29, a V8 small integer. */
function cellKey(a: number, x: number, y: number): number {
  return (a * 4096 + (x + 2048)) * 4096 + (y + 2048);
}

/** A bucket of a tier: under 2^53 for any plausible time (a bucket number times 4). */
function bucketKey(tier: number, b: number): number {
  return b * 4 + tier;
}

/** Where an incident is filed: bucket and cell pairs (flat), region keys, or the wide list (null). */
type Filed = { cells: number[]; tier: number } | { regions: string[] } | null;

export class IncidentIndex {
  /** Bucket -> cell key -> incidents. */
  private readonly buckets = new Map<number, Map<number, Incident[]>>();
  private readonly regionCells = new Map<string, Incident[]>();
  private readonly wide = new Map<Activity, Set<Incident>>();
  /** How many incidents are filed in each tier: a query skips the empty ones. */
  private readonly inTier = TIERS.map(() => 0);
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
      this.inTier[filed.tier] = (this.inTier[filed.tier] ?? 0) + 1;
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
      this.inTier[filed.tier] = (this.inTier[filed.tier] ?? 0) - 1;
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
    if ('region' in probe) {
      TIERS.forEach((size, tier) => {
        const b1 = Math.floor(probe.to / size);
        for (let b = Math.floor(probe.from / size); b <= b1; b++) {
          const s = this.regionCells.get(`${probe.activity}|${probe.region}|${bucketKey(tier, b)}`);
          if (s) for (const i of s) if (matches(i, probe)) out.set(i.id, i);
        }
      });
      return out;
    }
    const a = valueAt(activityIndex, probe.activity);
    const x0 = Math.floor(probe.minLon / CELL);
    const x1 = Math.floor(probe.maxLon / CELL);
    const y0 = Math.floor(probe.minLat / CELL);
    const y1 = Math.floor(probe.maxLat / CELL);
    for (let tier = 0; tier < TIERS.length; tier++) {
      if (!this.inTier[tier]) continue;
      const size = itemAt(TIERS, tier);
      const b1 = Math.floor(probe.to / size);
      for (let b = Math.floor(probe.from / size); b <= b1; b++) {
        const cells = this.buckets.get(bucketKey(tier, b));
        if (!cells) continue;
        for (let x = x0; x <= x1; x++)
          for (let y = y0; y <= y1; y++) {
            const s = cells.get(cellKey(a, x, y));
            if (s) for (const i of s) if (!out.has(i.id) && matches(i, probe)) out.set(i.id, i);
          }
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
  if (i.region !== undefined) {
    for (let tier = 0; tier < TIERS.length; tier++) {
      const size = itemAt(TIERS, tier);
      const b0 = Math.floor(i.start / size);
      const b1 = Math.floor(i.end / size);
      if (b1 - b0 + 1 > maxKeys) continue;
      const regions: string[] = [];
      for (let b = b0; b <= b1; b++) regions.push(`${i.activity}|${i.region}|${bucketKey(tier, b)}`);
      return { regions };
    }
    return null;
  }
  const box = i.box;
  if (!box) throw new Error(`incident ${i.id}: neither a region nor a box`);
  const x0 = Math.floor(box[0] / CELL);
  const x1 = Math.floor(box[2] / CELL);
  const y0 = Math.floor(box[1] / CELL);
  const y1 = Math.floor(box[3] / CELL);
  const a = valueAt(activityIndex, i.activity);
  for (let tier = 0; tier < TIERS.length; tier++) {
    const size = itemAt(TIERS, tier);
    const b0 = Math.floor(i.start / size);
    const b1 = Math.floor(i.end / size);
    if ((b1 - b0 + 1) * (x1 - x0 + 1) * (y1 - y0 + 1) > maxKeys) continue;
    const cells: number[] = [];
    for (let b = b0; b <= b1; b++)
      for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) cells.push(bucketKey(tier, b), cellKey(a, x, y));
    return { cells, tier };
  }
  return null;
}
