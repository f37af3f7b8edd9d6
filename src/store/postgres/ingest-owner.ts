/**
 * Which server of a schema processes its ingest (docs/operations/scaling.md): the one whose session holds the
 * schema's ingest-owner lock, a session-level advisory lock on a connection of its own. The lock is the lease: it
 * lasts as long as the session, so a server that dies, is killed or loses its connection hands it on at once (the
 * others try for it every second). The owner's session names its URL in `application_name`, so the others find it
 * in `pg_stat_activity` through the lock's row in `pg_locks`: no table, and never a dead owner's address.
 *
 * Ownership routes batches, it does not guard them: every ingest transaction still takes the ingest lock, so a
 * server that forwards to a former owner, or processes locally when the owner cannot be reached, stays exactly once.
 *
 * A stalled owner (a stopped process, an event loop stuck for seconds) keeps its session, and so the lease, while
 * the batches forwarded to it wait. The owner therefore runs a statement on its lease session every step, and the
 * others end the session of an owner whose lease session has been idle for `staleMs`, together with any session
 * that holds the ingest lock idle in a transaction as long: the lease moves on, and the stalled transaction is
 * rolled back rather than written when its server wakes (its client gets a 503 and resends).
 */
import pg from 'pg';
import type { IngestRouter } from '../../core/ports/store.js';
import { lockName } from './migrate.js';

/**
 * `application_name` holds at most 63 bytes: a longer URL, or one naming no host (0.0.0.0), is not advertised, and
 * the others process their batches themselves (set GUARANTOR_ADVERTISE_URL).
 */
const PREFIX = 'guarantor-ingest ';
const MAX_NAME = 63;

/** The sessions holding the lease ($1) or the ingest lock ($2), with how long each has been in its state (ms). */
const HOLDERS = `SELECT a.pid, a.application_name AS name, a.state,
    (extract(epoch FROM clock_timestamp() - a.state_change) * 1000)::float8 AS quiet,
    l.objid::bigint = (hashtext($1)::bigint & 4294967295) AS lease
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
    AND l.objid::bigint IN (hashtext($1)::bigint & 4294967295, hashtext($2)::bigint & 4294967295)
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

interface Holder {
  pid: number;
  name: string | null;
  state: string | null;
  quiet: number | null;
  lease: boolean;
}

/** A URL others can use: not one of every interface (0.0.0.0, ::), which names no host to reach. */
function advertisable(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host !== '0.0.0.0' && host !== '[::]';
  } catch {
    return false;
  }
}

export class PostgresIngestOwner implements IngestRouter {
  #client: pg.Client | undefined;
  #owner = false;
  /** The owner's URL when another server owns; undefined when this one does, or none is known. */
  #target: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #busy = false;
  readonly #lock: string;
  readonly #ingestLock: string;

  constructor(
    readonly url: string,
    readonly schema: string,
    readonly self: string,
    readonly everyMs = 1000,
    /** How long an owner's lease session may stay idle before the others end it (a stalled owner). */
    readonly staleMs = 10_000,
  ) {
    this.#lock = lockName('ingest-owner', schema);
    this.#ingestLock = lockName('ingest', schema);
  }

  /** Tries for ownership now, then every `everyMs`. */
  async start(): Promise<void> {
    await this.#step();
    this.#timer = setInterval(() => void this.#step(), this.everyMs);
    this.#timer.unref();
  }

  get owner(): boolean {
    return this.#owner;
  }

  target(): string | undefined {
    return this.#owner ? undefined : this.#target;
  }

  failed(target: string): void {
    // Until the next step looks again: the owner may be dying, and its lock goes with its session.
    if (this.#target === target) this.#target = undefined;
  }

  async #step(): Promise<void> {
    if (this.#busy || this.#closed) return;
    this.#busy = true;
    try {
      const c = await this.#connect();
      if (!this.#owner) {
        const got = (await c.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.#lock])).rows[0] as {
          ok: boolean;
        };
        this.#owner = got.ok;
      }
      if (this.#owner) {
        await c.query('SELECT 1'); // the heartbeat: this session's state_change shows the owner is awake
        return;
      }
      const holders = (await c.query(HOLDERS, [this.#lock, this.#ingestLock])).rows as Holder[];
      const stalled = holders.filter(
        (h) => h.quiet !== null && h.quiet > this.staleMs && h.state === (h.lease ? 'idle' : 'idle in transaction'),
      );
      if (stalled.length) {
        await c.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [stalled.map((h) => h.pid)]);
        this.#target = undefined; // processed here until the next step takes the lease or finds the new owner
        return;
      }
      const name = holders.find((h) => h.lease)?.name;
      const url = name?.startsWith(PREFIX) ? name.slice(PREFIX.length) : undefined;
      // Its own address (servers on different machines, each on 127.0.0.1 behind its own proxy): not a route.
      this.#target = url === this.self ? undefined : url;
    } catch {
      this.#drop();
    } finally {
      this.#busy = false;
    }
  }

  async #connect(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const name = PREFIX + this.self;
    const c = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      application_name: advertisable(this.self) && Buffer.byteLength(name) <= MAX_NAME ? name : 'guarantor-ingest',
    });
    // A session ended by the server (a restart, a terminated backend) loses the lock with it: not the owner now.
    c.on('error', () => {
      if (this.#client === c) this.#drop();
    });
    this.#client = c;
    await c.connect();
    return c;
  }

  #drop(): void {
    const c = this.#client;
    this.#client = undefined;
    this.#owner = false;
    this.#target = undefined;
    void c?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    const c = this.#client;
    this.#client = undefined;
    this.#owner = false;
    await c?.end().catch(() => undefined);
  }
}
