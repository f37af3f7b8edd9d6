/**
 * `application/x-ndjson` bodies: one JSON value per line (https://github.com/ndjson/ndjson-spec), blank lines
 * ignored. A line that is not JSON is reported with its item index and line number, like any bad item. Each line
 * goes through Fastify's own JSON parser, so prototype-poisoning protection is the same as for JSON bodies.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError, type Problem } from './errors.js';

type LineParser = (line: string) => unknown;

export function parseNdjson(text: string, parseLine: LineParser = JSON.parse): unknown[] {
  const items: unknown[] = [];
  const problems: Problem[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (!line) continue;
    try {
      items.push(parseLine(line));
    } catch (e) {
      problems.push({ index: items.length, path: '', reason: `line ${n + 1} is not JSON: ${(e as Error).message}` });
      items.push(undefined);
    }
  }
  if (problems.length) throw new HttpError(400, { error: 'invalid-body', message: `${problems.length} NDJSON line(s) are not JSON`, problems });
  return items;
}

export function installNdjson(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  const parseLine: LineParser = (line) => {
    let out: unknown;
    let err: Error | null = null;
    // The default parser is synchronous: it calls back before returning.
    json({} as never, line, (e, value) => {
      err = e;
      out = value;
    });
    if (err) throw err;
    return out;
  };
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseNdjson(body as string, parseLine));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
