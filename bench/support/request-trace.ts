/**
 * Where a slow request's time went (bench/lists.ts, LIST_TRACE): a timeline of this process's pool statements (when
 * asked for, when a connection ran it, when the answer came back, and who asked: a route or a background pass), its
 * GC pauses and event-loop stalls, and the server's hooks per request (received, handler, serialised, sent). After a
 * run, `explain(t0, t1)` lists what overlapped one request's interval.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';

interface Statement {
  sql: string;
  /** route (the request's own) or the background pass's file, from the caller's stack. */
  by: string;
  asked: number;
  sent?: number;
  done?: number;
}
interface Span {
  kind: string;
  start: number;
  end: number;
}
interface Served {
  url: string;
  received: number;
  handler?: number;
  serialised?: number;
  sent?: number;
  done?: number;
}

const TAG = Symbol('trace');

export class RequestTrace {
  readonly statements: Statement[] = [];
  readonly pauses: Span[] = [];
  readonly served: Served[] = [];
  #observer: PerformanceObserver | undefined;
  #lag: NodeJS.Timeout | undefined;

  /** Times every statement of `pool` (pool.query, and statements on checked-out clients). */
  watchPool(pool: pg.Pool): void {
    const statements = this.statements;
    const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
    const who = () => {
      const stack = new Error().stack ?? '';
      const frames = stack.split('\n').slice(3);
      const own = frames.find((f) => f.includes('/src/server/') || f.includes('/bench/lists'));
      const m = own && /\/(src\/server\/[^:)]+|bench\/[^:)]+)/.exec(own);
      return m?.[1] ?? frames.find((f) => f.includes('/src/'))?.trim() ?? '?';
    };
    (pool as { query: unknown }).query = (text: unknown, values?: unknown, cb?: unknown) => {
      const s: Statement = {
        sql: typeof text === 'string' ? text : String((text as { text?: string }).text),
        by: who(),
        asked: performance.now(),
      };
      statements.push(s);
      const config = typeof text === 'string' ? { text, values } : { ...(text as object) };
      (config as Record<symbol, Statement>)[TAG] = s;
      const p = query(config, typeof values === 'function' ? values : cb);
      if (p)
        void p.then(
          () => (s.done = performance.now()),
          () => (s.done = performance.now()),
        );
      return p;
    };
    // Statements run on a client: the pool's own (tagged above), and transactions' (timed from here). The clients
    // open already (pg-pool's private list), and those it opens later.
    const wrap = (client: pg.PoolClient) => {
      const run = client.query.bind(client) as (...a: unknown[]) => unknown;
      (client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
        const now = performance.now();
        const tagged = typeof config === 'object' && config ? (config as Record<symbol, Statement>)[TAG] : undefined;
        if (tagged) {
          tagged.sent = now;
          return run(config, ...rest);
        }
        const s: Statement = {
          sql: typeof config === 'string' ? config : String((config as { text?: string }).text),
          by: who(),
          asked: now,
          sent: now,
        };
        statements.push(s);
        const r = run(config, ...rest);
        if (r && typeof (r as Promise<unknown>).then === 'function')
          void (r as Promise<unknown>).then(
            () => (s.done = performance.now()),
            () => (s.done = performance.now()),
          );
        return r;
      };
    };
    for (const c of (pool as unknown as { _clients: pg.PoolClient[] })._clients) wrap(c);
    pool.on('connect', wrap);
  }

  /** GC pauses, and event-loop stalls (a 5 ms timer firing more than 10 ms late). */
  watchProcess(): void {
    this.#observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        this.pauses.push({
          kind: `gc ${(e as unknown as { detail?: { kind?: number } }).detail?.kind ?? ''}`,
          start: e.startTime,
          end: e.startTime + e.duration,
        });
    });
    this.#observer.observe({ entryTypes: ['gc'] });
    // A stall's CPU time (all this process's threads) tells a busy loop from a process waiting for a core.
    let last = performance.now();
    let cpu = process.cpuUsage();
    this.#lag = setInterval(() => {
      const now = performance.now();
      const c = process.cpuUsage();
      if (now - last > 15) {
        const used = (c.user - cpu.user + c.system - cpu.system) / 1000;
        this.pauses.push({ kind: `loop, cpu ${used.toFixed(0)} ms`, start: last + 5, end: now });
      }
      last = now;
      cpu = c;
    }, 5);
    this.#lag.unref();
  }

  /** The server's side of each request: received, handler called, reply serialised, sent, response finished. */
  watchServer(app: FastifyInstance): void {
    const of = new WeakMap<object, Served>();
    app.addHook('onRequest', async (req) => {
      const s: Served = { url: req.url, received: performance.now() };
      of.set(req, s);
      this.served.push(s);
    });
    const mark = (k: 'handler' | 'serialised' | 'sent' | 'done') => async (req: object) => {
      const s = of.get(req);
      if (s) s[k] = performance.now();
    };
    app.addHook('preHandler', mark('handler'));
    app.addHook('preSerialization', mark('serialised'));
    app.addHook('onSend', mark('sent'));
    app.addHook('onResponse', mark('done'));
  }

  /** Statements by caller, and the pauses, since the previous call: one line. */
  summary(): string {
    const by = new Map<string, number>();
    for (const s of this.statements.slice(this.#summarised)) by.set(s.by, (by.get(s.by) ?? 0) + 1);
    this.#summarised = this.statements.length;
    const pauses = this.pauses.slice(this.#paused);
    this.#paused = this.pauses.length;
    const total = (kind: string) =>
      pauses
        .filter((p) => p.kind.startsWith(kind))
        .reduce((a, p) => a + p.end - p.start, 0)
        .toFixed(0);
    return `statements ${[...by].map(([k, n]) => `${k.replace(/^.*\//, '')} ${n}`).join(', ')}; gc ${total('gc')} ms, loop stalls ${total('loop')} ms`;
  }
  #summarised = 0;
  #paused = 0;

  /** Forgets what ended before `t` (a long run's timeline stays small). */
  forget(t: number): void {
    const keep = <T>(xs: T[], end: (x: T) => number | undefined) => {
      const kept = xs.filter((x) => (end(x) ?? Infinity) >= t);
      xs.length = 0;
      xs.push(...kept);
    };
    const statements = this.statements.length;
    const pauses = this.pauses.length;
    keep(this.statements, (s) => s.done);
    keep(this.pauses, (p) => p.end);
    this.#summarised -= statements - this.statements.length;
    this.#paused -= pauses - this.pauses.length;
    keep(this.served, (s) => s.done);
  }

  stop(): void {
    this.#observer?.disconnect();
    if (this.#lag) clearInterval(this.#lag);
  }

  /** What overlapped [t0, t1]: the lines to print under a slow request. */
  explain(t0: number, t1: number): string[] {
    const r = (x: number | undefined) => (x === undefined ? '-' : (x - t0).toFixed(1));
    const out: string[] = [];
    const served = this.served.find((s) => s.received >= t0 && s.received <= t1);
    if (served)
      out.push(
        `server: received ${r(served.received)}, handler ${r(served.handler)}, serialised ${r(served.serialised)}, sent ${r(served.sent)}, done ${r(served.done)} ms`,
      );
    for (const s of this.statements) {
      const end = s.done ?? Infinity;
      if (end < t0 || s.asked > t1) continue;
      out.push(
        `pg ${s.by}: asked ${r(s.asked)}, sent ${r(s.sent)}, done ${r(s.done)} (wait ${((s.sent ?? s.asked) - s.asked).toFixed(1)}, run ${s.done && s.sent ? (s.done - s.sent).toFixed(1) : '-'} ms): ${s.sql.replace(/\s+/g, ' ').slice(0, 110)}`,
      );
    }
    for (const p of this.pauses)
      if (p.end >= t0 && p.start <= t1)
        out.push(`${p.kind}: ${r(p.start)} to ${r(p.end)} (${(p.end - p.start).toFixed(1)} ms)`);
    return out;
  }
}
