/**
 * Forwarding a batch to the server that processes the store's ingest (docs/operations/scaling.md). Servers sharing
 * a PostgreSQL database take the ingest lock in turn; one server doing all of it keeps its caches warm and forms
 * the largest transactions, so the others pass their batches to it as received: the JSON body unparsed, with the
 * client's Authorization header (the owner checks the key itself), and relay its answer. A batch the owner does
 * not answer (it died, it is unreachable, or it stopped being the owner while the batch waited: a stalled owner is
 * fenced off, ingest-owner.ts) is processed here, under the same lock: if the owner stored it before it died, its
 * observations are answered as duplicates, as for any resend.
 */
import { Agent, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { IngestRouter } from '../core/ports/store.js';

/** A request header marking a forwarded batch: never forwarded again. */
export const forwardedHeader = 'x-guarantor-forwarded';

/** The body of a batch to forward, in place of the parsed JSON (json-body.ts). */
export class ForwardedBody {
  constructor(
    readonly text: string,
    readonly target: string,
  ) {}
}

export interface Relayed {
  status: number;
  body: string;
  retryAfter?: string;
}

/** Set once the server listens and knows its own URL (src/main.ts); until then batches are processed here. */
export interface IngestRouting {
  router?: IngestRouter;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** How long the owner may take to answer before this server processes the batch itself. */
const TIMEOUT_MS = 30_000;
/** How often a waiting batch checks that its target still owns the ingest. */
const RECHECK_MS = 1_000;

/** Whether this request's body should go to another server, and to which. */
export function forwardTarget(
  routing: IngestRouting | undefined,
  method: string,
  url: string | undefined,
  headers: IncomingHttpHeaders,
): string | undefined {
  if (!routing?.router || method !== 'POST' || url !== '/v1/observations' || headers[forwardedHeader]) return;
  return routing.router.target();
}

/**
 * POSTs the batch to the owner; its answer, or undefined when it gave none, or `current()` stopped naming it while
 * it had not answered (then the caller processes the batch).
 */
export function forwardBatch(
  target: string,
  authorization: string | undefined,
  text: string,
  current: () => string | undefined = () => target,
): Promise<Relayed | undefined> {
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
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          [forwardedHeader]: '1',
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
