/**
 * Observation lists by activity or region (issue 22): a list query pages in `seq` order with its filters, so a filter
 * that matches few rows, or none (an activity never reported, a region with no reports), read every row of a
 * million-row table to fill a page: about 300 ms (bench/lists.ts). With `(activity, seq)` and `(region, seq)` the page
 * is a range of one index, in order. Both grow at their right edge per value (seq only grows), so ingest pays little.
 */
import type { Migration } from './migration.js';

export const observationListIndexes: Migration = {
  id: '0063-observation-list-indexes',
  sqlite: `
CREATE INDEX observations_activity ON observations (activity, seq);
CREATE INDEX observations_region ON observations (region, seq) WHERE region IS NOT NULL;
`,
  postgres: `
CREATE INDEX observations_activity ON observations (activity, seq);
CREATE INDEX observations_region ON observations (region, seq) WHERE region IS NOT NULL;
`,
};
