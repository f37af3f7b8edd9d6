/**
 * Webhook deliveries (docs/operations/public.md "Webhooks"), signed as the Standard Webhooks specification
 * (standardwebhooks.com, the convention Svix and others follow) says: headers `webhook-id` (the event id: the same
 * on every retry, so receivers drop duplicates), `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes). Each webhook has at most one
 * delivery in flight, each request has a timeout, so a target that hangs holds up only itself; failures are retried
 * with growing delays, and after `maxAttempts` the delivery is dead (listed, and retried only when an admin asks).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/ops/index.js';
import type { Delivery, FeedEvent, PublicStore, WebhookRecord } from '../../core/ports/public.js';
import { itemAt } from '../../core/item-at.js';

export interface WebhookOptions {
  /** Per request, ms; default 10 s. */
  timeout?: number;
  /** Attempts before a delivery is dead; default 8. */
  maxAttempts?: number;
  /** Delay before attempt n+1 (ms), by n; the last repeats. Default 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h. */
  backoff?: readonly number[];
  /** Deliveries in flight at once, across webhooks; default 16. */
  concurrency?: number;
}

export const defaultBackoff = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000];

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** A receiver's check: one of the space-separated signatures matches, and the timestamp is within `tolerance` s. */
export function verify(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowSeconds: number,
  tolerance = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > tolerance) return false;
  const want = Buffer.from(sign(secret, headers.id, ts, body));
  return headers.signature.split(' ').some((s) => {
    const got = Buffer.from(s);
    return got.length === want.length && timingSafeEqual(got, want);
  });
}

export function deliveryBody(e: FeedEvent): string {
  return JSON.stringify({ id: e.seq, kind: e.kind, at: e.at, data: e.data });
}

export class WebhookDispatcher {
  readonly #busy = new Set<string>();
  readonly timeout: number;
  readonly maxAttempts: number;
  readonly backoff: readonly number[];
  readonly concurrency: number;
  #sending = new Set<Promise<unknown>>();
  #running = false;
  #stopped = false;

  constructor(
    readonly ps: PublicStore,
    readonly clock: Clock,
    options: WebhookOptions = {},
  ) {
    this.timeout = options.timeout ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoff = options.backoff ?? defaultBackoff;
    this.concurrency = options.concurrency ?? 16;
  }

  /** Claims what is due and starts sending it (not waiting); the number started. */
  async run(): Promise<number> {
    const free = this.concurrency - this.#busy.size;
    if (free <= 0 || this.#running || this.#stopped) return 0;
    this.#running = true;
    try {
      return await this.#claim(free);
    } finally {
      this.#running = false;
    }
  }

  /** Stops claiming; deliveries in flight finish (or time out). */
  stop(): void {
    this.#stopped = true;
  }

  async #claim(free: number): Promise<number> {
    const now = this.clock.now();
    // The lease outlasts the request, so no other server sends it meanwhile; a server that dies leaves it to expire.
    const claimed = await this.ps.claimDeliveries(now, now + this.timeout + 30_000, free, [...this.#busy]);
    for (const c of claimed) {
      this.#busy.add(c.webhook.id);
      const p = this.#send(c.webhook, c.delivery, c.event)
        .finally(() => {
          this.#busy.delete(c.webhook.id);
        })
        // The next delivery for this webhook (or another) is claimed as soon as one ends, not at the next tick.
        .then(() => (this.#running ? 0 : this.run()))
        .catch(() => undefined)
        .finally(() => this.#sending.delete(p));
      this.#sending.add(p);
    }
    return claimed.length;
  }

  /** Waits for the deliveries in flight (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.#sending.size) await Promise.allSettled([...this.#sending]);
  }

  async #send(w: WebhookRecord, d: Delivery, e: FeedEvent): Promise<void> {
    const body = deliveryBody(e);
    const id = String(e.seq);
    const timestamp = Math.floor(Date.now() / 1000); // wall time: receivers compare it with their own clocks
    let status: number | undefined;
    let error: string | undefined;
    try {
      const res = await fetch(w.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'guarantor-webhooks',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': sign(w.secret, id, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeout),
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (status < 200 || status > 299) error = `answered ${status}`;
    } catch (err) {
      const e2 = err as Error & { cause?: { code?: string } };
      error =
        e2.name === 'TimeoutError'
          ? `no answer within ${this.timeout} ms`
          : `${e2.message}${e2.cause?.code ? ` (${e2.cause.code})` : ''}`;
    }
    const at = this.clock.now();
    if (error === undefined) {
      await this.ps.finishDelivery(w.id, e.seq, { ok: true, at, ...(status === undefined ? {} : { status }) });
      return;
    }
    const attempts = d.attempts + 1;
    const dead = attempts >= this.maxAttempts;
    const wait = itemAt(this.backoff, Math.min(attempts - 1, this.backoff.length - 1));
    await this.ps.finishDelivery(w.id, e.seq, {
      ok: false,
      at,
      error: error.slice(0, 500),
      ...(status === undefined ? {} : { status }),
      ...(dead ? { dead: true } : { nextAt: at + wait }),
    });
  }
}
