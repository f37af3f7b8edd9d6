/**
 * A versioned schema change, once per dialect. Migrations are applied in `id` order at start-up and recorded in
 * `schema_migrations` with a checksum of the SQL that ran, so an edited migration is refused rather than silently
 * skipped. Add a feature's tables as a new numbered file and one line in `index.ts`; never edit an applied one.
 */
import { createHash } from 'node:crypto';

export interface Migration {
  /** `NNNN-name`: sorts in application order. */
  id: string;
  sqlite: string;
  postgres: string;
  /**
   * Rows the SQL removes that must first go somewhere outside the database (the log's private key to its file): a
   * SELECT run in the migration's transaction before the SQL; rows found go to the opener's `carryOut` handler for
   * this id, and with no handler the migration refuses (`refusal` says what to do), so nothing is dropped unsaved.
   */
  carryOut?: { select: string; refusal: string };
}

/** Receives the rows a migration carries out of the database; throwing rolls the migration back. */
export type CarryOut = (rows: Record<string, unknown>[]) => void;

/** The carried-out rows of `m` to its handler, or a refusal when there are rows and no handler. */
export function carryOut(m: Migration, rows: Record<string, unknown>[], handlers: Record<string, CarryOut>): void {
  if (!m.carryOut || !rows.length) return;
  const handler = handlers[m.id];
  if (!handler) throw new MigrationError(`migration ${m.id}: ${m.carryOut.refusal}`);
  handler(rows);
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** The migrations to apply, in order; throws (a bug, not user input) on duplicate or malformed ids. */
export function ordered(list: readonly Migration[]): Migration[] {
  const seen = new Set<string>();
  for (const m of list) {
    if (!/^\d{4}-[a-z0-9-]+$/.test(m.id)) throw new Error(`migration id "${m.id}" must look like 0001-name`);
    if (seen.has(m.id)) throw new Error(`migration id "${m.id}" is listed twice`);
    seen.add(m.id);
  }
  return [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Thrown when the database holds a migration whose SQL differs from ours, or one we do not know (a newer server). */
export class MigrationError extends Error {}
