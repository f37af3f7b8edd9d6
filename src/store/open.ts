/**
 * Opens the store a `--db` value names: `postgres://` or `postgresql://` URLs go to PostgreSQL (an optional
 * `schema` query parameter picks the schema, default `public`), anything else is a SQLite file path, whose
 * directory is created if missing.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Store } from '../core/ports/store.js';
import type { CarryOut } from './migrations/migration.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export interface OpenOptions {
  /** SQLite only; default `full`. */
  synchronous?: 'full' | 'normal';
  /** PostgreSQL pool size. */
  poolSize?: number;
  /**
   * SQLite files only: ingest writes on a writer thread (sqlite/ingest-writer.ts), so a second core commits while
   * the server prepares the next batch. `guarantor serve` turns it on; one-shot commands do not need the thread.
   */
  writerThread?: boolean;
  /** Where rows a migration removes from the database go first (the log key to its file), by migration id. */
  carryOut?: Record<string, CarryOut>;
}

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The URL without our `schema` parameter, and the schema. */
export function splitSchema(db: string): { url: string; schema?: string } {
  const u = new URL(db);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  return schema === undefined ? { url: u.toString() } : { url: u.toString(), schema };
}

export async function openStore(db: string, options: OpenOptions = {}): Promise<Store> {
  if (isPostgresUrl(db)) {
    const { url, schema } = splitSchema(db);
    return PostgresStore.open({
      url,
      ...(schema !== undefined ? { schema } : {}),
      ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
      ...(options.carryOut ? { carryOut: options.carryOut } : {}),
    });
  }
  if (db !== ':memory:') mkdirSync(dirname(resolve(db)), { recursive: true });
  return SqliteStore.open({
    path: db,
    ...(options.synchronous ? { synchronous: options.synchronous } : {}),
    ...(options.carryOut ? { carryOut: options.carryOut } : {}),
    ...(options.writerThread && db !== ':memory:' ? { writer: 'thread' as const } : {}),
  });
}

/** The store named in messages: a path, or a URL without its password. */
export function describeDb(db: string): string {
  if (!isPostgresUrl(db)) return db;
  const u = new URL(db);
  if (u.password) u.password = '***';
  return u.toString();
}
