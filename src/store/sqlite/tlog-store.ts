/**
 * The transparency log on SQLite (docs/tlog.md, "Storage"). `appendEntries(db, entries)` is called by the
 * operations and casework stores inside their own transactions, so a record and its entry commit together. The
 * head row (size, root) is read and rewritten by every append: SQLite has one writer at a time, so indices are
 * gap-free and in commit order. The right edge of the tree is cached per connection and checked against the head
 * before each append (a rolled-back append or another process leaves a head the cache does not match, and the
 * cache is rebuilt from the O(log n) frontier nodes).
 */
import type Database from 'better-sqlite3';
import type {
  LogEntry,
  LogHead,
  LogStore,
  RecordOpenings,
  StoredCheckpoint,
  StoredEntry,
  TextLogEntry,
  WitnessKey,
} from '../../core/ports/tlog.js';
import {
  CompactRange,
  TlogError,
  consistencyPlan,
  canonicalEntryLeafHash,
  frontierNodes,
  hashLeaf,
  hashesEqual,
  inclusionPlan,
  isEntryKind,
  proofFromPlan,
  rootAt,
  type TreeReader,
} from '../../core/tlog/index.js';
import {
  auditTables,
  leafOfRow,
  recordsOfRow,
  rowLoggedKinds,
  rowQueries,
  type AuditEntry,
  type AuditSource,
} from '../log-audit.js';
import {
  caseOfRecord,
  entriesFromRows,
  entryBytes,
  stepHolds,
  leafKey,
  openingsFromRows,
  packLeaves,
  savedCheckpoint,
  type ListBinding,
} from '../log-entries.js';
import { Rows } from './rows.js';
import { LEAF_BUCKET_BITS } from '../migrations/0007-tlog-leaf-buckets.js';
import { itemAt } from '../../core/item-at.js';

type Stmt = Database.Statement;

/** A list bound as one JSON parameter. */
const jsonList: ListBinding = {
  test: (column) => `${column} IN (SELECT value FROM json_each(?))`,
  bind: (values) => JSON.stringify(values),
};

/** An entry ready to store: its leaf hash, and its bytes unless its record's row gives them back. */
interface Prepared {
  kind: string;
  recordId: string;
  leaf: Uint8Array;
  bytes: Uint8Array | null;
}

/** An entry's leaf, and its bytes unless its record's row gives them back (migration 0006: never built then). */
function prepareEntry(e: LogEntry | TextLogEntry): Prepared {
  const bytes = entryBytes(e);
  const leaf = bytes ? hashLeaf(bytes) : canonicalEntryLeafHash(e.kind, (e as TextLogEntry).text);
  return { kind: e.kind, recordId: e.recordId, leaf, bytes };
}

/**
 * Entries encoded and hashed ahead of the append, as plain data a thread is sent cheaply: the leaves packed in one
 * buffer. A leaf does not depend on the entry's place in the log, so whoever prepares a batch can hash it; only the
 * tree's nodes wait for the transaction that knows the log's size.
 */
export interface LogLeaves {
  kinds: string[];
  recordIds: string[];
  /** 32 bytes per entry, in order. */
  leaves: Uint8Array;
  /** The bytes the log keeps, or null for an entry its record's row gives back. */
  bytes: (Uint8Array | null)[];
}

export function logLeaves(entries: readonly (LogEntry | TextLogEntry)[]): LogLeaves {
  const n = entries.length;
  const out: LogLeaves = {
    kinds: new Array(n),
    recordIds: new Array(n),
    leaves: new Uint8Array(32 * n),
    bytes: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const p = prepareEntry(itemAt(entries, i));
    out.kinds[i] = p.kind;
    out.recordIds[i] = p.recordId;
    out.leaves.set(p.leaf, 32 * i);
    out.bytes[i] = p.bytes;
  }
  return out;
}

interface Cache {
  range: CompactRange;
  root: Uint8Array;
}

/** The prepared statements, by name: a typed object, so a statement that is not there is a compile error. */
function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    head: p('SELECT size, root FROM tlog_head WHERE id = 1'),
    setHead: p('UPDATE tlog_head SET size = ?, root = ? WHERE id = 1'),
    node: p('SELECT hash FROM tlog_node WHERE level = ? AND idx = ?'),
    leaf: p('SELECT leaf FROM tlog_entry WHERE idx = ?'),
    // Every bucket of the leaf index, newest first (migration 0007); the expression matches the index's.
    byLeaf: p(
      `WITH RECURSIVE b(x) AS (SELECT (SELECT size FROM tlog_head WHERE id = 1) >> ${LEAF_BUCKET_BITS} UNION ALL SELECT x - 1 FROM b WHERE x > 0)
       SELECT e.idx FROM b CROSS JOIN tlog_entry e WHERE e.idx >> ${LEAF_BUCKET_BITS} = b.x AND e.leaf_key = ? AND e.leaf = ? ORDER BY e.idx LIMIT 1`,
    ),
    entries: p('SELECT idx, kind, record_id, leaf, entry FROM tlog_entry WHERE idx >= ? AND idx < ? ORDER BY idx'),
    leaves: p('SELECT leaf FROM tlog_entry WHERE idx >= ? AND idx < ? ORDER BY idx').pluck(),
    latestCheckpoint: p('SELECT size, root, time, note FROM tlog_checkpoint ORDER BY size DESC LIMIT 1'),
    checkpoint: p('SELECT size, root, time, note FROM tlog_checkpoint WHERE size = ?'),
    insertCheckpoint: p(
      'INSERT INTO tlog_checkpoint (size, root, time, note) VALUES (?, ?, ?, ?) ON CONFLICT (size) DO NOTHING',
    ),
    cosignatures: p('SELECT line FROM tlog_cosignature WHERE size = ? ORDER BY time, witness'),
    insertCosignature: p(
      'INSERT INTO tlog_cosignature (size, witness, line, time) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    witnesses: p('SELECT name, vkey, created_at FROM tlog_witness ORDER BY name'),
    insertWitness: p('INSERT INTO tlog_witness (name, vkey, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    latestCosigned: p(
      'SELECT size FROM tlog_cosignature WHERE witness IN (SELECT value FROM json_each(?)) GROUP BY size HAVING count(*) >= ? ORDER BY size DESC LIMIT 1',
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class SqliteLog implements LogStore {
  readonly db: Database.Database;
  #cache: Cache | undefined;
  readonly #s: Statements;
  /** Multi-row INSERTs by table and row count, prepared once per connection (see Rows). */
  readonly #statements = new Map<string, Stmt>();

  private constructor(db: Database.Database) {
    this.db = db;
    this.#s = prepareStatements(db);
  }

  static #logs = new WeakMap<Database.Database, SqliteLog>();

  /** The log of a database connection: one per connection, shared by every store that writes through it. */
  static of(db: Database.Database): SqliteLog {
    let log = SqliteLog.#logs.get(db);
    if (!log) SqliteLog.#logs.set(db, (log = new SqliteLog(db)));
    return log;
  }

  headSync(): LogHead {
    const r = this.#s.head.get() as { size: number; root: Buffer } | undefined;
    if (!r) throw new Error('the tlog_head row is missing: the 0003-tlog migration did not run');
    return { size: Number(r.size), root: new Uint8Array(r.root) };
  }

  /** Level 0 is the leaf hash kept with the entry; higher levels are in tlog_node. */
  node(level: number, index: number): Uint8Array {
    const r = (level === 0 ? this.#s.leaf.get(index) : this.#s.node.get(level, index)) as
      { leaf?: Buffer; hash?: Buffer } | undefined;
    const h = r && (r.leaf ?? r.hash);
    if (!h) throw new TlogError('index-out-of-range', `node ${level}/${index} is not stored`);
    return h;
  }

  reader(size?: number): TreeReader {
    const s = size ?? this.headSync().size;
    return { size: s, node: (l, i) => this.node(l, i) };
  }

  #range(head: LogHead): CompactRange {
    const c = this.#cache;
    if (c && c.range.size === head.size && hashesEqual(c.root, head.root)) return c.range;
    const range = CompactRange.fromFrontier(
      head.size,
      frontierNodes(head.size).map((n) => this.node(n.level, n.index)),
    );
    if (!hashesEqual(range.root(), head.root))
      throw new TlogError(
        'root-mismatch',
        `the stored nodes do not give the stored head's root at size ${head.size}: the log tables were altered`,
      );
    return range;
  }

  /**
   * Appends entries; must run inside the caller's write transaction (BEGIN IMMEDIATE), which it joins. Returns the
   * index of the first entry and the new size.
   */
  appendSync(entries: readonly (LogEntry | TextLogEntry)[]): { start: number; size: number } {
    if (!this.db.inTransaction) throw new Error('bug: SqliteLog.append outside a transaction');
    const prepared: Prepared[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) prepared[i] = prepareEntry(itemAt(entries, i));
    return this.#appendPrepared(prepared);
  }

  /** Appends entries whose leaves were computed already (`logLeaves`, on another thread), in the caller's transaction. */
  appendLeavesSync(logs: readonly LogLeaves[]): { start: number; size: number } {
    const prepared: Prepared[] = [];
    for (const l of logs)
      for (let i = 0; i < l.kinds.length; i++)
        prepared.push({
          kind: itemAt(l.kinds, i),
          recordId: itemAt(l.recordIds, i),
          leaf: l.leaves.subarray(32 * i, 32 * (i + 1)),
          bytes: itemAt(l.bytes, i),
        });
    return this.#appendPrepared(prepared);
  }

  /** Appends entries already encoded and hashed: their rows, the tree's new nodes and the head, in the caller's transaction. */
  #appendPrepared(entries: readonly Prepared[]): { start: number; size: number } {
    if (!this.db.inTransaction) throw new Error('bug: SqliteLog.append outside a transaction');
    const head = this.headSync();
    if (!entries.length) return { start: head.size, size: head.size };
    const range = this.#range(head);
    this.#cache = undefined; // until the head row says this append committed
    const leaves: Uint8Array[] = new Array(entries.length);
    const entryRows = new Rows(
      this.db,
      this.#statements,
      'tlog_entry (idx, kind, record_id, leaf, leaf_key, entry)',
      6,
    );
    for (let i = 0; i < entries.length; i++) {
      const e = itemAt(entries, i);
      leaves[i] = e.leaf;
      entryRows.add(head.size + i, e.kind, e.recordId, e.leaf, leafKey(e.leaf), e.bytes);
    }
    entryRows.flush();
    const nodeRows = new Rows(this.db, this.#statements, 'tlog_node (level, idx, hash)', 3);
    for (const b of range.append(leaves)) {
      if (b.level === 0) continue;
      for (let j = 0; j < b.count; j++) nodeRows.add(b.level, b.start + j, b.hashes.subarray(j * 32, (j + 1) * 32));
    }
    nodeRows.flush();
    const root = range.root();
    this.#s.setHead.run(range.size, root);
    this.#cache = { range, root };
    return { start: head.size, size: range.size };
  }

  /**
   * The latest entry of a record of a kind the record index covers (migration 0004). The kind is written into the
   * SQL literally, one statement per kind, so SQLite can prove the partial index applies.
   */
  #latestOfRecord(
    kind: string,
    recordId: string,
    below = Number.MAX_SAFE_INTEGER,
  ): { idx: number; leaf: Buffer } | undefined {
    if (rowLoggedKinds.has(kind))
      throw new Error(`bug: ${kind} records are logged by the ingest, once, not by their latest entry`);
    if (!isEntryKind(kind)) return undefined;
    return this.#stmt(
      `SELECT idx, leaf FROM tlog_entry WHERE kind = '${kind}' AND record_id = ? AND idx < ? ORDER BY idx DESC LIMIT 1`,
    ).get(recordId, below) as { idx: number; leaf: Buffer } | undefined;
  }

  #indexOfLeafSync(leaf: Uint8Array): number | undefined {
    const r = leaf.length === 32 ? (this.#s.byLeaf.get(leafKey(leaf), leaf) as { idx: number } | undefined) : undefined;
    return r && Number(r.idx);
  }

  async head(): Promise<LogHead> {
    return this.headSync();
  }

  async append(entries: readonly LogEntry[]): Promise<{ start: number; size: number }> {
    while (this.db.inTransaction) await new Promise((r) => setImmediate(r));
    return this.db.transaction(() => this.appendSync(entries)).immediate();
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    const r = this.reader();
    if (size > r.size) fail(size, r.size);
    return proofFromPlan(inclusionPlan(index, size), (l, i) => r.node(l, i));
  }

  async consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    const r = this.reader();
    if (newSize > r.size) fail(newSize, r.size);
    return proofFromPlan(consistencyPlan(oldSize, newSize), (l, i) => r.node(l, i));
  }

  async rootAt(size: number): Promise<Uint8Array> {
    return rootAt(this.reader(), size);
  }

  async entries(from: number, to: number): Promise<StoredEntry[]> {
    const stored = (this.#s.entries.all(from, to) as EntryRow[]).map(storedEntry);
    const rebuilt = await entriesFromRows(
      stored.filter((e) => !e.entry),
      jsonList,
      (sql, params) => this.#stmt(sql).all(...params) as Record<string, unknown>[],
    );
    // An entry whose record is no longer stored comes back empty: it hashes to no leaf, and a verifier says so.
    return stored.map((e) => ({
      ...e,
      entry: e.entry ?? rebuilt.get(`${e.kind}\n${e.recordId}`) ?? new Uint8Array(0),
    }));
  }

  async leaves(from: number, to: number): Promise<Uint8Array> {
    return packLeaves(this.#s.leaves.all(from, to) as Uint8Array[]);
  }

  async openings(wanted: readonly { kind: string; recordId: string }[]): Promise<RecordOpenings> {
    return openingsFromRows(
      wanted,
      jsonList,
      (sql, params) => this.#stmt(sql).all(...params) as Record<string, unknown>[],
    );
  }

  /** A statement prepared once per connection, by its text. */
  #stmt(sql: string): Stmt {
    let stmt = this.#statements.get(sql);
    if (!stmt) this.#statements.set(sql, (stmt = this.db.prepare(sql)));
    return stmt;
  }

  /** Every entry in index order, a page at a time, as stored (for audits: no bytes where the row holds them). */
  *iterateEntries(page = 10_000): Generator<AuditEntry> {
    const next = this.db.prepare(
      'SELECT idx, kind, record_id, leaf, entry FROM tlog_entry WHERE idx > ? ORDER BY idx LIMIT ?',
    );
    for (let after = -1; ;) {
      const rows = next.all(after, page) as EntryRow[];
      for (const r of rows) yield storedEntry(r);
      if (rows.length < page) return;
      after = Number(itemAt(rows, rows.length - 1).idx);
    }
  }

  async indexOfLeaf(leaf: Uint8Array): Promise<number | undefined> {
    return this.#indexOfLeafSync(leaf);
  }

  async indexOfRecord(kind: string, recordId: string, below?: number): Promise<number | undefined> {
    if (!rowLoggedKinds.has(kind)) {
      const r = this.#latestOfRecord(kind, recordId, below);
      const own = r && Number(r.idx);
      // A casework record's latest state may be in a later step of its case (docs/tlog.md, "Case steps").
      const caseId = caseOfRecord(kind, recordId);
      if (caseId === undefined) return own;
      const steps = this.#stmt(
        "SELECT idx, entry FROM tlog_entry WHERE kind = 'case-step' AND record_id = ? AND idx > ? AND idx < ? ORDER BY idx DESC",
      ).all(`${caseId}/step`, own ?? -1, below ?? Number.MAX_SAFE_INTEGER) as { idx: number; entry: Buffer | null }[];
      for (const step of steps) if (stepHolds(step.entry, kind, recordId)) return Number(step.idx);
      return own;
    }
    for (const q of rowQueries(kind, recordId, () => '?')) {
      const row = this.#stmt(q.sql).get(...q.params) as Record<string, unknown> | undefined;
      const leaf = row && leafOfRow(q.table, row);
      if (leaf) {
        const i = this.#indexOfLeafSync(leaf);
        return i !== undefined && i < (below ?? Infinity) ? i : undefined;
      }
    }
    return undefined;
  }

  #checkpoint(r: CheckpointRow | undefined): StoredCheckpoint | undefined {
    if (!r) return undefined;
    const size = Number(r.size);
    return {
      size,
      root: new Uint8Array(r.root),
      time: Number(r.time),
      note: r.note,
      cosignatures: (this.#s.cosignatures.all(size) as { line: string }[]).map((x) => x.line),
    };
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.#checkpoint(this.#s.latestCheckpoint.get() as CheckpointRow | undefined);
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return this.#checkpoint(this.#s.checkpoint.get(size) as CheckpointRow | undefined);
  }

  async saveCheckpoint(cp: Omit<StoredCheckpoint, 'cosignatures'>): Promise<StoredCheckpoint> {
    this.#s.insertCheckpoint.run(cp.size, cp.root, cp.time, cp.note);
    return savedCheckpoint(cp.size, await this.checkpointAt(cp.size));
  }

  async addCosignature(size: number, witness: string, line: string, time: number): Promise<boolean> {
    return this.#s.insertCosignature.run(size, witness, line, time).changes === 1;
  }

  async witnesses(): Promise<WitnessKey[]> {
    return (this.#s.witnesses.all() as { name: string; vkey: string; created_at: number }[]).map((r) => ({
      name: r.name,
      vkey: r.vkey,
      createdAt: Number(r.created_at),
    }));
  }

  async addWitness(w: WitnessKey): Promise<boolean> {
    return this.#s.insertWitness.run(w.name, w.vkey, w.createdAt).changes === 1;
  }

  async latestCosigned(witnesses: readonly string[], quorum: number): Promise<StoredCheckpoint | undefined> {
    if (quorum <= 0) return this.latestCheckpoint();
    const r = this.#s.latestCosigned.get(JSON.stringify(witnesses), quorum) as { size: number } | undefined;
    return r ? this.checkpointAt(Number(r.size)) : undefined;
  }

  async appendIfLatest(entry: LogEntry, expected: number | undefined): Promise<number | undefined> {
    while (this.db.inTransaction) await new Promise((r) => setImmediate(r));
    // BEGIN IMMEDIATE takes the write lock first: no other process appends between the check and the append.
    return this.db
      .transaction(() => {
        const r = this.#latestOfRecord(entry.kind, entry.recordId);
        if ((r && Number(r.idx)) !== expected) return undefined;
        return this.appendSync([entry]).start;
      })
      .immediate();
  }
}

function fail(size: number, stored: number): never {
  throw new TlogError('bad-size', `tree size ${size} is beyond the ${stored} entries stored`);
}

interface EntryRow {
  idx: number;
  kind: string;
  record_id: string;
  leaf: Buffer;
  entry: Buffer | null;
}

interface CheckpointRow {
  size: number;
  root: Buffer;
  time: number;
  note: string;
}

function storedEntry(r: EntryRow): AuditEntry {
  const e: AuditEntry = { index: Number(r.idx), kind: r.kind, recordId: r.record_id, leaf: new Uint8Array(r.leaf) };
  if (r.entry) e.entry = new Uint8Array(r.entry);
  return e;
}

/** Appends `entries` to the log of `db` inside the caller's transaction (the operations store's ingest). */
export function appendEntries(
  db: Database.Database,
  entries: readonly (LogEntry | TextLogEntry)[],
): { start: number; size: number } {
  return SqliteLog.of(db).appendSync(entries);
}

/** `appendEntries` for entries prepared with `logLeaves`, in order. */
export function appendLeaves(db: Database.Database, logs: readonly LogLeaves[]): { start: number; size: number } {
  return SqliteLog.of(db).appendLeavesSync(logs);
}

/** What `auditLog` reads from a SQLite database: the log tables and every record table, straight from the rows. */
export function sqliteAuditSource(db: Database.Database): AuditSource {
  const log = SqliteLog.of(db);
  const nodes = db.prepare('SELECT idx, hash FROM tlog_node WHERE level = ? AND idx >= ? AND idx < ?');
  return {
    entries: () => log.iterateEntries(),
    nodes: async (level, from, to) =>
      new Map(
        (nodes.all(level, from, to) as { idx: number; hash: Buffer }[]).map((r) => [
          Number(r.idx),
          new Uint8Array(r.hash),
        ]),
      ),
    nodeCount: async () => (db.prepare('SELECT count(*) AS n FROM tlog_node').get() as { n: number }).n,
    head: async () => log.headSync(),
    checkpoints: async () => {
      const sizes = (db.prepare('SELECT size FROM tlog_checkpoint ORDER BY size').all() as { size: number }[]).map(
        (r) => Number(r.size),
      );
      const out: StoredCheckpoint[] = [];
      for (const s of sizes) out.push(savedCheckpoint(s, await log.checkpointAt(s)));
      return out;
    },
    witnesses: () => log.witnesses(),
    records: function* () {
      for (const t of auditTables) {
        const stmt = db.prepare(`SELECT ${t.columns} FROM ${t.table} ORDER BY ${t.order}`);
        for (const row of stmt.iterate() as Iterable<Record<string, unknown>>) {
          if (!('doc' in row)) {
            yield* recordsOfRow(t.table, row);
            continue;
          }
          let doc: unknown;
          try {
            doc = JSON.parse(row['doc'] as string);
          } catch {
            doc = { unreadable: String(row['doc']).slice(0, 100) };
          }
          yield* recordsOfRow(t.table, { ...row, doc });
        }
      }
    },
    rows: (table, columns, order) =>
      db.prepare(`SELECT ${columns} FROM ${table} ORDER BY ${order}`).iterate() as Iterable<Record<string, unknown>>,
  };
}
