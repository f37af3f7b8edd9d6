import { ManualClock } from '../src/core/ops/index.js';
import { buildApp } from '../src/server/app.js';
import { operationsFor } from '../src/server/operations.js';
import { loadPackageFile } from '../src/package-files.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { generateKey } from '../src/server/api-keys.js';
const loaded = loadPackageFile(process.argv[2] ?? 'examples/ukraine-2026.yaml');
const store = SqliteStore.open({ path: ':memory:' });
const app = await buildApp({
  store,
  operations: operationsFor(loaded, { clock: new ManualClock(Date.UTC(2026, 6, 1)) }),
  package: loaded,
});
await app.ready();
const { key, record } = generateKey('*', 'admin', '', Date.UTC(2026, 6, 1));
await store.createApiKey(record);
const shape = (v: unknown, d: number): unknown => {
  if (Array.isArray(v)) return v.length ? [shape(v[0], d)] : [];
  if (v && typeof v === 'object')
    return d <= 0 ? '{…}' : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x, d - 1)]));
  return v === null ? 'null' : typeof v;
};
for (const url of ['/v1/package/model', '/v1/package/analysis', '/v1/package/geometry']) {
  const r = await app.inject({ url, headers: { authorization: `Bearer ${key}` } });
  console.log(url, r.statusCode, JSON.stringify(shape(r.json(), Number(process.argv[3] ?? 2)), null, 1).slice(0, 6000));
}
await app.close();
