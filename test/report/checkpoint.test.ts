/**
 * The report names the checkpoint it was computed at, with the witnesses that cosigned it: the same size and root as
 * the log's signed note, so anyone can check the report against the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCosignature, parseCheckpoint, parseVkey, type Verifier } from '../../src/core/tlog/index.js';
import type { DailyReport } from '../../src/core/report/daily.js';
import { testServer, type TestServer } from '../support/app.js';
import { witnessSigner } from '../support/tlog.js';

let s: TestServer;
let key: Verifier;
beforeAll(async () => {
  s = await testServer({ now: Date.UTC(2026, 5, 23, 12) });
  const v = parseVkey((await s.app.inject({ method: 'GET', url: '/v1/log/key' })).body.trim());
  if (!v.ok) throw v.error;
  key = v.verifier;
});
afterAll(() => s.close());

describe('the report and the log', () => {
  it('reports the cosigned checkpoint: size, root and witnesses as the signed note has them', async () => {
    const admin = { authorization: s.auth.admin };
    const w = witnessSigner('witness.example/de');
    expect(
      (await s.app.inject({ method: 'POST', url: '/v1/log/witnesses', headers: admin, payload: { vkey: w.vkey } }))
        .statusCode,
    ).toBe(201);
    // A first report (its casework and ledger passes may log), then a checkpoint the witness cosigns.
    await s.app.inject({
      method: 'GET',
      url: '/v1/reports/daily?date=2026-06-22',
      headers: { authorization: s.auth.analyst },
    });
    s.clock.advance(2000);
    const signed = (await s.app.inject({ method: 'POST', url: '/v1/log/checkpoint', headers: admin })).body;
    const cos = addCosignature(signed, w, { time: new Date(s.clock.now()), serverKey: key });
    if (!cos.ok) throw new Error('cosign');
    const posted = await s.app.inject({
      method: 'POST',
      url: '/v1/log/cosignatures',
      headers: { 'content-type': 'text/plain' },
      payload: cos.note,
    });
    expect(posted.json()).toMatchObject({ accepted: ['witness.example/de'] });
    const r = JSON.parse(
      (
        await s.app.inject({
          method: 'GET',
          url: '/v1/reports/daily?date=2026-06-22',
          headers: { authorization: s.auth.analyst },
        })
      ).body,
    ) as DailyReport;
    const cp = parseCheckpoint(signed);
    if (!cp.ok) throw new Error('checkpoint');
    expect(r.checkpoint).toMatchObject({
      origin: cp.checkpoint.origin,
      size: cp.checkpoint.size,
      root: Buffer.from(cp.checkpoint.rootHash).toString('base64'),
      rootHex: Buffer.from(cp.checkpoint.rootHash).toString('hex'),
      witnesses: ['witness.example/de'],
    });
    const md = await s.app.inject({
      method: 'GET',
      url: '/v1/reports/daily?date=2026-06-22&format=md',
      headers: { authorization: s.auth.analyst },
    });
    expect(md.body).toContain(`Computed at checkpoint **${cp.checkpoint.size}**`);
    expect(md.body).toContain('Cosigned by witness.example/de.');
  });
});
