/**
 * JSON bodies checked before anything reads them (json-body.ts): nesting too deep for any walk, text that is not
 * Unicode, numbers beyond a double; found, placed, and answered 400 on any route, known or not, with nothing logged
 * but the request line. text/plain on a JSON route is 415.
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../../test/support/app.js';
import { badValueAt, maxBodyDepth, scanJson } from './json-body.js';

const at = (text: string) => badValueAt(text, JSON.parse(text));
const tooDeepAt = (text: string, limit?: number) => scanJson(text, limit).tooDeepAt;
const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('scanJson: depth', () => {
  it('finds the first bracket past the limit, counting arrays and objects alike', () => {
    expect(tooDeepAt(nested(maxBodyDepth))).toBeUndefined();
    expect(tooDeepAt(nested(maxBodyDepth + 1))).toBe(maxBodyDepth);
    expect(tooDeepAt('{"a":'.repeat(3) + '1' + '}'.repeat(3), 2)).toBe(10);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(tooDeepAt(JSON.stringify({ a: '['.repeat(100), b: '"[[[[[[[[[[' }), 2)).toBeUndefined();
    expect(tooDeepAt('["\\\\", [[1]]]', 2)).toBe(8);
  });
});

describe('scanJson: numbers', () => {
  it('flags numbers that may overflow outside strings only, and never true, false or negative exponents', () => {
    expect(scanJson('[1e400]').bigNumber).toBe(true);
    expect(scanJson('[1E+0300]').bigNumber).toBe(true);
    expect(scanJson(`[${'1'.repeat(309)}]`).bigNumber).toBe(true);
    expect(scanJson(`{"a":"1e400","b":"${'1'.repeat(400)}","c":true,"d":false,"e":1e-400,"f":1e99}`).bigNumber).toBe(
      false,
    );
  });
});

describe('badValueAt', () => {
  it('finds a lone surrogate in a string or a key, with its path', () => {
    expect(at('[{"a":1},{"b":{"c":["ok","x\\ud800"]}}]')?.path).toEqual([1, 'b', 'c', 1]);
    expect(at('{"k\\udfff":1}')?.path).toEqual(['k\udfff']);
    expect(at('"\\uDC00"')?.path).toEqual([]);
  });

  it('finds a number JSON.parse reads as Infinity, with its path', () => {
    expect(at('{"a":[0,{"b":1e400}]}')).toEqual({ path: ['a', 1, 'b'], reason: expect.stringMatching(/64-bit/) });
    expect(at(`[${'9'.repeat(400)}]`)?.path).toEqual([0]);
    expect(at('[-1E+999]')?.path).toEqual([0]);
  });

  it('passes surrogate pairs, text without escapes, an escaped backslash before "ud800", -0, 2**64 and 1e-400', () => {
    expect(at('{"a":"\\ud83d\\ude00"}')).toBeUndefined();
    expect(at('{"a":"😀 é"}')).toBeUndefined();
    expect(at('{"a":"\\\\ud800"}')).toBeUndefined();
    expect(at('[-0, 18446744073709551616, 1e-400, 1.7976931348623157e308, "e400"]')).toBeUndefined();
  });

  it('walks a body as deep as allowed without recursion', () => {
    expect(at(nested(maxBodyDepth, '"\\ud800"'))?.path).toHaveLength(maxBodyDepth);
  });
});

describe('JSON request bodies', () => {
  let s: TestServer;
  let logged: string;
  beforeEach(async () => {
    logged = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    s = await testServer({ deps: { logger: { level: 'info', stream } } });
  });
  afterEach(() => s.close());

  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    s.app.inject({
      method: 'POST',
      url,
      headers: { authorization: s.auth.admin, 'content-type': 'application/json', ...headers },
      payload,
    });

  it('answers 400 naming the field on a route other than ingest, and stores nothing', async () => {
    const before = (
      await s.app.inject({ method: 'GET', url: '/v1/apikeys', headers: { authorization: s.auth.admin } })
    ).json().items.length;
    const r = await post('/v1/apikeys', '{"actor":"*","role":"analyst","label":"desk \\ud800"}');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({
      error: 'invalid-body',
      message: expect.stringMatching(/not Unicode/),
      problems: [{ path: 'label', reason: expect.stringMatching(/lone UTF-16 surrogate/) }],
    });
    const after = (
      await s.app.inject({ method: 'GET', url: '/v1/apikeys', headers: { authorization: s.auth.admin } })
    ).json().items.length;
    expect(after).toBe(before);
  });

  it('still refuses prototype poisoning and malformed JSON as before', async () => {
    expect((await post('/v1/apikeys', '{"__proto__":{"x":1},"actor":"*","role":"analyst"}')).statusCode).toBe(400);
    expect((await post('/v1/apikeys', '{"actor":')).statusCode).toBe(400);
    expect((await post('/v1/apikeys', '{"actor":"*","role":"analyst","label":"ok \\ud83d\\ude00"}')).statusCode).toBe(
      201,
    );
  });

  it('refuses a body nested 5,000 deep with a lone surrogate: 400 body-too-deep on known and unknown routes, with or without a key, no stack logged', async () => {
    const deep = nested(5000, '"\\ud800"');
    for (const [url, headers] of [
      ['/v1/apikeys', {}],
      ['/v1/no-such-route', {}],
      ['/v1/no-such-route', { authorization: '' }],
      ['/v1/log/cosignatures', { authorization: '' }],
    ] as const) {
      const r = await post(url, deep, headers);
      expect(r.statusCode, url).toBe(400);
      expect(r.json(), url).toEqual({
        error: 'body-too-deep',
        message: expect.stringContaining(`more than ${maxBodyDepth} deep`),
        problems: [{ path: '', reason: expect.stringContaining(`character ${maxBodyDepth + 1}`) }],
      });
    }
    const ndjson = await s.app.inject({
      method: 'POST',
      url: '/v1/observations',
      headers: { authorization: s.auth.monitor, 'content-type': 'application/x-ndjson' },
      payload: `{"a":1}\n${deep}\n`,
    });
    expect(ndjson.statusCode).toBe(400);
    expect(ndjson.json().error).toBe('body-too-deep');
    expect(ndjson.json().message).toContain('line 2');
    expect(logged).toContain('incoming request');
    expect(logged).not.toMatch(/"stack"|\bat .*\.js:\d+/);
  });

  it('refuses a number beyond a double (1e400) naming its field; passes -0 and 2**64 to the route', async () => {
    const r = await post('/v1/log/witnesses', '{"vkey":1e400}');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: 'invalid-body', problems: [{ path: 'vkey' }] });
    const batch = await s.app.inject({
      method: 'POST',
      url: '/v1/observations',
      headers: { authorization: s.auth.monitor, 'content-type': 'application/json' },
      payload: '[{"source":"radar"},{"source":"radar","confidence":1e999}]',
    });
    expect(batch.json()).toMatchObject({ error: 'invalid-body', problems: [{ index: 1, path: 'confidence' }] });
    // The route's own check answers these (Ajv coerces a number to a string): the body check let them through.
    expect((await post('/v1/log/witnesses', '{"vkey":-0}')).json().error).toBe('invalid-vkey');
    expect((await post('/v1/log/witnesses', '{"vkey":18446744073709551616}')).json().error).toBe('invalid-vkey');
  });

  it('answers text/plain on a JSON route 415, as documented, and still reads text where a route declares it', async () => {
    const r = await post('/v1/apikeys', '{"actor":"*","role":"analyst"}', { 'content-type': 'text/plain' });
    expect(r.statusCode).toBe(415);
    expect(r.json().error).toBe('unsupported-media-type');
    const note = await post('/v1/log/cosignatures', 'not a note', { 'content-type': 'text/plain', authorization: '' });
    expect(note.statusCode).toBe(400);
    expect(note.json().error).toBe('invalid-cosignature');
  });
});
