/**
 * The row count of a table that only grows (issue 22): `/v1/status`, which the dashboard reads at its first load
 * and polls, counted every row of every table each time: 200-600 ms on PostgreSQL for a million observations. Rows
 * of observations, incidents, violations and cases are updated in place or not at all, never removed, and their
 * seqs only grow, committed in order (one writer at a time on both stores). So the count up to a seq never changes:
 * each call counts only the rows after the last seq it saw, through the primary key.
 */
export type CountAfter = (after: number) => Promise<{ n: number; last: number | null }>;

export class GrowingCount {
  #through = -1;
  #n = 0;
  #reading: Promise<number> | undefined;

  /** `count(after)`: the number of rows with seq > after, and their greatest seq (null when none). */
  constructor(readonly count: CountAfter) {}

  get(): Promise<number> {
    return (this.#reading ??= this.#read().finally(() => (this.#reading = undefined)));
  }

  async #read(): Promise<number> {
    const r = await this.count(this.#through);
    if (r.last !== null) {
      this.#n += r.n;
      this.#through = r.last;
    }
    return this.#n;
  }
}

/** The statement for a table's CountAfter, `?` as the placeholder (PostgreSQL numbers it). */
export const countAfterSql = (table: string) => `SELECT count(*) AS n, max(seq) AS last FROM ${table} WHERE seq > ?`;

/** The tables `status()` counts. */
export const countedTables = ['observations', 'incidents', 'violations', 'cases'] as const;
