/**
 * The longest span (end - start) of any incident, by activity. An incident overlaps a probe's [from, to] only if it
 * ends by `to + longest span` (it starts by `to`), so the probe's range query on `incidents_open (activity, end_ms)`
 * gets an upper bound: a report about a time long past reads the incidents near that time, not every incident that
 * ended since. Kept in the ingest transaction (it only grows), so it holds across servers.
 */
import type { Migration } from './migration.js';

export const incidentSpans: Migration = {
  id: '0005-incident-spans',
  sqlite: `
CREATE TABLE incident_spans (
  activity TEXT PRIMARY KEY,
  max_span INTEGER NOT NULL
);
INSERT INTO incident_spans (activity, max_span) SELECT activity, max(end_ms - start_ms) FROM incidents GROUP BY activity;
`,
  postgres: `
CREATE TABLE incident_spans (
  activity TEXT PRIMARY KEY,
  max_span BIGINT NOT NULL
);
INSERT INTO incident_spans (activity, max_span) SELECT activity, max(end_ms - start_ms) FROM incidents GROUP BY activity;
`,
};
