/**
 * Issue 22, the trigger's window reads: `SELECT id, revision FROM violations WHERE status = 'active' AND prohibition
 * = ? AND party = ? AND time >= ? AND time < ?` ran on `violations_active (prohibition, party, time)`, then read each
 * match's row from the table for its id and revision: on an out-of-order feed those rows lie on random pages, which
 * the server connection reads again after every commit of the writer. With id and revision in the index the query is
 * answered from the index alone (`USING COVERING INDEX`). The index is rewritten on the same writes as before (the
 * upsert sets its key columns already); only its entries are wider (about twice the pages). Its other reader, a
 * list of active violations by prohibition and party, uses the new index's same prefix. PostgreSQL's window read
 * returns the documents, so an index holding id and revision would not spare it the table: nothing changes there.
 */
import type { Migration } from './migration.js';

export const violationReadsCovered: Migration = {
  id: '0190-violation-reads-covered',
  sqlite: `
CREATE INDEX violations_active_window ON violations (prohibition, party, time, id, revision) WHERE status = 'active';
DROP INDEX violations_active;
`,
  postgres: `
SELECT 1;
`,
};
