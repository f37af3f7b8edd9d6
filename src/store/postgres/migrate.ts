/**
 * Applies pending migrations to PostgreSQL under a session-level advisory lock on a dedicated connection, so two
 * servers starting together on one database apply each migration once: the second waits for the lock, then finds
 * the first's records. Each migration runs in its own transaction with its `schema_migrations` record (PostgreSQL
 * DDL is transactional: a failed migration leaves nothing behind).
 */
import type pg from 'pg';
import { carryOut, checksum, MigrationError, ordered, type CarryOut, type Migration } from '../migrations/migration.js';

/** Advisory lock keys are per schema, so test runs in separate schemas do not wait on each other. */
export function lockName(purpose: 'migrate' | 'ingest' | 'ingest-owner', schema: string): string {
  return `guarantor.${purpose}.${schema}`;
}

export async function migratePostgres(
  client: pg.ClientBase,
  schema: string,
  list: readonly Migration[],
  handlers: Record<string, CarryOut> = {},
): Promise<string[]> {
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockName('migrate', schema)]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const known = new Map(ordered(list).map((m) => [m.id, m]));
    const done = new Map(
      (
        (await client.query('SELECT id, checksum FROM schema_migrations')).rows as { id: string; checksum: string }[]
      ).map((r) => [r.id, r.checksum]),
    );
    const unknown = [...done.keys()].filter((id) => !known.has(id)).sort();
    if (unknown.length)
      throw new MigrationError(
        `the database has migrations this server does not know (${unknown.join(', ')}): it was used by a newer version`,
      );
    for (const m of known.values()) {
      const sum = done.get(m.id);
      if (sum !== undefined) {
        if (sum !== checksum(m.postgres))
          throw new MigrationError(
            `migration ${m.id} was changed after it was applied to this database; add a new migration instead`,
          );
        continue;
      }
      await client.query('BEGIN');
      try {
        if (m.carryOut)
          carryOut(m, (await client.query(m.carryOut.select)).rows as Record<string, unknown>[], handlers);
        await client.query(m.postgres);
        await client.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [
          m.id,
          checksum(m.postgres),
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    }
    return ((await client.query('SELECT id FROM schema_migrations ORDER BY id')).rows as { id: string }[]).map(
      (r) => r.id,
    );
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName('migrate', schema)]);
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
