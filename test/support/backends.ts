/**
 * The stores a test runs on: SQLite in memory always, PostgreSQL (a fresh schema per store, dropped after the file)
 * when it is reachable. For `describe.each`.
 */
import { afterAll } from 'vitest';
import type { Store } from '../../src/core/ports/store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './postgres.js';

export async function storeBackends(schemaPrefix: string): Promise<[string, () => Promise<Store>][]> {
  const backends: [string, () => Promise<Store>][] = [['sqlite', async () => SqliteStore.open({ path: ':memory:' })]];
  if (!(await postgresAvailable())) return backends;
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });
  backends.push([
    'postgres',
    async () => {
      const schema = freshSchema(schemaPrefix);
      schemas.push(schema);
      return PostgresStore.open({ url: pgUrl, schema });
    },
  ]);
  return backends;
}
