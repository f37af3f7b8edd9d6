/**
 * Entries about the log itself, found by record: the log's key (its latest `log-key` entry is the key in force, read
 * at every start) and witness alarms. The record index of 0004 lists its kinds literally, so these get an index of
 * their own, written the same way (kinds literal, so both databases prove it applies).
 */
import type { Migration } from './migration.js';

const kinds = "kind = 'log-key' OR kind = 'witness-alarm'";

export const tlogKeyIndex: Migration = {
  id: '0011-tlog-key-index',
  sqlite: `CREATE INDEX tlog_entry_log_record ON tlog_entry (kind, record_id) WHERE ${kinds};`,
  postgres: `CREATE INDEX tlog_entry_log_record ON tlog_entry (kind, record_id, idx) WHERE ${kinds};`,
};
