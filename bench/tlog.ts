// Transparency log core: (1) appending entries in batches of 1,000 (encode the record as a guarantor-entry/1
// leaf, hash it, append to the in-memory tree and collect the new nodes a store would persist), against raw
// SHA-256 of the same entry bytes measured in the same run (the ceiling); (2) inclusion and consistency proof
// construction in a 10,000,000-leaf tree whose nodes sit in one Uint8Array per level, the layout a store mirrors.
import * as crypto from 'node:crypto';
import { consistencyProof, encodeEntry, hashLeaf, inclusionProof, MerkleTree, verifyConsistency, verifyInclusion, type NodeBatch } from '../src/core/tlog/index.js';

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
    location: { lat: 48.5 + ((i % 1000) - 500) / 1e4, lon: 37.9 + ((i % 777) - 388) / 1e4, radius: 250 + (i % 4) * 250 },
    confidence: 0.5 + (i % 50) / 100,
    evidence: [`sha256:${((i * 40503) >>> 0).toString(16).padStart(8, '0')}`],
  };
}

// --- 1. append throughput ---------------------------------------------------------------------------------
// The fastest SHA-256 Node offers for one short message (the one-shot crypto.hash hashLeaf also uses).
const sha256 = typeof crypto.hash === 'function' ? (d: Uint8Array) => crypto.hash('sha256', d, 'buffer') : (d: Uint8Array) => crypto.createHash('sha256').update(d).digest();

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
console.log(`  encode + hash leaf + append + new nodes:  ${fmt(best.rate)} entries/s  (${fmt(best.nodes)} nodes handed out; target >= 50,000/s)`);
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

console.log(`proofs: ${fmt(TREE)}-leaf tree built in ${(buildMs / 1000).toFixed(1)} s (${fmt(TREE / (buildMs / 1000))} leaves/s), nodes in memory ${fmt((TREE * 2 * 32) / 2 ** 20)} MiB, rss ${fmt(mem.rss / 2 ** 20)} MiB`);
// The mean carries the odd GC pause or descheduling on a shared machine; the median is the typical proof.
console.log(`  inclusion proof:   median ${incl.p50Us.toFixed(1)} µs, mean ${incl.meanUs.toFixed(1)} µs, p99 ${incl.p99Us.toFixed(1)} µs  (target < 1,000 µs)`);
console.log(`  consistency proof: median ${cons.p50Us.toFixed(1)} µs, mean ${cons.meanUs.toFixed(1)} µs, p99 ${cons.p99Us.toFixed(1)} µs`);
console.log(`  verify inclusion:  mean ${verifyUs.toFixed(1)} µs; 2,000 sampled proofs verified, ${bad} failed`);

console.log(
  JSON.stringify({
    bench: 'tlog',
    unit: 'entries/s',
    value: Math.round(best.rate),
    baselines: { 'sha256-only': Math.round(ceiling) },
    ratios: { 'sha256-only': +(best.rate / ceiling).toFixed(3) },
    entries: ENTRIES,
    batch: BATCH,
    entry_bytes: Math.round(avgBytes),
    tree_leaves: TREE,
    proof_us: +incl.meanUs.toFixed(2),
    proof_p50_us: +incl.p50Us.toFixed(2),
    proof_p99_us: +incl.p99Us.toFixed(2),
    consistency_proof_us: +cons.meanUs.toFixed(2),
    consistency_proof_p50_us: +cons.p50Us.toFixed(2),
    verify_us: +verifyUs.toFixed(2),
    tree_build_s: +(buildMs / 1000).toFixed(1),
  }),
);
