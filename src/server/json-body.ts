/**
 * JSON request bodies, checked before anything else reads them, on every route (unknown ones included):
 *
 * 1. Nesting deeper than `maxBodyDepth` is refused (400 `body-too-deep`) by one scan of the text, before it is
 *    parsed: no code that walks a body (validation, canonical JSON, logging) can then be made to recurse without bound.
 * 2. Fastify's own parser (prototype poisoning refused).
 * 3. Text that is not Unicode, and numbers JSON.parse can only read as Infinity, refused (400 naming the field). A
 *    `\uXXXX` escape can spell a lone UTF-16 surrogate, which I-JSON (RFC 7493 §2.1) rules out and canonical JSON,
 *    the form every record is stored and logged in, refuses; so does a number beyond a 64-bit float (RFC 7493 §2.2).
 *
 * NDJSON lines (ndjson.ts) pass the same checks, each line on its own. The walks are iterative. `text/plain` is read
 * only on routes that declare it (`consumes`); elsewhere it is 415.
 */
import type { FastifyInstance } from 'fastify';
import { notUnicode, pathText } from '../core/ops/index.js';
import { wellFormed } from '../core/tlog/canonical-json.js';
import { HttpError, unsupportedMediaType, type Problem } from './errors.js';
import { itemAt } from '../core/item-at.js';

export type JsonParser = (text: string) => unknown;

/**
 * The deepest nesting of arrays and objects a body may have. Our bodies need 5 at most (a batch of observations with
 * a location); records are stored as canonical JSON, which refuses more than 64, so a body is held well below that.
 */
export const maxBodyDepth = 32;

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

/** What one pass over a JSON text finds before it is parsed. */
export interface TextScan {
  /** The offset of the first `[` or `{` nesting deeper than the limit, if any. */
  tooDeepAt?: number;
  /** Whether a number may overflow a double: an exponent of three digits or more, or a run of 309 digits. */
  bigNumber: boolean;
}

/**
 * One pass over a JSON text, without parsing it: nesting depth, and numbers that may overflow. Strings are skipped
 * (to their closing quote, by `indexOf`), so neither counts what is inside them. Malformed text is left to the parser.
 */
export function scanJson(text: string, limit = maxBodyDepth): TextScan {
  let depth = 0;
  let digits = 0;
  let bigNumber = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (++digits >= 309) bigNumber = true;
      continue;
    }
    digits = 0;
    if (c === 0x22) {
      // To the next quote not escaped (preceded by an even run of backslashes).
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j < 0) return { bigNumber };
        let k = j - 1;
        while (text.charCodeAt(k) === 0x5c) k--;
        if ((j - 1 - k) % 2 === 0) break;
      }
      i = j;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return { tooDeepAt: i, bigNumber };
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    } else if (c === 0x65 || c === 0x45) {
      // Outside a string, `e` is an exponent or a letter of true or false. A positive exponent of three significant
      // digits may overflow (a negative one only underflows, to 0).
      let k = i + 1;
      if (text.charCodeAt(k) === 0x2b) k++;
      while (text.charCodeAt(k) === 0x30) k++;
      let e = 0;
      while (e < 3 && text.charCodeAt(k + e) >= 0x30 && text.charCodeAt(k + e) <= 0x39) e++;
      if (e >= 3) bigNumber = true;
    }
  }
  return { bigNumber };
}

export const tooDeep = `nests arrays and objects more than ${maxBodyDepth} deep`;
export const notFinite = 'is a number beyond the range of a 64-bit float (RFC 7493 §2.2), which reads as Infinity';

/** A bad value in a parsed body: where (keys and indices from the top) and why. */
export interface BadValue {
  path: (string | number)[];
  reason: string;
}

// Only an escape can spell a surrogate (UTF-8 cannot): a text without one, and without a number that may overflow
// (scanJson), is not walked.
const mayHoldSurrogate = /\\u[dD][89a-fA-F]/;

/** Where a parsed value holds a string or key that is not Unicode, or a number that is not finite, if anywhere. */
export function badValueAt(text: string, value: unknown, bigNumber = scanJson(text).bigNumber): BadValue | undefined {
  const surrogates = mayHoldSurrogate.test(text);
  if (!surrogates && !bigNumber) return undefined;
  // Depth-first, in document order, with an explicit stack: the first bad value found is the first in the text.
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { v, path } = top;
    if (typeof v === 'string') {
      if (surrogates && !wellFormed(v)) return { path, reason: notUnicode };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, reason: notFinite };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (const [k] of entries) if (surrogates && !wellFormed(k)) return { path: [...path, k], reason: notUnicode };
      for (let i = entries.length - 1; i >= 0; i--)
        stack.push({ v: itemAt(entries, i)[1], path: [...path, itemAt(entries, i)[0]] });
    }
  }
  return undefined;
}

/** A batch's problem names the item by index and the field by path (as observation problems do); any other body's, the field alone. */
export function badValueProblem(bad: BadValue, index?: number): Problem {
  const { path, reason } = bad;
  if (index !== undefined) return { index, path: pathText(path), reason };
  if (typeof path[0] === 'number') return { index: path[0], path: pathText(path.slice(1)), reason };
  return { path: pathText(path), reason };
}

export function tooDeepError(offset: number, line?: number): HttpError<'body-too-deep'> {
  const where = line === undefined ? `at character ${offset + 1}` : `line ${line}, character ${offset + 1}`;
  return new HttpError(400, {
    error: 'body-too-deep',
    message: `the body ${tooDeep} (${where}); nothing was read`,
    problems: [{ path: '', reason: `${tooDeep} (${where})` }],
  });
}

/** Parses and checks one JSON text (a body, or an NDJSON line); throws the 400 the client gets. */
export function checkedJson(parse: JsonParser, text: string): unknown {
  const scan = scanJson(text);
  if (scan.tooDeepAt !== undefined) throw tooDeepError(scan.tooDeepAt);
  const value = parse(text);
  const bad = badValueAt(text, value, scan.bigNumber);
  if (bad)
    throw new HttpError(400, {
      error: 'invalid-body',
      message:
        bad.reason === notUnicode
          ? 'the body holds text that is not Unicode (a lone UTF-16 surrogate escape)'
          : 'the body holds a number beyond the range of a 64-bit float',
      problems: [badValueProblem(bad)],
    });
  return value;
}

export function installJsonBody(app: FastifyInstance): void {
  const parse = fastifyJson(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, checkedJson(parse, body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  // Text only where a route declares it (`consumes: ['text/plain']`, a signed note): elsewhere 415, as documented.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (req, body, done) => {
    const consumes = (req.routeOptions.schema as { consumes?: readonly string[] } | undefined)?.consumes;
    if (consumes?.includes('text/plain')) return done(null, body);
    done(unsupportedMediaType(req.headers['content-type']), undefined);
  });
}
