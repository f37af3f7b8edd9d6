/**
 * The space-time index of open incidents (0061), rebuilt so that a late probe costs about what an in-order one does
 * (issue 22), whatever the other incidents' intervals and the age spread of the data:
 *
 * - **Long intervals kept apart.** An incident whose interval spans more than a day is filed in a tier of its own,
 *   with time in units of 64 days; the others in days. Mixed in one tree, the 5% of reports covering days to months
 *   stretched nearly every node across the whole time axis, so each probe visited most of the tree (measured on
 *   issue 22's feed, 84,541 incidents: 182 µs a probe; tiered, 8-11 µs in the short tier and 3-4 µs in the long one).
 * - **One activity per lane.** A probe reads only its activity's incidents: the activity's code shifts latitude by
 *   200 degrees per code, so activities never share a node (a 4th dimension for it made the tree's splits worse).
 * - **Region incidents by lane of sole source.** A region-level incident sits at its region's code, outside any
 *   real position, and in a lane for its sole member's source (lane 0 when it has several, or a source coded past
 *   1,023). A report never joins an incident of its own source (fusion.ts `cohere`), so a region probe that names its
 *   source skips that lane: a patrol's daily reports of a region otherwise all answer every later patrol report of
 *   that region, a number that grows with the data, not with the fusion window.
 *
 * Coordinates (R*Tree: 32-bit floats rounded outward, a superset the probe trims with the exact test):
 *   point:  x = lon + 400 * tier,           y = lat + 200 * activity code
 *   region: x = -1000 - region code,        y = -1024 * (2 * activity code + tier) - lane
 *   time:   [start, end] / (1 day, or 64 days in the long tier)
 * Codes are numbered by the triggers (`incident_activities`, `incident_regions` from 0061, `incident_sources`) and
 * never change. https://www.sqlite.org/rtree.html
 *
 * PostgreSQL: two partial GiST indexes on a box over (x, time), one per tier, with the activity in x (10 bits of its
 * hash), region incidents at 20 bits of their region's hash; the sole-source lane is left to the probe's exact test.
 */
import type { Migration } from './migration.js';

/** Spans longer than this go to the long tier (ms). */
export const LONG_SPAN_MS = 86_400_000;
/** Time units of the tiers (ms). */
export const SHORT_UNIT_MS = 86_400_000;
export const LONG_UNIT_MS = 64 * 86_400_000;
/** Source codes past this share lane 0, which no probe skips. */
export const MAX_LANE = 1023;

/**
 * PostgreSQL: the box of an incident in a tier, on columns prefixed by `p` ('' or 'i.'): the indexes' expression,
 * which a probe repeats to use them.
 */
export function pgIncidentBox(p: string, unitMs: number): string {
  const x = (lon: string) =>
    `coalesce(${p}${lon} + 1000 * (1 + (hashtext(${p}activity) & 1023)), ` +
    `-1000 - 1048576 * (hashtext(${p}activity) & 1023) - (hashtext(${p}region) & 1048575))`;
  return `box(point(${x('min_lon')}, ${p}start_ms / ${unitMs}.0::float8), point(${x('max_lon')}, ${p}end_ms / ${unitMs}.0::float8))`;
}

/** PostgreSQL: the tiers' partial-index predicates, columns prefixed by `p`. */
export const pgShortTier = (p: string) => `${p}end_ms - ${p}start_ms <= ${LONG_SPAN_MS}`;
export const pgLongTier = (p: string) => `${p}end_ms - ${p}start_ms > ${LONG_SPAN_MS}`;

/**
 * A trigger's statements numbering what the row needs. NOT EXISTS, not INSERT OR IGNORE: a trigger's conflict
 * clause gives way to the firing statement's, and the ingest's upsert would turn an ignored duplicate into an error.
 */
const codesOf = (row: string, when: string) => `
  INSERT INTO incident_activities (activity) SELECT ${row}.activity
    WHERE ${when} AND NOT EXISTS (SELECT 1 FROM incident_activities WHERE activity = ${row}.activity);
  INSERT INTO incident_regions (region) SELECT ${row}.region
    WHERE ${when} AND ${row}.region IS NOT NULL AND NOT EXISTS (SELECT 1 FROM incident_regions WHERE region = ${row}.region);
  INSERT INTO incident_sources (source) SELECT s.source FROM (SELECT ${row}.doc ->> '$.members[0].source' AS source
    WHERE ${when} AND ${row}.region IS NOT NULL AND json_array_length(${row}.doc, '$.members') = 1) s
    WHERE NOT EXISTS (SELECT 1 FROM incident_sources x WHERE x.source = s.source);`;

export const incidentProbeTiers: Migration = {
  id: '0120-incident-probe-tiers',
  sqlite: `
DROP TRIGGER incident_rtree_insert;
DROP TRIGGER incident_rtree_update;
DROP TRIGGER incident_rtree_delete;
DROP TABLE incident_rtree;
CREATE TABLE incident_activities (
  code INTEGER PRIMARY KEY,
  activity TEXT NOT NULL UNIQUE
);
CREATE TABLE incident_sources (
  code INTEGER PRIMARY KEY,
  source TEXT NOT NULL UNIQUE
);
INSERT OR IGNORE INTO incident_activities (activity) SELECT DISTINCT activity FROM incidents WHERE status = 'open' ORDER BY activity;
INSERT OR IGNORE INTO incident_regions (region)
  SELECT DISTINCT region FROM incidents WHERE status = 'open' AND region IS NOT NULL ORDER BY region;
INSERT OR IGNORE INTO incident_sources (source)
  SELECT DISTINCT doc ->> '$.members[0].source' FROM incidents
  WHERE status = 'open' AND region IS NOT NULL AND json_array_length(doc, '$.members') = 1 ORDER BY 1;
CREATE VIEW incident_probe_boxes AS
SELECT b.seq,
  CASE WHEN b.region IS NULL THEN b.min_lon + 400 * b.tier ELSE -1000 - b.region_code END AS min_x,
  CASE WHEN b.region IS NULL THEN b.max_lon + 400 * b.tier ELSE -1000 - b.region_code END AS max_x,
  CASE WHEN b.region IS NULL THEN b.min_lat + 200 * b.activity_code
    ELSE -1024 * (2 * b.activity_code + b.tier) - b.lane END AS min_y,
  CASE WHEN b.region IS NULL THEN b.max_lat + 200 * b.activity_code
    ELSE -1024 * (2 * b.activity_code + b.tier) - b.lane END AS max_y,
  b.start_ms / b.unit AS start_t,
  b.end_ms / b.unit AS end_t
FROM (
  SELECT i.seq, i.region, i.min_lon, i.min_lat, i.max_lon, i.max_lat, i.start_ms, i.end_ms,
    i.end_ms - i.start_ms > ${LONG_SPAN_MS} AS tier,
    CASE WHEN i.end_ms - i.start_ms > ${LONG_SPAN_MS} THEN ${LONG_UNIT_MS}.0 ELSE ${SHORT_UNIT_MS}.0 END AS unit,
    (SELECT code FROM incident_activities WHERE activity = i.activity) AS activity_code,
    (SELECT code FROM incident_regions WHERE region = i.region) AS region_code,
    CASE WHEN i.region IS NOT NULL AND json_array_length(i.doc, '$.members') = 1 THEN coalesce(
      (SELECT code FROM incident_sources WHERE source = i.doc ->> '$.members[0].source' AND code <= ${MAX_LANE}), 0)
      ELSE 0 END AS lane
  FROM incidents i WHERE i.status = 'open'
) b;
CREATE VIRTUAL TABLE incident_rtree USING rtree(seq, min_x, max_x, min_y, max_y, start_t, end_t);
INSERT INTO incident_rtree SELECT * FROM incident_probe_boxes;
CREATE TRIGGER incident_rtree_insert AFTER INSERT ON incidents WHEN new.status = 'open' BEGIN${codesOf('new', '1')}
  INSERT INTO incident_rtree SELECT * FROM incident_probe_boxes WHERE seq = new.seq;
END;
CREATE TRIGGER incident_rtree_update AFTER UPDATE OF status, start_ms, end_ms, min_lon, min_lat, max_lon, max_lat, region, doc ON incidents BEGIN
  DELETE FROM incident_rtree WHERE seq = old.seq;${codesOf('new', "new.status = 'open'")}
  INSERT INTO incident_rtree SELECT * FROM incident_probe_boxes WHERE seq = new.seq;
END;
CREATE TRIGGER incident_rtree_delete AFTER DELETE ON incidents BEGIN
  DELETE FROM incident_rtree WHERE seq = old.seq;
END;
`,
  postgres: `
DROP INDEX incidents_probe;
CREATE INDEX incidents_probe_short ON incidents USING gist (${pgIncidentBox('', SHORT_UNIT_MS)})
  WHERE status = 'open' AND ${pgShortTier('')};
CREATE INDEX incidents_probe_long ON incidents USING gist (${pgIncidentBox('', LONG_UNIT_MS)})
  WHERE status = 'open' AND ${pgLongTier('')};
`,
};
