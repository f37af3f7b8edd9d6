/**
 * The log's storage on SQLite and PostgreSQL: appends in batches give the RFC 9162 roots of an in-memory tree,
 * every inclusion and consistency proof read from the store verifies, a rolled-back append leaves no trace and no
 * stale cache, two writers (two connections or pools: two servers) interleave without gaps, and checkpoints,
 * cosignatures, witnesses and the signing key round-trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry, LogStore } from '../core/ports/tlog.js';
import { encodeEntry, hashLeaf, rootFromLeafHashes, verifyConsistency, verifyInclusion } from '../core/tlog/index.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from '../../test/support/postgres.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { PostgresLog } from './postgres/tlog-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { SqliteLog } from './sqlite/tlog-store.js';
import { LEAF_BUCKET_BITS } from './migrations/0007-tlog-leaf-buckets.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const entry = (i: number): LogEntry => ({
  kind: 'observation',
  recordId: String(i),
  record: { seq: i, note: `entry ${i}`, x: i * 0.5 },
});
const leafOf = (e: LogEntry) => hashLeaf(encodeEntry(e.kind, e.record));
const hex = (u: Uint8Array | undefined) => (u ? Buffer.from(u).toString('hex') : u);

interface Harness {
  log: LogStore;
  /** A second, independent writer over the same database (another server). */
  other: LogStore;
  /** Runs an append inside a transaction that then rolls back. */
  appendThenRollback(entries: LogEntry[]): Promise<void>;
  /** Appends only the entries whose record changed, in a transaction (the casework stores' way). */
  close(): Promise<void>;
}

async function sqliteHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tlog-'));
  const a = SqliteStore.open({ path: join(dir, 'db.sqlite'), synchronous: 'normal' });
  const b = SqliteStore.open({ path: join(dir, 'db.sqlite'), synchronous: 'normal' });
  return {
    log: SqliteLog.of(a.db),
    other: SqliteLog.of(b.db),
    appendThenRollback: async (entries) => {
      a.db.exec('BEGIN IMMEDIATE');
      SqliteLog.of(a.db).appendSync(entries);
      a.db.exec('ROLLBACK');
    },
    close: async () => {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresHarness(): Promise<Harness> {
  const schema = freshSchema('tlog');
  const a = await PostgresStore.open({ url: pgUrl, schema, poolSize: 3 });
  const b = await PostgresStore.open({ url: pgUrl, schema, poolSize: 3 });
  return {
    log: PostgresLog.of(a.pool),
    other: PostgresLog.of(b.pool),
    appendThenRollback: async (entries) => {
      const c = await a.pool.connect();
      try {
        await c.query('BEGIN');
        await PostgresLog.of(a.pool).appendIn(c, entries);
        await c.query('ROLLBACK');
      } finally {
        c.release();
      }
    },
    close: async () => {
      await a.close();
      await b.close();
      await dropSchema(schema);
    },
  };
}

const dialects: [string, () => Promise<Harness | undefined>][] = [
  ['sqlite', sqliteHarness],
  ['postgres', async () => ((await postgresAvailable()) ? postgresHarness() : undefined)],
];

describe.each(dialects)('transparency log storage on %s', (_name, make) => {
  let h: Harness | undefined;
  const leaves: Uint8Array[] = [];
  beforeAll(async () => {
    h = await make();
  });
  afterAll(async () => h?.close());

  it('appends batches with gap-free indices and the in-memory roots; rollbacks leave nothing', async () => {
    if (!h) return;
    expect((await h.log.head()).size).toBe(0);
    let n = 0;
    for (const size of [1, 2, 5, 1, 8, 13, 64, 3, 100]) {
      const batch = Array.from({ length: size }, (_, i) => entry(n + i));
      const r = await (size % 2 ? h.log : h.other).append(batch);
      expect(r).toEqual({ start: n, size: n + size });
      n += size;
      leaves.push(...batch.map(leafOf));
      expect(Buffer.from((await h.log.head()).root).toString('hex')).toBe(
        Buffer.from(rootFromLeafHashes(leaves)).toString('hex'),
      );
      // A rolled-back append leaves the head, and the cache, as they were.
      await h.appendThenRollback([entry(9_999), entry(9_998)]);
      expect((await h.log.head()).size).toBe(n);
    }
    // Both writers saw each other's appends: one more from each continues the same tree.
    await h.log.append([entry(n)]);
    await h.other.append([entry(n + 1)]);
    leaves.push(leafOf(entry(n)), leafOf(entry(n + 1)));
    expect(hex((await h.other.head()).root)).toBe(hex(rootFromLeafHashes(leaves)));
    const stored = await h.log.entries(0, leaves.length);
    expect(stored.map((e) => e.index)).toEqual(leaves.map((_, i) => i));
    expect(
      stored.every(
        (e, i) => Buffer.from(e.leaf).equals(leaves[i]!) && Buffer.from(hashLeaf(e.entry)).equals(leaves[i]!),
      ),
    ).toBe(true);
    // The leaf hashes alone, packed (a witness's mirror), in order, up to the end of the log.
    expect(Buffer.from(await h.other.leaves(0, leaves.length + 10)).equals(Buffer.concat(leaves))).toBe(true);
    expect(Buffer.from(await h.log.leaves(3, 5)).equals(Buffer.concat(leaves.slice(3, 5)))).toBe(true);
    expect((await h.log.leaves(leaves.length, leaves.length + 1)).length).toBe(0);
  });

  it('answers every inclusion and consistency proof from stored nodes', async () => {
    if (!h) return;
    const n = leaves.length;
    for (const size of [1, 2, 3, 7, 8, 33, 100, n]) {
      const root = await h.log.rootAt(size);
      expect(hex(root)).toBe(hex(rootFromLeafHashes(leaves.slice(0, size))));
      for (let i = 0; i < size; i += Math.max(1, Math.floor(size / 9))) {
        const proof = await h.log.inclusionProof(i, size);
        expect(verifyInclusion(i, size, leaves[i]!, proof, root).ok).toBe(true);
        expect(verifyInclusion(i, size, leaves[(i + 1) % size]!, proof, root).ok).toBe(size === 1);
      }
      for (const m of [0, 1, 2, 5, 64, size]) {
        if (m > size) continue;
        const proof = await h.log.consistencyProof(m, size);
        expect(verifyConsistency(m, size, await h.log.rootAt(m), root, proof).ok).toBe(true);
      }
    }
    await expect(h.log.inclusionProof(0, n + 1)).rejects.toMatchObject({ code: 'bad-size' });
    await expect(h.log.consistencyProof(3, n + 1)).rejects.toMatchObject({ code: 'bad-size' });
    await expect(h.log.inclusionProof(n, n)).rejects.toMatchObject({ code: 'index-out-of-range' });
  });

  it('finds entries by leaf hash and by record (the latest entry of a record)', async () => {
    if (!h) return;
    expect(await h.log.indexOfLeaf(leaves[42]!)).toBe(42);
    expect(await h.log.indexOfLeaf(new Uint8Array(32))).toBeUndefined();
    const r = await h.log.append([
      { kind: 'task-change', recordId: 'c1/t', record: { v: 1 } },
      { kind: 'task-change', recordId: 'c1/t', record: { v: 2 } },
    ]);
    expect(await h.log.indexOfRecord('task-change', 'c1/t')).toBe(r.size - 1);
    expect(await h.log.indexOfRecord('task-change', 'nope')).toBeUndefined();
  });

  it('finds a leaf in every bucket of the leaf index, the first entry of a repeated leaf, and no other (0007)', async () => {
    if (!h) return;
    const { size: start } = await h.log.head();
    const bucket = 2 ** LEAF_BUCKET_BITS;
    // Past two bucket boundaries; one record logged twice, in two buckets.
    const more: LogEntry[] = Array.from({ length: 2 * bucket + 100 - (start % bucket) }, (_, i) => ({
      kind: 'vote',
      recordId: `b/${i}`,
      record: { i },
    }));
    const twice: LogEntry = { kind: 'vote', recordId: 'b/twice', record: { twice: true } };
    more.splice(10, 0, twice);
    more.push(twice);
    for (let i = 0; i < more.length; i += 5_000) await h.log.append(more.slice(i, i + 5_000));
    const size = (await h.log.head()).size;
    expect(Math.floor((size - 1) / bucket) - Math.floor(start / bucket)).toBeGreaterThanOrEqual(2);
    for (const at of [start, start + 10, bucket - 1, bucket, bucket + 1, 2 * bucket - 1, 2 * bucket, size - 2]) {
      if (at < start || at >= size - 1) continue;
      const e = more[at - start]!;
      expect(await h.log.indexOfLeaf(leafOf(e)), `entry ${at}`).toBe(e === twice ? start + 10 : at);
    }
    expect(await h.log.indexOfLeaf(leafOf(twice))).toBe(start + 10);
    expect(
      await h.log.indexOfLeaf(leafOf({ kind: 'vote', recordId: 'b/none', record: { none: true } })),
    ).toBeUndefined();
  });

  it('keeps indices gap-free and the tree whole under concurrent appends from two writers', async () => {
    if (!h) return;
    const { size: start } = await h.log.head();
    const writers = Array.from({ length: 24 }, (_, k) =>
      (k % 2 ? h!.log : h!.other).append(
        Array.from({ length: 1 + (k % 5) }, (_, j) => ({ kind: 'vote', recordId: `c/${k}/${j}`, record: { k, j } })),
      ),
    );
    const results = await Promise.all(writers);
    const spans = results.map((r) => [r.start, r.size] as const).sort((a, b) => a[0] - b[0]);
    let at = start;
    for (const [a, b] of spans) {
      expect(a).toBe(at);
      at = b;
    }
    const head = await h.other.head();
    expect(head.size).toBe(at);
    const all = await h.log.entries(0, head.size);
    expect(all.map((e) => e.index)).toEqual(all.map((_, i) => i));
    expect(hex(head.root)).toBe(hex(rootFromLeafHashes(all.map((e) => hashLeaf(e.entry)))));
    leaves.length = 0;
    leaves.push(...all.map((e) => hashLeaf(e.entry)));
  });

  it('stores checkpoints once per size, cosignatures once per witness, and witnesses; finds the latest cosigned', async () => {
    if (!h) return;
    const root = new Uint8Array(32).fill(7);
    const a = await h.log.saveCheckpoint({ size: 5, root, time: 1_000, note: 'a' });
    const b = await h.other.saveCheckpoint({ size: 5, root, time: 2_000, note: 'b' });
    expect(b).toEqual(a);
    expect(a).toMatchObject({ size: 5, time: 1_000, note: 'a', cosignatures: [] });
    await h.log.saveCheckpoint({ size: 9, root, time: 3_000, note: 'c' });
    expect((await h.log.latestCheckpoint())?.size).toBe(9);
    expect(await h.log.addCosignature(5, 'w1', '— w1 x\n', 10)).toBe(true);
    expect(await h.log.addCosignature(5, 'w1', '— w1 y\n', 11)).toBe(false);
    expect(await h.log.addCosignature(5, 'w0', '— w0 z\n', 12)).toBe(true);
    expect((await h.other.checkpointAt(5))?.cosignatures).toEqual(['— w1 x\n', '— w0 z\n']);
    expect(await h.log.checkpointAt(6)).toBeUndefined();
    expect(await h.log.addWitness({ name: 'w1', vkey: 'v', createdAt: 1 })).toBe(true);
    expect(await h.log.addWitness({ name: 'w1', vkey: 'v2', createdAt: 2 })).toBe(false);
    expect(await h.other.witnesses()).toEqual([{ name: 'w1', vkey: 'v', createdAt: 1 }]);
    // Size 9 has one cosignature, size 5 two: a client needing both witnesses verifies against 5.
    expect(await h.log.addCosignature(9, 'w1', '— w1 q\n', 13)).toBe(true);
    expect((await h.other.latestCosigned(['w0', 'w1'], 2))?.size).toBe(5);
    expect((await h.other.latestCosigned(['w1'], 1))?.size).toBe(9);
    expect((await h.other.latestCosigned(['w0', 'w1'], 0))?.size).toBe(9);
    expect(await h.other.latestCosigned(['w2'], 1)).toBeUndefined();
  });

  it('appends a record only while its latest entry is the one expected (the log key: created once, then handovers)', async () => {
    if (!h) return;
    const e = (n: number) => ({ kind: 'log-key' as const, recordId: 'o', record: { origin: 'o', n } });
    const first = await h.log.appendIfLatest(e(1), undefined);
    expect(first).toBeTypeOf('number');
    expect(await h.other.appendIfLatest(e(2), undefined)).toBeUndefined();
    const second = await h.other.appendIfLatest(e(3), first);
    expect(second).toBe(first! + 1);
    expect(await h.log.appendIfLatest(e(4), first)).toBeUndefined();
    expect(await h.log.indexOfRecord('log-key', 'o')).toBe(second);
  });
});
