/**
 * The open incidents a batch's probes reach, kept in memory (SQLite, whose one server process sees every write):
 * per activity, every committed open incident that ends after that activity's `floor`. A probe that starts after the
 * floor is answered here in full, since an incident it can meet ends at or after the probe's start; an older probe
 * (a late report) goes to SQL. Reports mostly arrive in time order, so almost every probe is answered here: no
 * range query, no row read, no document parsed.
 *
 * Loaded per activity on its first probe (its `limit` latest-ending open incidents), then kept up to date by the
 * store as batches commit. Past twice the limit, the floor rises to keep the latest `limit`.
 */
import type { Incident } from '../../core/ops/fusion.js';
import { IncidentIndex } from '../../core/ops/incident-index.js';
import type { IncidentProbe } from '../../core/ops/ports.js';

interface Window {
  index: IncidentIndex;
  /** Incidents ending at or before this are not held (exclusive bound); -Infinity when all are. */
  floor: number;
}

export class HotIncidents {
  readonly #windows = new Map<string, Window>();

  /**
   * `load(activity, limit)`: up to `limit` committed open incidents of the activity, latest end first (all of them
   * when fewer).
   */
  constructor(
    readonly limit: number,
    readonly load: (activity: string, limit: number) => Incident[],
  ) {
    if (!(limit >= 1)) throw new Error(`bug: a hot window of ${limit} incidents`);
  }

  /** The window of an activity, loaded on first use. */
  #window(activity: string): Window {
    let w = this.#windows.get(activity);
    if (!w) {
      const rows = this.load(activity, this.limit);
      w = { index: new IncidentIndex(), floor: rows.length < this.limit ? -Infinity : rows[rows.length - 1]!.end };
      // Ties with the last row's end may have been cut off: the floor excludes that end, so drop the ones loaded.
      for (const i of rows) if (i.end > w.floor) w.index.put(i);
      this.#windows.set(activity, w);
    }
    return w;
  }

  /** Whether the probe's whole answer is here. */
  covers(probe: IncidentProbe): boolean {
    return probe.from > this.#window(probe.activity).floor;
  }

  /** The incidents answering a covered probe (exact on time and box or region), added to `out`. */
  query(probe: IncidentProbe, out: Map<string, Incident>): void {
    this.#window(probe.activity).index.query(probe, out);
  }

  /** The held state of an incident, if it is held. */
  get(activity: string, id: string): Incident | undefined {
    return this.#windows.get(activity)?.index.get(id);
  }

  /** Committed revisions, in commit order. Activities not loaded yet will read them from the database. */
  committed(revisions: readonly Incident[]): void {
    for (const r of revisions) {
      const w = this.#windows.get(r.activity);
      if (!w) continue;
      // An incident's end only grows, so one at or below the floor was never held.
      if (r.end <= w.floor) continue;
      w.index.put(r); // replaces the older revision; one no longer open (merged) leaves
      if (w.index.size > 2 * this.limit) raiseFloor(w, this.limit);
    }
  }

  /** Forgets everything (after a write whose outcome is unknown); windows load again on their next probe. */
  reset(): void {
    this.#windows.clear();
  }

  /** Incidents held, over all activities. */
  get size(): number {
    let n = 0;
    for (const w of this.#windows.values()) n += w.index.size;
    return n;
  }
}

/** Keeps the `keep` latest-ending incidents (fewer if the next one ends at the same time as some of them). */
function raiseFloor(w: Window, keep: number): void {
  const ends = [...w.index.all()].map((i) => i.end).sort((a, b) => b - a);
  const floor = ends[keep]!;
  for (const i of [...w.index.all()]) if (i.end <= floor) w.index.remove(i.id);
  w.floor = Math.max(w.floor, floor);
}
