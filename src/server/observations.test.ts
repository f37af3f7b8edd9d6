/** `POST /v1/observations` and the list endpoints, socket-free: good batches, every kind of bad input, paging. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObservationInput } from '../core/ops/index.js';
import { StoreUnavailableError } from '../core/ports/store.js';
import { testServer, type TestServer } from '../../test/support/app.js';
import { traffic } from '../../test/support/observations.js';

let s: TestServer;
beforeEach(async () => {
  s = await testServer({ limits: { maxBatch: 600, bodyLimit: 512 * 1024 } });
});
afterEach(() => s.close());

/** Traffic from CMM's sources only (the monitor key acts for CMM). */
function cmm(events: number, prefix = 'e', seed = 1): ObservationInput[] {
  return traffic({ events, prefix, seed }).filter((o) => ['radar', 'uav', 'patrol'].includes(o.source));
}

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  s.app.inject({
    method: 'POST',
    url: '/v1/observations',
    headers: { authorization: s.auth.monitor, ...headers },
    payload: payload as string,
  });
const get = (url: string) => s.app.inject({ method: 'GET', url, headers: { authorization: s.auth.analyst } });

async function counts() {
  return (await s.app.inject({ method: 'GET', url: '/v1/status' })).json() as {
    observations: number;
    incidents: number;
    violations: number;
    cases: number;
  };
}

describe('POST /v1/observations', () => {
  it('stores a JSON batch after commit and answers counts and ids; a resend is all duplicates', async () => {
    const items = cmm(60);
    const r = await post(items);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.accepted).toBe(items.length);
    expect(body.duplicates).toBe(0);
    expect(body.ids).toHaveLength(items.length);
    expect(body.incidentRevisions).toBeGreaterThan(0);
    expect((await counts()).observations).toBe(items.length);
    const again = await post(items);
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: items.length, ids: body.ids });
    const one = await get(`/v1/observations/${body.ids[0]}`);
    expect(one.json()).toMatchObject({
      seq: body.ids[0],
      source: items[0]!.source,
      sourceId: items[0]!.sourceId,
      submittedBy: expect.any(String),
    });
  });

  it('takes NDJSON, blank lines ignored', async () => {
    const items = cmm(10);
    const text = items.map((o) => JSON.stringify(o)).join('\n') + '\n\n';
    const r = await post(text, { 'content-type': 'application/x-ndjson' });
    expect(r.statusCode).toBe(200);
    expect(r.json().accepted).toBe(items.length);
  });

  it('names the NDJSON line that is not JSON, and stores nothing', async () => {
    const items = cmm(3).map((o) => JSON.stringify(o));
    const r = await post([items[0], '{"source": "radar",', items[1]].join('\n'), {
      'content-type': 'application/x-ndjson',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().problems).toEqual([{ index: 1, path: '', reason: expect.stringMatching(/^line 2 is not JSON/) }]);
    expect((await counts()).observations).toBe(0);
  });

  const base = (): ObservationInput => ({ ...cmm(1, 'b')[0]!, sourceId: 'bad-1' });
  const cases: [string, (o: Record<string, unknown>) => unknown, string, RegExp][] = [
    ['a wrong type', (o) => ({ ...o, confidence: 'high' }), 'confidence', /number/i],
    ['an unknown activity', (o) => ({ ...o, activity: 'artilery-fire' }), 'activity', /artillery-fire|Invalid option/],
    ['a latitude out of range', (o) => ({ ...o, location: { lon: 37, lat: 91 } }), 'location', /./],
    ['a longitude out of range', (o) => ({ ...o, location: { lon: -181, lat: 48 } }), 'location', /./],
    ['a time far in the future', (o) => ({ ...o, time: '2030-01-01T00:00:00Z' }), 'time', /future/],
    ['a malformed time', (o) => ({ ...o, time: 'yesterday' }), 'time', /./],
    ['an unknown source', (o) => ({ ...o, source: 'nsa' }), 'source', /not a verification source/],
    ['an unknown field', (o) => ({ ...o, colour: 'red' }), '', /colour/],
    ['a missing field', (o) => ({ ...o, sourceId: undefined }), 'sourceId', /./],
    ['an unknown region', (o) => ({ ...o, location: { region: 'UA-99' } }), 'location.region', /not a region/],
    ['a bad evidence hash', (o) => ({ ...o, evidence: ['abc'] }), 'evidence[0]', /SHA-256/],
    ['not an object', () => 42, '', /object/],
  ];
  it.each(cases)(
    'rejects %s with its index, path and reason, storing nothing of the batch',
    async (_what, mutate, path, reason) => {
      const good = cmm(4, 'g');
      const bad = mutate(base() as unknown as Record<string, unknown>);
      const r = await post([...good.slice(0, 2), bad, ...good.slice(2)]);
      expect(r.statusCode).toBe(400);
      const body = r.json();
      expect(body.error).toBe('invalid-observations');
      expect(body.message).toMatch(/nothing was stored/);
      const p = body.problems.find((x: { index: number }) => x.index === 2);
      expect(p, JSON.stringify(body)).toBeDefined();
      expect(p.path.startsWith(path), JSON.stringify(body)).toBe(true);
      expect(p.reason).toMatch(reason);
      expect(body.problems.every((x: { index: number }) => x.index === 2)).toBe(true);
      expect((await counts()).observations).toBe(0);
      // The server keeps serving: the good part alone goes through.
      expect((await post(good)).statusCode).toBe(200);
    },
  );

  it('rejects text that is not Unicode (a lone surrogate escape) in JSON and NDJSON with 400, naming item and field, storing nothing', async () => {
    const good = cmm(4, 'u');
    const bad = { ...base(), note: 'seen \udc00 twice' };
    for (const [payload, type] of [
      [JSON.stringify([...good.slice(0, 2), bad, ...good.slice(2)]), 'application/json'],
      [[...good.slice(0, 2), bad, ...good.slice(2)].map((o) => JSON.stringify(o)).join('\n'), 'application/x-ndjson'],
      [
        JSON.stringify([...good.slice(0, 2), { ...base(), sourceId: 'id-\ud800' }, ...good.slice(2)]),
        'application/json',
      ],
    ] as const) {
      const r = await post(payload, { 'content-type': type });
      expect(r.statusCode, r.body).toBe(400);
      const body = r.json();
      expect(body.error).toBe('invalid-body');
      expect(body.problems).toEqual([
        {
          index: 2,
          path: expect.stringMatching(/^(note|sourceId)$/),
          reason: expect.stringMatching(/not valid Unicode text: it holds a lone UTF-16 surrogate/),
        },
      ]);
    }
    expect((await counts()).observations).toBe(0);
    expect((await post(good)).statusCode).toBe(200);
  });

  it('rejects duplicate ids inside one batch', async () => {
    const [a] = cmm(1);
    const r = await post([a, { ...a }]);
    expect(r.statusCode).toBe(400);
    expect(r.json().problems).toEqual([
      { index: 1, path: 'sourceId', reason: expect.stringMatching(/duplicates item 0/) },
    ]);
  });

  it('answers malformed JSON, a non-array and an unsupported content type with a clear 4xx', async () => {
    const bad = await post('[{"source": "radar"', { 'content-type': 'application/json' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('invalid-body');
    const obj = await post({ source: 'radar' });
    expect(obj.statusCode).toBe(400);
    expect(obj.json().message).toMatch(/JSON array/);
    const xml = await post('<obs/>', { 'content-type': 'application/xml' });
    expect(xml.statusCode).toBe(415);
    const empty = await post('', { 'content-type': 'application/json' });
    expect(empty.statusCode).toBe(400);
    const proto = await post('[{"__proto__": {"x": 1}}]', { 'content-type': 'application/json' });
    expect(proto.statusCode).toBe(400);
  });

  it('answers 413 to a batch longer than the limit and to a body larger than the limit', async () => {
    const many = cmm(700, 'm');
    expect(many.length).toBeGreaterThan(600);
    const long = await post(many.slice(0, 601));
    expect(long.statusCode).toBe(413);
    expect(long.json()).toMatchObject({ error: 'batch-too-large', message: expect.stringMatching(/at most 600/) });
    const big = await post([{ ...many[0]!, note: 'x'.repeat(600 * 1024) }]);
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('body-too-large');
    expect((await counts()).observations).toBe(0);
  });

  it('lets a key bound to an actor submit only for that actor’s sources', async () => {
    const items = traffic({ events: 40 });
    const r = await post(items);
    expect(r.statusCode).toBe(403);
    const body = r.json();
    expect(body.error).toBe('forbidden-source');
    expect(body.problems[0]).toMatchObject({ path: 'source', reason: expect.stringMatching(/operated by (DE|US|FR)/) });
    expect((await counts()).observations).toBe(0);
  });

  it('answers 503 with Retry-After when the store refuses a batch it may be sent again (a write before it failed)', async () => {
    const items = cmm(5);
    const ingest = s.store.ingest.bind(s.store);
    s.store.ingest = () =>
      Promise.reject(new StoreUnavailableError('refused: a batch before it failed to commit; send it again'));
    const r = await post(items);
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.json()).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/send it again/) });
    s.store.ingest = ingest;
    expect((await post(items)).statusCode).toBe(200);
  });

  it('answers an empty batch with zero counts', async () => {
    expect((await post([])).json()).toMatchObject({ accepted: 0, duplicates: 0, ids: [] });
  });
});

describe('list endpoints', () => {
  it('page through observations, incidents, violations and cases with filters', async () => {
    for (let i = 0; i < 4; i++) expect((await post(cmm(150, `p${i}-`, i + 1))).statusCode).toBe(200);
    const seen: number[] = [];
    let url = '/v1/observations?limit=37';
    for (;;) {
      const page = (await get(url)).json();
      seen.push(...page.items.map((o: { seq: number }) => o.seq));
      if (!page.next) break;
      url = `/v1/observations?limit=37&cursor=${page.next}`;
    }
    expect(seen.length).toBe((await counts()).observations);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    const radar = (await get('/v1/observations?source=radar&limit=1000')).json();
    expect(radar.items.length).toBeGreaterThan(0);
    expect(radar.items.every((o: { source: string }) => o.source === 'radar')).toBe(true);
    const from = '2026-06-20T00:30:00Z';
    const late = (await get(`/v1/observations?from=${from}&limit=1000`)).json();
    expect(late.items.every((o: { time: number }) => o.time >= Date.parse(from))).toBe(true);

    const incidents = (await get('/v1/incidents?activity=artillery-fire&status=open&limit=5')).json();
    expect(incidents.items.length).toBe(5);
    expect(incidents.next).toBeDefined();
    const inc = incidents.items[0];
    expect((await get(`/v1/incidents/${inc.id}`)).json().id).toBe(inc.id);
    expect((await get(`/v1/incidents/${inc.id}/revisions`)).json().items.length).toBe(inc.revision);

    const violations = (await get('/v1/violations?limit=1000')).json();
    expect(violations.items.length).toBeGreaterThan(0);
    const buffer = (await get('/v1/violations?zone=buffer&limit=1000')).json();
    expect(buffer.items.every((v: { zones: string[] }) => v.zones.includes('buffer'))).toBe(true);
    expect((await get(`/v1/violations/${violations.items[0].id}`)).json().id).toBe(violations.items[0].id);

    const cases = (await get('/v1/cases?limit=1000')).json();
    expect(cases.items.length).toBeGreaterThan(0);
    const sev = cases.items[0].severity;
    const bySev = (await get(`/v1/cases?severity=${sev}&limit=1000`)).json();
    expect(bySev.items.every((c: { severity: string }) => c.severity === sev)).toBe(true);
    expect((await get(`/v1/cases/${cases.items[0].id}`)).json()).toEqual(cases.items[0]);
  });

  it('answers bad queries and unknown ids with 400 and 404', async () => {
    const cases: [string, number, string][] = [
      ['/v1/observations?limit=0', 400, 'querystring.limit'],
      ['/v1/observations?limit=abc', 400, 'querystring.limit'],
      ['/v1/observations?from=yesterday', 400, 'querystring.from'],
      ['/v1/observations?cursor=garbage', 400, 'query.cursor'],
      ['/v1/observations?colour=red', 400, 'querystring.colour'],
      ['/v1/incidents?status=closed', 400, 'querystring.status'],
      ['/v1/observations/abc', 400, 'params.id'],
    ];
    for (const [url, status, path] of cases) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(status);
      expect(r.json().problems[0].path, url).toBe(path);
    }
    for (const url of [
      '/v1/observations/999',
      '/v1/incidents/nope',
      '/v1/incidents/nope/revisions',
      '/v1/violations/nope',
      '/v1/cases/nope',
      '/v1/nothing',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.json().error).toBe('not-found');
    }
  });
});

describe('OpenAPI', () => {
  it('serves the document and Swagger UI from the package at /docs, every API route documented', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    // Every API route (static assets, the dashboard's files and Swagger UI's own are not API operations).
    for (const r of s.app.routeAccess.filter((x) => x.url.startsWith('/v1/') || x.url === '/healthz')) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.url}`).toBeDefined();
    }
    expect(
      doc.paths['/v1/observations'].post.requestBody.content['application/json'].schema.items.properties.activity.enum,
    ).toContain('artillery-fire');
    expect(Object.keys(doc.paths['/v1/observations'].post.requestBody.content).sort()).toEqual([
      'application/json',
      'application/x-ndjson',
    ]);
    expect(doc.paths['/v1/observations'].post.description).toMatch(/Roles: monitor/);
    const ui = await s.app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
    expect(ui.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
    expect((await s.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' })).statusCode).toBe(200);
  });
});
