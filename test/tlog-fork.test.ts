/**
 * A forked log is caught by a client holding an earlier checkpoint. An operator with the log's real key rewrites
 * one early observation and serves the rewritten tree, signed by that same key, from a second database: a
 * `guarantor log verify` that saved the honest checkpoint refuses it (no consistency proof can exist), whether
 * the fork is longer, the same size, or shorter (a rollback); a witness that cosigned the honest head refuses to
 * cosign the fork; a client with no saved state cannot tell, which is why the state file and witnesses exist.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerify } from '../src/cli/log.js';
import type { Fetch } from '../src/cli/api-client.js';
import { WrongLogKey } from '../src/cli/usage-error.js';
import type { ObservationInput } from '../src/core/ops/index.js';
import { addCosignature, parseVkey } from '../src/core/tlog/index.js';
import { LogService, logServiceFor, type ConfiguredLogKey } from '../src/server/transparency-log.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { obs } from './ops/harness.js';
import { testLogKey, testServer, type TestServer } from './support/app.js';
import { DAY30, witnessSigner } from './support/tlog.js';

let dir: string;
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const batch = (prefix: string, n: number, confidence = 0.8): ObservationInput[] =>
  Array.from({ length: n }, (_, i) =>
    obs({ source: 'radar', sourceId: `${prefix}${i}`, at: DAY30 + i * 60_000, confidence: i === 0 ? confidence : 0.8 }),
  );

/** The servers here sign with the one test log key unless told otherwise: the fork is signed by the log's own key. */
async function server(
  path: string,
  key: ConfiguredLogKey = testLogKey,
): Promise<{ s: TestServer; url: string; log: LogService }> {
  const store = SqliteStore.open({ path });
  const s = await testServer({ store, now: DAY30 + 3_600_000, deps: { log: { key } } });
  servers.push(s);
  const url = await s.app.listen({ port: 0, host: '127.0.0.1' });
  return { s, url, log: logServiceFor(store, s.clock, 'ukraine-2026-illustrative') };
}

async function ingest(s: TestServer, items: ObservationInput[]): Promise<void> {
  const r = await s.app.inject({
    method: 'POST',
    url: '/v1/observations',
    headers: { authorization: s.auth.monitor },
    payload: items,
  });
  expect(r.statusCode, r.body).toBe(200);
  s.clock.advance(2000);
}

async function verify(
  url: string,
  keyFile: string,
  state?: string,
  extra: Partial<Parameters<typeof runVerify>[0]> = {},
): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runVerify(
    { url, key: keyFile, ...(state ? { state } : {}), ...extra },
    fetch as unknown as Fetch,
    new Date(DAY30 + 86_400_000),
    (s) => (out += s),
  );
  return { code, out };
}

describe('a forked log', () => {
  let honest: Awaited<ReturnType<typeof server>>;
  let keyFile: string;
  let state: string;
  let honestKey: Awaited<ReturnType<LogService['key']>>;
  const witness = witnessSigner();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlog-fork-'));
    honest = await server(join(dir, 'honest.db'));
    await ingest(honest.s, batch('h', 6));
    const key = await fetch(`${honest.url}/v1/log/key`).then((r) => r.text());
    keyFile = join(dir, 'server.pub');
    writeFileSync(keyFile, key);
    honestKey = await honest.log.key();
    state = join(dir, 'state.json');
  });

  it('verifies the honest log, then its growth, saving the checkpoint each time', async () => {
    const first = await verify(honest.url, keyFile, state);
    expect(first.out).toMatch(/log verify: OK/);
    expect(first.code).toBe(0);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(saved.size).toBeGreaterThanOrEqual(7); // the package version and six observations
    await ingest(honest.s, batch('g', 3));
    const second = await verify(honest.url, keyFile, state);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(new RegExp(`consistent with the saved checkpoint of size ${saved.size}`));
    expect(second.out).toMatch(
      new RegExp(`re-hashed [\\d,]+ entries since size ${saved.size}: they give the signed root`),
    );
  });

  it('refuses a longer fork signed with the same key, keeping the saved checkpoint', async () => {
    const before = readFileSync(state, 'utf8');
    const fork = await server(join(dir, 'fork.db'));
    // The same history but for the first observation's confidence, then more entries.
    await ingest(fork.s, batch('h', 6, 0.2));
    await ingest(fork.s, batch('g', 3));
    await ingest(fork.s, batch('f', 4));
    const r = await verify(fork.url, keyFile, state);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(
      /TAMPERING: fork: the log at \d+ is not an extension of the checkpoint of \d+ verified before \(.*\): history was rewritten/,
    );
    expect(readFileSync(state, 'utf8')).toBe(before);
    // Its checkpoint verifies on its own: only the saved one exposes it.
    const fresh = await verify(fork.url, keyFile);
    expect(fresh.code, fresh.out).toBe(0);

    // A witness that cosigned the honest head will not cosign the fork.
    const honestNote = LogService.note(await honest.log.latest(true));
    const serverKey = parseVkey(honestKey.vkey);
    if (!serverKey.ok) throw serverKey.error;
    const honestCp = JSON.parse(before) as { size: number; root: string };
    const forkNote = LogService.note(await fork.log.latest(true));
    const forkSize = Number(forkNote.split('\n')[1]);
    const proof = (await fork.log.log.consistencyProof(honestCp.size, forkSize)).map((p) => p);
    expect(
      addCosignature(honestNote, witness, { time: new Date(DAY30 + 7_200_000), serverKey: serverKey.verifier }).ok,
    ).toBe(true);
    const refused = addCosignature(forkNote, witness, {
      time: new Date(DAY30 + 7_200_000),
      serverKey: serverKey.verifier,
      previous: { size: honestCp.size, rootHash: new Uint8Array(Buffer.from(honestCp.root, 'base64')), proof },
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors[0]!.code).toBe('old-root-mismatch');
  });

  it('refuses a fork of the same size (two signed roots for one size) and a rollback', async () => {
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { size: number };
    const same = await server(join(dir, 'same.db'));
    await ingest(same.s, batch('h', 6, 0.3));
    await ingest(same.s, batch('g', 3));
    expect((await same.log.log.head()).size).toBe(saved.size);
    const r = await verify(same.url, keyFile, state);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(
      new RegExp(`TAMPERING: fork: two signed checkpoints of size ${saved.size} with different roots`),
    );

    const short = await server(join(dir, 'short.db'));
    await ingest(short.s, batch('h', 2));
    const back = await verify(short.url, keyFile, state);
    expect(back.code, back.out).toBe(1);
    expect(back.out).toMatch(
      /TAMPERING: rollback: the log shows \d+ entries, but a checkpoint of \d+ was verified before/,
    );
  });

  it('tells a key swapped behind a verified state (tampering) from a wrong key (exit 3) and a forged signature, and exits 2 on usage errors', async () => {
    const other = await server(join(dir, 'other.db'), {
      privateKey: generateKeyPairSync('ed25519').privateKey,
      source: 'another key',
    });
    // The state was verified with the key given: another key signing now, with no logged handover, is tampering.
    const r = await verify(other.url, keyFile, state);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /TAMPERING: checkpoint: signed by another key than \S+'s \(\S+, not \S+, the key this log was verified with before\), and the log names no handover/,
    );
    // No state, and a log that never named the key given: a wrong key (exit 3), not tampering.
    const fresh = verify(other.url, keyFile);
    await expect(fresh).rejects.toBeInstanceOf(WrongLogKey);
    await expect(fresh).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /^the checkpoint of \S+ is not signed by the key given: --log-key is \S+\+[0-9a-f]{8}, the checkpoint is signed by \S+\+[0-9a-f]{8}, and the log never named the key given\. Give --log-key the log's public key/,
      ),
    });
    // A signature by the key given that does not verify (the text altered in transit): tampering, exit 1.
    const altered: Fetch = async (url, init) => {
      const res = await fetch(url, init);
      if (!String(url).includes('/v1/log/checkpoint')) return res;
      const note = (await res.text()).replace(/^(\d+)$/m, (n) => String(Number(n) + 1));
      return new Response(note, { status: res.status, headers: res.headers });
    };
    let out = '';
    const code = await runVerify(
      { url: honest.url, key: keyFile },
      altered,
      new Date(DAY30 + 86_400_000),
      (t) => (out += t),
    );
    expect(code, out).toBe(1);
    expect(out).toMatch(
      /TAMPERING: checkpoint: line \d+: the log signature of \S+ does not verify: forged, or the text was altered/,
    );
    await expect(verify('http://127.0.0.1:1', keyFile, state)).rejects.toThrow(/cannot reach/);
    await expect(verify(honest.url, join(dir, 'missing.pub'), state)).rejects.toThrow(/--log-key/);
  });
});
