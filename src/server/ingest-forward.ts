/**
 * Passing a batch to the server that processes the store's ingest (docs/operations/scaling.md). Servers sharing a
 * PostgreSQL database take the ingest lock in turn; one server doing all of it keeps its caches warm and forms the
 * largest transactions, so the others relay their batches to it and its answers back. A relaying server does as
 * little as it can: it reads the body's bytes and passes them on with the client's Authorization, before it checks
 * the key or parses anything; the owner answers the batch as it answers any client, so every answer (counts, ids,
 * notes, refusals) is the owner's. On two shared cores the relay's own CPU is what a second server adds, and reading,
 * validating and re-serialising the batch on the way cost the relaying server several times what they saved the owner.
 *
 * A relayed batch carries the peers' token (`peerToken`, from a key derived from the log's private key and the
 * package): the owner processes it and never relays it again, and refuses one with another token (401: a server of
 * another store or package, whose rules would answer the client). A batch the owner does not answer (it died, it is
 * unreachable, it refused the token, or it stopped being the owner while the batch waited: a stalled owner is fenced
 * off, ingest-owner.ts) is processed here, under the same lock: if the owner stored it before it died, its
 * observations are answered as duplicates, as for any resend.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IngestRouter } from '../core/ports/store.js';
import { HttpError } from './errors.js';

/** The header a relayed batch carries: the peers' token. The server it reaches processes it and never relays it. */
export const peerHeader = 'x-guarantor-peer';
/** The same header's value on the answer of a server that refused the token. */
const refused = 'refused';

/** Set once the server listens and knows its own URL (src/main.ts); until then batches are processed here. */
export interface IngestRouting {
  router?: IngestRouter;
  /** The key of the servers of one store (`peerKeyFor`); without it no batch is relayed. */
  peerKey?: Buffer;
}

/**
 * The peers' key: from the log's private key (which every server of a store shares, docs/operations/deploy.md) and
 * the package with the options that change validation, so a server running another package (or another late-arrival
 * window) holds another key, and the batches it relays are refused rather than answered by rules it does not run.
 */
export function peerKeyFor(logKey: KeyObject, packageText: string, options: object): Buffer {
  const salt = createHash('sha256').update(packageText).update('\n').update(JSON.stringify(options)).digest();
  const ikm = logKey.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(hkdfSync('sha256', ikm, salt, 'guarantor: batches between the servers of one store', 32));
}

/** The token a relayed batch carries (hex HMAC-SHA256 of a fixed text under the peers' key). */
export function peerToken(key: Buffer): string {
  return createHmac('sha256', key).update('a batch relayed between the servers of one store').digest('hex');
}

/** Whether a batch that arrived here should go to another server, and to which. */
export function forwardTarget(routing: IngestRouting | undefined): string | undefined {
  return routing?.peerKey ? routing.router?.target() : undefined;
}

/** An answer to relay to the client. */
export interface Relayed {
  status: number;
  body: Buffer;
  contentType?: string;
  retryAfter?: string;
}

/**
 * Relays `POST /v1/observations` to the ingest owner when another server owns it (an `onRequest` hook installed
 * before the access check, so the key is checked once, by the server that processes the batch). A body without a
 * Content-Length, or over `bodyLimit`, is not relayed: this server reads it as usual (and refuses it if too large).
 */
export function installRelay(app: FastifyInstance, routing: IngestRouting | undefined, bodyLimit: number): void {
  const token = routing?.peerKey ? peerToken(routing.peerKey) : undefined;
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || request.routeOptions.url !== '/v1/observations') return;
    const given = request.headers[peerHeader];
    if (given !== undefined) {
      if (
        token !== undefined &&
        typeof given === 'string' &&
        given.length === token.length &&
        timingSafeEqual(Buffer.from(given, 'latin1'), Buffer.from(token, 'latin1'))
      )
        return;
      void reply.header(peerHeader, refused); // so the relaying server tells this from a refused client key
      throw new HttpError(401, {
        error: 'unauthorized',
        message: 'a relayed batch is taken only from a server of this store running the same package',
      });
    }
    const target = forwardTarget(routing);
    const length = Number(request.headers['content-length']);
    if (target === undefined || token === undefined || !(length > 0 && length <= bodyLimit)) return;
    reply.hijack();
    try {
      const body = await readBody(request.raw, length);
      if (body === undefined) return void request.raw.destroy();
      const r = await relayBatch(target, token, request.headers, body, () => routing?.router?.target());
      if (r !== undefined && r !== refused) return send(reply.raw, r);
      if (r === refused)
        request.log.warn(`the ingest owner ${target} refused the peers' token: another package there?`);
      routing?.router?.failed(target);
      send(reply.raw, await processHere(app, request, token, body));
    } catch (e) {
      request.log.error(e, 'relaying a batch failed');
      reply.raw.destroy();
    }
  });
}

function send(res: ServerResponse, r: Relayed): void {
  res.writeHead(r.status, {
    'content-type': r.contentType ?? 'application/json; charset=utf-8',
    'content-length': r.body.length,
    ...(r.retryAfter === undefined ? {} : { 'retry-after': r.retryAfter }),
  });
  res.end(r.body);
}

/** The batch through this server's own route; the peer header keeps it from being relayed again. */
async function processHere(
  app: FastifyInstance,
  request: FastifyRequest,
  token: string,
  body: Buffer,
): Promise<Relayed> {
  const { host: _, connection: __, 'content-length': ___, 'transfer-encoding': ____, ...headers } = request.headers;
  const res = await app.inject({
    method: 'POST',
    url: '/v1/observations',
    headers: { ...headers, [peerHeader]: token },
    payload: body,
  });
  return answerOf(res.statusCode, res.headers, res.rawPayload);
}

function answerOf(status: number, headers: Readonly<Record<string, unknown>>, body: Buffer): Relayed {
  const contentType = headers['content-type'];
  const retryAfter = headers['retry-after'];
  return {
    status,
    body,
    ...(typeof contentType === 'string' ? { contentType } : {}),
    ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
  };
}

/** The body's bytes, as many as Content-Length says; undefined if the client sent fewer or more, or went away. */
function readBody(req: IncomingMessage, length: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= length) chunks.push(c);
    });
    req.on('end', () => resolve(size === length ? Buffer.concat(chunks, size) : undefined));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(undefined));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** How long the owner may take to answer before this server processes the batch itself. */
const TIMEOUT_MS = 30_000;
/** How often a waiting batch checks that its target still owns the ingest. */
const RECHECK_MS = 1_000;

/**
 * POSTs the batch's bytes to the owner with the client's Content-Type and Authorization and the peers' token; its
 * answer, `refused` when it refused the token, or undefined when it gave none, or `current()` stopped naming it while
 * it had not answered (then the caller processes the batch).
 */
export function relayBatch(
  target: string,
  token: string,
  headers: IncomingMessage['headers'],
  body: Buffer,
  current: () => string | undefined = () => target,
): Promise<Relayed | typeof refused | undefined> {
  return new Promise<Relayed | typeof refused | undefined>((resolve) => {
    let u: URL;
    try {
      u = new URL('/v1/observations', target);
    } catch {
      return resolve(undefined);
    }
    const pass: Record<string, string> = { 'content-length': String(body.length), [peerHeader]: token };
    for (const h of ['content-type', 'content-encoding', 'authorization']) {
      const v = headers[h];
      if (typeof v === 'string') pass[h] = v;
    }
    const req = request(
      { agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', timeout: TIMEOUT_MS, headers: pass },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => resolve(undefined));
        res.on('aborted', () => resolve(undefined));
        res.on('end', () =>
          resolve(
            res.headers[peerHeader] === refused
              ? refused
              : answerOf(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)),
          ),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('the ingest owner did not answer in time')));
    req.on('error', () => resolve(undefined));
    const recheck = setInterval(() => {
      if (current() !== target) req.destroy(new Error('no longer the ingest owner'));
    }, RECHECK_MS);
    recheck.unref();
    req.on('close', () => clearInterval(recheck));
    req.end(body);
  });
}
