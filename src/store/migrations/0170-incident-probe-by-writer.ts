/**
 * Issue 22, the writer's cost per batch: the space-time index of open incidents (0120) is kept by the ingest writer,
 * once per batch (src/store/sqlite/incident-probe-rows.ts), instead of by triggers on `incidents`. Each trigger
 * firing ran five statements per row (three NOT EXISTS for the codes, the box view's three code lookups, and the
 * view's `json_array_length` over the stored document), about 20 µs of the 28 µs an incident row cost the writer.
 * The writer now numbers a batch's new codes in one statement per table and inserts the boxes, computed from the
 * columns it already holds, by one multi-row INSERT. The box view stays: it defines the boxes, and a test checks the
 * writer's rows against it. Incidents are written by the ingest alone (never deleted), so nothing else needed the
 * triggers. PostgreSQL's GiST indexes are the database's own: nothing changes there.
 */
import type { Migration } from './migration.js';

export const incidentProbeByWriter: Migration = {
  id: '0170-incident-probe-by-writer',
  sqlite: `
DROP TRIGGER incident_rtree_insert;
DROP TRIGGER incident_rtree_update;
DROP TRIGGER incident_rtree_delete;
`,
  postgres: `
SELECT 1;
`,
};
