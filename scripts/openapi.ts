/**
 * Writes the server's OpenAPI document (the one served at /docs/json) for the example package: `npm run openapi`
 * prints it, `npm run openapi -- FILE` writes it. Lint checks it with Redocly (`redocly.yaml`), and the CLI's typed
 * client is generated from it (scripts/gen-client.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ManualClock } from '../src/core/ops/index.js';
import { buildApp } from '../src/server/app.js';
import { operationsFor } from '../src/server/operations.js';
import { loadPackageFile } from '../src/package-files.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

/** The document a server running `packagePath` serves. */
export async function openapiDocument(packagePath = 'examples/ukraine-2026.yaml'): Promise<Record<string, unknown>> {
  const loaded = loadPackageFile(packagePath);
  const store = SqliteStore.open({ path: ':memory:' });
  const app = await buildApp({
    store,
    operations: operationsFor(loaded, { clock: new ManualClock(Date.UTC(2026, 6, 1)) }),
    package: loaded,
  });
  await app.ready();
  const doc = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  await store.close();
  return doc;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = `${JSON.stringify(await openapiDocument(), null, 2)}\n`;
  const out = process.argv[2];
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  } else process.stdout.write(text);
}
