/**
 * Applies pending migrations to a SQLite database, each in its own transaction with its record in
 * `schema_migrations`. `BEGIN IMMEDIATE` takes the write lock first, so two processes opening the same file at once
 * apply each migration once (the second sees the first's record after the lock).
 */
import type Database from 'better-sqlite3';
import { carryOut, checksum, MigrationError, ordered, type CarryOut, type Migration } from '../migrations/migration.js';

export function migrateSqlite(
  db: Database.Database,
  list: readonly Migration[],
  handlers: Record<string, CarryOut> = {},
): string[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const known = new Map(ordered(list).map((m) => [m.id, m]));
  for (const m of known.values()) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const row = db.prepare('SELECT checksum FROM schema_migrations WHERE id = ?').get(m.id) as
        { checksum: string } | undefined;
      if (row) {
        if (row.checksum !== checksum(m.sqlite))
          throw new MigrationError(
            `migration ${m.id} was changed after it was applied to this database; add a new migration instead`,
          );
      } else {
        if (m.carryOut) carryOut(m, db.prepare(m.carryOut.select).all() as Record<string, unknown>[], handlers);
        db.exec(m.sqlite);
        db.prepare(
          "INSERT INTO schema_migrations (id, checksum, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        ).run(m.id, checksum(m.sqlite));
      }
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw e;
    }
  }
  const applied = (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map(
    (r) => r.id,
  );
  const unknown = applied.filter((id) => !known.has(id));
  if (unknown.length)
    throw new MigrationError(
      `the database has migrations this server does not know (${unknown.join(', ')}): it was used by a newer version`,
    );
  return applied;
}
