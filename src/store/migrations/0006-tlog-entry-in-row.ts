/**
 * The log stops keeping a second copy of the records the ingest writes. An observation, incident revision or
 * violation entry is its row's document framed (`log-entries.ts`), so `tlog_entry.entry` is NULL for the entries
 * appended with their row (`TextLogEntry.inRow`) and the bytes are rebuilt from the row when served
 * (`entriesFromRows`, src/store/log-entries.ts). The leaf hash stays, so the tree and every signature still commit to the
 * record: a changed row no longer matches its leaf, for the audit and for any client re-hashing served entries.
 * The copy was about half of what an ingest transaction wrote (bench/ingest.ts).
 *
 * Entries stored before keep their bytes. SQLite cannot drop a NOT NULL constraint, so its table is rebuilt; the
 * indexes are recreated as migrations 0003 and 0004 left them.
 */
import type { Migration } from './migration.js';
import { recordIndexPredicate } from './0004-tlog-record-index.js';

export const tlogEntryInRow: Migration = {
  id: '0006-tlog-entry-in-row',
  sqlite: `
CREATE TABLE tlog_entry_new (
  idx INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  leaf BLOB NOT NULL,
  leaf_key INTEGER NOT NULL,
  entry BLOB
);
INSERT INTO tlog_entry_new (idx, kind, record_id, leaf, leaf_key, entry) SELECT idx, kind, record_id, leaf, leaf_key, entry FROM tlog_entry;
DROP TABLE tlog_entry;
ALTER TABLE tlog_entry_new RENAME TO tlog_entry;
CREATE INDEX tlog_entry_record ON tlog_entry (kind, record_id) WHERE ${recordIndexPredicate};
CREATE INDEX tlog_entry_leaf ON tlog_entry (leaf_key);
`,
  postgres: `
ALTER TABLE tlog_entry ALTER COLUMN entry DROP NOT NULL;
`,
};
