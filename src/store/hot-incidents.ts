/**
 * The open incidents a batch's probes reach, kept in memory: per activity, every open incident that ends after that
 * activity's `floor`. A probe that starts after the floor is answered here in full, since an incident it can meet
 * ends at or after the probe's start; an older probe (a late report) goes to SQL. Reports mostly arrive in time
 * order, so almost every probe is answered here: no range query, no row read, no document parsed.
 *
 * The store installs an activity's window before its first probe (its `limit` latest-ending open incidents, read
 * from the rows) and passes it every revision it writes. Past twice the limit, the floor rises to keep the latest
 * `limit`. Valid only while this process sees every incident write: SQLite's one server process always; on
 * PostgreSQL, while no other server has written since (postgres-store.ts checks the log's size).
 */
import type { Incident } from '../core/ops/index.js';
import { IncidentIndex } from '../core/ops/index.js';
import type { IncidentProbe } from '../core/ports/ops-reader.js';
import { itemAt } from '../core/item-at.js';

interface Window {
  index: IncidentIndex;
  /** Incidents ending at or before this are not held (exclusive bound); -Infinity when all are. */
  floor: number;
}

export class HotIncidents {
  readonly #windows = new Map<string, Window>();

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`bug: a hot window of ${limit} incidents`);
  }

  /** The probes' activities whose window is not installed yet. */
  missing(probes: readonly IncidentProbe[]): string[] {
    const out = new Set<string>();
    for (const p of probes) if (!this.#windows.has(p.activity)) out.add(p.activity);
    return [...out];
  }

  /** Installs an activity's window from up to `limit` of its open incidents, latest end first (all when fewer). */
  install(activity: string, rows: readonly Incident[]): void {
    const w: Window = {
      index: new IncidentIndex(),
      floor: rows.length < this.limit ? -Infinity : itemAt(rows, rows.length - 1).end,
    };
    // Ties with the last row's end may have been cut off: the floor excludes that end, so drop the ones loaded.
    for (const i of rows) if (i.end > w.floor) w.index.put(i);
    this.#windows.set(activity, w);
  }

  /** Whether the probe's whole answer is here (never for an activity not installed). */
  covers(probe: IncidentProbe): boolean {
    const w = this.#windows.get(probe.activity);
    return w !== undefined && probe.from > w.floor;
  }

  /** The incidents answering a covered probe (exact on time and box or region), added to `out`. */
  query(probe: IncidentProbe, out: Map<string, Incident>): void {
    this.#windows.get(probe.activity)?.index.query(probe, out);
  }

  /** The held state of an incident, if it is held. */
  get(activity: string, id: string): Incident | undefined {
    return this.#windows.get(activity)?.index.get(id);
  }

  /** Revisions written, in order. Activities not installed yet will read them from the database. */
  written(revisions: readonly Incident[]): void {
    for (const r of revisions) {
      const w = this.#windows.get(r.activity);
      if (!w) continue;
      // An incident's end only grows, so one at or below the floor was never held.
      if (r.end <= w.floor) continue;
      w.index.put(r); // replaces the older revision; one no longer open (merged) leaves
      if (w.index.size > 2 * this.limit) raiseFloor(w, this.limit);
    }
  }

  /** Forgets everything (after a write whose outcome is unknown, or another writer's); windows are installed again. */
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

/**
 * Keeps the `keep` latest-ending incidents (fewer if the next one ends at the same time as some of them). It runs on
 * the server thread while a batch is prepared: the ends are sorted as a typed array, natively (a comparator sort of
 * 4,000 numbers took 2-3 ms of a 5-12 ms eviction, measured under load).
 */
function raiseFloor(w: Window, keep: number): void {
  const all = [...w.index.all()];
  const ends = Float64Array.from(all, (i) => i.end).sort(); // ascending
  const floor = itemAt(ends, ends.length - 1 - keep);
  for (const i of all) if (i.end <= floor) w.index.remove(i.id);
  w.floor = Math.max(w.floor, floor);
}
