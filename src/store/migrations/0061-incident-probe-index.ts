/**
 * Open incidents indexed in space and time together (issue 22), so that a probe reads the incidents near its place
 * and time whatever the other incidents' intervals. The range on `incidents_open (activity, end_ms)` had to reach
 * `to + the longest span of the activity` (migration 0005, whose table this drops), so one report covering 300 days
 * widened every probe of its activity to 300 days for good, and reports arriving out of order each scanned days of
 * incidents.
 *
 * SQLite: an R*Tree over (lon, lat, time) of every open incident, kept by triggers on `incidents`, so every writer
 * keeps it without knowing. Region-level incidents sit at lon = -1000 and lat = minus their region's code
 * (`incident_regions`, numbered by the triggers), outside any real position, so a region probe reads its region's
 * incidents near its time. R*Tree coordinates are 32-bit floats rounded outward, so
 * the tree is a superset filter and the probe makes the exact test on the row's columns. Time is in days, so that
 * space (degrees) and time weigh alike in the tree's splits: in milliseconds the time axis dominated, nodes became
 * time slices across the whole front, and long intervals made every probe visit most of the tree (throughput fell
 * by two thirds within 100 s of issue 22's feed).
 * https://www.sqlite.org/rtree.html
 * PostgreSQL: a GiST index on a box over (longitude, time in days), float8; region-level incidents at longitude
 * -1000 minus 20 bits of their region's hash (the probe checks the region itself). https://www.postgresql.org/docs/current/gist-builtin-opclasses.html
 */
import type { Migration } from './migration.js';

export const incidentProbeIndex: Migration = {
  id: '0061-incident-probe-index',
  sqlite: `
CREATE TABLE incident_regions (
  code INTEGER PRIMARY KEY,
  region TEXT NOT NULL UNIQUE
);
INSERT OR IGNORE INTO incident_regions (region) SELECT DISTINCT region FROM incidents WHERE region IS NOT NULL ORDER BY region;
CREATE VIRTUAL TABLE incident_rtree USING rtree(seq, min_lon, max_lon, min_lat, max_lat, start_day, end_day);
INSERT INTO incident_rtree
  SELECT i.seq, coalesce(i.min_lon, -1000), coalesce(i.max_lon, -1000), coalesce(i.min_lat, -r.code, -1000),
    coalesce(i.max_lat, -r.code, -1000), i.start_ms / 86400000.0, i.end_ms / 86400000.0
  FROM incidents i LEFT JOIN incident_regions r ON r.region = i.region WHERE i.status = 'open';
CREATE TRIGGER incident_rtree_insert AFTER INSERT ON incidents WHEN new.status = 'open' BEGIN
  INSERT OR IGNORE INTO incident_regions (region) SELECT new.region WHERE new.region IS NOT NULL;
  INSERT INTO incident_rtree SELECT new.seq, coalesce(new.min_lon, -1000), coalesce(new.max_lon, -1000),
    coalesce(new.min_lat, -r.code, -1000), coalesce(new.max_lat, -r.code, -1000),
    new.start_ms / 86400000.0, new.end_ms / 86400000.0
    FROM (SELECT (SELECT code FROM incident_regions WHERE region = new.region) AS code) r;
END;
CREATE TRIGGER incident_rtree_update AFTER UPDATE OF status, start_ms, end_ms, min_lon, min_lat, max_lon, max_lat, region ON incidents BEGIN
  DELETE FROM incident_rtree WHERE seq = old.seq;
  INSERT OR IGNORE INTO incident_regions (region) SELECT new.region WHERE new.region IS NOT NULL AND new.status = 'open';
  INSERT INTO incident_rtree SELECT new.seq, coalesce(new.min_lon, -1000), coalesce(new.max_lon, -1000),
    coalesce(new.min_lat, -r.code, -1000), coalesce(new.max_lat, -r.code, -1000),
    new.start_ms / 86400000.0, new.end_ms / 86400000.0
    FROM (SELECT (SELECT code FROM incident_regions WHERE region = new.region) AS code) r WHERE new.status = 'open';
END;
CREATE TRIGGER incident_rtree_delete AFTER DELETE ON incidents BEGIN
  DELETE FROM incident_rtree WHERE seq = old.seq;
END;
DROP TABLE incident_spans;
`,
  postgres: `
CREATE INDEX incidents_probe ON incidents USING gist (
  box(
    point(coalesce(min_lon, -1000 - (hashtext(region) & 1048575)), start_ms / 86400000.0::float8),
    point(coalesce(max_lon, -1000 - (hashtext(region) & 1048575)), end_ms / 86400000.0::float8)
  )
) WHERE status = 'open';
DROP TABLE incident_spans;
`,
};
