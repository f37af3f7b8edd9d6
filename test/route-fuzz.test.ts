/**
 * Hostile input on every route: the routes are enumerated from the app (every route Fastify registered, and its
 * query parameters and body from the OpenAPI document the app serves), never from a hand list, plus a route that
 * does not exist. Each gets deep nesting, lone surrogates, huge numbers (1e400, -0, 2**64), wrong content types,
 * garbage cursors, query values and path parameters, and long strings, with every role's key, a forged key and
 * none. Not one answer may be a 5xx, and nothing but request lines may reach the log (no stack trace): a client's
 * error is an answer, not a failure. Every answer is also checked against the OpenAPI document
 * (test/support/contract-setup.ts).
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../src/core/ports/store.js';
import { testServer, type TestServer } from './support/app.js';

interface Operation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: BodySchema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

interface BodySchema {
  properties?: Record<string, unknown>;
  items?: BodySchema;
}

interface Request {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const deep = (n: number, inner = '1') => '['.repeat(n) + inner + ']'.repeat(n);
const deepObject = (n: number, inner = '1') => '{"a":'.repeat(n) + inner + '}'.repeat(n);

/** Values for any path parameter, query value or string field: percent-encoded where they travel in a URL. */
const hostileText = [
  '%00',
  '%ED%A0%80', // a UTF-16 surrogate as (invalid) UTF-8
  '%F0%9F', // a truncated UTF-8 sequence
  '%uD800',
  '%',
  '..%2F..%2Fetc%2Fpasswd',
  '1e400',
  '-0',
  '18446744073709551616',
  '-1',
  'NaN',
  'null',
  '',
  'x'.repeat(5000),
  encodeURIComponent('<script>'),
  encodeURIComponent(deep(500)),
];
const hostileCursors = [
  'Zm9v',
  '!!!',
  b64('v1:-1'),
  b64('v1:1e400'),
  b64('v1:99999999999999999999'),
  b64(deep(20)),
  b64('{"__proto__":{"x":1}}'),
  'x'.repeat(3000),
];
/** JSON values for a body field: as text, since some are not what JSON.stringify writes. */
const hostileJson = [
  '1e400',
  '-1e400',
  '-0',
  '18446744073709551616',
  '"\\ud800"',
  '"\\udc00x"',
  `"${'x'.repeat(1 << 20)}"`,
  deep(31),
  deepObject(31),
  deep(5000, '"\\ud800"'),
  'null',
  '[]',
  '{}',
  'true',
  '""',
];
/** Whole bodies, with the content type each is sent as (undefined: none). */
const hostileBodies: [string | undefined, string | Buffer][] = [
  ['application/json', deep(5000, '"\\ud800"')],
  ['application/json', deepObject(5000)],
  ['application/json', '{"a":{"b":["ok","\\ud800"]},"\\udfff":1}'],
  ['application/json', '[1e400, -0, 18446744073709551616]'],
  ['application/json', '{"__proto__":{"admin":true}}'],
  ['application/json', '{"constructor":{"prototype":{"x":1}}}'],
  ['application/json', '{'],
  ['application/json', ''],
  ['application/json', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])], // {"\xff\xfe":1}
  ['application/json', `["${'x'.repeat(2 << 20)}"]`],
  ['application/json; charset=utf-16', '{"a":1}'],
  ['application/x-ndjson', `{"a":1}\n${deep(5000)}\n`],
  ['application/x-ndjson', '{"a":"\\ud800"}\n\n{\n'],
  ['text/plain', '{"a":1}'],
  ['text/plain', deep(5000)],
  ['application/xml', '<a/>'],
  ['application/x-www-form-urlencoded', 'a=1&b=%ED%A0%80'],
  ['multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
  ['garbage', '{}'],
  [undefined, '{"a":1}'],
];

let s: TestServer;
let logged = '';
let doc: { paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  s = await testServer({
    deps: {
      logger: { level: 'info', stream },
      // The public routes' rate limit would answer most of the fuzz 429 before it reached a handler.
      rateLimit: { burst: 1e9, perSecond: 1e9 },
      public: { background: false },
    },
  });
  await s.app.ready();
  doc = s.app.swagger() as unknown as typeof doc;
});
afterAll(() => s.close());

const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** Every route the app registered (from Fastify itself), with its operation in the served document when it has one. */
function routes(): { method: string; url: string; op: Operation | undefined }[] {
  const out = s.app.routeAccess.map((r) => ({
    method: r.method,
    url: r.url,
    op: doc.paths[openapiPath(r.url)]?.[r.method.toLowerCase()],
  }));
  return [...out, { method: 'POST', url: '/v1/no-such-route/:id', op: undefined }];
}

/** A stream's answer never ends: such routes are read until their headers, then dropped. */
const streams = (op: Operation | undefined) =>
  Object.values(op?.responses ?? {}).some((r) => Object.keys(r.content ?? {}).includes('text/event-stream'));

function fill(url: string, value: string): string {
  return url.replace(/:\w+/g, value).replace('*', value || 'x');
}

/** The requests for one route: garbage in each place it reads input, the rest plausible. */
function requestsFor(method: string, url: string, op: Operation | undefined): Request[] {
  const base = fill(url, 'x');
  const out: Request[] = [];
  if (/[:*]/.test(url)) for (const v of hostileText) out.push({ method, url: fill(url, v) });
  const query = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  for (const name of query) {
    const values = name === 'cursor' || name === 'after' ? [...hostileCursors, ...hostileText] : hostileText;
    for (const v of values) out.push({ method, url: `${base}?${name}=${v}` });
    out.push({ method, url: `${base}?${name}=1&${name}=2` });
    out.push({ method, url: `${base}?${name}[a]=1` });
  }
  out.push({ method, url: `${base}?unknown=%ED%A0%80` });
  if (method === 'GET') {
    for (const accept of ['text/csv', 'application/geo+json', 'garbage/*', '*/*;q=1e400'])
      out.push({ method, url: base, headers: { accept } });
    out.push({ method, url: base, headers: { 'if-none-match': '"\u00ff"', 'last-event-id': '1e400' } });
  }
  if (method !== 'GET' && method !== 'DELETE') {
    for (const [type, payload] of hostileBodies)
      out.push({ method, url: base, payload, headers: type === undefined ? {} : { 'content-type': type } });
    // Each field the document names, in turn, holding each hostile JSON value; the rest absent.
    const body = op?.requestBody?.content?.['application/json']?.schema;
    const fields = new Set([...Object.keys(body?.properties ?? {}), ...Object.keys(body?.items?.properties ?? {})]);
    for (const field of fields)
      for (const v of hostileJson) {
        const one = `{"${field}":${v}}`;
        out.push({ method, url: base, payload: one, headers: { 'content-type': 'application/json' } });
        out.push({ method, url: base, payload: `[${one}]`, headers: { 'content-type': 'application/json' } });
      }
  }
  return out;
}

async function send(r: Request, authorization: string | undefined, stream: boolean): Promise<number> {
  const headers = { ...r.headers, ...(authorization ? { authorization } : {}) };
  const res = await s.app.inject({
    method: r.method as 'POST',
    url: r.url,
    headers,
    ...(r.payload === undefined ? {} : { payload: r.payload }),
    ...(stream ? { payloadAsStream: true } : {}),
  });
  if (stream) res.stream().destroy();
  return res.statusCode;
}

const principals: (Role | 'none' | 'forged')[] = ['none', 'forged', ...roles];

describe('every route under hostile input', () => {
  it('enumerates the routes from the app and its document', () => {
    const all = routes();
    // The enumeration is the app's: every registered route, and the document describes every API route.
    expect(all.length).toBe(s.app.routeAccess.length + 1);
    const undocumented = all.filter(
      (r) => r.op === undefined && r.url.startsWith('/v1/') && !r.url.includes('no-such'),
    );
    expect(undocumented.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('refuses a query or path number beyond a double (1e400, which Ajv coerces to Infinity), naming the parameter', async () => {
    const get = await s.app.inject({
      method: 'GET',
      url: '/v1/cases?limit=1e400',
      headers: { authorization: s.auth.admin },
    });
    expect([get.statusCode, get.json().problems]).toEqual([
      400,
      [{ path: 'querystring.limit', reason: 'is not a finite number' }],
    ]);
    const post = await s.app.inject({
      method: 'POST',
      url: '/v1/cases/x/tasks/1e400/UK/acknowledge',
      headers: { authorization: s.auth.guarantor },
    });
    expect([post.statusCode, post.json().problems]).toEqual([
      400,
      [{ path: 'params.index', reason: 'is not a finite number' }],
    ]);
  });

  it.each(principals)(
    'answers no 5xx to any of it, with %s as the key, and logs no stack',
    async (who) => {
      const authorization =
        who === 'none' ? undefined : who === 'forged' ? `Bearer gk_000000000000_${'A'.repeat(43)}` : s.auth[who];
      const failures: string[] = [];
      let sent = 0;
      for (const { method, url, op } of routes()) {
        for (const r of requestsFor(method, url, op)) {
          const status = await send(r, authorization, streams(op));
          sent++;
          if (status >= 500)
            failures.push(`${status} ${r.method} ${r.url.slice(0, 120)} ${String(r.headers?.['content-type'] ?? '')}`);
        }
      }
      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThan(1000);
      expect(logged).toContain('incoming request');
      expect(logged).not.toMatch(/"stack"|\bat .*\.[jt]s:\d+/);
    },
    300_000,
  );
});
