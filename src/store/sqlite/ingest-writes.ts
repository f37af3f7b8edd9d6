/**
 * An ingest batch's writes on SQLite: the records the pipeline made, the rows and log entries they become, and the
 * code that writes those inside one write transaction. Deduplication and the pipeline happen before, on the server's
 * thread (sqlite-store.ts), which also serialises every record and hashes every log entry's leaf (`writerBatch`): a
 * leaf does not depend on the entry's place in the log, and strings and one buffer of leaves are far cheaper to send
 * a thread than the records. The writer (a thread of its own, ingest-writer.ts) inserts the rows, adds the tree's
 * nodes, which need the log's size, known only inside the transaction (casework appends to the same log), and
 * commits.
 */
import type Database from 'better-sqlite3';
import type { Incident } from '../../core/ops/index.js';
import type { CaseOpening } from '../../core/ops/index.js';
import type { Violation } from '../../core/ops/index.js';
import type { Observation } from '../../core/ops/index.js';
import type { IngestMeta } from '../../core/ports/store.js';
import type { TextLogEntry } from '../../core/ports/tlog.js';
import { canonicalStoredJson } from '../../core/tlog/canonical-json.js';
import { caseColumns, incidentColumns, latestById, observationColumns, violationColumns } from '../columns.js';
import {
  caseOpeningTextEntry,
  freshSalts,
  incidentTextEntry,
  observationTextEntry,
  violationTextEntry,
} from '../log-entries.js';
import { reviseRegionsSql } from '../case-board.js';
import { IncidentProbeRows } from './incident-probe-rows.js';
import { Rows } from './rows.js';
import { appendLeaves, logLeaves, type LogLeaves } from './tlog-store.js';
import { itemAt, valueAt } from '../../core/item-at.js';

/** One kind of record's writes in a batch (incidents, violations): plain data. */
export interface RecordWrites {
  /** Ids whose current row is copied to the revisions table before it is replaced (revision > 1). */
  archive: string[];
  /** 4 values (id, revision, doc, salt) per revision superseded inside the batch. */
  revisions: unknown[];
  /**
   * The current rows, flat: incidents 14 values (incidentColumns, doc, salt), violations 10 (violationColumns, zones,
   * doc, salt). The salt seals the record's log entry (docs/tlog.md, "Sealed entries").
   */
  rows: unknown[];
  /** Their log entries, one per revision, in the batch's order. */
  entries: TextLogEntry[];
}

/** A batch's records: the new observations' rows, the violations' writes, and what else the pipeline made. */
export interface BatchRecords {
  /** 10 values per new observation (observationRow). */
  observations: unknown[];
  incidents: Incident[];
  violations: RecordWrites;
  caseOpenings: CaseOpening[];
  /** Revisions of open cases: each replaces its case's row, the row before moving to `case_revisions`. */
  caseRevisions: CaseOpening[];
}

/** A batch's rows and log entries, ready to insert. */
interface BatchWrites {
  /** 10 values per observation: seq, source, source_id, activity, time, region, received_at, submitted_by, doc, salt. */
  observations: unknown[];
  incidents: IncidentRecordWrites;
  violations: RecordWrites;
  /** 8 values per case opening (caseColumns, doc, salt). */
  cases: unknown[];
  /** 3 values per case revision, in order: id, doc, salt. */
  caseRevisions: unknown[];
  /** The log entries, in log order: observations, incidents, violations, case openings. */
  entries: TextLogEntry[];
}

const incidentTarget =
  'incidents (id, revision, status, activity, time, start_ms, end_ms, min_lon, min_lat, max_lon, max_lat, region, doc, salt)';
const incidentUpsert = `ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, status = excluded.status, time = excluded.time,
  start_ms = excluded.start_ms, end_ms = excluded.end_ms, min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon,
  max_lat = excluded.max_lat, region = excluded.region, doc = excluded.doc, salt = excluded.salt`;
const violationTarget = 'violations (id, revision, status, prohibition, party, time, region, zones, doc, salt)';
const violationUpsert = `ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, status = excluded.status, prohibition = excluded.prohibition,
  party = excluded.party, time = excluded.time, region = excluded.region, zones = excluded.zones, doc = excluded.doc, salt = excluded.salt`;

/**
 * An observation's row: seq, source, source_id, activity, time, region, received_at, submitted_by, doc, and the salt
 * that seals its log entry (docs/tlog.md, "Sealed entries").
 */
export function observationRow(rows: unknown[], o: Observation, seq: number, meta: IngestMeta, salt: string): void {
  // The writer frames the entry from this text.
  const c = observationColumns(o);
  rows.push(seq, c[0], c[1], c[2], c[3], c[4], meta.receivedAt, meta.submittedBy, canonicalStoredJson(o), salt);
}

/**
 * The writes of one kind of record. The current row of each record holds its latest revision; a changed record's
 * old row is archived first (inside SQLite, no re-serialising), so a new record, the common case, is written once.
 */
function recordWrites<T extends { id: string; revision: number }>(
  list: readonly T[],
  row: (r: T, text: string, salt: string, rows: unknown[]) => void,
  entry: (r: T, text: string, salt: string) => TextLogEntry,
): RecordWrites & { latest: readonly T[] } {
  // Each record serialised once, for its row and its entry; each revision sealed by a salt of its own.
  const texts = new Map<T, string>();
  const salts = new Map<T, string>();
  const fresh = freshSalts(list.length);
  const entries: TextLogEntry[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const text = canonicalStoredJson(list[i]);
    texts.set(itemAt(list, i), text);
    salts.set(itemAt(list, i), itemAt(fresh, i));
    entries[i] = entry(itemAt(list, i), text, itemAt(fresh, i));
  }
  const latest = latestById(list);
  const last = new Set<object>(latest);
  const revisions: unknown[] = [];
  for (const r of list) if (!last.has(r)) revisions.push(r.id, r.revision, texts.get(r), salts.get(r));
  const rows: unknown[] = [];
  for (const r of latest) row(r, valueAt(texts, r), valueAt(salts, r), rows);
  return {
    // Revision 1 is new in this batch: there is no current row to archive.
    archive: latest.filter((r) => r.revision > 1).map((r) => r.id),
    revisions,
    rows,
    entries,
    latest,
  };
}

/** An incident's rows, with what its box in the probe index needs beyond its columns (incident-probe-rows.ts). */
export interface IncidentRecordWrites extends RecordWrites {
  /** Per current row: the sole member's source of a region incident (its lane), else null. */
  soleSources: (string | null)[];
}

export function incidentWrites(list: readonly Incident[]): IncidentRecordWrites {
  const w = recordWrites(
    list,
    (r, text, salt, rows) => rows.push(...incidentColumns(r), text, salt),
    incidentTextEntry,
  );
  return {
    archive: w.archive,
    revisions: w.revisions,
    rows: w.rows,
    entries: w.entries,
    soleSources: w.latest.map((i) =>
      i.region !== undefined && i.members.length === 1 ? itemAt(i.members, 0).source : null,
    ),
  };
}

export function violationWrites(list: readonly Violation[]): RecordWrites {
  const w = recordWrites(
    list,
    (v, text, salt, rows) => rows.push(...violationColumns(v), `,${v.zones.join(',')},`, text, salt),
    violationTextEntry,
  );
  return { archive: w.archive, revisions: w.revisions, rows: w.rows, entries: w.entries };
}

/** The rows and entries of one batch, serialising what the server thread left (the incidents, case openings). */
function batchWrites({ observations, incidents, violations, caseOpenings, caseRevisions }: BatchRecords): BatchWrites {
  const entries: TextLogEntry[] = [];
  for (let at = 0; at < observations.length; at += 10)
    entries.push(
      observationTextEntry(
        observations[at] as number,
        observations[at + 6] as number,
        observations[at + 7] as string,
        observations[at + 8] as string,
        observations[at + 9] as string,
      ),
    );
  const i = incidentWrites(incidents);
  for (const e of i.entries) entries.push(e);
  for (const e of violations.entries) entries.push(e);
  const cases: unknown[] = [];
  const salts = freshSalts(caseOpenings.length);
  caseOpenings.forEach((c, k) => {
    const text = canonicalStoredJson(c);
    cases.push(...caseColumns(c), text, salts[k]);
    entries.push(caseOpeningTextEntry(c, text, itemAt(salts, k)));
  });
  const revised: unknown[] = [];
  const revisionSalts = freshSalts(caseRevisions.length);
  caseRevisions.forEach((c, k) => {
    const text = canonicalStoredJson(c);
    revised.push(c.id, text, revisionSalts[k]);
    entries.push(caseOpeningTextEntry(c, text, itemAt(revisionSalts, k)));
  });
  return { observations, incidents: i, violations, cases, caseRevisions: revised, entries };
}

/** A kind of record's rows without its entries (they travel as the batch's `log`). */
export type RecordRows = Omit<RecordWrites, 'entries'>;

/** A batch as the writer takes it: plain rows and the log's entries hashed (`writerBatch`). */
export interface WriterBatch {
  observations: unknown[];
  incidents: RecordRows & { soleSources: (string | null)[] };
  violations: RecordRows;
  cases: unknown[];
  caseRevisions: unknown[];
  log: LogLeaves;
}

const rowsOnly = ({ archive, revisions, rows }: RecordWrites): RecordRows => ({ archive, revisions, rows });

/** Everything of a batch but its place in the log: rows serialised, entries framed and their leaves hashed. */
export function writerBatch(records: BatchRecords): WriterBatch {
  const w = batchWrites(records);
  return {
    observations: w.observations,
    incidents: { ...rowsOnly(w.incidents), soleSources: w.incidents.soleSources },
    violations: rowsOnly(w.violations),
    cases: w.cases,
    caseRevisions: w.caseRevisions,
    log: logLeaves(w.entries),
  };
}

/** Applies batch writes on one connection; the statements are prepared once. */
export class WriteApplier {
  readonly #statements = new Map<string, Database.Statement>();
  readonly #probe: IncidentProbeRows;

  constructor(readonly db: Database.Database) {
    this.#probe = new IncidentProbeRows(db, this.#statements);
  }

  /** A statement prepared on first use (a store opened at an older migration never prepares what it cannot run). */
  #stmt(sql: string): Database.Statement {
    let s = this.#statements.get(sql);
    if (!s) this.#statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** One transaction for the batches, in order: all of them commit, or none and this throws. Returns the number of log entries written. */
  commit(batches: readonly WriterBatch[]): number {
    const db = this.db;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const w of batches) this.#apply(w);
      const { start, size } = appendLeaves(
        db,
        batches.map((w) => w.log),
      ); // the transparency log, in this transaction (docs/tlog.md)
      db.exec('COMMIT');
      return size - start;
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  }

  #apply(w: WriterBatch): void {
    const rows = (target: string, width: number, values: readonly unknown[], tail = '', returned?: unknown[][]) => {
      const r = new Rows(this.db, this.#statements, target, width, tail, returned);
      r.addAll(values);
      r.flush();
    };
    // Seqs were assigned by the server thread, which checked each (source, sourceId) was new: a conflict is a bug
    // (or another process writing observations), and fails the batch.
    rows(
      'observations (seq, source, source_id, activity, time, region, received_at, submitted_by, doc, salt)',
      10,
      w.observations,
    );
    const archiveIncident = this.#stmt(
      'INSERT INTO incident_revisions (id, revision, doc, salt) SELECT id, revision, doc, salt FROM incidents WHERE id = ?',
    );
    for (const id of w.incidents.archive) archiveIncident.run(id);
    rows('incident_revisions (id, revision, doc, salt)', 4, w.incidents.revisions);
    const written: unknown[][] = [];
    rows(incidentTarget, 14, w.incidents.rows, `${incidentUpsert} RETURNING id, seq`, written);
    this.#probe.write(w.incidents.rows, w.incidents.soleSources, new Map(written as [string, number][]));
    const archiveViolation = this.#stmt(
      'INSERT INTO violation_revisions (id, revision, doc, salt) SELECT id, revision, doc, salt FROM violations WHERE id = ?',
    );
    for (const id of w.violations.archive) archiveViolation.run(id);
    rows('violation_revisions (id, revision, doc, salt)', 4, w.violations.revisions);
    rows(violationTarget, 10, w.violations.rows, violationUpsert);
    // The server thread asked which cases exist: a conflict here is a bug, not a retry (case_key is UNIQUE).
    rows('cases (id, case_key, trigger_id, severity, party, opened_at, doc, salt)', 8, w.cases);
    if (w.caseRevisions.length) {
      // The revision a case's row holds moves to case_revisions; the row takes the new one (id, key, opened_at stay).
      const archive = this.#stmt(
        "INSERT INTO case_revisions (id, revision, doc, salt) SELECT id, COALESCE(json_extract(doc, '$.revision'), 1), doc, salt FROM cases WHERE id = ?",
      );
      const update = this.#stmt('UPDATE cases SET doc = ?, salt = ? WHERE id = ?');
      const regions = this.#stmt(reviseRegionsSql('sqlite')); // the case file follows (after the violations above)
      const r = w.caseRevisions;
      for (let k = 0; k < r.length; k += 3) {
        archive.run(r[k]);
        if (update.run(r[k + 1], r[k + 2], r[k]).changes !== 1)
          throw new Error(`bug: case ${String(r[k])} revised but not stored`);
        regions.run(r[k]);
      }
    }
  }
}
