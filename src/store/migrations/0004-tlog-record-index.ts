/**
 * The log's index by record covers only the kinds whose records change and are logged again (case files, votes,
 * tasks, package versions, ...): casework asks "what is this record's latest entry?" of those. Observations,
 * incident revisions and violations, about 98% of entries, are logged once each and found through their own rows
 * (`rowOfRecord`, src/store/log-audit.ts): rebuilding the entry gives its leaf hash, which `tlog_entry_leaf`
 * indexes. Their random ids made this index the costliest part of the ingest transaction after the leaf index
 * (about 6 ms of 50 per batch of 500, bench/ingest-cpu.ts), and the cost grew with the log.
 *
 * The predicate lists the kinds literally so that a query naming one kind literally can use the index on both
 * databases (SQLite proves a partial index usable from an identical term; PostgreSQL from an IN list).
 */
import type { Migration } from './migration.js';

// Frozen with the migration (its checksum covers this text). A kind added later and not listed is still found,
// by a scan; list it in a new migration.
export const recordIndexPredicate = [
  'case-event',
  'vote',
  'task-change',
  'package-version',
  'pledge',
  'delivery',
  'checkpoint-cosign',
]
  .map((k) => `kind = '${k}'`)
  .join(' OR ');

export const tlogRecordIndex: Migration = {
  id: '0004-tlog-record-index',
  sqlite: `
DROP INDEX tlog_entry_record;
CREATE INDEX tlog_entry_record ON tlog_entry (kind, record_id) WHERE ${recordIndexPredicate};
`,
  postgres: `
DROP INDEX tlog_entry_record;
CREATE INDEX tlog_entry_record ON tlog_entry (kind, record_id, idx) WHERE ${recordIndexPredicate};
`,
};
