/**
 * The log routes through `inject()`: the key, checkpoints that verify with it and grow with the log, inclusion
 * proofs by index, leaf hash and record, consistency proofs, entries that fold to the signed root, witness
 * registration and verified cosignatures (forged, unregistered and altered ones refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles } from '../../core/ports/store.js';
import {
  CompactRange,
  SIG_ED25519,
  addCosignature,
  cosignatureLine,
  encodeVkey,
  hashLeaf,
  parseCheckpoint,
  parseVkey,
  signAlarm,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type Verifier,
} from '../../core/tlog/index.js';
import { testServer, type TestServer } from '../../../test/support/app.js';
import { witnessSigner } from '../../../test/support/tlog.js';
import { obs } from '../../../test/ops/harness.js';

let s: TestServer;
let key: Verifier;
const get = (url: string) => s.app.inject({ method: 'GET', url });
const unb64 = (x: string) => new Uint8Array(Buffer.from(x, 'base64'));

beforeAll(async () => {
  s = await testServer({ now: Date.parse('2026-07-01T00:00:00Z') });
  const v = parseVkey((await get('/v1/log/key')).body.trim());
  if (!v.ok) throw v.error;
  key = v.verifier;
});
afterAll(() => s.close());

async function checkpoint() {
  const r = await get('/v1/log/checkpoint');
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toMatch(/^text\/plain/);
  return r.body;
}

describe('log routes', () => {
  it('serves the key and a checkpoint over the log key and the package version, signed by it', async () => {
    expect(key.type).toBe(SIG_ED25519);
    expect(key.name).toBe('guarantor/ukraine-2026-illustrative');
    const note = await checkpoint();
    const v = verifyCheckpoint(note, key, []);
    expect(v.errors).toEqual([]);
    // The test keys (one per role, issued before the server started), the log's key and the package version.
    const n = roles.length + 2;
    expect(v.checkpoint!.size).toBe(n);
    const entries = (await get(`/v1/log/entries?start=0&end=${n}`)).json().entries;
    expect(entries.map((e: { kind: string }) => e.kind)).toEqual([
      ...Array(roles.length).fill('api-key'),
      'log-key',
      'package-version',
    ]);
    const k = entries[roles.length];
    expect(k).toMatchObject({ kind: 'log-key', recordId: 'guarantor/ukraine-2026-illustrative' });
    const record = JSON.parse(Buffer.from(k.entry, 'base64').toString('utf8').split('\n')[2]!);
    expect(record).toMatchObject({ event: 'created', vkey: (await get('/v1/log/key')).body.trim() });
  });

  it('grows with ingest and proves inclusion by index, leaf hash and record, and consistency', async () => {
    const before = parseCheckpoint(await checkpoint());
    if (!before.ok) throw new Error('unreadable');
    const items = Array.from({ length: 5 }, (_, i) =>
      obs({ source: 'radar', sourceId: `lr${i}`, at: Date.parse('2026-06-30T00:00:00Z') + i * 60_000 }),
    );
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: '/v1/observations',
          headers: { authorization: s.auth.monitor },
          payload: items,
        })
      ).statusCode,
    ).toBe(200);
    // Within the signing interval the last checkpoint stands; a second later a new one covers the growth.
    expect(parseCheckpoint(await checkpoint())).toMatchObject({ checkpoint: { size: before.checkpoint.size } });
    s.clock.advance(1000);
    const v = verifyCheckpoint(await checkpoint(), key, []);
    expect(v.ok).toBe(true);
    const { size, rootHash } = v.checkpoint!;
    expect(size).toBeGreaterThanOrEqual(6);

    const entries = (await get(`/v1/log/entries?start=0&end=${size}`)).json().entries as {
      index: number;
      kind: string;
      recordId: string;
      entry: string;
    }[];
    const range = new CompactRange();
    range.append(entries.map((e) => hashLeaf(unb64(e.entry))));
    expect(Buffer.from(range.root()).equals(Buffer.from(rootHash))).toBe(true);

    const obs1 = entries.find((e) => e.kind === 'observation')!;
    const leaf = hashLeaf(unb64(obs1.entry));
    for (const q of [
      `index=${obs1.index}`,
      `leaf=${Buffer.from(leaf).toString('hex')}`,
      `leaf=${encodeURIComponent(Buffer.from(leaf).toString('base64'))}`,
      `kind=observation&id=${obs1.recordId}`,
    ]) {
      const r = await get(`/v1/log/proof/inclusion?${q}`);
      expect(r.statusCode, q + r.body).toBe(200);
      const p = r.json();
      expect(p).toMatchObject({ index: obs1.index, size });
      expect(verifyInclusion(p.index, p.size, unb64(p.leaf), p.proof.map(unb64), rootHash).ok).toBe(true);
    }
    const c = (await get(`/v1/log/proof/consistency?from=${before.checkpoint.size}&to=${size}`)).json();
    expect(
      verifyConsistency(before.checkpoint.size, size, before.checkpoint.rootHash, rootHash, c.proof.map(unb64)).ok,
    ).toBe(true);
  });

  it('serves the stored leaf hashes packed, which give the signed root (a witness mirrors them)', async () => {
    const cp = parseCheckpoint(await checkpoint());
    if (!cp.ok) throw new Error('no checkpoint');
    const n = cp.checkpoint.size;
    const r = (await get(`/v1/log/leaves?start=0&end=${n + 5}`)).json();
    expect(r).toMatchObject({ start: 0, end: n });
    const packed = unb64(r.leaves);
    expect(packed.length).toBe(n * 32);
    const entries = (await get(`/v1/log/entries?start=0&end=${n}`)).json().entries as { entry: string }[];
    const leaves = entries.map((e) => hashLeaf(unb64(e.entry)));
    leaves.forEach((l, i) =>
      expect(Buffer.from(packed.subarray(i * 32, i * 32 + 32)).equals(l), `leaf ${i}`).toBe(true),
    );
    const range = new CompactRange();
    range.append(leaves);
    expect(Buffer.from(range.root()).equals(cp.checkpoint.rootHash)).toBe(true);
    expect((await get(`/v1/log/leaves?start=1&end=2`)).json()).toMatchObject({ start: 1, end: 2 });
    expect((await get(`/v1/log/leaves?start=${n + 3}&end=${n + 9}`)).json()).toEqual({
      start: n + 3,
      end: n + 3,
      leaves: '',
    });
    expect((await get('/v1/log/leaves?start=0&end=10001')).json()).toMatchObject({ error: 'invalid-query' });
    expect((await get('/v1/log/leaves?start=5&end=4')).json()).toMatchObject({ error: 'invalid-query' });
  });

  it('answers bad requests with 400 or 404 and a reason', async () => {
    const size = Number((await checkpoint()).split('\n')[1]);
    expect((await get(`/v1/log/proof/inclusion?index=${size}`)).json()).toMatchObject({ error: 'index-out-of-range' });
    expect((await get(`/v1/log/proof/inclusion?index=0&size=${size + 50}`)).json()).toMatchObject({
      error: 'bad-size',
    });
    expect((await get('/v1/log/proof/inclusion?index=0&leaf=00')).statusCode).toBe(400);
    expect((await get('/v1/log/proof/inclusion?leaf=zz')).json().problems[0].path).toBe('query.leaf');
    expect((await get(`/v1/log/proof/inclusion?leaf=${'00'.repeat(32)}`)).statusCode).toBe(404);
    expect((await get('/v1/log/proof/inclusion?kind=vote&id=none')).statusCode).toBe(404);
    expect((await get(`/v1/log/proof/consistency?from=${size + 1}&to=${size}`)).statusCode).toBe(400);
    expect((await get('/v1/log/entries?start=0&end=1001')).statusCode).toBe(400);
    expect((await get('/v1/log/checkpoint/999999')).statusCode).toBe(404);
  });

  it('registers witnesses and stores only cosignatures that verify', async () => {
    const admin = { authorization: s.auth.admin };
    const w = witnessSigner('witness.example/de');
    const logKeyAsWitness = encodeVkey({ name: 'x', type: SIG_ED25519, publicKey: key.publicKey });
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: '/v1/log/witnesses',
          headers: admin,
          payload: { vkey: logKeyAsWitness },
        })
      ).json().message,
    ).toMatch(/cosignature\/v1/);
    expect(
      (await s.app.inject({ method: 'POST', url: '/v1/log/witnesses', headers: admin, payload: { vkey: w.vkey } }))
        .statusCode,
    ).toBe(201);
    expect(
      (await s.app.inject({ method: 'POST', url: '/v1/log/witnesses', headers: admin, payload: { vkey: w.vkey } }))
        .statusCode,
    ).toBe(200);
    expect((await get('/v1/log/witnesses')).json().witnesses.map((x: { name: string }) => x.name)).toEqual([
      'witness.example/de',
    ]);
    // The same name with another key: a conflict, and the registered key stays (issue 27).
    const rekeyed = witnessSigner('witness.example/de');
    const conflict = await s.app.inject({
      method: 'POST',
      url: '/v1/log/witnesses',
      headers: admin,
      payload: { vkey: rekeyed.vkey },
    });
    expect([conflict.statusCode, conflict.json().error]).toEqual([409, 'witness-exists']);
    expect(conflict.json().message).toMatch(/registered with another key.*new name/);
    expect((await get('/v1/log/witnesses')).json().witnesses[0].vkey).toBe(w.vkey);

    s.clock.advance(1000);
    const signed = await (await s.app.inject({ method: 'POST', url: '/v1/log/checkpoint', headers: admin })).body;
    const post = (payload: string) =>
      s.app.inject({ method: 'POST', url: '/v1/log/cosignatures', headers: { 'content-type': 'text/plain' }, payload });
    const time = new Date(s.clock.now());
    const cos = addCosignature(signed, w, { time, serverKey: key });
    if (!cos.ok) throw new Error('cosign');
    expect((await post(cos.note)).json()).toMatchObject({ accepted: ['witness.example/de'], already: [] });
    expect((await post(cos.note)).json()).toMatchObject({ accepted: [], already: ['witness.example/de'] });
    // An unregistered witness, a forged line (registered name, another key), altered text, a size never signed.
    const stranger = witnessSigner('witness.example/xx');
    const r1 = await post(
      addCosignature(signed, stranger, { time, serverKey: key }).ok
        ? (addCosignature(signed, stranger, { time, serverKey: key }) as { note: string }).note
        : '',
    );
    expect([r1.statusCode, r1.json().message]).toEqual([400, expect.stringMatching(/not a registered witness/)]);
    const text = parseCheckpoint(signed);
    if (!text.ok) throw new Error('parse');
    const impostor = { ...witnessSigner('witness.example/de') };
    const forgedLine = cosignatureLine(text.note.text, impostor, time);
    expect((await post(signed + forgedLine)).statusCode).toBe(400);
    const altered = signed
      .replace(/^(.*\n)(\d+)\n/, (_m, o: string, n: string) => `${o}${n}\n`)
      .replace('\n\n', '\nextra\n\n');
    expect([400, 409]).toContain((await post(altered)).statusCode);
    expect((await post('not a note')).statusCode).toBe(400);
    // An empty body: the error says what the route takes (a text note), not JSON.
    const empty = await post('');
    expect([empty.statusCode, empty.json().message]).toEqual([
      400,
      expect.stringMatching(/text\/plain.*checkpoint note/),
    ]);

    const served = await checkpoint();
    const v = verifyCheckpoint(
      served,
      key,
      [parseVkey(w.vkey).ok ? (parseVkey(w.vkey) as { verifier: Verifier }).verifier : key],
      { quorum: 1 },
    );
    expect(v.errors).toEqual([]);
    expect(v.verifiedWitnesses.map((x) => x.name)).toEqual(['witness.example/de']);
    // The latest checkpoint a quorum cosigned, for clients that require those witnesses.
    const cosigned = await get('/v1/log/checkpoint?witnesses=witness.example/de&quorum=1');
    expect(cosigned.statusCode).toBe(200);
    expect(cosigned.body).toBe(served);
    expect((await get('/v1/log/checkpoint?witnesses=witness.example/de,witness.example/xx&quorum=2')).statusCode).toBe(
      404,
    );
    expect((await get('/v1/log/checkpoint?quorum=1')).statusCode).toBe(400);
  });

  it('logs a witness alarm signed by a registered witness, and refuses others', async () => {
    const w = witnessSigner('witness.example/pl');
    await s.app.inject({
      method: 'POST',
      url: '/v1/log/witnesses',
      headers: { authorization: s.auth.admin },
      payload: { vkey: w.vkey },
    });
    const note = await checkpoint();
    const body = signAlarm(
      { witness: w.name, reason: 'fork', message: 'two roots', at: '2026-07-01T00:00:00.000Z', checkpoints: [note] },
      w,
    );
    const post = (payload: object) => s.app.inject({ method: 'POST', url: '/v1/log/alarms', payload });
    const r = await post(body);
    expect(r.statusCode, r.body).toBe(201);
    const [e] = (await get(`/v1/log/entries?start=${r.json().index}&end=${r.json().index + 1}`)).json().entries;
    expect(e).toMatchObject({ kind: 'witness-alarm', recordId: `${w.name}@2026-07-01T00:00:00.000Z` });
    expect((await post(body)).json()).toEqual({ logged: false });
    const forged = await post({ ...body, message: 'something else' });
    expect([forged.statusCode, forged.json().error]).toEqual([400, 'invalid-alarm']);
    const stranger = witnessSigner('witness.example/zz');
    const unknown = await post(signAlarm({ ...body, witness: stranger.name }, stranger));
    expect(unknown.json().message).toMatch(/not a registered witness/);
    expect((await post({ ...body, reason: 'boredom' })).json().problems[0].path).toBe('body.reason');
  });
});
