/**
 * JSON request bodies: Fastify's own parser (prototype poisoning refused), then text that is not Unicode refused.
 * A JSON `\uXXXX` escape can spell a lone UTF-16 surrogate, which I-JSON (RFC 7493 §2.1) rules out and canonical
 * JSON, the form every record is stored and logged in, refuses: such a body is the client's error (400, naming
 * where it is), not a failure of the server. NDJSON lines (ndjson.ts) pass the same checks.
 */
import type { FastifyInstance } from 'fastify';
import { notUnicode, pathText } from '../core/ops/index.js';
import { wellFormed } from '../core/tlog/canonical-json.js';
import { HttpError, type Problem } from './errors.js';

export type JsonParser = (text: string) => unknown;

/** Fastify's default JSON parser as a plain function; it throws what Fastify would answer. */
export function fastifyJson(app: FastifyInstance): JsonParser {
  const json = app.getDefaultJsonParser('error', 'error');
  return (text) => {
    let out: unknown;
    let err: Error | null = null;
    // The default parser is synchronous: it calls back before returning.
    json({} as never, text, (e, value) => {
      err = e;
      out = value;
    });
    if (err) throw err;
    return out;
  };
}

/** Where a parsed value holds a string or key that is not Unicode (keys and indices from the top), if anywhere. */
export function notUnicodeAt(text: string, value: unknown): (string | number)[] | undefined {
  // Only an escape can spell a surrogate (UTF-8 cannot), so a text without one is not walked.
  if (!/\\u[dD][89a-fA-F]/.test(text)) return undefined;
  const path: (string | number)[] = [];
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') return !wellFormed(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        if (walk(v[i])) return true;
        path.pop();
      }
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        path.push(k);
        if (!wellFormed(k) || walk(x)) return true;
        path.pop();
      }
    }
    return false;
  };
  return walk(value) ? path : undefined;
}

/** A batch's problem names the item by index and the field by path (as observation problems do); any other body's, the field alone. */
export function notUnicodeProblem(path: readonly (string | number)[], index?: number): Problem {
  if (index !== undefined) return { index, path: pathText(path), reason: notUnicode };
  if (typeof path[0] === 'number') return { index: path[0], path: pathText(path.slice(1)), reason: notUnicode };
  return { path: pathText(path), reason: notUnicode };
}

export function installJsonBody(app: FastifyInstance): void {
  const parse = fastifyJson(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      const value = parse(body as string);
      const at = notUnicodeAt(body as string, value);
      if (at)
        throw new HttpError(400, {
          error: 'invalid-body',
          message: `the body holds text that is not Unicode (a lone UTF-16 surrogate escape)`,
          problems: [notUnicodeProblem(at)],
        });
      done(null, value);
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
