/**
 * The public face end to end (issue 19): a serious violation opens a case → the region's status changes, a CAP
 * Alert validates against the OASIS CAP 1.2 schema, a live-feed client sees it, a webhook receiver on 127.0.0.1 gets
 * it with a valid signature; the breach is declared → a CAP Update referencing the Alert; another case is dismissed
 * → a CAP Cancel referencing its Alert. Then: resuming by Last-Event-ID loses and repeats nothing, roles see more,
 * ETag/304 on the status, and abuse (rate limit, a hanging webhook, a non-reading client).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/core/ports/store.js';
import { storeBackends } from './support/backends.js';
import type { ObservationInput } from '../src/core/ops/index.js';
import { signVote, type VoteStatement } from '../src/core/ops/index.js';
import { DAY, HOUR, MINUTE } from '../src/core/spec/units.js';
import { generateKey } from '../src/server/api-keys.js';
import { publicFaceOf } from '../src/server/public/face.js';
import { verify } from '../src/server/public/webhooks.js';
import { obs } from './ops/harness.js';
import { testServer, type TestServer } from './support/app.js';
import { validateCap, xmllint, capDir } from './support/cap.js';
import { sse } from './support/sse.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const DAY30 = Date.parse('2026-06-01T00:00:00Z') + 30 * DAY;
const place = (k: number) => ({ lon: 37.3 - k * 0.01, lat: 48.3, radius: 300 });
const shelling = (id: string, t: number, k: number): ObservationInput[] => [
  obs({ source: 'radar', sourceId: `${id}r`, at: t, confidence: 0.9, location: place(k) }),
  obs({ source: 'acoustic', sourceId: `${id}a`, at: t + MINUTE, confidence: 0.9, location: place(k) }),
];

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver on 127.0.0.1 that records every request; `hang` makes it never answer. */
async function receiver(
  mode: 'ok' | 'hang' | 'fail' = 'ok',
): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      if (mode === 'hang') return;
      res.writeHead(mode === 'ok' ? 204 : 500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function listening(s: TestServer): Promise<string> {
  return s.app.listen({ port: 0, host: '127.0.0.1' });
}

const backends = await storeBackends('pub');
let makeStore: () => Promise<Store> = backends[0]![1];

async function started(
  now: number,
  deps: Parameters<typeof testServer>[0] extends infer O ? (O extends { deps?: infer D } ? D : never) : never = {},
) {
  const s = await testServer({
    now,
    store: await makeStore(),
    deps: { public: { background: false, statusEvery: 0 }, ...deps },
  });
  cleanups.push(() => s.close());
  const base = await listening(s);
  const face = publicFaceOf(s.store)!;
  return { s, base, face };
}

async function members(s: TestServer) {
  const out: Record<string, { pem: string; auth: string }> = {};
  for (const m of ['FR', 'UK', 'DE', 'US', 'CMM']) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const k = generateKey(m, 'member', `${m} member`, s.clock.now());
    await s.store.createApiKey(k.record);
    out[m] = { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), auth: `Bearer ${k.key}` };
    const r = await s.app.inject({
      method: 'POST',
      url: `/v1/members/${m}/keys`,
      headers: { authorization: s.auth.admin },
      payload: { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
    expect(r.statusCode).toBe(201);
  }
  return out;
}

function vote(
  s: TestServer,
  m: { pem: string; auth: string },
  member: string,
  caseId: string,
  choice: VoteStatement['choice'],
) {
  const st: VoteStatement = {
    type: 'guarantor/vote/v1',
    package: 'ukraine-2026-illustrative',
    version: '0.3',
    case: caseId,
    member,
    choice,
    reason: '',
    time: new Date(s.clock.now()).toISOString(),
    nonce: Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32),
  };
  return s.app.inject({
    method: 'POST',
    url: `/v1/cases/${caseId}/votes`,
    headers: { authorization: m.auth },
    payload: signVote(st, m.pem) as unknown as Record<string, unknown>,
  });
}

/** Three corroborated shellings from `t0`: the radar half by the mission's key, the acoustic half by DE's. */
async function openCase(s: TestServer, de: string, t0: number, tag: string): Promise<number> {
  const post = (items: ObservationInput[], auth: string) =>
    s.app.inject({ method: 'POST', url: '/v1/observations', headers: { authorization: auth }, payload: items });
  const all = [
    ...shelling(`${tag}a`, t0 + HOUR, 0),
    ...shelling(`${tag}b`, t0 + 5 * HOUR, 1),
    ...shelling(`${tag}c`, t0 + 9 * HOUR, 2),
  ];
  expect(
    (
      await post(
        all.filter((o) => o.source === 'radar'),
        s.auth.monitor,
      )
    ).statusCode,
  ).toBe(200);
  return (
    await post(
      all.filter((o) => o.source === 'acoustic'),
      de,
    )
  ).json().cases as number;
}

const capOf = async (s: TestServer, id: string) => {
  const r = await s.app.inject({ method: 'GET', url: `/v1/public/cap/${id}` });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toContain('application/cap+xml');
  return r.body;
};

describe('CAP 1.2 validation with xmllint', () => {
  it('accepts the official examples and refuses the invalid ones (the check can fail)', () => {
    for (const f of readdirSync(join(capDir, 'examples')))
      expect(xmllint(join(capDir, 'examples', f)).ok, f).toBe(true);
    for (const f of readdirSync(join(capDir, 'invalid'))) expect(xmllint(join(capDir, 'invalid', f)).ok, f).toBe(false);
  });
});

describe.each(backends)('public face scenario (%s)', (_name, make) => {
  beforeEach(() => {
    makeStore = make;
  });
  it('case opens → status, CAP Alert, SSE, signed webhook; declared → Update; dismissed → Cancel', async () => {
    const { s, base, face } = await started(DAY30 + 9 * HOUR + 30 * MINUTE);
    const hook = await receiver();
    cleanups.push(() => new Promise((r) => hook.server.close(r)));
    const created = await s.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: { authorization: s.auth.admin },
      payload: { url: hook.url, kinds: ['cap', 'status'] },
    });
    expect(created.statusCode).toBe(201);
    const { id: hookId, secret } = created.json() as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/webhooks', headers: { authorization: s.auth.admin } })).json()
        .items[0],
    ).not.toHaveProperty('secret');

    // The first pass publishes every place calm.
    await face.tick();
    const calm = (await s.app.inject({ method: 'GET', url: '/v1/public/status' })).json();
    expect(calm.regions.find((r: { code: string }) => r.code === 'UA-14')).toMatchObject({ state: 'calm' });
    expect(calm.compact).toMatch(/^0+$/);
    expect(calm.compact).toHaveLength(calm.regions.length);
    // The ledger's coverage of the month, aggregate only: no guarantor appears anywhere in the public document.
    expect(calm.sustainment).toEqual({ month: '2026-07', coverage: expect.any(Number), short: expect.any(Number) });
    for (const g of ['FR', 'UK', 'DE', 'US']) expect(JSON.stringify(calm)).not.toContain(`"${g}"`);

    const pub = await sse(`${base}/v1/events`);
    const analyst = await sse(`${base}/v1/events`, { authorization: s.auth.analyst });
    cleanups.push(async () => (pub.close(), analyst.close()));
    expect(pub.status).toBe(200);
    expect(pub.headers.get('content-type')).toContain('text/event-stream');

    const de = `Bearer ${await (async () => {
      const k = generateKey('DE', 'monitor', 'DE monitor', s.clock.now());
      await s.store.createApiKey(k.record);
      return k.key;
    })()}`;
    expect(await openCase(s, de, DAY30, 'x')).toBe(1);
    await face.tick();

    // The region's status changed; the compact string shows it at the region's place.
    const st = (await s.app.inject({ method: 'GET', url: '/v1/public/status' })).json();
    const i = st.regions.findIndex((r: { code: string }) => r.code === 'UA-14');
    expect(st.regions[i]).toMatchObject({ state: 'case', cases: 1, violations: 3 });
    expect(st.compact[i]).toBe('2');
    // Zones are those a prohibition applies inside; shelling breaks no-fire, which applies everywhere, so none changed.
    expect(st.zones.map((z: { code: string; state: string }) => `${z.code}:${z.state}`)).toEqual([
      'grain-corridor:calm',
      'heavy-weapons:calm',
      'no-fly:calm',
    ]);

    // A CAP Alert, valid against the OASIS schema.
    const alertEv = await pub.waitFor((e) => e.event === 'cap');
    expect(alertEv.json).toMatchObject({ msgType: 'Alert', phase: 'open', references: [] });
    const alertXml = await capOf(s, String(alertEv.json['identifier']));
    expect(validateCap(alertXml)).toEqual({ ok: true, stderr: expect.any(String) });
    expect(alertXml).toContain('<msgType>Alert</msgType>');
    expect(alertXml).toContain('<value>UA-14</value>');
    expect(alertXml).toMatch(/<polygon>[-\d., ]+<\/polygon>/);
    expect(alertXml).toContain('<severity>Severe</severity>'); // serious: second of three severities
    await pub.waitFor((e) => e.event === 'status' && e.json['code'] === 'UA-14' && e.json['state'] === 'case');
    // The public never sees violations or case internals; the analyst does.
    expect(pub.events.some((e) => e.event === 'violation' || e.event === 'case')).toBe(false);
    await analyst.waitFor((e) => e.event === 'violation');
    await analyst.waitFor((e) => e.event === 'case' && e.json['phase'] === 'open');

    // The webhook: a signed delivery of the Alert, to 127.0.0.1.
    const capHook = hook.got.find((g) => JSON.parse(g.body).kind === 'cap');
    expect(capHook).toBeDefined();
    const h = capHook!.headers;
    expect(
      verify(
        secret,
        {
          id: String(h['webhook-id']),
          timestamp: String(h['webhook-timestamp']),
          signature: String(h['webhook-signature']),
        },
        capHook!.body,
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
    expect(
      verify(
        secret,
        {
          id: String(h['webhook-id']),
          timestamp: String(h['webhook-timestamp']),
          signature: String(h['webhook-signature']),
        },
        capHook!.body.replace('Alert', 'Cance'),
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(false);
    expect(JSON.parse(capHook!.body)).toMatchObject({
      id: Number(h['webhook-id']),
      kind: 'cap',
      data: { msgType: 'Alert' },
    });
    const delivered = (
      await s.app.inject({
        method: 'GET',
        url: `/v1/webhooks/${hookId}/deliveries?status=delivered`,
        headers: { authorization: s.auth.admin },
      })
    ).json().items;
    expect(delivered.length).toBe(hook.got.length);

    // The judgment deadline passes with no decision: the package's default declares. → CAP Update referencing the Alert.
    s.clock.advance(48 * HOUR + MINUTE);
    await face.tick();
    const updateEv = await pub.waitFor((e) => e.event === 'cap' && e.json['msgType'] === 'Update');
    expect(updateEv.json).toMatchObject({ phase: 'declared', references: [alertEv.json['identifier']] });
    const updateXml = await capOf(s, String(updateEv.json['identifier']));
    expect(validateCap(updateXml).ok).toBe(true);
    expect(updateXml).toMatch(
      new RegExp(
        `<references>guarantor@ukraine-2026-illustrative,${String(alertEv.json['identifier']).replace('.', '\\.')},\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00</references>`,
      ),
    );
    expect(updateXml).toContain('<certainty>Observed</certainty>');
    expect((await s.app.inject({ method: 'GET', url: '/v1/public/status' })).json().regions[i]).toMatchObject({
      state: 'breach',
    });

    // A second case, dismissed by a majority of the body → CAP Cancel referencing its Alert.
    const m = await members(s);
    const t2 = s.clock.now() + DAY;
    s.clock.set(t2 + 9 * HOUR + 30 * MINUTE);
    expect(await openCase(s, de, t2, 'y')).toBe(1);
    await face.tick();
    const alert2 = await pub.waitFor(
      (e) => e.event === 'cap' && e.json['msgType'] === 'Alert' && e.json['identifier'] !== alertEv.json['identifier'],
    );
    for (const who of ['FR', 'UK', 'US'])
      expect((await vote(s, m[who]!, who, String(alert2.json['caseId']), 'dismiss')).statusCode).toBe(200);
    await face.tick();
    const cancelEv = await pub.waitFor((e) => e.event === 'cap' && e.json['msgType'] === 'Cancel');
    expect(cancelEv.json).toMatchObject({
      phase: 'dismissed',
      caseId: alert2.json['caseId'],
      references: [alert2.json['identifier']],
    });
    const cancelXml = await capOf(s, String(cancelEv.json['identifier']));
    expect(validateCap(cancelXml).ok).toBe(true);
    expect(cancelXml).toContain('<msgType>Cancel</msgType>');

    // The Atom index lists the live chain's latest message and the recent cancellation.
    const atom = await s.app.inject({ method: 'GET', url: '/v1/public/cap' });
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain(String(updateEv.json['identifier']));
    expect(atom.body).toContain(String(cancelEv.json['identifier']));
    expect(atom.body).not.toContain(`/v1/public/cap/${String(alertEv.json['identifier'])}"`);

    // Every webhook delivery verifies, once per event id.
    await face.tick();
    const ids = hook.got.map((g) => g.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    for (const g of hook.got) {
      expect(
        verify(
          secret,
          {
            id: String(g.headers['webhook-id']),
            timestamp: String(g.headers['webhook-timestamp']),
            signature: String(g.headers['webhook-signature']),
          },
          g.body,
          Math.floor(Date.now() / 1000),
        ),
      ).toBe(true);
    }
    expect(
      hook.got.filter((g) => JSON.parse(g.body).kind === 'cap').map((g) => JSON.parse(g.body).data.msgType),
    ).toEqual(['Alert', 'Update', 'Alert', 'Cancel']);
  });

  it('resumes by Last-Event-ID with nothing lost or repeated, across the ring and the table', async () => {
    const { s, base, face } = await started(DAY30 + 9 * HOUR + 30 * MINUTE, {
      public: { background: false, statusEvery: 0, feed: { ring: 3 } },
    });
    await face.tick();
    const first = await sse(`${base}/v1/events?after=0`, { authorization: s.auth.analyst });
    cleanups.push(async () => first.close());
    const k = generateKey('DE', 'monitor', 'DE monitor', s.clock.now());
    await s.store.createApiKey(k.record);
    expect(await openCase(s, `Bearer ${k.key}`, DAY30, 'r')).toBe(1);
    await face.tick();
    await first.waitFor((e) => e.event === 'cap');
    const all = (await s.app.inject({ method: 'GET', url: '/v1/public/status' })).statusCode;
    expect(all).toBe(200);
    const seen = first.events.map((e) => Number(e.id));
    expect(seen.length).toBeGreaterThan(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Resume from each point: exactly the events after it, whether they come from the ring (last 3) or the table.
    for (const at of [0, seen[0]!, seen[2]!, seen.at(-3)!, seen.at(-1)!]) {
      const again = await sse(`${base}/v1/events`, { authorization: s.auth.analyst, 'last-event-id': String(at) });
      const want = seen.filter((x) => x > at);
      if (want.length) await again.waitFor((e) => Number(e.id) === want.at(-1));
      else await new Promise((r) => setTimeout(r, 100));
      expect(again.events.map((e) => Number(e.id))).toEqual(want);
      again.close();
    }
    // A public client resuming from 0 gets only the public ones, in order.
    const pub = await sse(`${base}/v1/events?after=0`);
    const wantPublic = first.events.filter((e) => e.event === 'status' || e.event === 'cap').map((e) => Number(e.id));
    await pub.waitFor((e) => Number(e.id) === wantPublic.at(-1));
    expect(pub.events.map((e) => Number(e.id))).toEqual(wantPublic);
    pub.close();
    expect((await fetch(`${base}/v1/events`, { headers: { 'last-event-id': 'abc' } })).status).toBe(400);
    expect((await fetch(`${base}/v1/events`, { headers: { authorization: 'Bearer nonsense' } })).status).toBe(401);
  });

  it('answers 304 to If-None-Match and says how long to cache; rate-limits an address with 429 and Retry-After', async () => {
    const { s, face } = await started(DAY30, { rateLimit: { burst: 5, perSecond: 0.5 } });
    await face.tick();
    const r = await s.app.inject({ method: 'GET', url: '/v1/public/status' });
    expect(r.headers['cache-control']).toMatch(/public, max-age=\d+/);
    const etag = String(r.headers['etag']);
    const again = await s.app.inject({ method: 'GET', url: '/v1/public/status', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    const compact = await s.app.inject({ method: 'GET', url: '/v1/public/status/compact' });
    expect(compact.body.split('\n')[0]).toMatch(/^0+$/);
    let limited;
    for (let n = 0; n < 5 && !limited; n++) {
      const x = await s.app.inject({ method: 'GET', url: '/v1/public/status' });
      if (x.statusCode === 429) limited = x;
    }
    expect(limited?.statusCode).toBe(429);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/public/status', remoteAddress: '10.0.0.9' })).statusCode,
    ).toBe(200);
  });

  it('a hanging webhook target holds up only itself; failures back off, then go to the dead-letter list', async () => {
    const { s, face } = await started(DAY30 + 9 * HOUR + 30 * MINUTE, {
      public: { background: false, statusEvery: 0, webhooks: { timeout: 300, maxAttempts: 2, backoff: [1000] } },
    });
    const hang = await receiver('hang');
    const fail = await receiver('fail');
    const good = await receiver('ok');
    for (const r of [hang, fail, good])
      cleanups.push(() => (r.server.closeAllConnections(), new Promise((x) => r.server.close(x))));
    const sub = async (url: string) =>
      (
        await s.app.inject({
          method: 'POST',
          url: '/v1/webhooks',
          headers: { authorization: s.auth.admin },
          payload: { url, kinds: ['cap'] },
        })
      ).json().id as string;
    const [h, f, g] = [await sub(hang.url), await sub(fail.url), await sub(good.url)];
    // One case: one CAP Alert, one delivery to each target.
    const k = generateKey('DE', 'monitor', 'DE monitor', s.clock.now());
    await s.store.createApiKey(k.record);
    await openCase(s, `Bearer ${k.key}`, DAY30, 'w');
    await face.project();
    const t0 = Date.now();
    await face.webhooks.run();
    // The good target is served while the hanging one waits out its timeout.
    await new Promise((r) => setTimeout(r, 100));
    expect(good.got.length).toBe(1);
    expect(hang.got.length).toBe(1);
    await face.webhooks.settle();
    expect(Date.now() - t0).toBeLessThan(5000);
    const list = async (id: string, status: string) =>
      (
        await s.app.inject({
          method: 'GET',
          url: `/v1/webhooks/${id}/deliveries?status=${status}`,
          headers: { authorization: s.auth.admin },
        })
      ).json().items;
    expect((await list(h, 'pending'))[0]).toMatchObject({
      attempts: 1,
      lastError: expect.stringContaining('no answer within 300 ms'),
    });
    expect((await list(f, 'pending'))[0]).toMatchObject({ attempts: 1, lastStatus: 500 });
    // Not due before the backoff; due after it; dead after the second failure.
    await face.tick();
    expect(fail.got.length).toBe(1);
    s.clock.advance(1000);
    await face.tick();
    expect(fail.got.length).toBe(2);
    const dead = await list(f, 'dead');
    expect(dead).toHaveLength(1);
    expect((await list(g, 'delivered')).length).toBeGreaterThan(0);
    // An admin sends a dead one again; the receiver sees the same event id.
    const retry = await s.app.inject({
      method: 'POST',
      url: `/v1/webhooks/${f}/deliveries/${dead[0].event}/retry`,
      headers: { authorization: s.auth.admin },
    });
    expect(retry.statusCode).toBe(202);
    await face.tick();
    expect(fail.got.at(-1)!.headers['webhook-id']).toBe(String(dead[0].event));
    // Refused: a non-http URL, an unknown kind, a non-admin.
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: '/v1/webhooks',
          headers: { authorization: s.auth.admin },
          payload: { url: 'file:///etc/passwd', kinds: ['cap'] },
        })
      ).json(),
    ).toMatchObject({ error: 'invalid-body', problems: [{ path: 'url' }] });
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: '/v1/webhooks',
          headers: { authorization: s.auth.admin },
          payload: { url: good.url, kinds: ['everything'] },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: '/v1/webhooks',
          headers: { authorization: s.auth.analyst },
          payload: { url: good.url, kinds: ['cap'] },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe.each(backends)('crossings through the API (%s)', (_name, make) => {
  beforeEach(() => {
    makeStore = make;
  });
  it('an authority sets a corridor; another actor may not; violations in it restrict it again', async () => {
    const { readFileSync } = await import('node:fs');
    const { loadPackage } = await import('../src/core/spec/load.js');
    const { geometryReaderFor } = await import('../src/package-files.js');
    const { operationsFor } = await import('../src/server/operations.js');
    const { buildApp } = await import('../src/server/app.js');
    const { ManualClock } = await import('../src/core/ops/index.js');
    const file = 'examples/ukraine-2026.yaml';
    const text = `${readFileSync(file, 'utf8')}\ncrossings:\n  grain: { name: Black Sea grain corridor, kind: corridor, zone: grain-corridor, authority: [UK, FR], close-after: 2 }\n`;
    const loaded = loadPackage(text, { file, readGeometry: geometryReaderFor(file) });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const clock = new ManualClock(DAY30);
    // Every point is inside the corridor: naval strikes there break corridor-safety.
    const locator = { locate: () => ({ zones: ['grain-corridor'], lines: [], region: 'UA-51' }) };
    const store = await makeStore();
    const app = await buildApp({
      store,
      operations: operationsFor(loaded, { clock, locator }),
      package: loaded,
      public: { background: false, statusEvery: 0 },
    });
    cleanups.push(async () => (await app.close(), await store.close()));
    const key = async (actor: string, role: 'guarantor' | 'monitor') => {
      const k = generateKey(actor, role, actor, clock.now());
      await store.createApiKey(k.record);
      return `Bearer ${k.key}`;
    };
    const uk = await key('UK', 'guarantor');
    const us = await key('US', 'guarantor');
    const face = publicFaceOf(store)!;
    await app.ready();
    await face.tick();
    const grain = async () => (await app.inject({ method: 'GET', url: '/v1/public/status' })).json().crossings[0];
    expect(await grain()).toMatchObject({ code: 'grain', kind: 'corridor', state: 'open', cause: 'package' });

    const put = (auth: string, body: object, id = 'grain') =>
      app.inject({ method: 'PUT', url: `/v1/crossings/${id}/state`, headers: { authorization: auth }, payload: body });
    expect((await put(us, { state: 'closed' })).json()).toMatchObject({
      error: 'not-authority',
      message: expect.stringContaining('UK, FR'),
    });
    expect((await put(uk, { state: 'shut' })).statusCode).toBe(400);
    expect((await put(uk, { state: 'closed' }, 'nowhere')).statusCode).toBe(404);
    clock.advance(MINUTE);
    expect((await put(uk, { state: 'restricted', reason: 'mine clearance' })).statusCode).toBe(202);
    await face.tick();
    expect(await grain()).toMatchObject({
      state: 'restricted',
      cause: 'authority',
      by: 'UK',
      reason: 'mine clearance',
      since: clock.now(),
    });

    // Two naval strikes in the corridor after the setting close it (close-after: 2).
    const strike = (id: string, t: number) =>
      obs({
        source: 'navy',
        sourceId: id,
        at: t,
        confidence: 0.95,
        activity: 'naval-strike',
        location: { lon: 31, lat: 45.5, radius: 500 },
      });
    const mon = await key('UK', 'monitor');
    clock.advance(HOUR);
    const r = await app.inject({
      method: 'POST',
      url: '/v1/observations',
      headers: { authorization: mon },
      payload: [strike('n1', clock.now() - 30 * MINUTE), strike('n2', clock.now() - 10 * MINUTE)],
    });
    expect(r.statusCode).toBe(200);
    await face.tick();
    expect(await grain()).toMatchObject({ state: 'closed', cause: 'violations', violations: 2, since: clock.now() });
  });
});
