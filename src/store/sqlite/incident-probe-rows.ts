/**
 * The space-time index of open incidents (the R*Tree of migration 0120), kept by the ingest writer once per batch
 * (migration 0170 dropped the triggers that kept it row by row): the codes new in the batch numbered by one statement
 * per code table, then every written incident's box replaced. The boxes are those of the `incident_probe_boxes` view,
 * computed from the columns the writer already holds (`incident-probe-rows.test.ts` checks them against the view):
 *   point:  x = lon + 400 * tier,           y = lat + 200 * activity code
 *   region: x = -1000 - region code,        y = -1024 * (2 * activity code + tier) - lane
 *   time:   [start, end] / (1 day, or 64 days in the long tier)
 * Codes are numbered in the order the batch first names them and never change (the server's probes cache them).
 */
import type Database from 'better-sqlite3';
import { LONG_SPAN_MS, LONG_UNIT_MS, MAX_LANE, SHORT_UNIT_MS } from '../migrations/0120-incident-probe-tiers.js';
import { Rows } from './rows.js';
import { valueAt } from '../../core/item-at.js';

/** Width of an incident row (ingest-writes.ts): incidentColumns (12), doc, salt. */
const INCIDENT_WIDTH = 14;

type CodeKind = 'activity' | 'region' | 'source';
const CODE_TABLES: Record<CodeKind, { table: string; column: string }> = {
  activity: { table: 'incident_activities', column: 'activity' },
  region: { table: 'incident_regions', column: 'region' },
  source: { table: 'incident_sources', column: 'source' },
};

/** A coordinate column shifted into its lane; NULL stays NULL, as in the view. */
const plus = (v: unknown, d: number) => (v === null ? null : (v as number) + d);

export class IncidentProbeRows {
  readonly #statements: Map<string, Database.Statement>;

  constructor(
    readonly db: Database.Database,
    statements: Map<string, Database.Statement>,
  ) {
    this.#statements = statements;
  }

  #stmt(sql: string): Database.Statement {
    let s = this.#statements.get(sql);
    if (!s) this.#statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /**
   * After the batch's incident rows are written: `rows` flat as the writer wrote them, `soleSources` one per row
   * (a region incident's sole member's source, else null), `seqs` each row's seq (by id), from the upsert.
   */
  write(rows: readonly unknown[], soleSources: readonly (string | null)[], seqs: ReadonlyMap<string, number>): void {
    const n = rows.length / INCIDENT_WIDTH;
    const named: Record<CodeKind, Set<string>> = { activity: new Set(), region: new Set(), source: new Set() };
    const open: number[] = [];
    for (let i = 0; i < n; i++) {
      const at = i * INCIDENT_WIDTH;
      const seq = seqs.get(rows[at] as string);
      if (seq === undefined) throw new Error(`bug: incident ${String(rows[at])} written without its seq`);
      // A revised incident's old box goes, whatever its status was (an incident never leaves `open` and returns).
      if ((rows[at + 1] as number) > 1) this.#stmt('DELETE FROM incident_rtree WHERE seq = ?').run(seq);
      if (rows[at + 2] !== 'open') continue;
      open.push(i);
      named.activity.add(rows[at + 3] as string);
      const region = rows[at + 11] as string | null;
      if (region !== null) {
        named.region.add(region);
        const source = soleSources[i];
        if (source != null) named.source.add(source);
      }
    }
    if (!open.length) return;
    const codes = {
      activity: this.#codes('activity', named.activity),
      region: this.#codes('region', named.region),
      source: this.#codes('source', named.source),
    };
    const boxes = new Rows(
      this.db,
      this.#statements,
      'incident_rtree (seq, min_x, max_x, min_y, max_y, start_t, end_t)',
      7,
    );
    for (const i of open) {
      const at = i * INCIDENT_WIDTH;
      const start = rows[at + 5] as number;
      const end = rows[at + 6] as number;
      const tier = end - start > LONG_SPAN_MS ? 1 : 0;
      const unit = tier ? LONG_UNIT_MS : SHORT_UNIT_MS;
      const activity = valueAt(codes.activity, rows[at + 3] as string);
      const region = rows[at + 11] as string | null;
      const seq = valueAt(seqs, rows[at] as string);
      if (region === null) {
        const x = 400 * tier;
        const y = 200 * activity;
        boxes.add(
          seq,
          plus(rows[at + 7], x),
          plus(rows[at + 9], x),
          plus(rows[at + 8], y),
          plus(rows[at + 10], y),
          start / unit,
          end / unit,
        );
      } else {
        const source = soleSources[i];
        const sourceCode = source == null ? undefined : codes.source.get(source);
        const lane = sourceCode !== undefined && sourceCode <= MAX_LANE ? sourceCode : 0;
        const x = -1000 - valueAt(codes.region, region);
        const y = -1024 * (2 * activity + tier) - lane;
        boxes.add(seq, x, x, y, y, start / unit, end / unit);
      }
    }
    boxes.flush();
  }

  /** The codes of `names`, numbering the new ones first (in the order named). */
  #codes(kind: CodeKind, names: ReadonlySet<string>): Map<string, number> {
    const out = new Map<string, number>();
    if (!names.size) return out;
    const { table, column } = CODE_TABLES[kind];
    const list = JSON.stringify([...names]);
    this.#stmt(
      `INSERT INTO ${table} (${column}) SELECT j.value FROM json_each(?) j
       WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.${column} = j.value) ORDER BY j.key`,
    ).run(list);
    const read = this.#stmt(
      `SELECT t.${column}, t.code FROM json_each(?) j CROSS JOIN ${table} t ON t.${column} = j.value`,
    );
    for (const [name, code] of read.raw(true).all(list) as [string, number][]) out.set(name, code);
    return out;
  }
}
