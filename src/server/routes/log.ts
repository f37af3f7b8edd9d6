/**
 * The transparency log over HTTP (docs/tlog.md, "API"). Reading is public: anyone may fetch checkpoints, proofs and
 * entries and check them offline with the log's public key. Witnesses post cosignatures (authenticated by their
 * registered key, not an API key); an admin registers witness keys and may ask for a checkpoint now.
 *
 * - `GET  /v1/log/checkpoint`              the latest signed checkpoint (text/plain signed note, with cosignatures);
 *                                          with `witnesses` and `quorum`, the latest that quorum of them cosigned
 * - `GET  /v1/log/checkpoint/:size`        the checkpoint signed at that size
 * - `POST /v1/log/checkpoint`              admin: sign a checkpoint of the current tree now
 * - `GET  /v1/log/key`                     the log's public key as a note vkey (text/plain)
 * - `GET  /v1/log/witnesses`               registered witness keys
 * - `POST /v1/log/witnesses`               admin: register a witness's cosignature/v1 vkey
 * - `POST /v1/log/cosignatures`            a checkpoint note with a witness's cosignature line added
 * - `POST /v1/log/alarms`                  a witness's signed alarm (fork, rollback, split view), logged
 * - `GET  /v1/log/proof/inclusion`         by `index`, `leaf` (hex or base64 leaf hash) or `kind` + `id`; at `size`
 * - `GET  /v1/log/proof/consistency`       between sizes `from` and `to`
 * - `GET  /v1/log/entries`                 entries [start, end), at most 1,000, with their leaf bytes (base64)
 * - `GET  /v1/log/leaves`                  leaf hashes [start, end), at most 10,000, packed (a witness's mirror)
 */
import type { FastifyReply } from 'fastify';
import { TlogError, hashLeaf } from '../../core/tlog/index.js';
import { can } from '../access.js';
import type { ServerDeps } from '../deps.js';
import { passGate, standingBy } from '../standby.js';
import type { RoutePlugin } from '../type-provider.js';
import { statusOf } from '../error-codes.js';
import { sendError } from '../errors.js';
import { LogService, checkpointPollMs, logServiceFor, type LogServiceOptions } from '../transparency-log.js';
import { publicEntries } from '../log-contents.js';
import { textBody } from '../openapi.js';

declare module '../deps.js' {
  interface ServerDeps {
    /** Transparency-log options (the key, the origin of a new log, the checkpoint interval); defaults when absent. */
    log?: LogServiceOptions;
  }
}

export const MAX_ENTRIES = 1000;
/** Leaf hashes per request: 320 KB, a few milliseconds of reading on either store. */
export const MAX_LEAVES = 10_000;

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const size = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const hashes = { type: 'array', items: { type: 'string', description: 'base64 SHA-256' } } as const;
const text = { type: 'string' } as const;
const note = textBody('text/plain', 'A C2SP signed note (checkpoint) with its cosignature lines');

function hashParam(s: string): Uint8Array | undefined {
  const raw = /^[0-9a-fA-F]{64}$/.test(s)
    ? Buffer.from(s, 'hex')
    : /^[A-Za-z0-9+/]{43}=$/.test(s)
      ? Buffer.from(s, 'base64')
      : undefined;
  return raw && raw.length === 32 ? new Uint8Array(raw) : undefined;
}

/** The TlogError codes a proof request can earn; any other is the server's fault (500). */
const proofErrors = new Set(['bad-size', 'index-out-of-range', 'size-out-of-order'] as const);
const isProofError = (code: string): code is typeof proofErrors extends Set<infer C> ? C : never =>
  proofErrors.has(code as never);

function tlogError(reply: FastifyReply, e: unknown): FastifyReply {
  if (e instanceof TlogError && isProofError(e.code))
    return sendError(reply, 400, { error: e.code, message: e.message });
  throw e;
}

export const logRoutes: RoutePlugin<ServerDeps> = async (app, deps) => {
  const pkg = deps.operations.model.pkg;
  const svc: LogService = logServiceFor(deps.store, deps.operations.clock, pkg.package, deps.log);
  const log = svc.log;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    // A server whose key is not the log's refuses to start here; the package in force is on the record.
    await svc.key();
    await svc.logPackage(pkg, deps.package?.source.text ?? JSON.stringify(pkg));
    // A checkpoint within a second of any append, whoever appended (this server or another on the database).
    let reported = false;
    const due = passGate(deps.ingestRouting); // the ingest owner signs for a standby server (standby.ts)
    timer = setInterval(() => {
      if (!due()) return;
      svc.tick(standingBy(deps.ingestRouting)).then(
        () => {
          if (!svc.retired || reported) return;
          reported = true;
          app.log.error(svc.retired);
        },
        (err: unknown) => app.log.error({ err }, 'checkpoint signing failed'),
      );
    }, checkpointPollMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    // A graceful stop leaves everything appended under a signed checkpoint.
    await svc.latest(true).catch((err: unknown) => app.log.error({ err }, 'the checkpoint at shutdown failed'));
  });
  const pub = { access: 'public' } as const;
  const tags = ['log'];

  app.get(
    '/v1/log/checkpoint',
    {
      config: pub,
      schema: {
        tags,
        summary:
          'The latest signed checkpoint (C2SP signed note with cosignatures); with witnesses and quorum, the latest that at least quorum of those witnesses cosigned',
        querystring: {
          type: 'object',
          properties: {
            witnesses: { type: 'string', maxLength: 4000, description: 'witness names, comma-separated' },
            quorum: { type: 'integer', minimum: 1, maximum: 100 },
          },
          additionalProperties: false,
        },
        response: { 200: note, 400: { $ref: 'Error#' }, 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if ((q.witnesses === undefined) !== (q.quorum === undefined))
        return sendError(reply, 400, { error: 'invalid-query', message: 'witnesses and quorum go together' });
      let cp = await svc.latest();
      if (q.witnesses !== undefined && q.quorum !== undefined) {
        const names = q.witnesses.split(',').filter(Boolean);
        const found = await log.latestCosigned(names, q.quorum);
        if (!found)
          return sendError(reply, 404, {
            error: 'not-found',
            message: `no checkpoint is cosigned by ${q.quorum} of ${names.join(', ')}`,
          });
        cp = found;
      }
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(LogService.note(cp));
    },
  );

  app.get(
    '/v1/log/checkpoint/:size',
    {
      config: pub,
      schema: {
        tags,
        summary: 'The checkpoint signed at a tree size',
        params: { type: 'object', properties: { size }, required: ['size'] },
        response: { 200: note, 404: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const n = request.params.size;
      const cp = await log.checkpointAt(n);
      if (!cp)
        return sendError(reply, 404, { error: 'not-found', message: `the log signed no checkpoint at size ${n}` });
      return reply.type('text/plain; charset=utf-8').send(LogService.note(cp));
    },
  );

  app.post(
    '/v1/log/checkpoint',
    {
      config: { access: can.administer },
      schema: { tags, summary: 'Sign a checkpoint of the current tree now', response: { 200: note } },
    },
    async (_req, reply) => {
      const cp = await svc.latest(true);
      return reply.type('text/plain; charset=utf-8').send(LogService.note(cp));
    },
  );

  app.get(
    '/v1/log/key',
    {
      config: pub,
      schema: {
        tags,
        summary: "The log's public key (note vkey)",
        response: { 200: textBody('text/plain', 'The vkey line, e.g. origin+hash+base64') },
      },
    },
    async (_req, reply) => {
      const { vkey } = await svc.key();
      return reply.type('text/plain; charset=utf-8').send(`${vkey}\n`);
    },
  );

  const witness = {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'vkey', 'createdAt'],
    properties: { name: { type: 'string' }, vkey: { type: 'string' }, createdAt: { type: 'integer' } },
  } as const;
  app.get(
    '/v1/log/witnesses',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Registered witness keys',
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['witnesses'],
            properties: { witnesses: { type: 'array', items: witness } },
          },
        },
      },
    },
    async () => ({
      witnesses: await log.witnesses(),
    }),
  );

  app.post(
    '/v1/log/witnesses',
    {
      config: { access: can.administer },
      schema: {
        tags,
        summary: "Register a witness's cosignature/v1 vkey",
        body: {
          type: 'object',
          properties: { vkey: { type: 'string', maxLength: 500 } },
          required: ['vkey'],
          additionalProperties: false,
        },
        response: {
          201: witness,
          200: witness,
          400: { $ref: 'Error#' },
          409: { description: 'The name is registered with another key', $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const r = await svc.addWitness(request.body.vkey);
      if (!r.ok)
        return sendError(reply, r.status, {
          error: r.status === 409 ? 'witness-exists' : 'invalid-vkey',
          message: r.message,
          problems: [{ path: 'body.vkey', reason: r.message }],
        });
      const w = (await log.witnesses()).find((x) => x.name === r.name);
      if (!w) throw new Error(`witness ${r.name}: not listed right after it was registered`);
      return reply.code(r.added ? 201 : 200).send(w);
    },
  );

  app.post(
    '/v1/log/cosignatures',
    {
      config: pub,
      bodyLimit: 64 * 1024,
      // The body is documented (a text/plain note) but checked by the handler, which names what to send.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      schema: {
        tags,
        summary:
          "A checkpoint note with a registered witness's cosignature line(s) added; each is verified before it is stored",
        consumes: ['text/plain'],
        body: { type: 'string', description: 'The checkpoint note with the cosignature line(s) added' },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['size', 'accepted', 'already'],
            properties: {
              size: { type: 'integer' },
              accepted: { type: 'array', items: text },
              already: { type: 'array', items: text },
            },
          },
          404: { description: 'No checkpoint of that size was signed', $ref: 'Error#' },
          409: { description: 'The note is not the text the log signed at that size', $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      if (typeof request.body !== 'string' || !request.body.length)
        return sendError(reply, 400, {
          error: 'invalid-body',
          message:
            'send a text/plain body: the checkpoint note as GET /v1/log/checkpoint serves it, with your cosignature line (— <witness name> <base64>) added',
        });
      const r = await svc.cosign(request.body);
      if (!r.ok) {
        const code = r.status === 404 ? 'not-found' : r.status === 409 ? 'checkpoint-mismatch' : 'invalid-cosignature';
        return sendError(reply, statusOf(code), { error: code, message: r.message });
      }
      return { size: r.size, accepted: r.accepted, already: r.already };
    },
  );

  app.post(
    '/v1/log/alarms',
    {
      config: pub,
      bodyLimit: 300 * 1024,
      schema: {
        tags,
        summary:
          "A witness's signed alarm (a fork, a rollback, a split view) with the checkpoints that show it; logged as a witness-alarm entry",
        body: {
          type: 'object',
          required: ['witness', 'reason', 'message', 'at', 'checkpoints', 'signature'],
          properties: {
            witness: text,
            reason: { type: 'string' },
            message: text,
            at: text,
            checkpoints: { type: 'array', items: text },
            signature: text,
          },
        },
        response: {
          201: {
            type: 'object',
            additionalProperties: false,
            required: ['logged', 'index'],
            properties: { logged: { const: true }, index: { type: 'integer' } },
          },
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['logged'],
            properties: { logged: { const: false } },
            description: 'This alarm was logged before',
          },
          400: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const r = await svc.alarm(request.body);
      if (!r.ok)
        return sendError(reply, 400, {
          error: 'invalid-alarm',
          message: r.message,
          ...(r.path ? { problems: [{ path: r.path, reason: r.message }] } : {}),
        });
      const a = request.body as { witness: string; reason: string };
      request.log.error({ witness: a.witness, reason: a.reason, index: r.index }, 'a witness raised an alarm');
      return r.index === undefined ? { logged: false } : reply.code(201).send({ logged: true, index: r.index });
    },
  );

  app.get(
    '/v1/log/proof/inclusion',
    {
      config: pub,
      schema: {
        tags,
        summary:
          "Inclusion proof of one entry (by index, leaf hash or record: the record's latest entry in that tree) in the tree of a size (default: the latest checkpoint)",
        querystring: {
          type: 'object',
          properties: {
            index: size,
            leaf: { type: 'string', maxLength: 64 },
            kind: { type: 'string', maxLength: 40 },
            id: { type: 'string', maxLength: 300 },
            size,
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['index', 'size', 'leaf', 'root', 'proof'],
            properties: {
              index: { type: 'integer' },
              size: { type: 'integer' },
              leaf: text,
              root: text,
              proof: hashes,
            },
          },
          400: { $ref: 'Error#' },
          404: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const ways = [q.index !== undefined, q.leaf !== undefined, q.kind !== undefined || q.id !== undefined].filter(
        Boolean,
      ).length;
      if (ways !== 1)
        return sendError(reply, 400, {
          error: 'invalid-query',
          message: 'name the entry by exactly one of index, leaf, or kind and id',
        });
      let index = q.index;
      if (q.leaf !== undefined) {
        const h = hashParam(q.leaf);
        if (!h)
          return sendError(reply, 400, {
            error: 'invalid-query',
            message: 'leaf is a SHA-256 hash: 64 hex digits or 44 base64 characters',
            problems: [{ path: 'query.leaf', reason: 'not a hash' }],
          });
        index = await log.indexOfLeaf(h);
        if (index === undefined)
          return sendError(reply, 404, { error: 'not-found', message: 'no entry has that leaf hash' });
      } else if (q.kind !== undefined || q.id !== undefined) {
        if (q.kind === undefined || q.id === undefined)
          return sendError(reply, 400, { error: 'invalid-query', message: 'kind and id go together' });
        // With a size, the record's latest entry in the tree of that size.
        index = await log.indexOfRecord(q.kind, q.id, q.size);
        if (index === undefined)
          return sendError(reply, 404, { error: 'not-found', message: `no entry logs ${q.kind} ${q.id}` });
      }
      if (index === undefined)
        return sendError(reply, 400, {
          error: 'invalid-query',
          message: 'name the entry by exactly one of index, leaf, or kind and id',
        });
      const n = q.size ?? (await svc.latest()).size;
      try {
        const proof = await log.inclusionProof(index, n);
        const [e] = await log.entries(index, index + 1);
        if (!e) return sendError(reply, 404, { error: 'not-found', message: `no entry ${index}` });
        return { index, size: n, leaf: b64(hashLeaf(e.entry)), root: b64(await log.rootAt(n)), proof: proof.map(b64) };
      } catch (e) {
        return tlogError(reply, e);
      }
    },
  );

  app.get(
    '/v1/log/proof/consistency',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Consistency proof between two tree sizes (to: default the latest checkpoint)',
        querystring: {
          type: 'object',
          properties: { from: size, to: size },
          required: ['from'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['from', 'to', 'proof'],
            properties: { from: { type: 'integer' }, to: { type: 'integer' }, proof: hashes },
          },
          400: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const to = q.to ?? (await svc.latest()).size;
      try {
        return { from: q.from, to, proof: (await log.consistencyProof(q.from, to)).map(b64) };
      } catch (e) {
        return tlogError(reply, e);
      }
    },
  );

  app.get(
    '/v1/log/entries',
    {
      config: pub,
      schema: {
        tags,
        summary: `Entries [start, end) in index order, at most ${MAX_ENTRIES}, with their leaf bytes (base64; empty when the record's row is gone)`,
        querystring: {
          type: 'object',
          properties: { start: size, end: size },
          required: ['start', 'end'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['entries'],
            properties: {
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['index', 'kind', 'recordId', 'entry'],
                  properties: {
                    index: { type: 'integer' },
                    kind: text,
                    recordId: text,
                    entry: text,
                    leaf: { type: 'string', description: 'base64 leaf hash, given only when the bytes are withheld' },
                    withheld: { type: 'string', enum: ['restricted-record', 'open-vote'] },
                  },
                },
              },
            },
          },
          400: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (q.end < q.start || q.end - q.start > MAX_ENTRIES) {
        return sendError(reply, 400, {
          error: 'invalid-query',
          message: `end must be at least start and at most start + ${MAX_ENTRIES}`,
        });
      }
      // Sealed records are commitments already; records logged in the clear before that are withheld by the same rules.
      return { entries: await publicEntries(log, await log.entries(q.start, q.end)) };
    },
  );

  app.get(
    '/v1/log/leaves',
    {
      config: pub,
      schema: {
        tags,
        summary: `Leaf hashes of entries [start, end), at most ${MAX_LEAVES}, packed 32 bytes each in one base64 string (what a witness mirrors; check them against a signed root)`,
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
              start: { type: 'integer' },
              end: {
                type: 'integer',
                description: 'one past the last leaf given: below the end asked for when the log is shorter',
              },
              leaves: {
                type: 'string',
                description: 'base64 of (end - start) leaf hashes, 32 bytes each, in index order',
              },
            },
            required: ['start', 'end', 'leaves'],
            additionalProperties: false,
          },
          400: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      if (q.end < q.start || q.end - q.start > MAX_LEAVES) {
        return sendError(reply, 400, {
          error: 'invalid-query',
          message: `end must be at least start and at most start + ${MAX_LEAVES}`,
        });
      }
      const packed = await log.leaves(q.start, q.end);
      return { start: q.start, end: q.start + packed.length / 32, leaves: b64(packed) };
    },
  );
};
