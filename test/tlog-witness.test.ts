/**
 * Witnesses (issue 16): `guarantor witness` cosigns each checkpoint it can prove consistent with the last one it
 * cosigned, and a `log verify` that requires the package's witness quorum accepts only what they cosigned.
 *
 * The operator's rewrite: with everything the server holds (its database and its key file), the operator edits an
 * observation, recomputes the leaf, the tree and the head, and re-signs the checkpoint. The running witness refuses
 * (exit 1, and an alarm the server logs), `log verify` with the witness quorum fails naming the witness, and `log
 * audit`, which passes on the database alone, names the record when anchored on the witness's state and leaf mirror
 * (`--witness-state`, the witness's key from the package; a forged mirror or a witness not named is not counted). A split
 * view (two databases, one key) is caught by a witness comparing its view with another witness's state (`--peer`).
 * Also measured: the delay from an append to a checkpoint cosigned by a running witness.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit, runVerify } from '../src/cli/log.js';
import type { Fetch } from '../src/cli/api-client.js';
import { runWitness, witnessKey, witnessVkey, type WitnessOptions } from '../src/cli/witness.js';
import {
  CompactRange,
  decodeEntry,
  ed25519Signer,
  hashLeaf,
  signCheckpoint,
  type Signer,
} from '../src/core/tlog/index.js';
import { readLogKeyFile } from '../src/log-key-file.js';
import { start, type Running } from '../src/main.js';
import { generateKey } from '../src/server/api-keys.js';
import { leafKey } from '../src/store/log-entries.js';
import { SqliteLog } from '../src/store/sqlite/tlog-store.js';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { obs } from './ops/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tlog-witness-'));
const running: Running[] = [];
afterAll(async () => {
  for (const r of running) await r.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});
const origin = 'guarantor/ukraine-2026-illustrative';

interface Server {
  r: Running;
  monitor: string;
}

async function server(db: string, keyFile?: string): Promise<Server> {
  const r = await start({
    packagePath: 'examples/ukraine-2026.yaml',
    db,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    ...(keyFile ? { logKey: { file: keyFile } } : {}),
  });
  running.push(r);
  const k = generateKey('CMM', 'monitor', 'test monitor', Date.now());
  await r.store.createApiKey(k.record);
  return { r, monitor: k.key };
}

let n = 0;
async function ingest(s: Server, count = 5): Promise<number> {
  const t = Date.now() - 86_400_000;
  const items = Array.from({ length: count }, () =>
    obs({ source: 'radar', sourceId: `w${n++}`, at: t + n * 1000, confidence: 0.9 }),
  );
  const res = await fetch(`${s.r.url}/v1/observations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.monitor}`, 'content-type': 'application/json' },
    body: JSON.stringify(items),
  });
  expect(res.status, await res.text()).toBe(200);
  return (await s.r.store.transparencyLog().head()).size;
}

async function register(s: Server, w: Signer): Promise<void> {
  const res = await fetch(`${s.r.url}/v1/log/witnesses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.r.bootstrapKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ vkey: witnessVkey(w) }),
  });
  expect(res.status).toBe(201);
}

function witness(
  url: string,
  signer: Signer,
  statePath: string,
  over: Partial<WitnessOptions> = {},
): { done: Promise<number>; out: () => string; stop: () => void } {
  let out = '';
  let stopped = false;
  const done = runWitness(
    {
      url,
      signer,
      statePath,
      peers: [],
      intervalMs: 1000,
      once: false,
      now: () => new Date(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      write: (s) => (out += s),
      stop: () => stopped,
      ...over,
    },
    fetch as unknown as Fetch,
  );
  return { done, out: () => out, stop: () => (stopped = true) };
}

async function until<T>(f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A package naming the witnesses and the quorum (`log:`), as the parties would sign it. */
function packageWith(witnesses: Signer[], quorum: number): string {
  const file = join(dir, `package-${witnesses.map((w) => w.name.replace(/\W/g, '')).join('-')}.yaml`);
  const vkeys = witnesses.map((w) => `    - { vkey: ${witnessVkey(w)} }`).join('\n');
  writeFileSync(
    file,
    `${readFileSync('examples/ukraine-2026.yaml', 'utf8')}\nlog:\n  witnesses:\n${vkeys}\n  quorum: ${quorum}\n`,
  );
  return file;
}

async function verify(url: string, pub: string, pkg: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runVerify(
    { url, key: pub, package: pkg },
    fetch as unknown as Fetch,
    new Date(),
    (s) => (out += s),
  );
  return { code, out };
}

/**
 * The operator's rewrite, with everything the server holds: one observation's confidence changed in its row, every
 * leaf recomputed from the rows, the tree, the head, and a checkpoint signed with the key file; the cosignatures
 * that no longer verify are dropped.
 */
async function rewrite(s: Server, db: string, keyFile: string): Promise<number> {
  const d = new Database(db);
  const row = d.prepare('SELECT seq, doc FROM observations ORDER BY seq LIMIT 1').get() as { seq: number; doc: string };
  expect(row.doc).toContain('"confidence":0.9');
  d.prepare('UPDATE observations SET doc = ? WHERE seq = ?').run(
    row.doc.replace('"confidence":0.9', '"confidence":0.2'),
    row.seq,
  );
  const log = SqliteLog.of((s.r.store as SqliteStore).db);
  const size = (await log.head()).size;
  const leaves = (await log.entries(0, size)).map((e) => hashLeaf(e.entry));
  const range = new CompactRange();
  const batches = range.append(leaves);
  d.transaction(() => {
    leaves.forEach((l, i) =>
      d.prepare('UPDATE tlog_entry SET leaf = ?, leaf_key = ? WHERE idx = ?').run(l, leafKey(l), i),
    );
    d.prepare('DELETE FROM tlog_node').run();
    const ins = d.prepare('INSERT INTO tlog_node (level, idx, hash) VALUES (?, ?, ?)');
    for (const b of batches)
      if (b.level > 0)
        for (let j = 0; j < b.count; j++) ins.run(b.level, b.start + j, b.hashes.subarray(j * 32, (j + 1) * 32));
    d.prepare('UPDATE tlog_head SET root = ? WHERE id = 1').run(range.root());
    d.prepare('DELETE FROM tlog_cosignature').run();
    d.prepare('DELETE FROM tlog_checkpoint').run();
    const key = readLogKeyFile(keyFile);
    const time = Math.floor(Date.now() / 1000) * 1000;
    const note = signCheckpoint(
      { origin, size, rootHash: range.root(), time: new Date(time), extensions: [] },
      ed25519Signer(origin, key.privateKey),
    );
    d.prepare('INSERT INTO tlog_checkpoint (size, root, time, note) VALUES (?, ?, ?, ?)').run(
      size,
      range.root(),
      time,
      note,
    );
  })();
  d.close();
  return row.seq;
}

async function audit(db: string, pub: string, pkg?: string, states?: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runAudit(
    { db, key: pub, ...(pkg ? { package: pkg } : {}), ...(states ? { witnessState: states } : {}) },
    (x) => (out += x),
  );
  return { code, out };
}

async function alarms(s: Server): Promise<{ witness: string; reason: string; checkpoints: string[] }[]> {
  const log = s.r.store.transparencyLog();
  const size = (await log.head()).size;
  return (await log.entries(0, size))
    .filter((e) => e.kind === 'witness-alarm')
    .map((e) => {
      const d = decodeEntry(e.entry);
      if (!d.ok) throw d.error;
      return d.entry.record as unknown as { witness: string; reason: string; checkpoints: string[] };
    });
}

describe('a witness', () => {
  it('cosigns within seconds of an append, and log verify with the quorum accepts what it cosigned', async () => {
    const db = join(dir, 'delay.db');
    const s = await server(db);
    const { signer: a } = await witnessKey(join(dir, 'a.key'), 'witness.example/a');
    await register(s, a);
    const w = witness(s.r.url, a, join(dir, 'a-delay.json'));
    const log = s.r.store.transparencyLog();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const size = await ingest(s, 20);
      const t0 = performance.now();
      await until(async () => {
        const cp = await log.latestCosigned([a.name], 1);
        return cp && cp.size >= size ? cp : undefined;
      });
      delays.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 300 + 150 * i)); // spread appends over the witness's poll phase
    }
    w.stop();
    expect(await w.done).toBe(0);
    delays.sort((x, y) => x - y);
    const median = (delays[3]! + delays[4]!) / 2;
    writeFileSync(join(tmpdir(), 'guarantor-witness-delay.json'), JSON.stringify({ delays, median }) + '\n');
    process.stdout.write(
      `witness cosigning delay (append to cosigned checkpoint): median ${median.toFixed(0)} ms, max ${delays[7]!.toFixed(0)} ms\n`,
    );
    expect(delays[7]).toBeLessThan(10_000);
    const pub = join(dir, 'delay.pub');
    writeFileSync(pub, await (await fetch(`${s.r.url}/v1/log/key`)).text());
    const ok = await verify(s.r.url, pub, packageWith([a], 1));
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/cosigned by witness\.example\/a/);
  }, 120_000);

  it("refuses the operator's rewrite (exit 1, alarm logged), and log verify with the witness quorum fails", async () => {
    const db = join(dir, 'rewrite.db');
    const s = await server(db);
    const { signer: a } = await witnessKey(join(dir, 'a.key'), 'witness.example/a');
    const { signer: b } = await witnessKey(join(dir, 'b.key'), 'witness.example/b');
    await register(s, a);
    await register(s, b);
    const pub = join(dir, 'rewrite.pub');
    writeFileSync(pub, await (await fetch(`${s.r.url}/v1/log/key`)).text());
    const state = join(dir, 'a-rewrite.json');
    const size = await ingest(s, 10);
    const w = witness(s.r.url, a, state, { intervalMs: 200 });
    await until(async () => {
      const cp = await s.r.store.transparencyLog().latestCosigned([a.name], 1);
      return cp && cp.size >= size ? cp : undefined;
    });
    // Before: the quorum (a of a, b: 1) holds; b alone (quorum 1 of b) does not, and is named.
    expect((await verify(s.r.url, pub, packageWith([a, b], 1))).code).toBe(0);
    // The witness keeps the leaves it cosigned; an audit anchored on it finds the database agrees.
    const cosigned = JSON.parse(readFileSync(state, 'utf8')) as { size: number; mirror: { leaves: number } };
    expect(cosigned.mirror.leaves).toBe(cosigned.size);
    expect(statSync(`${state}.leaves`).size).toBe(cosigned.size * 32);
    const anchoredBefore = await audit(db, pub, packageWith([a], 1), [state]);
    expect(anchoredBefore.out).toMatch(/log audit: anchored on witness\.example\/a \(.*\): cosigned size \d+/);
    expect(anchoredBefore.code, anchoredBefore.out).toBe(0);
    const noB = await verify(s.r.url, pub, packageWith([b], 1));
    expect(noB.code).toBe(1);
    expect(noB.out).toMatch(
      /TAMPERING: witnesses: no checkpoint carries 1 valid cosignature of witness\.example\/b; the latest \(size \d+\) lacks witness\.example\/b/,
    );

    const seq = await rewrite(s, db, `${db}.log-key`);
    expect(await w.done).toBe(1);
    expect(w.out()).toMatch(/WITNESS REFUSES \(fork\): two signed checkpoints of size \d+ with different roots/);
    expect(w.out()).toMatch(/witness: alarm logged by the server as entry \d+/);
    const [alarm] = await alarms(s);
    expect(alarm).toMatchObject({ witness: a.name, reason: 'fork' });
    expect(alarm!.checkpoints).toHaveLength(2);
    // The witness's state keeps the honest checkpoint: it will not cosign this log again.
    const kept = JSON.parse(readFileSync(state, 'utf8')) as { size: number; root: string };
    const again = witness(s.r.url, a, state, { once: true });
    expect(await again.done).toBe(1);

    const r = await verify(s.r.url, pub, packageWith([a], 1));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /TAMPERING: witnesses: no checkpoint carries 1 valid cosignature of witness\.example\/a; the latest \(size \d+\) lacks witness\.example\/a/,
    );
    // Without witnesses, a client with no saved state would have accepted the rewritten log.
    let plain = '';
    expect(
      await runVerify({ url: s.r.url, key: pub }, fetch as unknown as Fetch, new Date(), (x) => (plain += x)),
    ).toBe(0);
    expect(kept.size).toBeGreaterThan(0);

    // log audit on the database alone, with the key file's public key, cannot tell: every hash and signature agrees.
    const alone = await audit(db, pub);
    expect(alone.out).not.toMatch(/record-rewritten/);
    expect(alone).toMatchObject({ code: 0, out: expect.stringContaining('log audit: OK') });
    // Anchored on the witness (its key from the package the parties signed), the audit names the record rewritten.
    const index = (
      new Database(db, { readonly: true })
        .prepare("SELECT idx FROM tlog_entry WHERE kind = 'observation' AND record_id = ?")
        .get(String(seq)) as { idx: number }
    ).idx;
    const anchored = await audit(db, pub, packageWith([a], 1), [state]);
    expect(anchored.code).toBe(1);
    expect(anchored.out).toContain(
      `record-rewritten observation ${seq}: entry ${index} (observation ${seq}) is not the entry witness.example/a cosigned at size ${kept.size}`,
    );
    expect(anchored.out.match(/^record-rewritten/gm)).toHaveLength(1);
    // Many entries rewritten: the first 20 named in order, the rest counted.
    const many = join(dir, 'many.db');
    const live = new Database(db, { readonly: true });
    await live.backup(many); // the server still runs: its WAL is part of the database
    live.close();
    const m = new Database(many);
    m.prepare('UPDATE tlog_entry SET leaf = randomblob(32) WHERE idx < 30').run();
    m.close();
    const lots = await audit(many, pub, packageWith([a], 1), [state]);
    const named = [...lots.out.matchAll(/^record-rewritten \S+ \S+: entry (\d+) /gm)].map((x) => Number(x[1]));
    expect(named).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(lots.out).toContain("record-rewritten: 10 more entries differ from the witnesses' mirrors");
    // The same, with the witness's state and mirror fetched from where the witness publishes them.
    const published: Fetch = async (url) =>
      url.startsWith('https://witness.example/a/')
        ? new Response(readFileSync(join(dir, url.slice('https://witness.example/a/'.length))))
        : new Response('not found', { status: 404 });
    let fetched = '';
    expect(
      await runAudit(
        { db, key: pub, package: packageWith([a], 1), witnessState: ['https://witness.example/a/a-rewrite.json'] },
        (x) => (fetched += x),
        published,
      ),
    ).toBe(1);
    expect(fetched).toContain(`record-rewritten observation ${seq}: entry ${index} (observation ${seq})`);

    // The anchor is only as good as the witness's key: a mirror edited to match the database, a state cosigned by a
    // witness the package does not name, or too few witnesses for the quorum, and the audit is not anchored.
    const forged = join(dir, 'a-forged.json');
    copyFileSync(state, forged);
    const leaves = readFileSync(`${state}.leaves`);
    const d = new Database(db, { readonly: true });
    (d.prepare('SELECT leaf FROM tlog_entry WHERE idx = ?').get(index) as { leaf: Buffer }).leaf.copy(
      leaves,
      index * 32,
    );
    d.close();
    writeFileSync(`${forged}.leaves`, leaves);
    const f = await audit(db, pub, packageWith([a], 1), [forged]);
    expect(f.out).toMatch(
      /witness-anchor: .*a-forged\.json: the mirror's leaves do not give the root witness\.example\/a cosigned/,
    );
    expect(f.out).toMatch(/witness-quorum: the package requires 1 witness\(es\); valid states were given for 0/);
    const other = await audit(db, pub, packageWith([b], 1), [state]);
    expect(other.out).toMatch(/witness-anchor: .*carries no valid cosignature of a witness the package names/);
    const two = await audit(db, pub, packageWith([a, b], 2), [state]);
    expect(two.out).toMatch(
      /witness-quorum: the package requires 2 witness\(es\); valid states were given for 1 \(witness\.example\/a\)/,
    );
    expect(two.out).toMatch(/record-rewritten observation/);
  }, 60_000);

  it('catches a split view by comparing its view with another witness (--peer), and refuses', async () => {
    const honest = await server(join(dir, 'split-a.db'));
    const key = join(dir, 'split-a.db.log-key');
    const forkKey = join(dir, 'split-b.key');
    copyFileSync(key, forkKey); // the operator's second database, signed with the same key
    const fork = await server(join(dir, 'split-b.db'), forkKey);
    const { signer: a } = await witnessKey(join(dir, 'sa.key'), 'witness.example/sa');
    const { signer: b } = await witnessKey(join(dir, 'sb.key'), 'witness.example/sb');
    await register(honest, a);
    await register(fork, b);
    await ingest(honest, 5);
    await ingest(fork, 5);
    await ingest(fork, 5);
    const stateA = join(dir, 'sa.json');
    const stateB = join(dir, 'sb.json');
    await fetch(`${honest.r.url}/v1/log/checkpoint`, {
      method: 'POST',
      headers: { authorization: `Bearer ${honest.r.bootstrapKey}` },
    });
    await fetch(`${fork.r.url}/v1/log/checkpoint`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fork.r.bootstrapKey}` },
    });
    expect(await witness(honest.r.url, a, stateA, { once: true }).done).toBe(0);
    // Each view is consistent on its own: b cosigns the fork until it compares notes with a.
    expect(await witness(fork.r.url, b, stateB, { once: true }).done).toBe(0);
    const wb = witness(fork.r.url, b, stateB, { once: true, peers: [stateA] });
    expect(await wb.done).toBe(1);
    expect(wb.out()).toMatch(/WITNESS REFUSES \(split-view\): peer .* are not one history/);
    expect((await alarms(fork))[0]).toMatchObject({ witness: b.name, reason: 'split-view' });
  }, 60_000);
});
