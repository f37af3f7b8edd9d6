/**
 * PostgreSQL for tests: each caller gets a fresh schema, dropped afterwards, so parallel test files and other
 * engineers never collide. With CI or GUARANTOR_PG_URL set, an unreachable server fails the tests; locally they skip
 * with a message.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const pgUrl = process.env['GUARANTOR_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = Boolean(process.env['CI'] || process.env['GUARANTOR_PG_URL']);

let reachable: Promise<boolean> | undefined;

/** True when PostgreSQL answers; throws when it must (CI) but does not. */
export async function postgresAvailable(): Promise<boolean> {
  reachable ??= (async () => {
    const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch (e) {
      if (required)
        throw new Error(
          `PostgreSQL at ${pgUrl} is required (CI or GUARANTOR_PG_URL is set) but unreachable: ${(e as Error).message}`,
        );
      console.warn(
        `PostgreSQL tests skipped: ${pgUrl} is unreachable (${(e as Error).message}); set GUARANTOR_PG_URL or start it`,
      );
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/** A schema name no one else uses. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}
