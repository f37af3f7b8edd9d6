/**
 * Issue 16, a record anyone can check (docs/tlog.md, "Sealed entries"; docs/operations/judgment.md):
 *
 * - `salt` on observations, incidents, violations (current and superseded revisions) and case openings: the random
 *   salt that seals each one's log entry (the log keeps a commitment; the record is served to those who may read
 *   it). Rows stored before keep NULL: their entries are in the clear, and withheld from the public by the server.
 * - A record index for the kinds logged since (API keys, member keys, timers), so "the latest entry of this record"
 *   stays an index lookup; a separate partial index, so the earlier one is left as it was.
 * - `tlog_backfill`: API keys, member keys and timers stored before their kind was logged. The server logs each
 *   once at its next start (`restoreTimers`), then empties the table: from then on the audit holds every row of
 *   those tables to its entry.
 */
import type { Migration } from './migration.js';

const kinds = ['api-key', 'member-key', 'timer'].map((k) => `kind = '${k}'`).join(' OR ');

const salts = ['observations', 'incidents', 'incident_revisions', 'violations', 'violation_revisions', 'cases']
  .map((t) => `ALTER TABLE ${t} ADD COLUMN salt TEXT;`)
  .join('\n');

const backfill = (concat: string) => `
CREATE TABLE tlog_backfill (
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  PRIMARY KEY (kind, record_id)
);
INSERT INTO tlog_backfill (kind, record_id) SELECT 'api-key', id FROM api_keys;
INSERT INTO tlog_backfill (kind, record_id) SELECT 'member-key', ${concat} FROM member_keys;
INSERT INTO tlog_backfill (kind, record_id) SELECT 'timer', key FROM timers;
`;

export const trustRecord: Migration = {
  id: '0015-trust-record',
  sqlite: `
${salts}
CREATE INDEX tlog_entry_record_keys ON tlog_entry (kind, record_id) WHERE ${kinds};
${backfill("member || '/' || fingerprint")}`,
  postgres: `
${salts}
CREATE INDEX tlog_entry_record_keys ON tlog_entry (kind, record_id, idx) WHERE ${kinds};
${backfill("member || '/' || fingerprint")}`,
};
