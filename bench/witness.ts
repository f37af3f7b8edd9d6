/**
 * A witness following a large log (docs/tlog.md, "What a witness keeps"): `guarantor witness` mirrors every leaf
 * hash it cosigns (32 bytes each) and checks them against the checkpoint's root. At WITNESS_BENCH_ENTRIES (default
 * 1,000,000) entries, against a real server (`start()`, SQLite) over HTTP:
 *
 * 1. first contact: the time to mirror the whole log and cosign, and the state's size on disk; baseline: reading the
 *    same leaf hashes straight from the database and folding them into the root (what no HTTP and no file cost);
 * 2. steady state: 1,000 entries appended and a checkpoint signed, then one poll, WITNESS_BENCH_POLLS times (median,
 *    max); baseline: the witness's work before it mirrored (the checkpoint and the consistency proof alone, timed in
 *    the same loop); and a poll with nothing new;
 * 3. the audit's side: checking a 1,000,000-leaf mirror against the cosigned root (rootFromLeafHashes over the file).
 *
 * The bulk-loaded entries carry an empty body (their leaf hashes are random): a witness reads leaf hashes only.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Fetch } from '../src/cli/api-client.js';
import { runWitness, witnessKey, witnessVkey } from '../src/cli/witness.js';
import { CompactRange, hashesEqual, rootFromLeafHashes } from '../src/core/tlog/index.js';
import { start } from '../src/main.js';
import { leafKey } from '../src/store/log-entries.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const N = Number(process.env.WITNESS_BENCH_ENTRIES ?? 1_000_000);
const POLLS = Number(process.env.WITNESS_BENCH_POLLS ?? 20);
const STEP = 1000;
const dir = mkdtempSync(join(tmpdir(), 'witness-bench-'));
const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  // The log: N random leaves, every node, the head; the secondary indexes built afterwards (as bench/tlog.ts).
  const db = join(dir, 'log.db');
  const t0 = now();
  {
    const s = SqliteStore.open({ path: db, synchronous: 'normal' });
    const d = s.db;
    d.pragma('cache_size = -262144');
    const indexes = (
      d
        .prepare(
          "SELECT sql FROM sqlite_master WHERE type = 'index' AND name IN ('tlog_entry_record', 'tlog_entry_leaf')",
        )
        .all() as { sql: string }[]
    ).map((r) => r.sql);
    d.exec('DROP INDEX tlog_entry_record; DROP INDEX tlog_entry_leaf');
    const ins = d.prepare(
      "INSERT INTO tlog_entry (idx, kind, record_id, leaf, leaf_key, entry) VALUES (?, 'package-version', ?, ?, ?, x'')",
    );
    const insNode = d.prepare('INSERT INTO tlog_node (level, idx, hash) VALUES (?, ?, ?)');
    const range = new CompactRange();
    const CH = 100_000;
    for (let i = 0; i < N; i += CH) {
      const leaves = Array.from({ length: Math.min(CH, N - i) }, () => new Uint8Array(randomBytes(32)));
      const batches = range.append(leaves);
      d.transaction(() => {
        leaves.forEach((l, j) => ins.run(i + j, `bench/${i + j}`, l, leafKey(l)));
        for (const b of batches)
          if (b.level > 0)
            for (let j = 0; j < b.count; j++)
              insNode.run(b.level, b.start + j, b.hashes.subarray(j * 32, (j + 1) * 32));
      })();
    }
    for (const sql of indexes) d.exec(sql);
    d.prepare('UPDATE tlog_head SET size = ?, root = ? WHERE id = 1').run(N, range.root());
    await s.close();
  }
  const loadS = (now() - t0) / 1000;

  const r = await start({
    packagePath: 'examples/ukraine-2026.yaml',
    db,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
  });
  const admin = { authorization: `Bearer ${r.bootstrapKey}` };
  const sign = async () => {
    const res = await fetch(`${r.url}/v1/log/checkpoint`, { method: 'POST', headers: admin });
    if (res.status !== 200) throw new Error(`sign: ${res.status} ${await res.text()}`);
    return Number((await res.text()).split('\n')[1]);
  };
  const { signer } = await witnessKey(join(dir, 'w.key'), 'witness.example/bench');
  await fetch(`${r.url}/v1/log/witnesses`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ vkey: witnessVkey(signer) }),
  });
  const state = join(dir, 'w.json');
  let out = '';
  const poll = async (): Promise<number> => {
    const t = now();
    const code = await runWitness(
      {
        url: r.url,
        signer,
        statePath: state,
        peers: [],
        intervalMs: 1000,
        once: true,
        now: () => new Date(),
        sleep: async () => undefined,
        write: (x) => (out += x),
      },
      fetch as unknown as Fetch,
    );
    if (code !== 0) throw new Error(`witness exit ${code}: ${out}`);
    return now() - t;
  };

  // 1. First contact.
  const size0 = await sign();
  const firstMs = await poll();
  const stateBytes = statSync(state).size;
  const mirrorBytes = statSync(`${state}.leaves`).size;
  if (mirrorBytes !== size0 * 32) throw new Error(`mirror holds ${mirrorBytes} bytes for ${size0} entries`);
  const b0 = now();
  {
    const s = SqliteStore.open({ path: db });
    const leaves = s.db.prepare('SELECT leaf FROM tlog_entry WHERE idx < ? ORDER BY idx').pluck().all(size0);
    rootFromLeafHashes(leaves as Uint8Array[]);
    await s.close();
  }
  const baseFirstMs = now() - b0;

  // 2. Steady state.
  const log = r.store.transparencyLog();
  const polls: number[] = [];
  const before: number[] = [];
  for (let k = 0; k < POLLS; k++) {
    await log.append(
      Array.from({ length: STEP }, (_, j) => ({
        kind: 'package-version' as const,
        recordId: `more/${k}/${j}`,
        record: { package: 'bench', version: `${k}.${j}`, sha256: '00' },
      })),
    );
    const from = JSON.parse(readFileSync(state, 'utf8')).size as number;
    const to = await sign();
    // What a poll cost before the mirror: the checkpoint and a consistency proof.
    const t = now();
    await (await fetch(`${r.url}/v1/log/checkpoint`)).text();
    await (await fetch(`${r.url}/v1/log/proof/consistency?from=${from}&to=${to}`)).json();
    before.push(now() - t);
    polls.push(await poll());
  }
  const idle = [await poll(), await poll(), await poll()];

  // 3. The audit's check of the mirror against the cosigned root.
  const a0 = now();
  const file = readFileSync(`${state}.leaves`);
  const final = JSON.parse(readFileSync(state, 'utf8')) as { size: number; root: string };
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < final.size; i++) hashes.push(file.subarray(i * 32, i * 32 + 32));
  const ok = hashesEqual(rootFromLeafHashes(hashes), Buffer.from(final.root, 'base64'));
  const auditMs = now() - a0;
  if (!ok) throw new Error('the mirror does not give the cosigned root');
  await r.close();

  const fmt = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 1 });
  console.log(`log of ${fmt(N)} entries bulk-loaded in ${loadS.toFixed(0)} s`);
  console.log(
    `first contact: mirrored and cosigned ${fmt(size0)} entries in ${fmt(firstMs)} ms (reading the same leaves from the database and folding the root: ${fmt(baseFirstMs)} ms); state ${fmt(stateBytes)} bytes, mirror ${fmt(mirrorBytes)} bytes (${(mirrorBytes / size0).toFixed(0)} per entry)`,
  );
  console.log(
    `steady state, ${STEP} new entries per poll: median ${fmt(median(polls))} ms, max ${fmt(Math.max(...polls))} ms (checkpoint + consistency proof alone, the witness before it mirrored: median ${fmt(median(before))} ms); nothing new: median ${fmt(median(idle))} ms`,
  );
  console.log(`audit: the ${fmt(final.size)}-leaf mirror checked against the cosigned root in ${fmt(auditMs)} ms`);
  console.log(
    JSON.stringify({
      bench: 'witness',
      unit: 'ms per poll',
      value: +median(polls).toFixed(1),
      entries: N,
      first_contact_ms: Math.round(firstMs),
      first_contact_baseline_ms: Math.round(baseFirstMs),
      state_bytes: stateBytes,
      mirror_bytes: mirrorBytes,
      poll_entries: STEP,
      poll_p50_ms: +median(polls).toFixed(1),
      poll_max_ms: +Math.max(...polls).toFixed(1),
      poll_before_mirror_p50_ms: +median(before).toFixed(1),
      idle_poll_ms: +median(idle).toFixed(1),
      audit_mirror_check_ms: Math.round(auditMs),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
