/**
 * The composition root: the one place that reads configuration (flags, then environment), opens the store, loads
 * the package, builds the app and listens. Everything below it receives plain objects.
 *
 * Configuration: `--db` or `DATABASE_URL` (a SQLite path or a postgres:// URL; default `data/guarantor.db`),
 * `--port` or `PORT` (default 8080), `--host` or `HOST` (default 127.0.0.1), `--package` or `GUARANTOR_PACKAGE`,
 * `GUARANTOR_ADMIN_KEY` (a bootstrap admin key, in key format), `GUARANTOR_SQLITE_SYNC` (`full` or `normal`),
 * `GUARANTOR_LOG_LEVEL` (default `warn`), `GUARANTOR_MEMBER_KEYS` (`FR=keys/fr.pub,...`: member keys registered and
 * logged at start, as through the API); the transparency log's key: `--log-key-file FILE` or `GUARANTOR_LOG_KEY_FILE`
 * (created 0600 when missing), or the key itself in `GUARANTOR_LOG_KEY`; default `<sqlite file>.log-key` (a
 * PostgreSQL store needs one named: every server of the database must sign with the same key);
 * `GUARANTOR_ADVERTISE_URL` (PostgreSQL: this server's URL as the others reach it; default where it listens);
 * `GUARANTOR_MAX_LATENESS` (a duration such as `30d`: the late-arrival window; a report that ended longer ago is stored
 * as context but not fused; default none, docs/operations/fusion.md).
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { loadPackageFile } from './package-files.js';
import { InputError } from './input-error.js';
import { parseDuration } from './core/spec/units.js';
import { geoLocatorFor, ManualClock } from './core/ops/index.js';
import type { Store } from './core/ports/store.js';
import { generateKey, keyFormat, recordForKey } from './server/api-keys.js';
import { buildApp } from './server/app.js';
import type { Limits } from './server/deps.js';
import { caseworkFor } from './server/casework.js';
import { peerKeyFor, type IngestRouting } from './server/ingest-forward.js';
import { ledgerFor } from './server/ledger.js';
import { operationsFor } from './server/operations.js';
import { describeDb, isPostgresUrl, openStore } from './store/open.js';
import {
  defaultLogKeyPath,
  loadOrCreateLogKeyFile,
  logKeyCarryOut,
  parseLogKey,
  type LogKeyMaterial,
} from './log-key-file.js';
import { LogKeyMismatchError, logOrigin } from './server/transparency-log.js';

export interface ServeConfig {
  packagePath: string;
  db: string;
  port: number;
  host: string;
  adminKey?: string;
  /** This server's URL as the other servers of its database reach it (GUARANTOR_ADVERTISE_URL; default: where it listens). */
  advertiseUrl?: string;
  synchronous?: 'full' | 'normal';
  /** The late-arrival window (ms; GUARANTOR_MAX_LATENESS); default none. */
  maxLateness?: number;
  logLevel: string;
  limits?: Partial<Limits>;
  /** `live` (default): the system clock; `event`: a replay server whose clock the replayed events move. */
  clock?: 'live' | 'event';
  /** The log's private key: a file (created when missing) or the key text itself; default beside a SQLite file. */
  logKey?: LogKeyConfig;
  /**
   * Member public keys from the configuration (`GUARANTOR_MEMBER_KEYS`): registered at start as through the API, so
   * they are logged (`member-key`) and audited like any other; `source` names where each came from, for errors.
   */
  memberKeys?: { member: string; publicKey: string; source: string }[];
}

export interface ServeFlags {
  package?: string;
  db?: string;
  port?: string;
  host?: string;
  clock?: string;
  /** The log's private key file (`--log-key-file`). */
  logKeyFile?: string;
}

type Env = Record<string, string | undefined>;

type LogKeyConfig = { file: string } | { text: string; source: string };

/** Where the log key comes from: the flag, the environment (a file, or the key), or beside a SQLite database. */
function logKeyConfig(db: string, flag: string | undefined, env: Env): LogKeyConfig {
  const file = flag ?? env['GUARANTOR_LOG_KEY_FILE'];
  if (file) return { file };
  if (env['GUARANTOR_LOG_KEY']) return { text: env['GUARANTOR_LOG_KEY'], source: 'GUARANTOR_LOG_KEY' };
  const beside = defaultLogKeyPath(db);
  if (beside) return { file: beside };
  throw new InputError(
    isPostgresUrl(db)
      ? `${describeDb(db)} is shared by servers, so the log key is configured, not made up by each: pass --log-key-file FILE (or GUARANTOR_LOG_KEY_FILE, or the key in GUARANTOR_LOG_KEY), the same on every server; a missing file is created`
      : `an in-memory database has no file to keep the log key beside: pass --log-key-file FILE (or GUARANTOR_LOG_KEY_FILE, or the key in GUARANTOR_LOG_KEY)`,
  );
}

export function configFrom(flags: ServeFlags, env: Env): ServeConfig {
  const packagePath = flags.package ?? env['GUARANTOR_PACKAGE'];
  if (!packagePath) throw new InputError('no package: pass --package FILE (or set GUARANTOR_PACKAGE)');
  const portText = flags.port ?? env['PORT'] ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new InputError(`--port must be a number 0..65535, got "${portText}"`);
  const sync = env['GUARANTOR_SQLITE_SYNC'];
  if (sync !== undefined && sync !== 'full' && sync !== 'normal')
    throw new InputError(`GUARANTOR_SQLITE_SYNC must be full or normal, got "${sync}"`);
  const db = flags.db ?? env['DATABASE_URL'] ?? 'data/guarantor.db';
  const logKey = logKeyConfig(db, flags.logKeyFile, env);
  const config: ServeConfig = {
    packagePath,
    db,
    port,
    host: flags.host ?? env['HOST'] ?? '127.0.0.1',
    logLevel: env['GUARANTOR_LOG_LEVEL'] ?? 'warn',
    logKey,
  };
  if (flags.clock !== undefined && flags.clock !== 'live' && flags.clock !== 'event')
    throw new InputError(`--clock must be live or event, got "${flags.clock}"`);
  if (flags.clock === 'event') config.clock = 'event';
  if (env['GUARANTOR_ADMIN_KEY']) config.adminKey = env['GUARANTOR_ADMIN_KEY'];
  if (env['GUARANTOR_MEMBER_KEYS']) config.memberKeys = memberKeysFrom(env['GUARANTOR_MEMBER_KEYS']);
  if (env['GUARANTOR_ADVERTISE_URL']) config.advertiseUrl = env['GUARANTOR_ADVERTISE_URL'];
  const lateness = env['GUARANTOR_MAX_LATENESS'];
  if (lateness) {
    const d = parseDuration(lateness);
    if (!d.ok || d.value <= 0)
      throw new InputError(`GUARANTOR_MAX_LATENESS: ${d.ok ? `"${lateness}" must be longer than zero` : d.reason}`);
    config.maxLateness = d.value;
  }
  if (sync) config.synchronous = sync;
  return config;
}

/** `GUARANTOR_MEMBER_KEYS=FR=keys/fr.pub,US=keys/us.pub`: each member's public key file. */
export function memberKeysFrom(text: string): NonNullable<ServeConfig['memberKeys']> {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      const member = pair.slice(0, at).trim();
      const file = pair.slice(at + 1).trim();
      if (at <= 0 || !file)
        throw new InputError(
          `GUARANTOR_MEMBER_KEYS: "${pair}" is not MEMBER=FILE (e.g. FR=keys/fr.pub,US=keys/us.pub)`,
        );
      try {
        return { member, publicKey: readFileSync(file, 'utf8'), source: `GUARANTOR_MEMBER_KEYS ${member}=${file}` };
      } catch (e) {
        throw new InputError(`GUARANTOR_MEMBER_KEYS: cannot read ${file}: ${(e as Error).message}`);
      }
    });
}

export interface Running {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** The bootstrap admin key when this start created one (print it once). */
  bootstrapKey?: string;
  close(): Promise<void>;
}

/**
 * Makes sure an admin can get in: with no active admin key, registers GUARANTOR_ADMIN_KEY if given, or creates one
 * and returns its text (the caller prints it once; only its hash is stored).
 */
export async function ensureAdmin(store: Store, now: number, adminKey?: string): Promise<string | undefined> {
  if ((await store.countActiveAdmins()) > 0) return undefined;
  if (adminKey !== undefined) {
    const record = recordForKey(adminKey, '*', 'admin', 'GUARANTOR_ADMIN_KEY', now);
    if (!record)
      throw new InputError(
        `GUARANTOR_ADMIN_KEY is not an API key (${keyFormat}); make one with \`guarantor apikey generate\``,
      );
    if (!(await store.getApiKey(record.id))) await store.createApiKey(record);
    return undefined;
  }
  const { key, record } = generateKey('*', 'admin', 'bootstrap', now);
  await store.createApiKey(record);
  return key;
}

export async function start(config: ServeConfig): Promise<Running> {
  const loaded = loadPackageFile(config.packagePath);
  if (!loaded.model) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    throw new InputError(
      `${config.packagePath} has ${errors === 1 ? '1 error' : `${errors} errors`}; run \`guarantor check ${config.packagePath}\``,
    );
  }
  // A replay server's clock starts at the package's effective time and moves only forward, as events arrive
  // (`POST /v1/clock`, sent by `guarantor replay --clock event`).
  const event = config.clock === 'event';
  const clock = event ? new ManualClock(loaded.model.effective.start) : { now: () => Date.now() };
  // The geo engine places incidents in the package's zones, on which side of its lines, and in which region.
  const geo = geoLocatorFor(loaded.model, loaded.geometries);
  if (!geo.ok)
    throw new InputError(
      `the zones of ${config.packagePath} cannot be built: ${geo.problems.map((p) => `${p.zone ?? 'regions'}.${p.field}: ${p.detail}`).join('; ')}`,
    );
  const operations = operationsFor(loaded, {
    clock,
    eventClock: event,
    locator: geo.locator,
    ...(config.maxLateness === undefined ? {} : { maxLateness: config.maxLateness }),
  });
  const origin = logOrigin(loaded.model.package);
  const keySource = config.logKey ?? logKeyConfig(config.db, undefined, {});
  const keyFile = 'file' in keySource ? keySource.file : undefined;
  const given = 'text' in keySource ? parseLogKey(keySource.text, keySource.source) : undefined;
  let store: Store;
  try {
    store = await openStore(config.db, {
      writerThread: true,
      ...(config.synchronous ? { synchronous: config.synchronous } : {}),
      // A database that still keeps the log key in a table hands it to the key file (migration 0010).
      carryOut: { '0010-tlog-key-out': logKeyCarryOut({ path: keyFile, given }, describeDb(config.db)) },
    });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot open the store ${describeDb(config.db)}: ${(e as Error).message}`);
  }
  let key: LogKeyMaterial;
  try {
    if (given) key = given;
    else if ('file' in keySource) key = loadOrCreateLogKeyFile(keySource.file, origin);
    else throw new Error('no log key: neither a key file nor a parsed key');
  } catch (e) {
    await store.close();
    throw e;
  }
  // Batches passed between servers are signed with a key only servers of this store, on this package, derive.
  const rules = operations.rules;
  const routing: IngestRouting = {
    peerKey: peerKeyFor(key.privateKey, loaded.source.text, {
      sources: [...rules.sources].map(([id, s]) => [id, s.operator]),
      activities: [...rules.activities],
      regions: [...rules.regions],
      actors: [...rules.actors],
      maxFuture: rules.maxFuture,
    }),
  };
  try {
    const app = await buildApp({
      store,
      ingestRouting: routing,
      operations,
      package: loaded, // the dashboard's map draws its regions and zones
      logger: { level: config.logLevel },
      log: { key },
      ...(config.limits ? { limits: config.limits } : {}),
    });
    if (config.memberKeys?.length) {
      // On the record before the first vote can arrive: registered (and logged) once the log is ready.
      try {
        await app.ready();
      } catch (e) {
        await app.close();
        throw listenError(e, config);
      }
      const r = await caseworkFor(store, operations.model.pkg, operations.clock).configureMemberKeys(
        config.memberKeys,
        clock.now(),
      );
      if (r.problems.length) {
        await app.close();
        throw new InputError(`member keys from the configuration refused: ${r.problems.join('; ')}`);
      }
      for (const k of r.added) app.log.info(`member key from the configuration registered and logged: ${k}`);
    }
    let url: string;
    try {
      url = await app.listen({ port: config.port, host: config.host });
    } catch (e) {
      await app.close();
      throw listenError(e, config);
    }
    // Servers sharing a PostgreSQL database choose one to process ingest; the others pass their batches to it
    // (docs/operations/scaling.md). Its address as they reach it: GUARANTOR_ADVERTISE_URL, else where it listens.
    if (store.ingestRouter) routing.router = await store.ingestRouter(config.advertiseUrl ?? url);
    // Only once the server listens: a start that fails (a busy port) must not create a key it never prints.
    const bootstrapKey = await ensureAdmin(store, Date.now(), config.adminKey);
    // Decay alerts follow the clock as well as the ledger: derive them at start (catching up on whatever a crash or
    // a stop left underived) and every minute; each sync is idempotent, so servers sharing a database may all run it.
    const ledger = ledgerFor(store, loaded.model, clock);
    const evaluate = () =>
      ledger.evaluate().catch((e: unknown) => app.log.error({ err: e }, 'ledger alerts could not be derived'));
    await evaluate();
    const ticker = setInterval(() => void evaluate(), 60_000);
    ticker.unref();
    const running: Running = {
      app,
      store,
      url,
      close: async () => {
        clearInterval(ticker);
        await routing.router?.close();
        await app.close();
        await store.close();
      },
    };
    if (bootstrapKey) running.bootstrapKey = bootstrapKey;
    return running;
  } catch (e) {
    await routing.router?.close();
    await store.close();
    throw e;
  }
}

/** A listen failure as one line with its fix; anything unexpected stays as it is. */
function listenError(e: unknown, config: ServeConfig): unknown {
  if (e instanceof LogKeyMismatchError) return new InputError(e.message);
  const code = (e as { code?: string }).code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE')
    return new InputError(
      `cannot listen on ${where}: the port is in use (another guarantor serve?); pass --port N (or PORT), or stop the other server`,
    );
  if (code === 'EACCES')
    return new InputError(
      `cannot listen on ${where}: permission denied (ports below 1024 need privileges); pass --port 8080 or another above 1023`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new InputError(
      `cannot listen on ${where}: this machine has no such address; pass --host 127.0.0.1 or 0.0.0.0`,
    );
  return e;
}
