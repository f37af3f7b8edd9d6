/**
 * Per-address limits on the public routes (docs/operations/public.md "Abuse"): a token bucket per client address
 * (`burst` requests at once, refilled at `perSecond`), answered 429 with Retry-After when empty, and a cap on the
 * live-feed streams one address may hold open. Behind a CDN or proxy, start the server with Fastify's `trustProxy`
 * so the address is the client's, not the proxy's. Memory is bounded: at most `maxAddresses` buckets, the idle
 * ones forgotten first.
 */
export interface RateLimitOptions {
  burst?: number;
  perSecond?: number;
  /** Live-feed streams one address may hold open; default 8. */
  streamsPerAddress?: number;
  maxAddresses?: number;
}

export class RateLimiter {
  readonly burst: number;
  readonly perSecond: number;
  readonly streamsPerAddress: number;
  readonly maxAddresses: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #streams = new Map<string, number>();

  constructor(options: RateLimitOptions = {}) {
    this.burst = options.burst ?? 60;
    this.perSecond = options.perSecond ?? 1;
    this.streamsPerAddress = options.streamsPerAddress ?? 8;
    this.maxAddresses = options.maxAddresses ?? 100_000;
  }

  /** Takes one token; 0 when allowed, else the seconds until one is available. */
  take(address: string, nowMs: number): number {
    let b = this.#buckets.get(address);
    if (b) {
      b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.perSecond);
      b.at = nowMs;
      this.#buckets.delete(address); // re-inserted last: the map's order is least recently used first
    } else {
      b = { tokens: this.burst, at: nowMs };
      for (const oldest of this.#buckets.keys()) {
        if (this.#buckets.size < this.maxAddresses) break;
        this.#buckets.delete(oldest);
      }
    }
    this.#buckets.set(address, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }

  /** Opens a stream for the address; false when it holds the most it may. */
  openStream(address: string): boolean {
    const n = this.#streams.get(address) ?? 0;
    if (n >= this.streamsPerAddress) return false;
    this.#streams.set(address, n + 1);
    return true;
  }

  closeStream(address: string): void {
    const n = (this.#streams.get(address) ?? 1) - 1;
    if (n <= 0) this.#streams.delete(address);
    else this.#streams.set(address, n);
  }
}
