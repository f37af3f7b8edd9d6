/**
 * What the batches sent to the writer but not yet committed have written: the server thread prepares the next
 * batch while the writer thread commits the last (sqlite-store.ts), so the next batch's pipeline must see those
 * records although SQLite does not have them yet. Each record is kept at the latest revision a batch in flight gave
 * it, tagged with that batch; a batch's records leave when it commits, unless a later batch has replaced them.
 *
 * A record that committed may still be here for a moment (the commit's answer not yet handled): harmless, since
 * it is the same record SQLite now holds.
 */
import type { Incident } from '../../core/ops/index.js';
import { IncidentIndex } from '../../core/ops/index.js';
import type { CaseOpening } from '../../core/ops/index.js';
import type { Violation } from '../../core/ops/index.js';
import type { ProcessedBatch } from '../../core/ports/store.js';

interface Tagged<T> {
  value: T;
  batch: number;
}

interface BatchKeys {
  incidents: string[];
  violations: string[];
  cases: string[];
  observations: string[];
}

export class InFlight {
  readonly incidents = new Map<string, Tagged<Incident>>();
  /**
   * The open ones among them, filed by place and time: a probe reads the few near it. Testing every incident in
   * flight against the probes' overall time range, as before, took them all on a feed out of time order (its range
   * spans days), and the replay filed a thousand more reports per round (issue 22).
   */
  readonly openIncidents = new IncidentIndex();
  readonly violations = new Map<string, Tagged<Violation>>();
  /** Case key -> its latest revision. */
  readonly cases = new Map<string, Tagged<CaseOpening>>();
  /** observationKey -> its seq. */
  readonly observations = new Map<string, Tagged<number>>();
  readonly #batches = new Map<number, BatchKeys>();
  #next = 0;
  /** Waiters for the number in flight to fall below a bound. */
  #waiters: { below: number; resolve: () => void }[] = [];

  get size(): number {
    return this.#batches.size;
  }

  /** Records a prepared batch (`fresh`: its new observations' keys, observationKey, and seqs); returns its tag. */
  add(fresh: ReadonlyMap<string, number>, out: ProcessedBatch): number {
    const batch = this.#next++;
    const keys: BatchKeys = { incidents: [], violations: [], cases: [], observations: [] };
    for (const [key, seq] of fresh) put(this.observations, keys.observations, key, seq, batch);
    for (const i of out.incidentRevisions as Incident[]) {
      put(this.incidents, keys.incidents, i.id, i, batch);
      this.openIncidents.put(i); // one no longer open leaves
    }
    for (const v of out.violations as Violation[]) put(this.violations, keys.violations, v.id, v, batch);
    for (const c of out.caseOpenings as CaseOpening[]) put(this.cases, keys.cases, c.key, c, batch);
    for (const c of (out.caseRevisions ?? []) as CaseOpening[]) put(this.cases, keys.cases, c.key, c, batch);
    this.#batches.set(batch, keys);
    return batch;
  }

  /** The batch committed, or failed: either way SQLite now answers for it. */
  settle(batch: number): void {
    const keys = this.#batches.get(batch);
    if (!keys) return;
    this.#batches.delete(batch);
    drop(this.observations, keys.observations, batch);
    for (const k of keys.incidents) if (this.incidents.get(k)?.batch === batch) this.openIncidents.remove(k);
    drop(this.incidents, keys.incidents, batch);
    drop(this.violations, keys.violations, batch);
    drop(this.cases, keys.cases, batch);
    const size = this.#batches.size;
    this.#waiters = this.#waiters.filter((w) => (size < w.below ? (w.resolve(), false) : true));
  }

  /** Resolves when fewer than `n` batches are in flight. */
  below(n: number): Promise<void> {
    return this.#batches.size < n
      ? Promise.resolve()
      : new Promise((resolve) => this.#waiters.push({ below: n, resolve }));
  }

  /** Resolves when no batch is in flight. */
  drained(): Promise<void> {
    return this.below(1);
  }
}

function put<T>(map: Map<string, Tagged<T>>, keys: string[], key: string, value: T, batch: number): void {
  map.set(key, { value, batch });
  keys.push(key);
}

function drop<T>(map: Map<string, Tagged<T>>, keys: readonly string[], batch: number): void {
  for (const k of keys) if (map.get(k)?.batch === batch) map.delete(k);
}
