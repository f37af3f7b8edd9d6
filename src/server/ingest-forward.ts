/**
 * Passing a batch to the server that processes the store's ingest (docs/operations/scaling.md). Servers sharing a
 * PostgreSQL database take the ingest lock in turn; one server doing all of it keeps its caches warm and forms the
 * largest transactions, so the others pass their batches to it and relay its answer. Everything about a batch that
 * needs no stored state is done where it arrived, off the owner's single thread and out of its lock: reading and
 * checking the body, the key, validation, normalising, the canonical documents, and the answer's serialising. The
 * owner receives the documents, one per line, signed with a key its peers share (`peerKeyFor`: derived from the
 * log's private key and the package), and gives them to its store as they are.
 *
 * Trust: a signature proves the batch comes from a server holding the mission's log key and running the same
 * package, which could already write any row of the database; the owner still checks the client's API key, what an
 * actor-bound key may submit, and the type and package vocabulary of every field the pipeline decides on
 * (`storedObservationOf`). A batch the owner does not answer (it died, it is unreachable, it refused the batch, or
 * it stopped being the owner while the batch waited: a stalled owner is fenced off, ingest-owner.ts) is processed
 * here, under the same lock: if the owner stored it before it died, its observations are answered as duplicates,
 * as for any resend.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { storedObservationOf, type Observation, type ObservationRules } from '../core/ops/index.js';
import type { IngestRouter } from '../core/ports/store.js';
import { HttpError } from './errors.js';

/** The media type of a batch one server passes to another: canonical observation documents, one per line. */
export const preparedType = 'application/x-guarantor-batch';
/** The header carrying the batch's signature (hex HMAC-SHA256 of the body under the peers' key). */
export const signatureHeader = 'x-guarantor-peer-signature';

/** Set once the server listens and knows its own URL (src/main.ts); until then batches are processed here. */
export interface IngestRouting {
  router?: IngestRouter;
  /** The key servers of one store sign the batches they pass with (`peerKeyFor`); without it none is passed. */
  peerKey?: Buffer;
}

/**
 * The peers' key: from the log's private key (which every server of a store shares, docs/operations/deploy.md) and
 * the package with the options that change validation, so a server running another package (or another late-arrival
 * window) signs with another key and its batches are refused, not trusted.
 */
export function peerKeyFor(logKey: KeyObject, packageText: string, options: object): Buffer {
  const salt = createHash('sha256').update(packageText).update('\n').update(JSON.stringify(options)).digest();
  const ikm = logKey.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(hkdfSync('sha256', ikm, salt, 'guarantor: batches between the servers of one store', 32));
}

/** A batch a peer validated: its observations, and their canonical documents as sent. */
export class PreparedBatch {
  constructor(
    readonly observations: readonly Observation[],
    readonly docs: readonly string[],
  ) {}
}

/** Whether a batch that arrived here should go to another server, and to which. */
export function forwardTarget(routing: IngestRouting | undefined): string | undefined {
  return routing?.peerKey ? routing.router?.target() : undefined;
}

const sign = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest('hex');

/**
 * Takes the prepared batches a peer sends to POST /v1/observations: the signature checked (401 otherwise), each line
 * parsed and checked as an observation (400 naming the line otherwise).
 */
export function installPreparedBatch(
  app: FastifyInstance,
  routing: IngestRouting | undefined,
  rules: ObservationRules,
): void {
  app.addContentTypeParser(preparedType, { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    const given = req.headers[signatureHeader];
    const key = routing?.peerKey;
    const ok =
      key !== undefined &&
      req.method === 'POST' &&
      req.routeOptions.url === '/v1/observations' &&
      typeof given === 'string' &&
      given.length === 64 &&
      timingSafeEqual(Buffer.from(given, 'latin1'), Buffer.from(sign(key, text), 'latin1'));
    if (!ok)
      return done(
        new HttpError(401, {
          error: 'unauthorized',
          message: `a ${preparedType} body is taken only from a server of this store, signed with its peers' key`,
        }),
        undefined,
      );
    const docs = text.split('\n');
    const observations: Observation[] = [];
    for (let i = 0; i < docs.length; i++) {
      let o: Observation | undefined;
      try {
        o = storedObservationOf(JSON.parse(docs[i] as string), rules);
      } catch {
        o = undefined;
      }
      if (!o)
        return done(
          new HttpError(400, {
            error: 'invalid-body',
            message: `line ${i + 1} of the prepared batch is not a valid stored observation`,
          }),
          undefined,
        );
      observations.push(o);
    }
    done(null, new PreparedBatch(observations, docs));
  });
}

export interface Relayed {
  status: number;
  body: string;
  retryAfter?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** How long the owner may take to answer before this server processes the batch itself. */
const TIMEOUT_MS = 30_000;
/** How often a waiting batch checks that its target still owns the ingest. */
const RECHECK_MS = 1_000;

/**
 * POSTs the batch's documents to the owner, signed; its answer, or undefined when it gave none, or `current()`
 * stopped naming it while it had not answered (then the caller processes the batch).
 */
export function forwardBatch(
  target: string,
  key: Buffer,
  authorization: string | undefined,
  docs: readonly string[],
  current: () => string | undefined = () => target,
): Promise<Relayed | undefined> {
  const text = docs.join('\n');
  return new Promise<Relayed | undefined>((resolve) => {
    let u: URL;
    try {
      u = new URL('/v1/observations', target);
    } catch {
      return resolve(undefined);
    }
    const req = request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        timeout: TIMEOUT_MS,
        headers: {
          'content-type': preparedType,
          'content-length': Buffer.byteLength(text),
          [signatureHeader]: sign(key, text),
          ...(authorization === undefined ? {} : { authorization }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => resolve(undefined));
        res.on('aborted', () => resolve(undefined));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 502,
            body: Buffer.concat(chunks).toString(),
            ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('the ingest owner did not answer in time')));
    req.on('error', () => resolve(undefined));
    const recheck = setInterval(() => {
      if (current() !== target) req.destroy(new Error('no longer the ingest owner'));
    }, RECHECK_MS);
    recheck.unref();
    req.on('close', () => clearInterval(recheck));
    req.end(text);
  });
}
