/**
 * The records a store committed last, by id, so the next batches' lookups (which mostly find these) skip reading and
 * parsing their documents. A record is used only when its stored row has the same revision: (id, revision) names one
 * content, since revisions only grow. Filled only after COMMIT, so a rolled-back write is never remembered. Used by
 * the SQLite store for violations (its incidents have a fuller cache, hot-incidents.ts); on PostgreSQL the same cache measured no gain (the documents come in one round trip either way).
 */
export class RecentRecords<T extends { id: string; revision: number }> {
  readonly #byId = new Map<string, T>();

  constructor(readonly limit = 20_000) {}

  /** The remembered record if it is at this revision. */
  at(id: string, revision: number): T | undefined {
    const r = this.#byId.get(id);
    return r !== undefined && r.revision === revision ? r : undefined;
  }

  /** Remembers committed records; the oldest go past the limit (re-remembering moves a record to the end). */
  remember(records: Iterable<T>): void {
    const m = this.#byId;
    for (const r of records) {
      m.delete(r.id);
      m.set(r.id, r);
    }
    for (const id of m.keys()) {
      if (m.size <= this.limit) break;
      m.delete(id);
    }
  }
}
