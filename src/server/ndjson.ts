/**
 * `application/x-ndjson` bodies: one JSON value per line (https://github.com/ndjson/ndjson-spec), blank lines
 * ignored. A line that is not JSON is reported with its item index and line number, like any bad item. Each line
 * passes the checks a JSON body does (json-body.ts): nesting depth before it is parsed, then Fastify's own JSON
 * parser, then Unicode text and finite numbers.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError, type Problem } from './errors.js';
import { badValueAt, badValueProblem, fastifyJson, scanJson, tooDeepError, type JsonParser } from './json-body.js';
import { counted } from './words.js';
import { itemAt } from '../core/item-at.js';

export function parseNdjson(text: string, parseLine: JsonParser = JSON.parse): unknown[] {
  const items: unknown[] = [];
  const problems: Problem[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = itemAt(lines, n).trim();
    if (!line) continue;
    const scan = scanJson(line);
    if (scan.tooDeepAt !== undefined) throw tooDeepError(scan.tooDeepAt, n + 1);
    try {
      const value = parseLine(line);
      const bad = badValueAt(line, value, scan.bigNumber);
      if (bad) {
        const p = badValueProblem(bad, items.length);
        problems.push({ ...p, reason: `line ${n + 1} ${p.reason}` });
      }
      items.push(value);
    } catch (e) {
      problems.push({ index: items.length, path: '', reason: `line ${n + 1} is not JSON: ${(e as Error).message}` });
      items.push(undefined);
    }
  }
  if (problems.length)
    throw new HttpError(400, {
      error: 'invalid-body',
      message: `${counted(problems.length, 'NDJSON line')} ${problems.length === 1 ? 'is' : 'are'} not JSON, not Unicode or hold a number beyond a 64-bit float`,
      problems,
    });
  return items;
}

export function installNdjson(app: FastifyInstance): void {
  const parseLine = fastifyJson(app);
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseNdjson(body as string, parseLine));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
