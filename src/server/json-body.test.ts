/** JSON bodies that are JSON but not Unicode text (json-body.ts): found, placed, and answered 400 on any route. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../../test/support/app.js';
import { notUnicodeAt } from './json-body.js';

const at = (text: string) => notUnicodeAt(text, JSON.parse(text));

describe('notUnicodeAt', () => {
  it('finds a lone surrogate in a string or a key, with its path', () => {
    expect(at('[{"a":1},{"b":{"c":["ok","x\\ud800"]}}]')).toEqual([1, 'b', 'c', 1]);
    expect(at('{"k\\udfff":1}')).toEqual(['k\udfff']);
    expect(at('"\\uDC00"')).toEqual([]);
  });

  it('passes surrogate pairs, text without escapes, and an escaped backslash before "ud800"', () => {
    expect(at('{"a":"\\ud83d\\ude00"}')).toBeUndefined();
    expect(at('{"a":"😀 é"}')).toBeUndefined();
    expect(at('{"a":"\\\\ud800"}')).toBeUndefined();
  });
});

describe('JSON request bodies', () => {
  let s: TestServer;
  beforeEach(async () => {
    s = await testServer({});
  });
  afterEach(() => s.close());

  it('answers 400 naming the field on a route other than ingest, and stores nothing', async () => {
    const before = (
      await s.app.inject({ method: 'GET', url: '/v1/apikeys', headers: { authorization: s.auth.admin } })
    ).json().items.length;
    const r = await s.app.inject({
      method: 'POST',
      url: '/v1/apikeys',
      headers: { authorization: s.auth.admin, 'content-type': 'application/json' },
      payload: '{"actor":"*","role":"analyst","label":"desk \\ud800"}',
    });
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
    const post = (payload: string) =>
      s.app.inject({
        method: 'POST',
        url: '/v1/apikeys',
        headers: { authorization: s.auth.admin, 'content-type': 'application/json' },
        payload,
      });
    expect((await post('{"__proto__":{"x":1},"actor":"*","role":"analyst"}')).statusCode).toBe(400);
    expect((await post('{"actor":')).statusCode).toBe(400);
    expect((await post('{"actor":"*","role":"analyst","label":"ok \\ud83d\\ude00"}')).statusCode).toBe(201);
  });
});
