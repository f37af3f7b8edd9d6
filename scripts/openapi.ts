/**
 * Writes the server's OpenAPI document (the one served at /docs/json) for the example package: `npm run openapi`
 * prints it, `npm run openapi -- FILE` writes it. Lint checks it with Redocly (`redocly.yaml`), and the CLI's typed
 * client is generated from it.
 */
import { writeFileSync } from 'node:fs';
import { ManualClock } from '../src/core/ops/index.js';
import { buildApp } from '../src/server/app.js';
import { operationsFor } from '../src/server/operations.js';
import { loadPackageFile } from '../src/package-files.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const loaded = loadPackageFile('examples/ukraine-2026.yaml');
const store = SqliteStore.open({ path: ':memory:' });
const app = await buildApp({
  store,
  operations: operationsFor(loaded, { clock: new ManualClock(Date.UTC(2026, 6, 1)) }),
  package: loaded,
});
await app.ready();
const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
await store.close();
const out = process.argv[2];
if (out) writeFileSync(out, text);
else process.stdout.write(text);
