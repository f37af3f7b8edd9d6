/**
 * The records behind the log's sealed entries (docs/tlog.md, "Who sees what"):
 *
 * - `GET /v1/log/contents?start=…&end=…`: for the entries [start, end) whose bytes are a commitment (or were logged
 *   in the clear and are withheld from the public), the record and salt that open each commitment, as far as the
 *   caller may read them: everyone reads a decided case's votes; an analyst or admin key the observations; an
 *   auditor key everything. The rest are listed as withheld, with the reason. Public, with an optional key.
 */
import { actorRolesOf, authenticate, can, type Principal } from '../access.js';
import type { ServerDeps } from '../deps.js';
import { entryContents } from '../log-contents.js';
import { sendError } from '../errors.js';
import type { RoutePlugin } from '../type-provider.js';
import { MAX_ENTRIES } from './log.js';

const size = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const text = { type: 'string' } as const;
const id = { index: { type: 'integer' }, kind: text, recordId: text } as const;

export const logContentRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const log = deps.store.transparencyLog();
  app.get(
    '/v1/log/contents',
    {
      config: { access: 'public' },
      schema: {
        tags: ['log'],
        summary: `The records that open the sealed entries [start, end) (at most ${MAX_ENTRIES}), as far as the caller may read them (docs/tlog.md)`,
        description: `Everyone reads the votes of decided cases; keys of ${can.readRaw.join(', ')} read observations; ${can.audit.join(', ')} keys read every record. Each opening verifies: SHA-256(salt || canonical JSON of record) is the entry's commitment.`,
        querystring: {
          type: 'object',
          properties: { start: size, end: size },
          required: ['start', 'end'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              contents: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    ...id,
                    salt: text,
                    record: { type: 'object', additionalProperties: true },
                    entry: { type: 'string', description: 'base64 leaf bytes of an entry logged in the clear' },
                  },
                },
              },
              withheld: {
                type: 'array',
                items: { type: 'object', properties: { ...id, reason: text } },
              },
            },
          },
          400: { $ref: 'Error#' },
          401: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (q.end < q.start || q.end - q.start > MAX_ENTRIES)
        return sendError(reply, 400, {
          error: 'invalid-query',
          message: `end must be at least start and at most start + ${MAX_ENTRIES}`,
        });
      const header = request.headers.authorization;
      const who: Principal | null = header === undefined ? null : await authenticate(deps.store, header);
      return entryContents(log, await log.entries(q.start, q.end), who, actorRolesOf(deps.operations.model.pkg));
    },
  );
};
