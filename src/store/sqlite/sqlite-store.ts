/**
 * The embedded store: one SQLite file through better-sqlite3, for a mission on one machine (a single server process
 * owns the file; docs/operations/store.md).
 *
 * Durability: WAL with `synchronous=FULL` by default, so an acknowledged batch survives not only `kill -9` of the
 * server but a power cut (the WAL is fsynced at every commit). `synchronous=NORMAL` skips that fsync: still safe
 * against a process crash (the committed WAL frames are in the OS page cache), but the last commits can be lost if
 * the machine loses power. Batches are 500 observations, so one fsync per batch costs little (bench/ingest.ts).
 * https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html
 */
import Database from 'better-sqlite3';
import type { Incident } from '../../core/ops/fusion.js';
import type { Observation } from '../../core/ops/observation.js';
import type { IncidentProbe, OpsReader, ViolationQuery } from '../../core/ops/ports.js';
import type { CaseOpening } from '../../core/ops/trigger.js';
import type { Violation } from '../../core/ops/violation.js';
import type {
  ApiKeyRecord,
  BatchProcessor,
  CaseFilter,
  IncidentFilter,
  IngestMeta,
  IngestResult,
  ObservationFilter,
  Page,
  ProcessedBatch,
  Role,
  Store,
  StoredCase,
  StoredObservation,
  StoreStatus,
  ViolationFilter,
} from '../../core/ports/store.js';
import { caseColumns, emptyBatch, incidentColumns, latestById, observationColumns, spansByActivity, violationColumns } from '../columns.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { caseConditions, incidentConditions, observationConditions, pageQuery, violationConditions, type Condition } from '../filters.js';
import { migrations as allMigrations } from '../migrations/index.js';
import type { Migration } from '../migrations/migration.js';
import { WriteQueue } from '../write-queue.js';
import { GroupCommit, type IngestRequest } from '../group-commit.js';
import type { LogEntry } from '../../core/ports/tlog.js';
import { migrateSqlite } from './migrate.js';
import { matcher, planProbes } from '../probe-plan.js';
import { docText, ingestEntries } from '../log-entries.js';
import { appendEntries } from './tlog-store.js';
import { Rows } from './rows.js';
import { RecentRecords } from '../recent-records.js';

export interface SqliteStoreOptions {
  /** A file path, or `:memory:` for tests. */
  path: string;
  /** Default `full`; see the module comment. */
  synchronous?: 'full' | 'normal';
  migrations?: readonly Migration[];
}

type Stmt = Database.Statement;

/** SQLite integers are 64-bit but our times fit in a double; clamp an open-ended window (Infinity) to a number. */
const FAR = Number.MAX_SAFE_INTEGER;
const bound = (t: number) => (t === Infinity ? FAR : t === -Infinity ? -FAR : t);

const incidentTarget = 'incidents (id, revision, status, activity, time, start_ms, end_ms, min_lon, min_lat, max_lon, max_lat, region, doc)';
const incidentUpsert = `ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, status = excluded.status, time = excluded.time,
  start_ms = excluded.start_ms, end_ms = excluded.end_ms, min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon,
  max_lat = excluded.max_lat, region = excluded.region, doc = excluded.doc`;
const violationTarget = 'violations (id, revision, status, prohibition, party, time, region, zones, doc)';
const violationUpsert = `ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, status = excluded.status, prohibition = excluded.prohibition,
  party = excluded.party, time = excluded.time, region = excluded.region, zones = excluded.zones, doc = excluded.doc`;

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  readonly migrations: string[];
  readonly #queue = new WriteQueue();
  readonly #groups = new GroupCommit(this.#queue, (group) => this.#ingestGroup(group));
  readonly #s: Record<string, Stmt>;
  /** Recently committed incidents and violations (recent-records.ts): lookups skip their documents. */
  readonly #recent = new RecentRecords<Incident>();
  readonly #recentViolations = new RecentRecords<Violation>();
  /** Multi-row INSERTs by table and row count (Rows), prepared once per connection. */
  readonly #statements = new Map<string, Stmt>();

  private constructor(db: Database.Database, applied: string[]) {
    this.db = db;
    this.migrations = applied;
    const p = (sql: string) => db.prepare(sql);
    this.#s = {
      insertObservation: p(
        'INSERT INTO observations (source, source_id, activity, time, region, received_at, submitted_by, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, source_id) DO NOTHING',
      ),
      seqOf: p('SELECT seq FROM observations WHERE source = ? AND source_id = ?'),
      observation: p('SELECT seq, doc, received_at, submitted_by FROM observations WHERE seq = ?'),
      probeBox: p(
        "SELECT id, revision, activity, start_ms, end_ms, min_lon, min_lat, max_lon, max_lat FROM incidents WHERE status = 'open' AND activity = ? AND end_ms >= ? AND end_ms <= ? AND start_ms <= ? AND max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?",
      ),
      probeRegion: p("SELECT id, revision, activity, start_ms, end_ms, region FROM incidents WHERE status = 'open' AND activity = ? AND end_ms >= ? AND end_ms <= ? AND start_ms <= ? AND region = ?"),
      spans: p('SELECT activity, max_span FROM incident_spans'),
      growSpan: p('INSERT INTO incident_spans (activity, max_span) VALUES (?, ?) ON CONFLICT (activity) DO UPDATE SET max_span = max(max_span, excluded.max_span)'),
      archiveIncident: p('INSERT INTO incident_revisions (id, revision, doc) SELECT id, revision, doc FROM incidents WHERE id = ?'),
      incident: p('SELECT doc FROM incidents WHERE id = ?'),
      incidentHistory: p('SELECT revision, doc FROM incident_revisions WHERE id = ? UNION ALL SELECT revision, doc FROM incidents WHERE id = ? ORDER BY revision'),
      activeViolations: p("SELECT id, revision FROM violations WHERE status = 'active' AND prohibition = ? AND party = ? AND time >= ? AND time < ?"),
      archiveViolation: p('INSERT INTO violation_revisions (id, revision, doc) SELECT id, revision, doc FROM violations WHERE id = ?'),
      violation: p('SELECT doc FROM violations WHERE id = ?'),
      caseExists: p('SELECT 1 FROM cases WHERE case_key = ?'),
      insertCase: p('INSERT INTO cases (id, case_key, trigger_id, severity, party, opened_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_key) DO NOTHING'),
      case: p('SELECT seq, doc FROM cases WHERE id = ?'),
      insertKey: p('INSERT INTO api_keys (id, hash, actor, role, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      key: p('SELECT * FROM api_keys WHERE id = ?'),
      keys: p('SELECT * FROM api_keys ORDER BY created_at, id'),
      revokeKey: p('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      admins: p("SELECT count(*) AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL"),
    };
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    const db = new Database(options.path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      // A second process (a CLI reading the file) may hold the lock briefly; wait rather than fail.
      db.pragma('busy_timeout = 5000');
      // Checkpoint the WAL every ~40 MB instead of 4 MB: a batch writes about 2 MB, so the default checkpointed (and
      // fsynced the database file) every other batch; 10,000 pages cut ingest time by ~15% (bench/ingest.ts). Commit
      // durability is unchanged; recovery after a crash replays at most that much WAL.
      db.pragma('wal_autocheckpoint = 10000');
      // A 64 MB page cache (default 2 MB): a batch dirties more pages than the default holds, so SQLite spilled them
      // to the WAL mid-transaction and read index pages back; temp B-trees in memory. Neither changes durability.
      db.pragma('cache_size = -65536');
      db.pragma('temp_store = MEMORY');
      const applied = migrateSqlite(db, options.migrations ?? allMigrations);
      return new SqliteStore(db, applied);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  ingest(observations: readonly Observation[], meta: IngestMeta, process: BatchProcessor): Promise<IngestResult> {
    return this.#groups.submit({ observations, meta, process });
  }

  /** One transaction for a group of batches (group-commit.ts): each stored and processed in turn, one log append. */
  async #ingestGroup(group: readonly IngestRequest[]): Promise<IngestResult[]> {
    const db = this.db;
    db.exec('BEGIN IMMEDIATE');
    try {
      const results: IngestResult[] = [];
      const entries: LogEntry[] = [];
      const written: ProcessedBatch[] = [];
      const s = this.#s;
      for (const { observations, meta, process } of group) {
        const ids: number[] = new Array(observations.length);
        const fresh: StoredObservation[] = [];
        const docs: string[] = [];
        for (let i = 0; i < observations.length; i++) {
          const o = observations[i]!;
          const doc = docText(o);
          const r = s.insertObservation!.run(...observationColumns(o), meta.receivedAt, meta.submittedBy, doc);
          if (r.changes === 1) {
            const seq = Number(r.lastInsertRowid);
            ids[i] = seq;
            fresh.push({ ...o, seq, receivedAt: meta.receivedAt, submittedBy: meta.submittedBy });
            docs.push(doc);
          } else {
            ids[i] = (s.seqOf!.get(o.source, o.sourceId) as { seq: number }).seq;
          }
        }
        const out = fresh.length ? await process(fresh, this.#reader) : emptyBatch;
        this.#write(out);
        written.push(out);
        for (const e of ingestEntries(fresh, out, docs)) entries.push(e);
        results.push({
          accepted: fresh.length,
          duplicates: observations.length - fresh.length,
          ids,
          incidentRevisions: out.incidentRevisions.length,
          violations: out.violations.length,
          cases: out.caseOpenings.length,
        });
      }
      appendEntries(db, entries); // the transparency log, in this transaction (docs/tlog.md)
      db.exec('COMMIT');
      // Only what committed is remembered.
      for (const out of written) {
        this.#recent.remember(out.incidentRevisions);
        this.#recentViolations.remember(out.violations);
      }
      return results;
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  }

  /** Reads inside the ingest transaction (the same connection), so it sees the batch's own writes. */
  readonly #reader: OpsReader = {
    findIncidents: (probes: readonly IncidentProbe[]): Incident[] => {
      // A few range queries over the indexed columns, the exact test on those columns, then only the matches parsed.
      const out = new Map<string, Incident>();
      const wanted = matcher(probes);
      const spans = new Map((this.#s.spans!.all() as { activity: string; max_span: number }[]).map((r) => [r.activity, r.max_span]));
      for (const c of planProbes(probes)) {
        const span = spans.get(c.activity);
        if (span === undefined) continue; // no incident of this activity yet
        // An overlapping incident starts by `to`, so it ends by `to + span` (migration 0005).
        const last = bound(c.to) + span;
        const rows = (
          c.kind === 'region'
            ? this.#s.probeRegion!.all(c.activity, bound(c.from), last, bound(c.to), c.region)
            : this.#s.probeBox!.all(c.activity, bound(c.from), last, bound(c.to), c.minLon, c.maxLon, c.minLat, c.maxLat)
        ) as ProbeRow[];
        for (const r of rows) {
          if (out.has(r.id)) continue;
          const shape = { activity: r.activity, start: r.start_ms, end: r.end_ms, box: r.min_lon === undefined || r.min_lon === null ? null : [r.min_lon, r.min_lat!, r.max_lon!, r.max_lat!], region: r.region ?? null };
          if (!wanted(shape)) continue;
          out.set(r.id, this.#recent.at(r.id, r.revision) ?? (JSON.parse((this.#s.incident!.get(r.id) as { doc: string }).doc) as Incident));
        }
      }
      return [...out.values()];
    },
    findViolations: (queries: readonly ViolationQuery[]): Violation[] => {
      const out = new Map<string, Violation>();
      for (const q of queries)
        for (const p of q.prohibitions) {
          const rows = this.#s.activeViolations!.all(p, q.party, bound(q.from), bound(q.to)) as { id: string; revision: number }[];
          for (const r of rows) {
            if (out.has(r.id)) continue;
            out.set(r.id, this.#recentViolations.at(r.id, r.revision) ?? (JSON.parse((this.#s.violation!.get(r.id) as { doc: string }).doc) as Violation));
          }
        }
      return [...out.values()];
    },
    existingCases: (keys: readonly string[]): ReadonlySet<string> => new Set(keys.filter((k) => this.#s.caseExists!.get(k) !== undefined)),
  };

  /**
   * The current row of each record holds its latest revision; `*_revisions` holds the superseded ones. A changed
   * record's old row is copied to its revisions table first (inside SQLite, no re-serialising), so a new incident,
   * the common case, is written once.
   */
  #write(out: ProcessedBatch): void {
    const s = this.#s;
    const db = this.db;
    const st = this.#statements;
    // Multi-row statements (src/store/sqlite/rows.ts); latestById gives each id once, as a multi-row upsert needs.
    const incidents = latestById(out.incidentRevisions);
    const lastIncident = new Set<object>(incidents);
    // Revision 1 is new in this batch: there is no current row to archive.
    for (const r of incidents) if (r.revision > 1) s.archiveIncident!.run(r.id);
    const incidentRevisions = new Rows(db, st, 'incident_revisions (id, revision, doc)', 3);
    for (const r of out.incidentRevisions) if (!lastIncident.has(r)) incidentRevisions.add(r.id, r.revision, docText(r));
    incidentRevisions.flush();
    const incidentRows = new Rows(db, st, incidentTarget, 13, incidentUpsert);
    for (const r of incidents) incidentRows.add(...incidentColumns(r), docText(r));
    incidentRows.flush();
    for (const [activity, span] of spansByActivity(incidents)) s.growSpan!.run(activity, span);
    const violations = latestById(out.violations);
    const lastViolation = new Set<object>(violations);
    for (const v of violations) if (v.revision > 1) s.archiveViolation!.run(v.id);
    const violationRevisions = new Rows(db, st, 'violation_revisions (id, revision, doc)', 3);
    for (const v of out.violations) if (!lastViolation.has(v)) violationRevisions.add(v.id, v.revision, docText(v));
    violationRevisions.flush();
    const violationRows = new Rows(db, st, violationTarget, 9, violationUpsert);
    for (const v of violations) violationRows.add(...violationColumns(v), `,${v.zones.join(',')},`, docText(v));
    violationRows.flush();
    for (const c of out.caseOpenings) {
      const r = s.insertCase!.run(...caseColumns(c), docText(c));
      // The pipeline asked existingCases in this transaction: a conflict here is a bug, not a retry.
      if (r.changes !== 1) throw new Error(`bug: case ${c.key} opened twice`);
    }
  }

  #page<T>(table: string, conds: Condition[], cursor: string | undefined, limit: number, map: (row: { seq: number; doc: string }) => T): Page<T> {
    const q = pageQuery(table, conds, decodeCursor(cursor), limit);
    const rows = this.db.prepare(q.sql).all(...(q.values as unknown[])) as { seq: number; doc: string }[];
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const page: Page<T> = { items: rows.map(map) };
    if (more) page.next = encodeCursor(rows[rows.length - 1]!.seq);
    return page;
  }

  async listObservations(q: ObservationFilter): Promise<Page<StoredObservation>> {
    const conds = observationConditions(q);
    const query = pageQuery('observations', conds, decodeCursor(q.cursor), q.limit);
    const sql = query.sql.replace('SELECT seq, doc', 'SELECT seq, doc, received_at, submitted_by');
    const rows = this.db.prepare(sql).all(...(query.values as unknown[])) as ObservationRow[];
    const more = rows.length > q.limit;
    if (more) rows.length = q.limit;
    const page: Page<StoredObservation> = { items: rows.map(storedObservation) };
    if (more) page.next = encodeCursor(rows[rows.length - 1]!.seq);
    return page;
  }

  async getObservation(seq: number): Promise<StoredObservation | undefined> {
    const r = this.#s.observation!.get(seq) as ObservationRow | undefined;
    return r && storedObservation(r);
  }

  async listIncidents(q: IncidentFilter): Promise<Page<Incident>> {
    return this.#page('incidents', incidentConditions(q), q.cursor, q.limit, (r) => JSON.parse(r.doc) as Incident);
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const r = this.#s.incident!.get(id) as { doc: string } | undefined;
    return r && (JSON.parse(r.doc) as Incident);
  }

  async incidentHistory(id: string): Promise<Incident[]> {
    return (this.#s.incidentHistory!.all(id, id) as { doc: string }[]).map((r) => JSON.parse(r.doc) as Incident);
  }

  async listViolations(q: ViolationFilter): Promise<Page<Violation>> {
    return this.#page('violations', violationConditions(q, 'sqlite'), q.cursor, q.limit, (r) => JSON.parse(r.doc) as Violation);
  }

  async getViolation(id: string): Promise<Violation | undefined> {
    const r = this.#s.violation!.get(id) as { doc: string } | undefined;
    return r && (JSON.parse(r.doc) as Violation);
  }

  async listCases(q: CaseFilter): Promise<Page<StoredCase>> {
    return this.#page('cases', caseConditions(q), q.cursor, q.limit, (r) => ({ ...(JSON.parse(r.doc) as CaseOpening), seq: r.seq }));
  }

  async getCase(id: string): Promise<StoredCase | undefined> {
    const r = this.#s.case!.get(id) as { seq: number; doc: string } | undefined;
    return r && { ...(JSON.parse(r.doc) as CaseOpening), seq: r.seq };
  }

  async createApiKey(k: ApiKeyRecord): Promise<void> {
    this.#s.insertKey!.run(k.id, k.hash, k.actor, k.role, k.label, k.createdAt, k.revokedAt ?? null);
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const r = this.#s.key!.get(id) as KeyRow | undefined;
    return r && apiKey(r);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (this.#s.keys!.all() as KeyRow[]).map(apiKey);
  }

  async revokeApiKey(id: string, at: number): Promise<boolean> {
    return this.#s.revokeKey!.run(at, id).changes === 1;
  }

  async countActiveAdmins(): Promise<number> {
    return (this.#s.admins!.get() as { n: number }).n;
  }

  async status(): Promise<StoreStatus> {
    const n = (t: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return {
      dialect: 'sqlite',
      observations: n('observations'),
      incidents: n('incidents'),
      violations: n('violations'),
      cases: n('cases'),
      migrations: [...this.migrations],
    };
  }

  async close(): Promise<void> {
    await this.#queue.run(async () => undefined);
    if (this.db.open) this.db.close();
  }
}

interface ProbeRow {
  id: string;
  revision: number;
  activity: string;
  start_ms: number;
  end_ms: number;
  min_lon?: number | null;
  min_lat?: number | null;
  max_lon?: number | null;
  max_lat?: number | null;
  region?: string | null;
}

interface ObservationRow {
  seq: number;
  doc: string;
  received_at: number;
  submitted_by: string;
}

function storedObservation(r: ObservationRow): StoredObservation {
  return { ...(JSON.parse(r.doc) as Observation), seq: r.seq, receivedAt: r.received_at, submittedBy: r.submitted_by };
}

interface KeyRow {
  id: string;
  hash: string;
  actor: string;
  role: string;
  label: string;
  created_at: number;
  revoked_at: number | null;
}

export function apiKey(r: KeyRow): ApiKeyRecord {
  const k: ApiKeyRecord = { id: r.id, hash: r.hash, actor: r.actor, role: r.role as Role, label: r.label, createdAt: Number(r.created_at) };
  if (r.revoked_at !== null) k.revokedAt = Number(r.revoked_at);
  return k;
}
