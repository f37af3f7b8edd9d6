/**
 * Observation lists by source, alone or with an activity (issue 22): a list pages in `seq` order, and the only index
 * on `source` was the unique `(source, source_id)`, out of seq order. A source with many rows (a day of a radar's)
 * was read whole and sorted, about 150-450 ms on a million rows, and a source with an activity it never reports
 * (a patrol's mortar fire) walked every row of that activity, about 180 ms on SQLite and 530 ms on PostgreSQL
 * (bench/lists.ts). With `(source, seq)` and `(source, activity, seq)` each is a range of one index, in order.
 * PostgreSQL also learns which values go together (a patrol's reports are the ones with a region): taking source and
 * region as independent, it read all of a region's rows and sorted them (18-190 ms) where walking the region index
 * in order stops at the page (0.2 ms).
 */
import type { Migration } from './migration.js';

export const observationFilterIndexes: Migration = {
  id: '0130-observation-filter-indexes',
  sqlite: `
CREATE INDEX observations_source ON observations (source, seq);
CREATE INDEX observations_source_activity ON observations (source, activity, seq);
`,
  postgres: `
CREATE INDEX observations_source ON observations (source, seq);
CREATE INDEX observations_source_activity ON observations (source, activity, seq);
CREATE STATISTICS observations_filters (mcv) ON source, activity, region FROM observations;
`,
};
