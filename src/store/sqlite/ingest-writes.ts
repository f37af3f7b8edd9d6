/**
 * An ingest batch's writes on SQLite: the records as the server thread hands them over (plain data, so a worker
 * thread can be sent them), the rows they become, and the code that writes those inside one write transaction.
 * Deduplication and the pipeline happen before, on the server's thread (sqlite-store.ts); serialising and writing
 * happen here, on the writer's.
 * Leaf hashes and tree nodes are computed here, by whoever holds the lock, because the log's size is only known
 * inside the transaction (casework appends to the same log).
 */
import type Database from 'better-sqlite3';
import type { Incident } from '../../core/ops/fusion.js';
import type { CaseOpening } from '../../core/ops/trigger.js';
import type { Violation } from '../../core/ops/violation.js';
import type { Observation } from '../../core/ops/observation.js';
import type { IngestMeta, ProcessedBatch, StoredObservation } from '../../core/ports/store.js';
import type { TextLogEntry } from '../../core/ports/tlog.js';
import { canonicalStoredJson } from '../../core/tlog/canonical-json.js';
import { caseColumns, incidentColumns, latestById, observationColumns, violationColumns } from '../columns.js';
import { docText, ingestTextEntries } from '../log-entries.js';
import { Rows } from './rows.js';
import { appendEntries } from './tlog-store.js';

export interface BatchWrites {
  /** 9 values per observation: seq, source, source_id, activity, time, region, received_at, submitted_by, doc. */
  observations: unknown[];
  /** Incidents whose current row is copied to `incident_revisions` before it is replaced. */
  incidentArchive: string[];
  /** 3 values (id, revision, doc) per revision superseded inside the batch. */
  incidentRevisions: unknown[];
  /** 13 values per incident: its current row (incidentColumns, doc). */
  incidents: unknown[];
  /** The longest incident span per activity this batch wrote (migration 0005). */
  spans: [string, number][];
  violationArchive: string[];
  violationRevisions: unknown[];
  /** 9 values per violation (violationColumns, zones, doc). */
  violations: unknown[];
  /** 7 values per case opening (caseColumns, doc). */
  cases: unknown[];
  /** The log entries, in log order: observations, then what the pipeline made. */
  entries: TextLogEntry[];
}

const incidentTarget = 'incidents (id, revision, status, activity, time, start_ms, end_ms, min_lon, min_lat, max_lon, max_lat, region, doc)';
const incidentUpsert = `ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, status = excluded.status, time = excluded.time,
  start_ms = excluded.start_ms, end_ms = excluded.end_ms, min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon,
  max_lat = excluded.max_lat, region = excluded.region, doc = excluded.doc`;
const violationTarget = 'violations (id, revision, status, prohibition, party, time, region, zones, doc)';
const violationUpsert = `ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, status = excluded.status, prohibition = excluded.prohibition,
  party = excluded.party, time = excluded.time, region = excluded.region, zones = excluded.zones, doc = excluded.doc`;

/**
 * A batch as the server thread hands it over: the new observations' rows (their documents already serialised there,
 * which balances the two threads' work) and what the pipeline made of them. Plain data: structured-cloned to the
 * writer thread, which serialises the rest.
 */
export interface BatchRecords {
  /** 9 values per new observation, as `BatchWrites.observations` (observationRow). */
  observations: unknown[];
  out: ProcessedBatch;
  /** The longest incident span per activity among the batch's incidents (the server thread needs them too). */
  spans: [string, number][];
}

/** An observation's row: seq, source, source_id, activity, time, region, received_at, submitted_by, doc. */
export function observationRow(rows: unknown[], o: Observation, seq: number, meta: IngestMeta): void {
  // Serialised straight (not docText): this text is used once, for the row; the writer frames the entry from it.
  const c = observationColumns(o);
  rows.push(seq, c[0], c[1], c[2], c[3], c[4], meta.receivedAt, meta.submittedBy, canonicalStoredJson(o));
}

/**
 * The rows of one batch. The current row of each record holds its latest revision; a changed record's old row is
 * archived first (inside SQLite, no re-serialising), so a new incident, the common case, is written once.
 */
export function batchWrites({ observations, out, spans }: BatchRecords): BatchWrites {
  const n = observations.length / 9;
  const docs: string[] = new Array(n);
  const stored: Pick<StoredObservation, 'seq' | 'receivedAt' | 'submittedBy'>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * 9;
    stored[i] = { seq: observations[at] as number, receivedAt: observations[at + 6] as number, submittedBy: observations[at + 7] as string };
    docs[i] = observations[at + 8] as string;
  }
  const incidents = latestById(out.incidentRevisions as Incident[]);
  const lastIncident = new Set<object>(incidents);
  const incidentRevisions: unknown[] = [];
  for (const r of out.incidentRevisions as Incident[]) if (!lastIncident.has(r)) incidentRevisions.push(r.id, r.revision, docText(r));
  const incidentRows: unknown[] = [];
  for (const r of incidents) incidentRows.push(...incidentColumns(r), docText(r));
  const violations = latestById(out.violations as Violation[]);
  const lastViolation = new Set<object>(violations);
  const violationRevisions: unknown[] = [];
  for (const v of out.violations as Violation[]) if (!lastViolation.has(v)) violationRevisions.push(v.id, v.revision, docText(v));
  const violationRows: unknown[] = [];
  for (const v of violations) violationRows.push(...violationColumns(v), `,${v.zones.join(',')},`, docText(v));
  const cases: unknown[] = [];
  for (const c of out.caseOpenings as CaseOpening[]) cases.push(...caseColumns(c), docText(c));
  return {
    observations,
    // Revision 1 is new in this batch: there is no current row to archive.
    incidentArchive: incidents.filter((r) => r.revision > 1).map((r) => r.id),
    incidentRevisions,
    incidents: incidentRows,
    spans,
    violationArchive: violations.filter((v) => v.revision > 1).map((v) => v.id),
    violationRevisions,
    violations: violationRows,
    cases,
    entries: ingestTextEntries(stored, out, docs),
  };
}

/** Applies batch writes on one connection; the statements are prepared once. */
export class WriteApplier {
  readonly #statements = new Map<string, Database.Statement>();
  readonly #archiveIncident: Database.Statement;
  readonly #archiveViolation: Database.Statement;
  readonly #growSpan: Database.Statement;

  constructor(readonly db: Database.Database) {
    this.#archiveIncident = db.prepare('INSERT INTO incident_revisions (id, revision, doc) SELECT id, revision, doc FROM incidents WHERE id = ?');
    this.#archiveViolation = db.prepare('INSERT INTO violation_revisions (id, revision, doc) SELECT id, revision, doc FROM violations WHERE id = ?');
    this.#growSpan = db.prepare('INSERT INTO incident_spans (activity, max_span) VALUES (?, ?) ON CONFLICT (activity) DO UPDATE SET max_span = max(max_span, excluded.max_span)');
  }

  /** One transaction for the batches, in order: all of them commit, or none and this throws. */
  commit(batches: readonly BatchRecords[]): void {
    const db = this.db;
    const writes = batches.map(batchWrites); // serialising happens here, on the writer's thread
    db.exec('BEGIN IMMEDIATE');
    try {
      const entries: TextLogEntry[] = [];
      for (const w of writes) {
        this.#apply(w);
        for (const e of w.entries) entries.push(e);
      }
      appendEntries(db, entries); // the transparency log, in this transaction (docs/tlog.md)
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  }

  #apply(w: BatchWrites): void {
    const rows = (target: string, width: number, values: readonly unknown[], tail = '') => {
      const r = new Rows(this.db, this.#statements, target, width, tail);
      r.addAll(values);
      r.flush();
    };
    // Seqs were assigned by the server thread, which checked each (source, sourceId) was new: a conflict is a bug
    // (or another process writing observations), and fails the batch.
    rows('observations (seq, source, source_id, activity, time, region, received_at, submitted_by, doc)', 9, w.observations);
    for (const id of w.incidentArchive) this.#archiveIncident.run(id);
    rows('incident_revisions (id, revision, doc)', 3, w.incidentRevisions);
    rows(incidentTarget, 13, w.incidents, incidentUpsert);
    for (const [activity, span] of w.spans) this.#growSpan.run(activity, span);
    for (const id of w.violationArchive) this.#archiveViolation.run(id);
    rows('violation_revisions (id, revision, doc)', 3, w.violationRevisions);
    rows(violationTarget, 9, w.violations, violationUpsert);
    // The server thread asked which cases exist: a conflict here is a bug, not a retry (case_key is UNIQUE).
    rows('cases (id, case_key, trigger_id, severity, party, opened_at, doc)', 7, w.cases);
  }
}
