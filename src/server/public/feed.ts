/**
 * The live feed's fan-out on one server (docs/operations/public.md "Live feed"): reads `feed_events` after the last
 * id it has (woken by the projector, by PostgreSQL NOTIFY, and every second regardless), keeps the latest events in
 * a ring for clients that resume, and writes each event once-serialised to every connected Server-Sent Events client
 * allowed to see it. A client resumes with `Last-Event-ID`: it is sent everything after that id from the ring or
 * the table, then joins the live stream, with no event lost or sent twice. A client that does not read has a bounded
 * buffer; past it the server closes the stream (the client reconnects and resumes from its last id). Events older
 * than the retention period are pruned; a client resuming from before them first gets a `gap` event.
 */
import type { ServerResponse } from 'node:http';
import type { Audience, FeedEvent, PublicStore } from '../../core/ports/public.js';
import { itemAt } from '../../core/item-at.js';

export interface FeedOptions {
  /** Events kept in memory for resuming clients; default 10,000. */
  ring?: number;
  /** Bytes a client may leave unread before it is disconnected; default 1 MiB. */
  maxBuffer?: number;
  /** ms between heartbeats (an SSE comment), so proxies keep the stream open; default 15 s. */
  heartbeat?: number;
  /** ms between reads when nothing wakes the hub; default 1 s. */
  poll?: number;
}

interface Framed extends FeedEvent {
  frame: string;
}

/** One SSE frame: `id`, `event`, and the event as JSON on one `data` line (JSON.stringify never emits a newline). */
export function sseFrame(e: FeedEvent): string {
  return `id: ${e.seq}\nevent: ${e.kind}\ndata: ${JSON.stringify({ seq: e.seq, kind: e.kind, at: e.at, ...e.data })}\n\n`;
}

/**
 * Told to a client resuming from an id older than the retention kept: events after `after` up to `prunedThrough`
 * may be gone, so it should re-read the status document rather than trust its state. No `id`: the client's
 * Last-Event-ID stays where it was.
 */
export function gapFrame(after: number, prunedThrough: number): string {
  return `event: gap\ndata: ${JSON.stringify({ after, prunedThrough })}\n\n`;
}

export class FeedClient {
  /** The last event id this client has been given (or skipped as not for it). */
  cursor: number;
  live = false;
  closed = false;

  constructor(
    readonly res: ServerResponse,
    readonly audiences: ReadonlySet<Audience>,
    after: number,
    readonly maxBuffer: number,
  ) {
    this.cursor = after;
  }

  /** Writes the event if it is for this client; false when the client was disconnected for falling behind. */
  send(e: Framed): boolean {
    if (this.closed || e.seq <= this.cursor) return !this.closed;
    this.cursor = e.seq;
    if (!this.audiences.has(e.audience)) return true;
    this.res.write(e.frame);
    if (this.res.writableLength > this.maxBuffer) {
      this.close();
      return false;
    }
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.res.destroy();
  }
}

export class FeedHub {
  readonly clients = new Set<FeedClient>();
  readonly #ring: Framed[] = [];
  readonly #ringSize: number;
  readonly maxBuffer: number;
  readonly #heartbeatMs: number;
  readonly #pollMs: number;
  #last = 0;
  #pulling: Promise<void> | undefined;
  #again = false;
  #timers: NodeJS.Timeout[] = [];
  #started = false;
  /** Clients disconnected for not reading, since start (for the operator and the bench). */
  dropped = 0;

  constructor(
    readonly ps: PublicStore,
    options: FeedOptions = {},
  ) {
    this.#ringSize = options.ring ?? 10_000;
    this.maxBuffer = options.maxBuffer ?? 1024 * 1024;
    this.#heartbeatMs = options.heartbeat ?? 15_000;
    this.#pollMs = options.poll ?? 1000;
  }

  get last(): number {
    return this.#last;
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#last = await this.ps.lastEventSeq();
    const poll = setInterval(() => this.wake(), this.#pollMs);
    const beat = setInterval(() => {
      for (const c of this.clients) if (c.live) c.res.write(': heartbeat\n\n');
    }, this.#heartbeatMs);
    poll.unref();
    beat.unref();
    this.#timers.push(poll, beat);
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    for (const c of this.clients) {
      c.closed = true;
      c.res.end();
    }
    this.clients.clear();
  }

  /** Reads new events (coalescing calls); resolves once they have been written to every live client. */
  wake(): Promise<void> {
    if (this.#pulling) {
      this.#again = true;
      return this.#pulling;
    }
    this.#pulling = this.#pull()
      .catch(() => undefined) // the next wake or poll retries
      .finally(() => {
        this.#pulling = undefined;
        if (this.#again) {
          this.#again = false;
          void this.wake();
        }
      });
    return this.#pulling;
  }

  async #pull(): Promise<void> {
    if (!this.clients.size) {
      // No one to send to: follow the head only. Every server of a cluster would otherwise read, frame and hold
      // every event; a client that attaches later reads what it needs from the table (attach), so the ring, which
      // would now have a hole, is emptied.
      this.#last = Math.max(this.#last, await this.ps.lastEventSeq());
      this.#ring.length = 0;
      return;
    }
    for (;;) {
      const page = await this.ps.eventsAfter(this.#last, 1000);
      for (const e of page) {
        const f: Framed = { ...e, frame: sseFrame(e) };
        this.#ring.push(f);
        this.#last = e.seq;
        for (const c of this.clients) if (c.live && !c.send(f)) this.#drop(c);
      }
      if (this.#ring.length > this.#ringSize) this.#ring.splice(0, this.#ring.length - this.#ringSize);
      if (page.length < 1000) return;
    }
  }

  #drop(c: FeedClient): void {
    this.clients.delete(c);
    this.dropped++;
  }

  /**
   * Adds a client that has seen everything up to `after` (or, when undefined, starts from now): sends what it
   * missed, from the ring when it reaches back far enough, else from the table page by page, then makes it live.
   */
  async attach(res: ServerResponse, audiences: ReadonlySet<Audience>, after: number | undefined): Promise<FeedClient> {
    const first = this.#ring[0];
    if (after !== undefined && (!first || after < first.seq - 1)) {
      const pruned = await this.ps.feedPrunedThrough();
      if (after < pruned) res.write(gapFrame(after, pruned));
    }
    const c = new FeedClient(res, audiences, after ?? this.#last, this.maxBuffer);
    this.clients.add(c);
    res.on('close', () => {
      c.closed = true;
      this.clients.delete(c);
    });
    while (!c.closed) {
      const first = this.#ring[0];
      if (c.cursor >= this.#last || (first && first.seq <= c.cursor + 1)) {
        // Synchronous from here: nothing can be pulled between the replay and going live.
        for (const e of this.#ringAfter(c.cursor)) if (!c.send(e)) break;
        c.live = !c.closed;
        break;
      }
      const page = await this.ps.eventsAfter(c.cursor, 500);
      if (!page.length) {
        c.live = true;
        break;
      }
      for (const e of page) if (!c.send({ ...e, frame: sseFrame(e) })) break;
      // A resuming client reads its backlog at its own pace; one that stops reading is dropped like any other.
      if (!c.closed && res.writableNeedDrain) await new Promise<void>((r) => res.once('drain', r).once('close', r));
    }
    if (c.closed) this.clients.delete(c);
    return c;
  }

  *#ringAfter(seq: number): Generator<Framed> {
    const r = this.#ring;
    let lo = 0;
    let hi = r.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (itemAt(r, mid).seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < r.length; i++) yield itemAt(r, i);
  }
}
