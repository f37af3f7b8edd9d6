/**
 * Rows for one table, inserted CHUNK at a time by one multi-row INSERT: a statement per row cost more in
 * better-sqlite3's per-call overhead and SQLite's statement start-up than in the B-tree inserts themselves. The
 * statements (a full chunk, and each remainder size met) are prepared once per connection and kept in `statements`.
 * `tail` follows the VALUES list (an ON CONFLICT clause); a multi-row upsert must not name one key twice.
 */
import type Database from 'better-sqlite3';

export class Rows {
  static readonly CHUNK = 100;
  readonly #values: unknown[] = [];
  /** Rows the statements inserted or changed so far (fewer than added when an ON CONFLICT clause skipped some). */
  changes = 0;
  constructor(
    readonly db: Database.Database,
    readonly statements: Map<string, Database.Statement>,
    /** `table (col, ...)` */
    readonly target: string,
    readonly width: number,
    readonly tail = '',
    /** When `tail` ends in a RETURNING clause: the rows it returns, as arrays, appended here. */
    readonly returned?: unknown[][],
  ) {}

  add(...row: unknown[]): void {
    if (row.length !== this.width)
      throw new Error(`bug: ${row.length} values for ${this.width} columns of ${this.target}`);
    for (const v of row) this.#values.push(v);
    if (this.#values.length === Rows.CHUNK * this.width) this.flush();
  }

  /** Rows already laid out flat, `width` values each. */
  addAll(values: readonly unknown[]): void {
    if (values.length % this.width !== 0)
      throw new Error(`bug: ${values.length} values for rows of ${this.width} columns of ${this.target}`);
    const full = Rows.CHUNK * this.width;
    for (const v of values) {
      this.#values.push(v);
      if (this.#values.length === full) this.flush();
    }
  }

  flush(): void {
    const n = this.#values.length / this.width;
    if (n === 0) return;
    const key = `${this.target}/${this.tail}/${n}`;
    let stmt = this.statements.get(key);
    if (!stmt) {
      const row = `(${new Array(this.width).fill('?').join(', ')})`;
      stmt = this.db.prepare(`INSERT INTO ${this.target} VALUES ${new Array(n).fill(row).join(', ')} ${this.tail}`);
      this.statements.set(key, stmt);
    }
    if (this.returned) {
      const out = stmt.raw(true).all(this.#values) as unknown[][];
      for (const r of out) this.returned.push(r);
      this.changes += out.length;
    } else this.changes += stmt.run(this.#values).changes;
    this.#values.length = 0;
  }
}
