/**
 * What the store last committed or read for a case key: the case at its latest revision, or null when none is
 * stored. The trigger logic asks for the cases of every window a batch touches, and on a feed spread over days the
 * same few cases are asked for again batch after batch while their documents grow with their evidence (issue 22: a
 * case row read and parsed per touched window, several KB each). Valid only while this process sees every write to
 * the cases (the SQLite store's one server process); filled from committed writes and from reads of committed rows,
 * and never consulted for a key in flight (the store checks those first). Bounded: the keys used longest ago go first.
 */
import type { CaseOpening } from '../core/ops/index.js';

export class KnownCases {
  readonly #byKey = new Map<string, CaseOpening | null>();

  constructor(readonly limit = 2_000) {}

  /** The case stored under this key, null if none is, undefined if not known here. */
  get(key: string): CaseOpening | null | undefined {
    const c = this.#byKey.get(key);
    if (c !== undefined) this.#touch(key, c);
    return c;
  }

  /** A committed read of the key's row (null: no row). */
  learn(key: string, c: CaseOpening | null): void {
    this.#touch(key, c);
    this.#trim();
  }

  /** Case openings and revisions just committed, in order (a later one of a key replaces the earlier). */
  written(cases: Iterable<CaseOpening>): void {
    for (const c of cases) this.#touch(c.key, c);
    this.#trim();
  }

  /** Forgets everything (after a write whose outcome is unknown). */
  reset(): void {
    this.#byKey.clear();
  }

  #touch(key: string, c: CaseOpening | null): void {
    this.#byKey.delete(key);
    this.#byKey.set(key, c);
  }

  #trim(): void {
    for (const key of this.#byKey.keys()) {
      if (this.#byKey.size <= this.limit) break;
      this.#byKey.delete(key);
    }
  }
}
