import { readFileSync } from 'node:fs';
import type { FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import { errorCodes, errorResponses, httpErrors } from './error-codes.js';
import { HttpError, sendError } from './errors.js';

/** The codes in docs/api.md's "Errors" section: the first column of its table. */
function documentedCodes(): string[] {
  const doc = readFileSync('docs/api.md', 'utf8');
  const start = doc.indexOf('\n## Errors\n');
  expect(start).toBeGreaterThan(0);
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `([a-z-]+)` \| (\d{3}) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
}

describe('the HTTP error catalogue', () => {
  it('docs/api.md lists exactly its codes, each with its status', () => {
    const documented = documentedCodes();
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(errorCodes.map((c) => `${c} ${httpErrors[c].status}`).sort());
  });
  it('every code is a 4xx or 5xx', () => {
    for (const c of errorCodes) expect(httpErrors[c].status).toBeGreaterThanOrEqual(400);
  });
  it('declares OpenAPI responses, one per status, naming each code', () => {
    const r = errorResponses('not-found', 'vote-recused', 'vote-bad-signature', 'vote-decided');
    expect(Object.keys(r).sort()).toEqual(['403', '404', '409']);
    expect(r['403']!.description).toContain('`vote-recused`');
    expect(r['403']!.description).toContain('`vote-bad-signature`');
    expect(r['404']!.$ref).toBe('Error#');
  });
  it('types the status by the code (the compiler rejects a mismatch or an unknown code)', () => {
    const reply = { code: () => reply, type: () => reply, send: () => reply } as unknown as FastifyReply;
    sendError(reply, 404, { error: 'not-found', message: 'ok' });
    // @ts-expect-error 404 is not the status of invalid-body
    sendError(reply, 404, { error: 'invalid-body', message: 'wrong status' });
    // @ts-expect-error no such code in the catalogue
    sendError(reply, 400, { error: 'no-such-code', message: 'unknown' });
    // @ts-expect-error 400 is not the status of forbidden
    expect(new HttpError(400, { error: 'forbidden', message: 'x' }).statusCode).toBe(400);
  });
});
