/**
 * The transparency log on PostgreSQL (docs/tlog.md, "Storage"), for several servers over one database.
 *
 * Single sequencer: every append first locks the one `tlog_head` row (`SELECT ... FOR UPDATE`) inside the
 * transaction that writes the records, then writes the entries at head.size, head.size + 1, ... and the new head.
 * A second writer, on this server or another, waits on that row until the first commits or rolls back, so
 * indices are gap-free and follow commit order. The row lock is always the last lock a writer takes (after the
 * ingest advisory lock or a case file's row lock), so it adds no deadlock cycle. The right edge of the tree is
 * cached per pool and checked against the locked head (size and root): another server's append, or a rolled-back
 * one, makes the cache miss and it is rebuilt from the O(log n) frontier nodes in one query.
 *
 * Proofs read every node they need in one query (`planNodes`), so a proof costs one round trip.
 */
import { transaction } from './transaction.js';
import type pg from 'pg';
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
  planNodes,
  proofFromPlan,
  rootPlan,
  foldNodes,
  emptyRoot,
  type NodeId,
  type ProofPlan,
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
  leafKey,
  openingsFromRows,
  packLeaves,
  savedCheckpoint,
  stepHolds,
} from '../log-entries.js';
import { LEAF_BUCKET_BITS } from '../migrations/0007-tlog-leaf-buckets.js';
import { itemAt } from '../../core/item-at.js';

type Queryable = pg.Pool | pg.PoolClient | pg.ClientBase;

interface Cache {
  range: CompactRange;
  root: Uint8Array;
}

const logs = new WeakMap<object, PostgresLog>();

export class PostgresLog implements LogStore {
  #cache: Cache | undefined;

  private constructor(readonly pool: pg.Pool) {}

  /** The log of a pool: one per pool, shared by the operations and casework stores that write through it. */
  static of(pool: pg.Pool): PostgresLog {
    let log = logs.get(pool);
    if (!log) logs.set(pool, (log = new PostgresLog(pool)));
    return log;
  }

  /**
   * The nodes asked for, and the stored size, in one round trip (a named statement: parsed and planned once per
   * connection). Level -1 carries the head's size.
   */
  async #nodes(q: Queryable, ids: readonly NodeId[]): Promise<{ nodes: Map<string, Uint8Array>; size: number }> {
    const out = new Map<string, Uint8Array>();
    let size = 0;
    const leaves = ids.filter((n) => n.level === 0).map((n) => n.index);
    const inner = ids.filter((n) => n.level > 0);
    const r = await q.query({
      name: 'tlog-nodes',
      text: `SELECT -1 AS level, size AS idx, NULL::bytea AS hash FROM tlog_head WHERE id = 1
       UNION ALL
       SELECT 0, idx, leaf FROM tlog_entry WHERE idx = ANY($1::bigint[])
       UNION ALL
       SELECT n.level, n.idx, n.hash FROM tlog_node n JOIN unnest($2::smallint[], $3::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx`,
      values: [leaves, inner.map((n) => n.level), inner.map((n) => n.index)],
    });
    for (const row of r.rows as { level: number; idx: string; hash: Buffer | null }[]) {
      if (row.level === -1) size = Number(row.idx);
      else if (row.hash === null) throw new Error(`tlog_node ${row.level}/${row.idx}: no hash`);
      else out.set(`${row.level}/${row.idx}`, new Uint8Array(row.hash));
    }
    return { nodes: out, size };
  }

  /** A proof from one round trip; `size` is checked against the stored head read in the same query. */
  async #proof(q: Queryable, plan: ProofPlan, size: number): Promise<Uint8Array[]> {
    const { nodes, size: stored } = await this.#nodes(q, planNodes(plan));
    if (size > stored) throw new TlogError('bad-size', `tree size ${size} is beyond the ${stored} entries stored`);
    return proofFromPlan(plan, (l, i) => {
      const h = nodes.get(`${l}/${i}`);
      if (!h) throw new TlogError('index-out-of-range', `node ${l}/${i} is not stored`);
      return h;
    });
  }

  async #head(q: Queryable, lock: boolean): Promise<LogHead> {
    const r = await q.query(`SELECT size, root FROM tlog_head WHERE id = 1${lock ? ' FOR UPDATE' : ''}`);
    const row = r.rows[0] as { size: string; root: Buffer } | undefined;
    if (!row) throw new Error('the tlog_head row is missing: the 0003-tlog migration did not run');
    return { size: Number(row.size), root: new Uint8Array(row.root) };
  }

  async #range(q: Queryable, head: LogHead): Promise<CompactRange> {
    const c = this.#cache;
    if (c && c.range.size === head.size && hashesEqual(c.root, head.root)) return c.range;
    const ids = frontierNodes(head.size);
    const { nodes } = await this.#nodes(q, ids);
    const range = CompactRange.fromFrontier(
      head.size,
      ids.map((n) => {
        const h = nodes.get(`${n.level}/${n.index}`);
        if (!h) throw new TlogError('index-out-of-range', `frontier node ${n.level}/${n.index} is not stored`);
        return h;
      }),
    );
    if (!hashesEqual(range.root(), head.root))
      throw new TlogError(
        'root-mismatch',
        `the stored nodes do not give the stored head's root at size ${head.size}: the log tables were altered`,
      );
    return range;
  }

  /** Appends inside the caller's transaction (`client` has run BEGIN). */
  async appendIn(
    client: pg.ClientBase,
    entries: readonly (LogEntry | TextLogEntry)[],
  ): Promise<{ start: number; size: number }> {
    const head = await this.#head(client, true);
    // An entry its record's row gives back is not kept twice (migration 0006): its bytes are never built.
    const bytes = entries.map(entryBytes);
    const leaves = bytes.map(
      (b, i) =>
        (entries[i] as TextLogEntry).leaf ??
        (b ? hashLeaf(b) : canonicalEntryLeafHash(itemAt(entries, i).kind, (entries[i] as TextLogEntry).text)),
    );
    const list = entries;
    if (!list.length) return { start: head.size, size: head.size };
    const range = await this.#range(client, head);
    this.#cache = undefined; // until the head row shows this append committed
    const batches = range.append(leaves);
    const n = list.length;
    const idx: number[] = new Array(n);
    for (let i = 0; i < n; i++) idx[i] = head.size + i;
    const levels: number[] = [];
    const nodeIdx: number[] = [];
    const hashes: Buffer[] = [];
    for (const b of batches) {
      if (b.level === 0) continue;
      for (let j = 0; j < b.count; j++) {
        levels.push(b.level);
        nodeIdx.push(b.start + j);
        hashes.push(Buffer.from(b.hashes.buffer, b.hashes.byteOffset + j * 32, 32));
      }
    }
    const root = range.root();
    // Hashes and entry bytes travel packed, one binary parameter each, cut apart by PostgreSQL: as bytea[] the driver
    // hex-encoded and escaped every element (the packed form is sent as raw bytes).
    // An entry its record's row gives back is not kept twice (migration 0006): length -1 stores NULL.
    const offsets: number[] = new Array(n);
    const lengths: number[] = new Array(n);
    const kept: Uint8Array[] = [];
    let at = 1;
    for (let i = 0; i < n; i++) {
      offsets[i] = at;
      const b = bytes[i];
      if (!b) lengths[i] = -1;
      else {
        lengths[i] = b.length;
        at += b.length;
        kept.push(b);
      }
    }
    await client.query(
      `WITH e AS (
         INSERT INTO tlog_entry (idx, kind, record_id, leaf, leaf_key, entry)
         SELECT i, k, r, substring($4::bytea FROM ((o - 1) * 32 + 1)::int FOR 32), lk, CASE WHEN el < 0 THEN NULL ELSE substring($5::bytea FROM eo FOR el) END
         FROM ROWS FROM (unnest($1::bigint[]), unnest($2::text[]), unnest($3::text[]), unnest($11::bigint[]), unnest($12::int[]), unnest($13::int[]))
           WITH ORDINALITY AS u(i, k, r, lk, eo, el, o)
       ), n AS (
         INSERT INTO tlog_node (level, idx, hash)
         SELECT l, x, substring($8::bytea FROM ((o - 1) * 32 + 1)::int FOR 32) FROM ROWS FROM (unnest($6::smallint[]), unnest($7::bigint[])) WITH ORDINALITY AS v(l, x, o)
       )
       UPDATE tlog_head SET size = $9, root = $10 WHERE id = 1`,
      [
        idx,
        list.map((e) => e.kind),
        list.map((e) => e.recordId),
        Buffer.concat(leaves),
        Buffer.concat(kept),
        levels,
        nodeIdx,
        Buffer.concat(hashes),
        range.size,
        toBuffer(root),
        leaves.map(leafKey),
        offsets,
        lengths,
      ],
    );
    this.#cache = { range, root };
    return { start: head.size, size: range.size };
  }

  async head(): Promise<LogHead> {
    return this.#head(this.pool, false);
  }

  async append(entries: readonly LogEntry[]): Promise<{ start: number; size: number }> {
    return transaction(this.pool, (c) => this.appendIn(c, entries));
  }

  async #checkSize(size: number): Promise<void> {
    const head = await this.head();
    if (size > head.size)
      throw new TlogError('bad-size', `tree size ${size} is beyond the ${head.size} entries stored`);
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    return this.#proof(this.pool, inclusionPlan(index, size), size);
  }

  async consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    return this.#proof(this.pool, consistencyPlan(oldSize, newSize), newSize);
  }

  async rootAt(size: number): Promise<Uint8Array> {
    await this.#checkSize(size);
    if (size === 0) return emptyRoot();
    const ids = rootPlan(size);
    const { nodes } = await this.#nodes(this.pool, ids);
    return foldNodes(ids, (l, i) => {
      const h = nodes.get(`${l}/${i}`);
      if (!h) throw new TlogError('index-out-of-range', `node ${l}/${i} is not stored`);
      return h;
    });
  }

  async entries(from: number, to: number): Promise<StoredEntry[]> {
    const r = await this.pool.query(
      'SELECT idx, kind, record_id, leaf, entry FROM tlog_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [from, to],
    );
    const stored = (r.rows as EntryRow[]).map(storedEntry);
    const rebuilt = await entriesFromRows(
      stored.filter((e) => !e.entry),
      { test: (column, type) => `${column} = ANY($1::${type}[])`, bind: (values) => values },
      async (sql, params) => (await this.pool.query(sql, params)).rows as Record<string, unknown>[],
    );
    // An entry whose record is no longer stored comes back empty: it hashes to no leaf, and a verifier says so.
    return stored.map((e) => ({
      ...e,
      entry: e.entry ?? rebuilt.get(`${e.kind}\n${e.recordId}`) ?? new Uint8Array(0),
    }));
  }

  async leaves(from: number, to: number): Promise<Uint8Array> {
    const r = await this.pool.query('SELECT leaf FROM tlog_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx', [
      from,
      to,
    ]);
    return packLeaves((r.rows as { leaf: Uint8Array }[]).map((x) => x.leaf));
  }

  /** Every entry in index order, a page at a time, as stored (for audits: no bytes where the row holds them). */
  async *iterateEntries(page = 10_000): AsyncGenerator<AuditEntry> {
    for (let after = -1; ;) {
      const r = await this.pool.query(
        'SELECT idx, kind, record_id, leaf, entry FROM tlog_entry WHERE idx > $1 ORDER BY idx LIMIT $2',
        [after, page],
      );
      const rows = r.rows as EntryRow[];
      for (const row of rows) yield storedEntry(row);
      if (rows.length < page) return;
      after = Number(itemAt(rows, rows.length - 1).idx);
    }
  }

  /** Nodes of one level in [from, to) (for audits). */
  async levelNodes(level: number, from: number, to: number): Promise<Map<number, Uint8Array>> {
    const r = await this.pool.query('SELECT idx, hash FROM tlog_node WHERE level = $1 AND idx >= $2 AND idx < $3', [
      level,
      from,
      to,
    ]);
    return new Map((r.rows as { idx: string; hash: Buffer }[]).map((x) => [Number(x.idx), new Uint8Array(x.hash)]));
  }

  async openings(wanted: readonly { kind: string; recordId: string }[]): Promise<RecordOpenings> {
    return openingsFromRows(
      wanted,
      { test: (column, type) => `${column} = ANY($1::${type}[])`, bind: (values) => values },
      async (sql, params) => (await this.pool.query(sql, params)).rows as Record<string, unknown>[],
    );
  }

  async indexOfLeaf(leaf: Uint8Array): Promise<number | undefined> {
    if (leaf.length !== 32) return undefined;
    const r = await this.pool.query(
      `SELECT idx FROM tlog_entry WHERE ${inEveryBucket} AND leaf_key = $1 AND leaf = $2 ORDER BY idx LIMIT 1`,
      [leafKey(leaf), toBuffer(leaf)],
    );
    return r.rows[0] ? Number(r.rows[0].idx) : undefined;
  }

  async indexOfRecord(kind: string, recordId: string, below?: number): Promise<number | undefined> {
    if (!isEntryKind(kind)) return undefined;
    if (!rowLoggedKinds.has(kind)) {
      // The kind written literally: PostgreSQL then proves the partial record index (migration 0004) applies.
      const r = await this.pool.query(
        `SELECT idx FROM tlog_entry WHERE kind = '${kind}' AND record_id = $1 AND idx < $2 ORDER BY idx DESC LIMIT 1`,
        [recordId, below ?? Number.MAX_SAFE_INTEGER],
      );
      const own = r.rows[0] ? Number(r.rows[0].idx) : undefined;
      // A casework record's latest state may be in a later step of its case (docs/tlog.md, "Case steps").
      const caseId = caseOfRecord(kind, recordId);
      if (caseId === undefined) return own;
      const steps = await this.pool.query(
        "SELECT idx, entry FROM tlog_entry WHERE kind = 'case-step' AND record_id = $1 AND idx > $2 AND idx < $3 ORDER BY idx DESC",
        [`${caseId}/step`, own ?? -1, below ?? Number.MAX_SAFE_INTEGER],
      );
      for (const step of steps.rows as { idx: string; entry: Buffer | null }[])
        if (stepHolds(step.entry && new Uint8Array(step.entry), kind, recordId)) return Number(step.idx);
      return own;
    }
    for (const q of rowQueries(kind, recordId, (n) => `$${n}`)) {
      const row = (await this.pool.query(q.sql, q.params)).rows[0] as Record<string, unknown> | undefined;
      const leaf = row && leafOfRow(q.table, row);
      if (leaf) {
        const i = await this.indexOfLeaf(leaf);
        return i !== undefined && i < (below ?? Infinity) ? i : undefined;
      }
    }
    return undefined;
  }

  async #checkpoint(where: string, values: unknown[]): Promise<StoredCheckpoint | undefined> {
    const r = await this.pool.query(
      `SELECT c.size, c.root, c.time, c.note, COALESCE((SELECT array_agg(s.line ORDER BY s.time, s.witness) FROM tlog_cosignature s WHERE s.size = c.size), '{}') AS lines
       FROM tlog_checkpoint c ${where}`,
      values,
    );
    const row = r.rows[0] as { size: string; root: Buffer; time: string; note: string; lines: string[] } | undefined;
    return (
      row && {
        size: Number(row.size),
        root: new Uint8Array(row.root),
        time: Number(row.time),
        note: row.note,
        cosignatures: row.lines,
      }
    );
  }

  latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.#checkpoint('ORDER BY c.size DESC LIMIT 1', []);
  }

  checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return this.#checkpoint('WHERE c.size = $1', [size]);
  }

  async saveCheckpoint(cp: Omit<StoredCheckpoint, 'cosignatures'>): Promise<StoredCheckpoint> {
    await this.pool.query(
      'INSERT INTO tlog_checkpoint (size, root, time, note) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING',
      [cp.size, toBuffer(cp.root), cp.time, cp.note],
    );
    return savedCheckpoint(cp.size, await this.checkpointAt(cp.size));
  }

  async addCosignature(size: number, witness: string, line: string, time: number): Promise<boolean> {
    const r = await this.pool.query(
      'INSERT INTO tlog_cosignature (size, witness, line, time) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [size, witness, line, time],
    );
    return r.rowCount === 1;
  }

  async witnesses(): Promise<WitnessKey[]> {
    const r = await this.pool.query('SELECT name, vkey, created_at FROM tlog_witness ORDER BY name');
    return (r.rows as { name: string; vkey: string; created_at: string }[]).map((x) => ({
      name: x.name,
      vkey: x.vkey,
      createdAt: Number(x.created_at),
    }));
  }

  async addWitness(w: WitnessKey): Promise<boolean> {
    const r = await this.pool.query(
      'INSERT INTO tlog_witness (name, vkey, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [w.name, w.vkey, w.createdAt],
    );
    return r.rowCount === 1;
  }

  async latestCosigned(witnesses: readonly string[], quorum: number): Promise<StoredCheckpoint | undefined> {
    if (quorum <= 0) return this.latestCheckpoint();
    const r = await this.pool.query(
      'SELECT size FROM tlog_cosignature WHERE witness = ANY($1::text[]) GROUP BY size HAVING count(*) >= $2 ORDER BY size DESC LIMIT 1',
      [witnesses, quorum],
    );
    return r.rows[0] ? this.checkpointAt(Number(r.rows[0].size)) : undefined;
  }

  async appendIfLatest(entry: LogEntry, expected: number | undefined): Promise<number | undefined> {
    return transaction(this.pool, async (c) => {
      await this.#head(c, true); // the head lock: every append waits here, so the check below stays true
      const r = await c.query(
        `SELECT idx FROM tlog_entry WHERE kind = '${entry.kind}' AND record_id = $1 ORDER BY idx DESC LIMIT 1`,
        [entry.recordId],
      );
      const latest = r.rows[0] ? Number(r.rows[0].idx) : undefined;
      if (latest !== expected) return undefined;
      return (await this.appendIn(c, [entry])).start;
    });
  }
}

interface EntryRow {
  idx: string;
  kind: string;
  record_id: string;
  leaf: Buffer;
  entry: Buffer | null;
}

function storedEntry(r: EntryRow): AuditEntry {
  const e: AuditEntry = { index: Number(r.idx), kind: r.kind, recordId: r.record_id, leaf: new Uint8Array(r.leaf) };
  if (r.entry) e.entry = new Uint8Array(r.entry);
  return e;
}

/** Every bucket of the leaf index (migration 0007): PostgreSQL seeks each, as the expression matches the index's. */
const inEveryBucket = `(idx >> ${LEAF_BUCKET_BITS}) = ANY(ARRAY(SELECT generate_series(0, (SELECT size FROM tlog_head WHERE id = 1) >> ${LEAF_BUCKET_BITS})))`;

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Appends `entries` inside the caller's transaction on `client` (the operations store's ingest). */
export function appendEntries(
  pool: pg.Pool,
  client: pg.ClientBase,
  entries: readonly (LogEntry | TextLogEntry)[],
): Promise<{ start: number; size: number }> {
  return PostgresLog.of(pool).appendIn(client, entries);
}

/** What `auditLog` reads from a PostgreSQL database (the pool's schema). */
export function postgresAuditSource(pool: pg.Pool): AuditSource {
  const log = PostgresLog.of(pool);
  return {
    entries: () => log.iterateEntries(),
    nodes: (level, from, to) => log.levelNodes(level, from, to),
    nodeCount: async () => Number((await pool.query('SELECT count(*) AS n FROM tlog_node')).rows[0].n),
    head: () => log.head(),
    checkpoints: async () => {
      const sizes = (
        (await pool.query('SELECT size FROM tlog_checkpoint ORDER BY size')).rows as { size: string }[]
      ).map((r) => Number(r.size));
      const out: StoredCheckpoint[] = [];
      for (const s of sizes) out.push(savedCheckpoint(s, await log.checkpointAt(s)));
      return out;
    },
    witnesses: () => log.witnesses(),
    records: async function* () {
      for (const t of auditTables) {
        for await (const row of tableRows(pool, t.table, t.columns, t.order)) {
          let doc: unknown = row['doc'];
          if (typeof doc === 'string') {
            try {
              doc = JSON.parse(doc);
            } catch {
              doc = { unreadable: (doc as string).slice(0, 100) };
            }
          }
          yield* recordsOfRow(t.table, { ...row, doc });
        }
      }
    },
    rows: (table, columns, order) => tableRows(pool, table, columns, order),
  };
}

/** A table's rows in keyset pages, so memory stays flat on large tables; one query when `order` is several columns. */
async function* tableRows(
  pool: pg.Pool,
  table: string,
  columns: string,
  key: string,
): AsyncGenerator<Record<string, unknown>> {
  if (key.includes(',')) {
    yield* (await pool.query(`SELECT ${columns} FROM ${table} ORDER BY ${key}`)).rows as Record<string, unknown>[];
    return;
  }
  for (let after: unknown = null; ;) {
    const r = await pool.query(
      `SELECT ${columns} FROM ${table} ${after === null ? '' : `WHERE ${key} > $1`} ORDER BY ${key} LIMIT 5000`,
      after === null ? [] : [after],
    );
    yield* r.rows as Record<string, unknown>[];
    if (r.rows.length < 5000) break;
    after = (r.rows[r.rows.length - 1] as Record<string, unknown>)[key];
  }
}
