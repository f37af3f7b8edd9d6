// Transparency log core: (1) appending entries in batches of 1,000 (encode the record as a guarantor-entry/1
// leaf, hash it, append to the in-memory tree and collect the new nodes a store would persist), against raw
// SHA-256 of the same entry bytes measured in the same run (the ceiling); (2) inclusion and consistency proof
// construction in a 10,000,000-leaf tree whose nodes sit in one Uint8Array per level, the layout a store mirrors;
// (3) the same in a database: appending with storage on SQLite (and PostgreSQL), and proofs read from a store
// holding the 10,000,000-leaf tree (see part 3 below).
import * as crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { LogEntry } from '../src/core/ports/tlog.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { PostgresLog } from '../src/store/postgres/tlog-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { SqliteLog, appendEntries } from '../src/store/sqlite/tlog-store.js';
import { leafKey } from '../src/store/log-entries.js';
import {
  consistencyProof,
  encodeEntry,
  hashLeaf,
  inclusionProof,
  MerkleTree,
  verifyConsistency,
  verifyInclusion,
  type NodeBatch,
} from '../src/core/tlog/index.js';

const ENTRIES = Number(process.env.TLOG_BENCH_ENTRIES ?? 1_000_000);
const BATCH = 1_000;
const TREE = Number(process.env.TLOG_BENCH_TREE ?? 10_000_000);
const PROOFS = 20_000;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// A deterministic generator, so every run hashes the same entries.
let seed = 0x9e3779b9;
const rand = (): number => {
  seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
  return seed / 2 ** 32;
};

const sources = ['osce-smm-uav-3', 'sat-sentinel-2', 'radar-kharkiv-1', 'patrol-14', 'acoustic-array-7'];
const activities = ['artillery-fire', 'drone-strike', 'armour-movement', 'mine-laying', 'access-denied'];
const t0 = Date.UTC(2026, 10, 26, 5, 0, 0);

/** An observation-shaped record, about 330 bytes once encoded. */
function record(i: number) {
  return {
    id: `obs-${i}`,
    source: sources[i % sources.length],
    sourceId: `${(i * 2654435761) >>> 0}`,
    activity: activities[(i >> 3) % activities.length],
    weaponClass: i % 3 === 0 ? 'mlrs' : 'tube-artillery-122mm',
    count: 1 + (i % 17),
    time: new Date(t0 + i * 1_000).toISOString(),
    precision: 'minute',
    location: {
      lat: 48.5 + ((i % 1000) - 500) / 1e4,
      lon: 37.9 + ((i % 777) - 388) / 1e4,
      radius: 250 + (i % 4) * 250,
    },
    confidence: 0.5 + (i % 50) / 100,
    evidence: [`sha256:${((i * 40503) >>> 0).toString(16).padStart(8, '0')}`],
  };
}

// --- 1. append throughput ---------------------------------------------------------------------------------
// The fastest SHA-256 Node offers for one short message (the one-shot crypto.hash hashLeaf also uses).
const sha256 =
  typeof crypto.hash === 'function'
    ? (d: Uint8Array) => crypto.hash('sha256', d, 'buffer')
    : (d: Uint8Array) => crypto.createHash('sha256').update(d).digest();

/**
 * Pipeline and baseline alternate batch by batch over the same bytes, so load changes on a shared machine hit both
 * alike and their ratio stays meaningful.
 */
function run(): { rate: number; ceiling: number; nodes: number; bytes: number } {
  const tree = new MerkleTree({ capacity: ENTRIES });
  let nodes = 0;
  let bytes = 0;
  let pipelineMs = 0;
  let baselineMs = 0;
  let sink = 0;
  const records: ReturnType<typeof record>[] = new Array(BATCH);
  const entries: Uint8Array[] = new Array(BATCH);
  const leaves: Uint8Array[] = new Array(BATCH);
  for (let i = 0; i < ENTRIES; i += BATCH) {
    const n = Math.min(ENTRIES, i + BATCH) - i;
    records.length = entries.length = leaves.length = n;
    // Building the records stands for the rest of the server; only the log's work is timed.
    for (let j = 0; j < n; j++) records[j] = record(i + j);
    let start = now();
    for (let j = 0; j < n; j++) leaves[j] = hashLeaf((entries[j] = encodeEntry('observation', records[j]!)));
    const fresh: NodeBatch[] = tree.append(leaves);
    for (const b of fresh) nodes += b.count;
    pipelineMs += now() - start;
    start = now();
    for (let j = 0; j < n; j++) sink ^= sha256(entries[j]!)[0]!;
    baselineMs += now() - start;
    for (let j = 0; j < n; j++) bytes += entries[j]!.length;
  }
  if (sink === 256) console.log('unreachable');
  return { rate: ENTRIES / (pipelineMs / 1000), ceiling: ENTRIES / (baselineMs / 1000), nodes, bytes };
}

run(); // warm-up: JIT and the level arrays' first allocation
const { rate, ceiling, nodes, bytes } = run();
const avgBytes = bytes / ENTRIES;
const best = { rate, nodes };

console.log(`append: ${fmt(ENTRIES)} entries (~${Math.round(avgBytes)} bytes each) in batches of ${fmt(BATCH)}`);
console.log(`  sha256 of the entry bytes only (ceiling):  ${fmt(ceiling)} entries/s`);
console.log(
  `  encode + hash leaf + append + new nodes:  ${fmt(best.rate)} entries/s  (${fmt(best.nodes)} nodes handed out; target >= 50,000/s)`,
);
console.log(`  ratio to ceiling: ${(best.rate / ceiling).toFixed(2)}`);

// --- 2. proofs in a 10M-leaf tree ---------------------------------------------------------------------------
// Leaf hashes are random bytes (hashing ten million entries would only re-measure part 1); every interior node is
// real, built by MerkleTree.append.
const buildStart = now();
const tree = new MerkleTree({ capacity: TREE });
{
  const chunk = 1 << 16;
  const bytes = new Uint8Array(chunk * 32);
  const hashes: Uint8Array[] = Array.from({ length: chunk }, (_, j) => bytes.subarray(j * 32, (j + 1) * 32));
  for (let i = 0; i < TREE; i += chunk) {
    crypto.randomFillSync(bytes);
    tree.append(i + chunk <= TREE ? hashes : hashes.slice(0, TREE - i));
  }
}
const buildMs = now() - buildStart;
const root = tree.root();
const mem = process.memoryUsage();

function timeProofs(make: (k: number) => () => unknown): { meanUs: number; p50Us: number; p99Us: number } {
  const samples = new Float64Array(PROOFS);
  for (let k = 0; k < PROOFS; k++) {
    const f = make(k);
    const s = process.hrtime.bigint();
    f();
    samples[k] = Number(process.hrtime.bigint() - s) / 1e3;
  }
  samples.sort();
  let sum = 0;
  for (const v of samples) sum += v;
  return { meanUs: sum / PROOFS, p50Us: samples[Math.floor(PROOFS / 2)]!, p99Us: samples[Math.floor(PROOFS * 0.99)]! };
}

const idx = Array.from({ length: PROOFS }, () => Math.floor(rand() * TREE));
const olds = Array.from({ length: PROOFS }, () => 1 + Math.floor(rand() * (TREE - 1)));
// Warm up the JIT before timing.
for (let k = 0; k < 2000; k++) inclusionProof(tree, idx[k]!, TREE);
const incl = timeProofs((k) => () => inclusionProof(tree, idx[k]!, TREE));
const cons = timeProofs((k) => () => consistencyProof(tree, olds[k]!, TREE));

// Every proof timed must also be right: verify a sample of each.
let bad = 0;
for (let k = 0; k < 1000; k++) {
  if (!verifyInclusion(idx[k]!, TREE, tree.node(0, idx[k]!), inclusionProof(tree, idx[k]!, TREE), root).ok) bad++;
  if (!verifyConsistency(olds[k]!, TREE, tree.root(olds[k]!), root, consistencyProof(tree, olds[k]!, TREE)).ok) bad++;
}
const verifyUs = timeProofs((k) => {
  const i = idx[k % 1000]!;
  const leaf = tree.node(0, i);
  const proof = inclusionProof(tree, i, TREE);
  return () => verifyInclusion(i, TREE, leaf, proof, root);
}).meanUs;
if (bad) {
  console.error(`${bad} proofs failed to verify`);
  process.exitCode = 1;
}

console.log(
  `proofs: ${fmt(TREE)}-leaf tree built in ${(buildMs / 1000).toFixed(1)} s (${fmt(TREE / (buildMs / 1000))} leaves/s), nodes in memory ${fmt((TREE * 2 * 32) / 2 ** 20)} MiB, rss ${fmt(mem.rss / 2 ** 20)} MiB`,
);
// The mean carries the odd GC pause or descheduling on a shared machine; the median is the typical proof.
console.log(
  `  inclusion proof:   median ${incl.p50Us.toFixed(1)} µs, mean ${incl.meanUs.toFixed(1)} µs, p99 ${incl.p99Us.toFixed(1)} µs  (target < 1,000 µs)`,
);
console.log(
  `  consistency proof: median ${cons.p50Us.toFixed(1)} µs, mean ${cons.meanUs.toFixed(1)} µs, p99 ${cons.p99Us.toFixed(1)} µs`,
);
console.log(`  verify inclusion:  mean ${verifyUs.toFixed(1)} µs; 2,000 sampled proofs verified, ${bad} failed`);

// --- 3. the log in a database ---------------------------------------------------------------------------------
// (a) Appending with storage: each batch of 1,000 observation-shaped entries in its own transaction (encode, hash,
// insert entries and the new nodes, update the head), against inserting the same entry bytes into a plain table in
// the same kind of transaction (storage alone), alternating batch by batch. SQLite at the store's default
// synchronous=FULL (one fsync per batch); PostgreSQL when it is reachable.
// (b) Proofs from the store: the 10,000,000-leaf tree of part 2 bulk-loaded (leaf hashes and every node computed in
// memory, inserted in large transactions with the secondary indexes built afterwards), then inclusion and
// consistency proofs for random leaves read from the database. The bulk-loaded entries carry an empty body (their
// leaf hashes are random): only the node reads are timed, and 3.3 GB of entry text would prove nothing more.
const STORE_ENTRIES = Number(process.env.TLOG_BENCH_STORE_ENTRIES ?? 200_000);
const STORE_TREE = Math.min(TREE, Number(process.env.TLOG_BENCH_STORE_TREE ?? TREE));
const PG_TREE = Math.min(TREE, Number(process.env.TLOG_BENCH_PG_TREE ?? 1_000_000));
const STORE_PROOFS = 5_000;
const pgUrl = process.env.GUARANTOR_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface StoreFigures {
  rate: number;
  /** Entries per second of this process's CPU time (user + system): what the log costs whatever else runs. */
  cpuRate: number;
  rawRate: number;
  proof?: { p50: number; mean: number; p99: number };
  consistency?: { p50: number; mean: number; p99: number };
  /** Finding an entry's index by its leaf hash (the inclusion-proof route's `leaf=`). */
  byLeaf?: { p50: number; mean: number; p99: number };
  treeLoadS?: number;
  treeLeaves?: number;
}

function stats(samples: number[]): { p50: number; mean: number; p99: number } {
  samples.sort((a, b) => a - b);
  return {
    p50: samples[Math.floor(samples.length / 2)]!,
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
    p99: samples[Math.floor(samples.length * 0.99)]!,
  };
}

function entriesFor(from: number, n: number): LogEntry[] {
  return Array.from({ length: n }, (_, j) => ({
    kind: 'observation',
    recordId: String(from + j),
    record: record(from + j) as unknown as LogEntry['record'],
  }));
}

async function proofTimes(
  store: {
    inclusionProof(i: number, n: number): Promise<Uint8Array[]>;
    consistencyProof(m: number, n: number): Promise<Uint8Array[]>;
    indexOfLeaf(leaf: Uint8Array): Promise<number | undefined>;
  },
  n: number,
) {
  const r = tree.root(n);
  const incl: number[] = [];
  const cons: number[] = [];
  const byLeaf: number[] = [];
  let wrong = 0;
  // Finding an entry by its leaf hash probes every bucket of the leaf index (migration 0007).
  for (let k = 0; k < 220; k++) {
    const i = Math.floor(rand() * n);
    const t = now();
    const found = await store.indexOfLeaf(tree.node(0, i));
    if (k >= 20) byLeaf.push((now() - t) * 1000);
    if (found !== i) wrong++;
  }
  for (let k = 0; k < STORE_PROOFS + 200; k++) {
    const i = Math.floor(rand() * n);
    const m = 1 + Math.floor(rand() * (n - 1));
    let t = now();
    const p = await store.inclusionProof(i, n);
    const a = now() - t;
    t = now();
    const c = await store.consistencyProof(m, n);
    const b = now() - t;
    if (k >= 200) {
      incl.push(a * 1000);
      cons.push(b * 1000);
    }
    if (
      k % 50 === 0 &&
      (!verifyInclusion(i, n, tree.node(0, i), p, r).ok || !verifyConsistency(m, n, tree.root(m), r, c).ok)
    )
      wrong++;
  }
  if (wrong) {
    console.error(`${wrong} proofs read from the store failed to verify`);
    process.exitCode = 1;
  }
  return { proof: stats(incl), consistency: stats(cons), byLeaf: stats(byLeaf) };
}

async function sqliteFigures(): Promise<StoreFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'tlog-bench-'));
  try {
    // (a)
    const store = SqliteStore.open({ path: join(dir, 'append.db') });
    store.db.exec('CREATE TABLE raw (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL)');
    const raw = store.db.prepare('INSERT INTO raw (idx, entry) VALUES (?, ?)');
    let logMs = 0;
    let rawMs = 0;
    let cpuUs = 0;
    for (let i = 0; i < STORE_ENTRIES; i += BATCH) {
      const n = Math.min(STORE_ENTRIES, i + BATCH) - i;
      const batch = entriesFor(i, n);
      const bytes = batch.map((e) => encodeEntry(e.kind, e.record));
      let t = now();
      const c0 = process.cpuUsage();
      store.db.exec('BEGIN IMMEDIATE');
      appendEntries(store.db, batch);
      store.db.exec('COMMIT');
      const c = process.cpuUsage(c0);
      cpuUs += c.user + c.system;
      logMs += now() - t;
      t = now();
      store.db.exec('BEGIN IMMEDIATE');
      for (let j = 0; j < n; j++) raw.run(i + j, bytes[j]);
      store.db.exec('COMMIT');
      rawMs += now() - t;
    }
    await store.close();
    // (b)
    const t0 = now();
    const big = SqliteStore.open({ path: join(dir, 'tree.db'), synchronous: 'normal' });
    const db = big.db;
    db.pragma('cache_size = -262144');
    // Bulk load without the entry indexes, then rebuild them as the migrations define them.
    const indexes = (
      db
        .prepare(
          "SELECT sql FROM sqlite_master WHERE type = 'index' AND name IN ('tlog_entry_record', 'tlog_entry_leaf')",
        )
        .all() as { sql: string }[]
    ).map((r) => r.sql);
    db.exec('DROP INDEX tlog_entry_record; DROP INDEX tlog_entry_leaf');
    const ins = db.prepare(
      "INSERT INTO tlog_entry (idx, kind, record_id, leaf, leaf_key, entry) VALUES (?, 'observation', ?, ?, ?, x'')",
    );
    const insNode = db.prepare('INSERT INTO tlog_node (level, idx, hash) VALUES (?, ?, ?)');
    const CH = 500_000;
    for (let i = 0; i < STORE_TREE; i += CH) {
      db.transaction(() => {
        for (let j = i; j < Math.min(STORE_TREE, i + CH); j++) {
          const leaf = tree.node(0, j);
          ins.run(j, String(j), leaf, leafKey(leaf));
        }
      })();
    }
    for (let level = 1; 2 ** level <= STORE_TREE; level++) {
      const count = Math.floor(STORE_TREE / 2 ** level);
      for (let i = 0; i < count; i += CH) {
        db.transaction(() => {
          for (let j = i; j < Math.min(count, i + CH); j++) insNode.run(level, j, tree.node(level, j));
        })();
      }
    }
    for (const sql of indexes) db.exec(sql);
    db.prepare('UPDATE tlog_head SET size = ?, root = ? WHERE id = 1').run(STORE_TREE, tree.root(STORE_TREE));
    const treeLoadS = (now() - t0) / 1000;
    const times = await proofTimes(SqliteLog.of(db), STORE_TREE);
    await big.close();
    return {
      rate: STORE_ENTRIES / (logMs / 1000),
      cpuRate: STORE_ENTRIES / (cpuUs / 1e6),
      rawRate: STORE_ENTRIES / (rawMs / 1000),
      ...times,
      treeLoadS,
      treeLeaves: STORE_TREE,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresFigures(): Promise<StoreFigures | undefined> {
  const probe = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
  } catch {
    console.log(`store (PostgreSQL): skipped, ${pgUrl} is unreachable`);
    return undefined;
  }
  const schema = `bench_tlog_${process.pid}`;
  try {
    const store = await PostgresStore.open({ url: pgUrl, schema, poolSize: 2 });
    const log = PostgresLog.of(store.pool);
    await store.pool.query('CREATE TABLE raw (idx BIGINT PRIMARY KEY, entry BYTEA NOT NULL)');
    const n0 = Math.min(STORE_ENTRIES, 100_000);
    let logMs = 0;
    let rawMs = 0;
    let cpuUs = 0;
    for (let i = 0; i < n0; i += BATCH) {
      const n = Math.min(n0, i + BATCH) - i;
      const batch = entriesFor(i, n);
      const bytes = batch.map((e) => Buffer.from(encodeEntry(e.kind, e.record)));
      let t = now();
      const c0 = process.cpuUsage();
      await log.append(batch);
      const cpu = process.cpuUsage(c0);
      cpuUs += cpu.user + cpu.system;
      logMs += now() - t;
      t = now();
      const c = await store.pool.connect();
      await c.query('BEGIN');
      await c.query('INSERT INTO raw (idx, entry) SELECT * FROM unnest($1::bigint[], $2::bytea[])', [
        Array.from({ length: n }, (_, j) => i + j),
        bytes,
      ]);
      await c.query('COMMIT');
      c.release();
      rawMs += now() - t;
    }
    await store.pool.query('TRUNCATE tlog_entry, tlog_node');
    const t0 = now();
    // Bulk load without the entry indexes, then rebuild them as the migrations define them.
    const indexes = (
      (
        await store.pool.query(
          "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ('tlog_entry_record', 'tlog_entry_leaf')",
        )
      ).rows as { indexdef: string }[]
    ).map((r) => r.indexdef);
    await store.pool.query('DROP INDEX tlog_entry_record; DROP INDEX tlog_entry_leaf');
    const CH = 50_000;
    for (let i = 0; i < PG_TREE; i += CH) {
      const ids = Array.from({ length: Math.min(PG_TREE, i + CH) - i }, (_, j) => i + j);
      await store.pool.query(
        "INSERT INTO tlog_entry (idx, kind, record_id, leaf, leaf_key, entry) SELECT i, 'observation', i::text, l, k, '' FROM unnest($1::bigint[], $2::bytea[], $3::bigint[]) AS u(i, l, k)",
        [ids, ids.map((j) => Buffer.from(tree.node(0, j))), ids.map((j) => leafKey(tree.node(0, j)))],
      );
    }
    for (let level = 1; 2 ** level <= PG_TREE; level++) {
      const count = Math.floor(PG_TREE / 2 ** level);
      for (let i = 0; i < count; i += CH) {
        const ids = Array.from({ length: Math.min(count, i + CH) - i }, (_, j) => i + j);
        await store.pool.query(
          'INSERT INTO tlog_node (level, idx, hash) SELECT $1, i, h FROM unnest($2::bigint[], $3::bytea[]) AS u(i, h)',
          [level, ids, ids.map((j) => Buffer.from(tree.node(level, j)))],
        );
      }
    }
    for (const sql of indexes) await store.pool.query(sql);
    await store.pool.query('ANALYZE tlog_entry; ANALYZE tlog_node');
    await store.pool.query('UPDATE tlog_head SET size = $1, root = $2 WHERE id = 1', [
      PG_TREE,
      Buffer.from(tree.root(PG_TREE)),
    ]);
    const treeLoadS = (now() - t0) / 1000;
    const times = await proofTimes(log, PG_TREE);
    await store.close();
    return {
      rate: n0 / (logMs / 1000),
      cpuRate: n0 / (cpuUs / 1e6),
      rawRate: n0 / (rawMs / 1000),
      ...times,
      treeLoadS,
      treeLeaves: PG_TREE,
    };
  } finally {
    await probe.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await probe.end();
  }
}

const us = (x: { p50: number; mean: number; p99: number } | undefined) =>
  x ? `median ${x.p50.toFixed(0)} µs, mean ${x.mean.toFixed(0)} µs, p99 ${x.p99.toFixed(0)} µs` : 'n/a';
const lite = await sqliteFigures();
console.log(`store (SQLite, synchronous=FULL): ${fmt(STORE_ENTRIES)} entries in transactions of ${fmt(BATCH)}`);
console.log(
  `  append with storage: ${fmt(lite.rate)} entries/s wall-clock, ${fmt(lite.cpuRate)} per CPU-second (target >= 50,000/s); the same bytes into a plain table: ${fmt(lite.rawRate)} entries/s`,
);
console.log(
  `  ${fmt(lite.treeLeaves!)}-leaf tree bulk-loaded in ${lite.treeLoadS!.toFixed(0)} s; inclusion proof from the store: ${us(lite.proof)} (target < 1,000 µs)`,
);
console.log(
  `  consistency proof from the store: ${us(lite.consistency)}; an entry found by its leaf hash: ${us(lite.byLeaf)}`,
);
const pgf = await postgresFigures();
if (pgf) {
  console.log(`store (PostgreSQL): ${fmt(Math.min(STORE_ENTRIES, 100_000))} entries in transactions of ${fmt(BATCH)}`);
  console.log(
    `  append with storage: ${fmt(pgf.rate)} entries/s wall-clock, ${fmt(pgf.cpuRate)} per CPU-second of this process (PostgreSQL's own work not counted); the same bytes into a plain table: ${fmt(pgf.rawRate)} entries/s`,
  );
  console.log(
    `  ${fmt(pgf.treeLeaves!)}-leaf tree loaded in ${pgf.treeLoadS!.toFixed(0)} s; inclusion proof (one query): ${us(pgf.proof)}; consistency: ${us(pgf.consistency)}; by leaf hash: ${us(pgf.byLeaf)}`,
  );
}

console.log(
  JSON.stringify({
    bench: 'tlog',
    unit: 'entries/s',
    value: Math.round(lite.rate),
    baselines: { 'sha256-only': Math.round(ceiling), 'sqlite-plain-insert': Math.round(lite.rawRate) },
    ratios: {
      'sha256-only': +(lite.rate / ceiling).toFixed(3),
      'sqlite-plain-insert': +(lite.rate / lite.rawRate).toFixed(3),
    },
    cpu_entries_per_s: Math.round(lite.cpuRate),
    memory_entries_per_s: Math.round(best.rate),
    memory_ratio_sha256: +(best.rate / ceiling).toFixed(3),
    entries: ENTRIES,
    store_entries: STORE_ENTRIES,
    batch: BATCH,
    entry_bytes: Math.round(avgBytes),
    tree_leaves: TREE,
    proof_us: +incl.meanUs.toFixed(2),
    proof_p50_us: +incl.p50Us.toFixed(2),
    proof_p99_us: +incl.p99Us.toFixed(2),
    consistency_proof_us: +cons.meanUs.toFixed(2),
    verify_us: +verifyUs.toFixed(2),
    tree_build_s: +(buildMs / 1000).toFixed(1),
    sqlite_tree_leaves: lite.treeLeaves,
    sqlite_tree_load_s: +lite.treeLoadS!.toFixed(1),
    sqlite_proof_p50_us: +lite.proof!.p50.toFixed(1),
    sqlite_proof_us: +lite.proof!.mean.toFixed(1),
    sqlite_proof_p99_us: +lite.proof!.p99.toFixed(1),
    sqlite_consistency_p50_us: +lite.consistency!.p50.toFixed(1),
    ...(pgf
      ? {
          pg_entries_per_s: Math.round(pgf.rate),
          pg_cpu_entries_per_s: Math.round(pgf.cpuRate),
          pg_plain_insert_per_s: Math.round(pgf.rawRate),
          pg_tree_leaves: pgf.treeLeaves,
          pg_proof_p50_us: +pgf.proof!.p50.toFixed(1),
          pg_proof_us: +pgf.proof!.mean.toFixed(1),
          pg_proof_p99_us: +pgf.proof!.p99.toFixed(1),
          pg_consistency_p50_us: +pgf.consistency!.p50.toFixed(1),
        }
      : {}),
  }),
);
