/** Opens a database for `log audit` without migrating or writing it: SQLite read-only, PostgreSQL by URL. */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { AuditSource } from '../store/log-audit.js';
import { describeDb, isPostgresUrl, splitSchema } from '../store/open.js';
import { quoteIdent } from '../store/postgres/migrate.js';
import { postgresAuditSource } from '../store/postgres/tlog-store.js';
import { sqliteAuditSource } from '../store/sqlite/tlog-store.js';
import { existingDb } from './options.js';
import { UsageError } from './usage-error.js';

export async function openAuditSource(db: string): Promise<{ source: AuditSource; close(): Promise<void> }> {
  if (isPostgresUrl(db)) {
    const { url, schema } = splitSchema(db);
    const pool = new pg.Pool({
      connectionString: url,
      max: 2,
      ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
    });
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1 FROM tlog_head');
    } catch (e) {
      await pool.end();
      throw new UsageError(`cannot audit ${describeDb(db)}: ${(e as Error).message}`);
    }
    return { source: postgresAuditSource(pool), close: () => pool.end() };
  }
  existingDb(db);
  let d: Database.Database;
  try {
    d = new Database(db, { readonly: true, fileMustExist: true });
    d.prepare('SELECT 1 FROM tlog_head').get();
  } catch (e) {
    throw new UsageError(`cannot audit ${db}: ${(e as Error).message}`);
  }
  return {
    source: sqliteAuditSource(d),
    close: async () => {
      d.close();
    },
  };
}
