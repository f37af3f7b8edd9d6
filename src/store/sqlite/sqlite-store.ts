/**
 * The embedded store: one SQLite file through better-sqlite3, for a mission on one machine (a single server process
 * owns the file; docs/operations/store.md). Durability: connection.ts.
 *
 * Ingest runs in two steps. On this thread, one batch at a time: deduplication and the pipeline (reading committed
 * rows plus the batches still in flight, in-flight.ts), serialising every record and hashing its log entry's leaf
 * (ingest-writes.ts). Then the rows go to an `IngestWriter`, which writes them: on this connection at once, or
 * (`writer: 'thread'`, what `guarantor serve` uses) on a writer thread with its own connection, which commits while
 * this thread prepares the next batch. A batch is acknowledged only after its COMMIT either way.
 */
import Database from 'better-sqlite3';
import type { Incident } from '../../core/ops/index.js';
import type { Observation } from '../../core/ops/index.js';
import { observationKey } from '../../core/ops/index.js';
import type { IncidentProbe, OpsReader, ViolationQuery } from '../../core/ports/ops-reader.js';
import type { ProjectionCommit } from '../../core/ports/public.js';
import type { CaseOpening } from '../../core/ops/index.js';
import type { Violation } from '../../core/ops/index.js';
import type {
  ApiKeyRecord,
  BatchProcessor,
  CaseFilter,
  IncidentFilter,
  IngestMeta,
  IngestResult,
  ObservationFilter,
  Page,
  Role,
  Store,
  StoredCase,
  StoredObservation,
  StoreHealth,
  StoreStatus,
  ViolationFilter,
} from '../../core/ports/store.js';
import { emptyBatch } from '../columns.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import {
  caseConditions,
  incidentConditions,
  observationConditions,
  observationPlan,
  pageQuery,
  violationConditions,
  type Condition,
} from '../filters.js';
import { TimeFloor } from '../time-floor.js';
import { countAfterSql, countedTables, GrowingCount } from '../growing-count.js';
import { migrations as allMigrations } from '../migrations/index.js';
import { SqliteCaseworkStore } from './casework-store.js';
import { SqliteLog, appendEntries } from './tlog-store.js';
import type { CarryOut, Migration } from '../migrations/migration.js';
import { WriteQueue } from '../write-queue.js';
import { migrateSqlite } from './migrate.js';
import { RecentRecords } from '../recent-records.js';
import { openConnection, type Synchronous } from './connection.js';
import { InFlight } from './in-flight.js';
import { observationRow, violationWrites, writerBatch } from './ingest-writes.js';
import { apiKeyEntry, freshSalts } from '../log-entries.js';
import { HotIncidents } from '../hot-incidents.js';
import { KnownCases } from '../known-cases.js';
import { groupPointProbes, matcher } from '../probe-plan.js';
import { InlineWriter, ThreadWriter, type IngestWriter } from './ingest-writer.js';
import { itemAt } from '../../core/item-at.js';
import { LONG_UNIT_MS, MAX_LANE, SHORT_UNIT_MS } from '../migrations/0120-incident-probe-tiers.js';

export interface SqliteStoreOptions {
  /** A file path, or `:memory:` for tests. */
  path: string;
  /** Default `full`; see connection.ts. */
  synchronous?: Synchronous;
  migrations?: readonly Migration[];
  /** Where rows a migration removes from the database go first (see Migration.carryOut), by migration id. */
  carryOut?: Record<string, CarryOut>;
  /**
   * Who writes ingest batches: `inline` (default) on this connection; `thread`, a writer thread with its own
   * connection (a file only), so a second core commits while this one prepares the next batch; or a writer made
   * from this connection (tests).
   */
  writer?: 'inline' | 'thread' | ((db: Database.Database) => IngestWriter);
  /** Seqs per block of the list's time floor (time-floor.ts); tests use small ones. */
  timeFloorBlock?: number;
  /** Open incidents held in memory per activity for the pipeline's probes (hot-incidents.ts); default 2,000 (held: up to twice that per activity, about 0.4 KB each). */
  hotIncidents?: number;
}

/** The store's prepared statements, by name: a typed object, so a statement that is not there is a compile error. */
function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    // Which of a batch's (source, sourceId) pairs are stored, by their index in the JSON array: one statement per
    // batch, where one per observation cost about four times as much (CROSS JOIN keeps the pairs the outer loop).
    storedSeqs: p(
      'SELECT k.key AS i, o.seq FROM json_each(?) AS k CROSS JOIN observations AS o ON o.source = k.value ->> 0 AND o.source_id = k.value ->> 1',
    ),
    maxSeq: p('SELECT coalesce(max(seq), 0) AS n FROM observations'),
    observation: p('SELECT seq, doc, received_at, submitted_by FROM observations WHERE seq = ?'),
    incident: p('SELECT doc FROM incidents WHERE id = ?'),
    latestOpen: p(
      "SELECT doc FROM incidents WHERE status = 'open' AND activity = ? ORDER BY end_ms DESC LIMIT ?",
    ).pluck(),
    incidentHistory: p(
      'SELECT revision, doc FROM incident_revisions WHERE id = ? UNION ALL SELECT revision, doc FROM incidents WHERE id = ? ORDER BY revision',
    ),
    activeViolations: p(
      "SELECT id, revision FROM violations WHERE status = 'active' AND prohibition = ? AND party = ? AND time >= ? AND time < ?",
    ),
    violation: p('SELECT doc FROM violations WHERE id = ?'),
    caseByKey: p('SELECT doc FROM cases WHERE case_key = ?').pluck(),
    case: p('SELECT seq, doc FROM cases WHERE id = ?'),
    cases: p('SELECT id, seq, doc FROM cases WHERE id IN (SELECT value FROM json_each(?))'),
    insertKey: p(
      'INSERT INTO api_keys (id, hash, actor, role, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    key: p('SELECT * FROM api_keys WHERE id = ?'),
    keys: p('SELECT * FROM api_keys ORDER BY created_at, id'),
    revokeKey: p('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    admins: p("SELECT count(*) AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL"),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * The probes on the space-time index (migrations 0061, 0120): one box of the R*Tree (a tier, an activity's lane, a
 * region's lane), then each candidate's row by its key, the exact test on its columns (time overlap; box or region)
 * and the matches' documents in the same step: the main connection's page cache starts cold whenever the writer
 * has committed, so every page a probe touches counts. Prepared on first use: a store opened at an older migration
 * (tests of the migrations) has no R*Tree.
 */
const PROBE_FROM = `SELECT i.id, i.revision, i.doc, i.start_ms, i.end_ms, i.min_lon, i.min_lat, i.max_lon, i.max_lat FROM incident_rtree r CROSS JOIN incidents i ON i.seq = r.seq
  WHERE r.max_x >= ? AND r.min_x <= ? AND r.max_y >= ? AND r.min_y <= ? AND r.end_t >= ? AND r.start_t <= ?
    AND i.activity = ? AND i.status = 'open' AND i.end_ms >= ? AND i.start_ms <= ?`;
const POINT_PROBE_SQL = `${PROBE_FROM} AND i.min_lon <= ? AND i.max_lon >= ? AND i.min_lat <= ? AND i.max_lat >= ?`;
const REGION_PROBE_SQL = `${PROBE_FROM} AND i.region = ?`;

/**
 * Batches handed to the writer and not yet committed, at most. Enough for the writer always to have the next batch
 * (and to group a few into one transaction); more would only queue, holding memory and lengthening every answer.
 */
export const MAX_IN_FLIGHT = 4;

/** SQLite integers are 64-bit but our times fit in a double; clamp an open-ended window (Infinity) to a number. */
const FAR = Number.MAX_SAFE_INTEGER;
/** The R*Tree's tiers (migration 0120): short intervals in days, long ones in 64-day units. */
const TIERS = [SHORT_UNIT_MS, LONG_UNIT_MS] as const;
const bound = (t: number) => (t === Infinity ? FAR : t === -Infinity ? -FAR : t);

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  readonly migrations: string[];
  /** Batches are prepared one at a time, in arrival order (each sees the ones before it). */
  readonly #preparing = new WriteQueue();
  readonly #inFlight = new InFlight();
  readonly #writer: IngestWriter;
  /** Moves on when a write fails: what was prepared on top of it is refused (ingest-writer.ts). */
  #epoch = 0;
  #recovering: Promise<void> | undefined;
  /** The next observation seq: assigned here, so a batch's log entries are complete before it is written. */
  #nextSeq: number | undefined;
  /** The longest incident span per activity, committed or in flight (only the ingest changes it). */
  readonly #s: Statements;
  /** The latest committed open incidents, which answer nearly every probe (hot-incidents.ts). */
  readonly #hot: HotIncidents;
  #pointProbe: Database.Statement | undefined;
  #regionProbe: Database.Statement | undefined;
  /** The R*Tree's codes of activities, regions and sources, once committed (they never change). */
  #codes: ProbeCodes | undefined;
  /** Cases by key as last committed or read (known-cases.ts): lookups skip their rows and documents. */
  readonly #knownCases = new KnownCases();
  /** Recently committed violations (recent-records.ts): lookups skip their documents. */
  readonly #recentViolations = new RecentRecords<Violation>();
  /** Where a `from` filter's observations can start (time-floor.ts). */
  readonly #timeFloor: TimeFloor;

  private constructor(
    db: Database.Database,
    applied: string[],
    writer: (db: Database.Database) => IngestWriter,
    hotIncidents: number,
    timeFloorBlock?: number,
  ) {
    this.db = db;
    this.migrations = applied;
    this.#writer = writer(db);
    this.#hot = new HotIncidents(hotIncidents);
    this.#s = prepareStatements(db);
    this.#timeFloor = new TimeFloor(
      async (after, through, size) =>
        db
          .prepare(
            `SELECT seq / ${size} AS block, min(time) AS min, max(time) AS max FROM observations WHERE seq > ? AND seq <= ? GROUP BY 1`,
          )
          .all(after, through) as { block: number; min: number; max: number }[],
      timeFloorBlock,
    );
    void this.#timeFloor.warm();
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    const w = options.writer ?? 'inline';
    if (w === 'thread' && (options.path === ':memory:' || options.path === ''))
      throw new Error('a writer thread needs a database file, not an in-memory database');
    const db = openConnection(options.path, options.synchronous);
    try {
      const applied = migrateSqlite(db, options.migrations ?? allMigrations, options.carryOut);
      const writer =
        w === 'thread'
          ? () => new ThreadWriter(options.path, options.synchronous ?? 'full')
          : w === 'inline'
            ? (own: Database.Database) => new InlineWriter(own)
            : w;
      return new SqliteStore(db, applied, writer, options.hotIncidents ?? 2_000, options.timeFloorBlock);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  ingest(observations: readonly Observation[], meta: IngestMeta, process: BatchProcessor): Promise<IngestResult> {
    // The queue moves on once the batch is handed to the writer; the answer waits for its commit.
    return this.#preparing.run(() => this.#prepare(observations, meta, process)).then((p) => p.committed);
  }

  async #prepare(
    observations: readonly Observation[],
    meta: IngestMeta,
    process: BatchProcessor,
  ): Promise<{ committed: Promise<IngestResult> }> {
    if (this.#recovering) await this.#recovering;
    // Backpressure: a writer slower than this thread would otherwise let batches (and memory) pile up in flight.
    await this.#inFlight.below(MAX_IN_FLIGHT);
    const s = this.#s;
    const flight = this.#inFlight;
    const firstSeq = (this.#nextSeq ??= (s.maxSeq.get() as { n: number }).n + 1);
    try {
      const ids: number[] = new Array(observations.length);
      const fresh: Observation[] = [];
      const rows: unknown[] = [];
      /** The new observations' keys and seqs. */
      const mine = new Map<string, number>();
      const stored = this.#storedSeqs(observations);
      const salts = freshSalts(observations.length); // one per observation; an already stored one's goes unused
      for (let i = 0; i < observations.length; i++) {
        const o = itemAt(observations, i);
        const key = observationKey(o.source, o.sourceId);
        const known = mine.get(key) ?? flight.observations.get(key)?.value ?? stored.get(i);
        if (known !== undefined) {
          ids[i] = known; // a retry: already stored (or in flight), not processed again
          continue;
        }
        const seq = this.#nextSeq++;
        ids[i] = seq;
        mine.set(key, seq);
        fresh.push(o);
        observationRow(rows, o, seq, meta, itemAt(salts, i));
      }
      const out = fresh.length ? await process(fresh, this.#reader) : emptyBatch;
      const result: IngestResult = {
        accepted: fresh.length,
        duplicates: observations.length - fresh.length,
        ids,
        incidentRevisions: out.incidentRevisions.length,
        violations: out.violations.length,
        cases: out.caseOpenings.length,
        caseRevisions: out.caseRevisions?.length ?? 0,
        late: out.late ?? 0,
      };
      const records = writerBatch({
        observations: rows,
        incidents: out.incidentRevisions,
        violations: violationWrites(out.violations),
        caseOpenings: out.caseOpenings,
        caseRevisions: out.caseRevisions ?? [],
      });
      const batch = flight.add(mine, out);
      const epoch = this.#epoch;
      // Even a batch of retries goes through the writer: it is answered after every batch before it has committed,
      // so an id is never acknowledged before the batch that stores it.
      const committed = this.#writer.write(records, epoch).then(
        () => {
          flight.settle(batch);
          // Only what committed is remembered.
          this.#hot.written(out.incidentRevisions);
          this.#recentViolations.remember(out.violations);
          this.#knownCases.written(out.caseOpenings);
          this.#knownCases.written(out.caseRevisions ?? []);
          return result;
        },
        (e: unknown) => {
          this.#failed(epoch);
          flight.settle(batch);
          throw e;
        },
      );
      return { committed };
    } catch (e) {
      this.#nextSeq = firstSeq; // nothing of this batch was handed on
      throw e;
    }
  }

  /** The seqs of the observations already committed, by their index in the batch. */
  #storedSeqs(observations: readonly Observation[]): Map<number, number> {
    const pairs: [string, string][] = new Array(observations.length);
    for (let i = 0; i < observations.length; i++)
      pairs[i] = [itemAt(observations, i).source, itemAt(observations, i).sourceId];
    const out = new Map<number, number>();
    for (const r of this.#s.storedSeqs.all(JSON.stringify(pairs)) as { i: number; seq: number }[]) out.set(r.i, r.seq);
    return out;
  }

  /** A write failed: batches prepared on top of it fail too; once none is in flight, state is read again. */
  #failed(epoch: number): void {
    if (epoch !== this.#epoch) return;
    this.#epoch++;
    this.#recovering = this.#inFlight.drained().then(() => {
      this.#nextSeq = undefined;
      this.#hot.reset(); // the write may have committed although it failed to answer
      this.#knownCases.reset();
      this.#recovering = undefined;
    });
  }

  /** Reads on this connection (committed rows) and the batches in flight, newest first. */
  readonly #reader: OpsReader = {
    findIncidents: (probes: readonly IncidentProbe[]): Incident[] => {
      const out = new Map<string, Incident>();
      const flight = this.#inFlight.incidents;
      // Committed: from memory when the hot window covers the probe, else from SQL (below).
      for (const a of this.#hot.missing(probes))
        this.#hot.install(
          a,
          (this.#s.latestOpen.all(a, this.#hot.limit) as string[]).map((doc) => JSON.parse(doc) as Incident),
        );
      const older: IncidentProbe[] = [];
      for (const p of probes) {
        if (this.#hot.covers(p)) this.#hot.query(p, out);
        else older.push(p);
      }
      for (const id of out.keys()) if (flight.has(id)) out.delete(id); // in flight: its newer state is tested below
      // On the space-time index, one box per tier and lane: however long other incidents' intervals, however late
      // the report, it reads the incidents of its activity near its place and time (region incidents: of its region,
      // but not those its source alone reported); the exact test on the columns, then the matches parsed.
      const codes = older.length ? (this.#codes ??= new ProbeCodes(this.db)) : undefined; // prepared on first use
      const take = (activity: string, rows: ProbeRow[], wanted?: (r: ProbeRow) => boolean) => {
        for (const r of rows) {
          if (out.has(r.id) || flight.has(r.id)) continue; // in flight: its newer state is tested below
          if (wanted && !wanted(r)) continue;
          const held = this.#hot.get(activity, r.id);
          out.set(r.id, held?.revision === r.revision ? held : (JSON.parse(r.doc) as Incident));
        }
      };
      // Point probes: one query per group of overlapping ones (probe-plan.ts), its rows tested against each member.
      for (const { union: p, members } of groupPointProbes(older)) {
        const activity = codes?.get('activity', p.activity);
        if (activity === undefined) continue; // no incident of that activity yet
        const from = bound(p.from);
        const to = bound(p.to);
        const probe = (this.#pointProbe ??= this.db.prepare(POINT_PROBE_SQL));
        const wanted = members.length > 1 ? rowMatcher(members) : undefined;
        TIERS.forEach((unit, tier) => {
          const [x0, x1] = [p.minLon + 400 * tier, p.maxLon + 400 * tier];
          const [y0, y1] = [p.minLat + 200 * activity, p.maxLat + 200 * activity];
          const exact = [p.activity, from, to, p.maxLon, p.minLon, p.maxLat, p.minLat];
          take(p.activity, probe.all(x0, x1, y0, y1, from / unit, to / unit, ...exact) as ProbeRow[], wanted);
        });
      }
      for (const p of older) {
        if (!('region' in p) || !codes) continue;
        const activity = codes.get('activity', p.activity);
        if (activity === undefined) continue; // no incident of that activity yet
        const from = bound(p.from);
        const to = bound(p.to);
        const region = codes.get('region', p.region);
        if (region === undefined) continue; // no incident of that region yet
        const own = p.source === undefined ? undefined : codes.get('source', p.source);
        const lane = own !== undefined && own <= MAX_LANE ? own : 0; // lane 0: several sources, never skipped
        const x = -1000 - region;
        const probe = (this.#regionProbe ??= this.db.prepare(REGION_PROBE_SQL));
        const exact = [p.activity, from, to, p.region];
        TIERS.forEach((unit, tier) => {
          const base = -1024 * (2 * activity + tier);
          const lanes = (y0: number, y1: number) =>
            take(p.activity, probe.all(x, x, y0, y1, from / unit, to / unit, ...exact) as ProbeRow[]);
          if (lane === 0) return lanes(base - MAX_LANE, base);
          if (lane < MAX_LANE) lanes(base - MAX_LANE, base - lane - 1);
          lanes(base - lane + 1, base);
        });
      }
      // In flight: the open ones near the probes (each probe on the in-flight index).
      if (flight.size) for (const p of probes) this.#inFlight.openIncidents.query(p, out);
      return [...out.values()];
    },
    findViolations: (queries: readonly ViolationQuery[]): Violation[] => {
      const out = new Map<string, Violation>();
      const flight = this.#inFlight.violations;
      for (const q of queries)
        for (const p of q.prohibitions) {
          const rows = this.#s.activeViolations.all(p, q.party, bound(q.from), bound(q.to)) as {
            id: string;
            revision: number;
          }[];
          for (const r of rows) {
            if (out.has(r.id) || flight.has(r.id)) continue;
            out.set(
              r.id,
              this.#recentViolations.at(r.id, r.revision) ??
                (JSON.parse((this.#s.violation.get(r.id) as { doc: string }).doc) as Violation),
            );
          }
        }
      for (const { value: v } of flight.values()) {
        if (v.status !== 'active') continue;
        if (
          queries.some(
            (q) => v.party === q.party && v.time >= q.from && v.time < q.to && q.prohibitions.includes(v.prohibition),
          )
        )
          out.set(v.id, v);
      }
      return [...out.values()];
    },
    existingCases: (keys: readonly string[]): ReadonlyMap<string, CaseOpening> => {
      const out = new Map<string, CaseOpening>();
      for (const k of keys) {
        const held = this.#inFlight.cases.get(k)?.value ?? this.#knownCases.get(k);
        if (held !== undefined) {
          if (held) out.set(k, held);
          continue;
        }
        const doc = this.#s.caseByKey.get(k) as string | undefined;
        const c = doc === undefined ? null : (JSON.parse(doc) as CaseOpening);
        this.#knownCases.learn(k, c);
        if (c) out.set(k, c);
      }
      return out;
    },
    incidentsById: (ids: readonly string[]): Incident[] => {
      const out: Incident[] = [];
      for (const id of ids) {
        const held = this.#inFlight.incidents.get(id)?.value;
        const row = held ? undefined : (this.#s.incident.get(id) as { doc: string } | undefined);
        if (held) out.push(held);
        else if (row) out.push(JSON.parse(row.doc) as Incident);
      }
      return out;
    },
  };

  #page<T>(
    table: string,
    conds: Condition[],
    cursor: string | undefined,
    limit: number,
    map: (row: { seq: number; doc: string }) => T,
    newest = false,
  ): Page<T> {
    const q = pageQuery(table, conds, decodeCursor(cursor, newest), limit, newest);
    const rows = this.db.prepare(q.sql).all(...(q.values as unknown[])) as { seq: number; doc: string }[];
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const page: Page<T> = { items: rows.map(map) };
    if (more) page.next = encodeCursor(itemAt(rows, rows.length - 1).seq, newest);
    return page;
  }

  async listObservations(q: ObservationFilter): Promise<Page<StoredObservation>> {
    const conds = observationConditions(q);
    const plan = await observationPlan(q, decodeCursor(q.cursor), this.#timeFloor);
    const rows: ObservationRow[] = [];
    for (const range of plan.ranges) {
      const via = { dialect: 'sqlite' as const, index: plan.index };
      const query = pageQuery('observations', conds, range.after, q.limit - rows.length, false, via, range.through);
      const sql = query.sql.replace('SELECT seq, doc', 'SELECT seq, doc, received_at, submitted_by');
      rows.push(...(this.db.prepare(sql).all(...(query.values as unknown[])) as ObservationRow[]));
      if (rows.length > q.limit) break;
    }
    const more = rows.length > q.limit;
    if (more) rows.length = q.limit;
    const page: Page<StoredObservation> = { items: rows.map(storedObservation) };
    if (more) page.next = encodeCursor(itemAt(rows, rows.length - 1).seq);
    return page;
  }

  async getObservation(seq: number): Promise<StoredObservation | undefined> {
    const r = this.#s.observation.get(seq) as ObservationRow | undefined;
    return r && storedObservation(r);
  }

  async listIncidents(q: IncidentFilter): Promise<Page<Incident>> {
    return this.#page(
      'incidents',
      incidentConditions(q),
      q.cursor,
      q.limit,
      (r) => JSON.parse(r.doc) as Incident,
      q.order === 'newest',
    );
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const r = this.#s.incident.get(id) as { doc: string } | undefined;
    return r && (JSON.parse(r.doc) as Incident);
  }

  async incidentHistory(id: string): Promise<Incident[]> {
    return (this.#s.incidentHistory.all(id, id) as { doc: string }[]).map((r) => JSON.parse(r.doc) as Incident);
  }

  async listViolations(q: ViolationFilter): Promise<Page<Violation>> {
    return this.#page(
      'violations',
      violationConditions(q, 'sqlite'),
      q.cursor,
      q.limit,
      (r) => JSON.parse(r.doc) as Violation,
      q.order === 'newest',
    );
  }

  async getViolation(id: string): Promise<Violation | undefined> {
    const r = this.#s.violation.get(id) as { doc: string } | undefined;
    return r && (JSON.parse(r.doc) as Violation);
  }

  async activeViolationsBetween(from: number, to: number): Promise<Violation[]> {
    const rows = this.db
      .prepare("SELECT doc FROM violations WHERE time >= ? AND time < ? AND status = 'active' ORDER BY time, seq")
      .all(from, to) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as Violation);
  }

  async listCases(q: CaseFilter): Promise<Page<StoredCase>> {
    return this.#page('cases', caseConditions(q), q.cursor, q.limit, (r) => ({
      ...(JSON.parse(r.doc) as CaseOpening),
      seq: r.seq,
    }));
  }

  async getCase(id: string): Promise<StoredCase | undefined> {
    const r = this.#s.case.get(id) as { seq: number; doc: string } | undefined;
    return r && { ...(JSON.parse(r.doc) as CaseOpening), seq: r.seq };
  }

  async getCases(ids: readonly string[]): Promise<Map<string, StoredCase>> {
    if (!ids.length) return new Map();
    const rows = this.#s.cases.all(JSON.stringify(ids)) as { id: string; seq: number; doc: string }[];
    return new Map(rows.map((r) => [r.id, { ...(JSON.parse(r.doc) as CaseOpening), seq: r.seq }]));
  }

  /** A write of the operations store's connection in its own transaction, after any the ingest holds open. */
  async #tx<T>(f: () => T): Promise<T> {
    while (this.db.inTransaction) await new Promise((r) => setImmediate(r));
    return this.db.transaction(f).immediate();
  }

  async createApiKey(k: ApiKeyRecord): Promise<void> {
    await this.#tx(() => {
      this.#s.insertKey.run(k.id, k.hash, k.actor, k.role, k.label, k.createdAt, k.revokedAt ?? null);
      appendEntries(this.db, [apiKeyEntry(k)]); // who holds which role is on the record (docs/tlog.md)
    });
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const r = this.#s.key.get(id) as KeyRow | undefined;
    return r && apiKey(r);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (this.#s.keys.all() as KeyRow[]).map(apiKey);
  }

  async revokeApiKey(id: string, at: number): Promise<boolean> {
    return this.#tx(() => {
      if (this.#s.revokeKey.run(at, id).changes !== 1) return false;
      appendEntries(this.db, [apiKeyEntry(apiKey(this.#s.key.get(id) as KeyRow))]);
      return true;
    });
  }

  async countActiveAdmins(): Promise<number> {
    return (this.#s.admins.get() as { n: number }).n;
  }

  /** Where the public projector's commits go when not on this connection: the writer thread's (ingest-writer.ts). */
  projectionCommitter(): ((c: ProjectionCommit) => Promise<number[] | undefined>) | undefined {
    const w = this.#writer;
    return w.commitProjection && ((c) => w.commitProjection?.(c) ?? Promise.resolve(undefined));
  }

  #casework: SqliteCaseworkStore | undefined;

  casework(): SqliteCaseworkStore {
    return (this.#casework ??= new SqliteCaseworkStore(this.db));
  }

  transparencyLog(): SqliteLog {
    return SqliteLog.of(this.db);
  }

  readonly #counts = Object.fromEntries(
    countedTables.map((t) => [
      t,
      new GrowingCount(
        async (after) => this.db.prepare(countAfterSql(t)).get(after) as { n: number; last: number | null },
      ),
    ]),
  ) as Record<(typeof countedTables)[number], GrowingCount>;

  async status(): Promise<StoreStatus> {
    const c = this.#counts;
    return {
      dialect: 'sqlite',
      observations: await c.observations.get(),
      incidents: await c.incidents.get(),
      violations: await c.violations.get(),
      cases: await c.cases.get(),
      migrations: [...this.migrations],
    };
  }

  async health(): Promise<StoreHealth> {
    try {
      this.db.prepare('SELECT 1').get();
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.#preparing.run(async () => undefined);
    await this.#inFlight.drained();
    await this.#writer.close();
    await this.#timeFloor.stop();
    if (this.db.open) this.db.close();
  }
}

/** The codes the R*Tree's triggers give activities, regions and sources (migration 0120), read once committed. */
class ProbeCodes {
  readonly #known = new Map<string, number>();
  readonly #read: Record<'activity' | 'region' | 'source', Database.Statement>;

  constructor(db: Database.Database) {
    this.#read = {
      activity: db.prepare('SELECT code FROM incident_activities WHERE activity = ?').pluck(),
      region: db.prepare('SELECT code FROM incident_regions WHERE region = ?').pluck(),
      source: db.prepare('SELECT code FROM incident_sources WHERE source = ?').pluck(),
    };
  }

  get(kind: 'activity' | 'region' | 'source', name: string): number | undefined {
    const key = `${kind}\u0000${name}`;
    const known = this.#known.get(key);
    if (known !== undefined) return known;
    const code = this.#read[kind].get(name) as number | undefined;
    if (code !== undefined) this.#known.set(key, code); // committed codes never change; absent ones may appear
    return code;
  }
}

interface ProbeRow {
  id: string;
  revision: number;
  doc: string;
  start_ms: number;
  end_ms: number;
  min_lon: number | null;
  min_lat: number | null;
  max_lon: number | null;
  max_lat: number | null;
}

/** Does any of these point probes ask for the row? The probe's exact test, on the row's columns. */
function rowMatcher(probes: readonly IncidentProbe[]): (r: ProbeRow) => boolean {
  const test = matcher(probes);
  return (r) =>
    test({
      activity: itemAt(probes, 0).activity,
      start: r.start_ms,
      end: r.end_ms,
      box: r.min_lon === null ? null : [r.min_lon, r.min_lat ?? NaN, r.max_lon ?? NaN, r.max_lat ?? NaN],
    });
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
  const k: ApiKeyRecord = {
    id: r.id,
    hash: r.hash,
    actor: r.actor,
    role: r.role as Role,
    label: r.label,
    createdAt: Number(r.created_at),
  };
  if (r.revoked_at !== null) k.revokedAt = Number(r.revoked_at);
  return k;
}
