/**
 * Issue 22, case steps (docs/tlog.md, "Case steps"): one `case-step` entry per case transition carries the case
 * file's state, its new or changed tasks and the timers it set, where each was its own entry (about ten entries per
 * case a deadline decides). A record index for the kind, so "the latest step of this case" stays an index lookup (a
 * record's latest state is in its own latest entry or in a later step of its case); a separate partial index, so the
 * earlier ones are left as they were.
 */
import type { Migration } from './migration.js';

export const caseSteps: Migration = {
  id: '0140-case-steps',
  sqlite: `
CREATE INDEX tlog_entry_case_steps ON tlog_entry (kind, record_id) WHERE kind = 'case-step';
`,
  postgres: `
CREATE INDEX tlog_entry_case_steps ON tlog_entry (kind, record_id, idx) WHERE kind = 'case-step';
`,
};
