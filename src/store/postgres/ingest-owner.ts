/**
 * Which server of a schema processes its ingest (docs/operations/scaling.md): the one whose session holds the
 * schema's ingest-owner lock, a session-level advisory lock on a connection of its own. The lock is the lease: it
 * lasts as long as the session, so a server that dies, is killed or loses its connection hands it on at once (the
 * others try for it every second). The owner's session names its URL in `application_name`, so the others find it
 * in `pg_stat_activity` through the lock's row in `pg_locks`: no table, and never a dead owner's address.
 *
 * Ownership routes batches, it does not guard them: every ingest transaction still takes the ingest lock, so a
 * server that forwards to a former owner, or processes locally when the owner cannot be reached, stays exactly once.
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

const LOCK = `locktype = 'advisory' AND granted AND objsubid = 1 AND objid::bigint = (hashtext($1)::bigint & 4294967295)
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

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

  constructor(
    readonly url: string,
    readonly schema: string,
    readonly self: string,
    readonly everyMs = 1000,
  ) {
    this.#lock = lockName('ingest-owner', schema);
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
      if (this.#owner) return;
      const r = (
        await c.query(
          `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE ${LOCK}`,
          [this.#lock],
        )
      ).rows[0] as { name: string } | undefined;
      const url = r?.name.startsWith(PREFIX) ? r.name.slice(PREFIX.length) : undefined;
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
