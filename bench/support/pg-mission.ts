/** A fresh PostgreSQL schema for a bench's servers, with a monitor key to post observations and an admin key. */
import { generateKey } from '../../src/server/api-keys.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshSchema, pgUrl } from '../../test/support/postgres.js';

export interface PgMission {
  schema: string;
  /** The database URL a server is given (`--db`): the schema named in it. */
  db: string;
  /** The monitor key's secret, for `Authorization: Bearer`. */
  key: string;
}

export async function pgMission(prefix: string): Promise<PgMission> {
  const schema = freshSchema(prefix);
  const setup = await PostgresStore.open({ url: pgUrl, schema });
  const monitor = generateKey('*', 'monitor', 'bench', 0);
  try {
    await setup.createApiKey(monitor.record);
    await setup.createApiKey(generateKey('*', 'admin', 'bench', 0).record);
  } finally {
    await setup.close();
  }
  return { schema, db: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`, key: monitor.key };
}
