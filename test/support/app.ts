/** A server on a fresh store, with one key per role, for socket-free tests. */
import { generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { loadPackageFile } from '../../src/package-files.js';
import { geoLocatorFor, ManualClock } from '../../src/core/ops/index.js';
import type { ZoneLocator } from '../../src/core/ops/index.js';
import type { LoadedPackage } from '../../src/core/spec/load.js';
import { roles, type Role, type Store } from '../../src/core/ports/store.js';
import { generateKey } from '../../src/server/api-keys.js';
import { buildApp } from '../../src/server/app.js';
import type { Limits, ServerDeps } from '../../src/server/deps.js';
import { operationsFor } from '../../src/server/operations.js';
import type { ConfiguredLogKey } from '../../src/server/transparency-log.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export const examplePackage = loadPackageFile('examples/ukraine-2026.yaml');

/** The log key of every test server in a test file, so a server restarted on the same database signs as its log. */
export const testLogKey: ConfiguredLogKey = {
  privateKey: generateKeyPairSync('ed25519').privateKey,
  source: 'the test log key',
};

/** The example package's operations on the real geo engine, on a clock standing at `now`. */
export function exampleOperations(now: number): ReturnType<typeof operationsFor> {
  const geo = geoLocatorFor(examplePackage.model!, examplePackage.geometries);
  if (!geo.ok) throw new Error('example zones do not build');
  return operationsFor(examplePackage, { clock: new ManualClock(now), locator: geo.locator });
}

/** A stand-in for the geo engine: a north-south line at 37.5E, the buffer 15 km either side, Donetsk oblast. */
export const testLocator: ZoneLocator = {
  locate: (lon) => {
    const distance = Math.abs(lon - 37.5) * 73_000;
    const zones = distance < 15_000 ? ['buffer', 'heavy-weapons'] : distance < 50_000 ? ['heavy-weapons'] : [];
    return { zones, lines: [{ zone: 'contact-line', distance, side: lon > 37.5 ? 'left' : 'right' }], region: 'UA-14' };
  },
};

export interface TestServer {
  app: FastifyInstance;
  store: Store;
  clock: ManualClock;
  /** `Authorization` header values by role; monitors act for CMM. */
  auth: Record<Role, string>;
  keys: Record<Role, string>;
  close(): Promise<void>;
}

export async function testServer(
  options: {
    store?: Store;
    limits?: Partial<Limits>;
    now?: number;
    clock?: ManualClock;
    package?: LoadedPackage;
    deps?: Partial<ServerDeps>;
  } = {},
): Promise<TestServer> {
  const store = options.store ?? SqliteStore.open({ path: ':memory:' });
  const clock = options.clock ?? new ManualClock(options.now ?? Date.UTC(2026, 6, 1));
  const pkg = options.package ?? examplePackage;
  const operations = operationsFor(pkg, { clock, locator: testLocator });
  const deps = options.limits
    ? { store, operations, package: pkg, limits: options.limits }
    : { store, operations, package: pkg };
  const app = await buildApp({ ...deps, log: { key: testLogKey }, ...options.deps });
  const keys = {} as Record<Role, string>;
  const auth = {} as Record<Role, string>;
  for (const role of roles) {
    const k = generateKey(
      role === 'monitor'
        ? 'CMM'
        : role === 'guarantor'
          ? 'UK'
          : role === 'member'
            ? 'FR'
            : role === 'party'
              ? 'UA'
              : '*',
      role,
      `test ${role}`,
      clock.now(),
    );
    await store.createApiKey(k.record);
    keys[role] = k.key;
    auth[role] = `Bearer ${k.key}`;
  }
  return {
    app,
    store,
    clock,
    auth,
    keys,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
