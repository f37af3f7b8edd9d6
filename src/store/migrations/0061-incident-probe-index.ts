/**
 * Open incidents indexed in space and time together (issue 22), so that a probe reads the incidents near its place
 * and time whatever the other incidents' intervals. The range on `incidents_open (activity, end_ms)` had to reach
 * `to + the longest span of the activity` (migration 0005, whose table this drops), so one report covering 300 days
 * widened every probe of its activity to 300 days for good, and reports arriving out of order each scanned days of
 * incidents.
 *
 * SQLite: an R*Tree over (lon, lat, time) of every open incident, kept by triggers on `incidents`, so every writer
 * keeps it without knowing. Region-level incidents sit at lon = lat = -1000 (outside any real position), indexed by
 * time only; the probe then checks the region on the row. R*Tree coordinates are 32-bit floats rounded outward, so
 * the tree is a superset filter and the probe makes the exact test on the row's columns.
 * https://www.sqlite.org/rtree.html
 * PostgreSQL: a GiST index on a box over (longitude, time), float8 so times are exact; region-level incidents at
 * longitude -1000. https://www.postgresql.org/docs/current/gist-builtin-opclasses.html
 */
import type { Migration } from './migration.js';

export const incidentProbeIndex: Migration = {
  id: '0061-incident-probe-index',
  sqlite: `
CREATE VIRTUAL TABLE incident_rtree USING rtree(seq, min_lon, max_lon, min_lat, max_lat, start_ms, end_ms);
INSERT INTO incident_rtree
  SELECT seq, coalesce(min_lon, -1000), coalesce(max_lon, -1000), coalesce(min_lat, -1000), coalesce(max_lat, -1000), start_ms, end_ms
  FROM incidents WHERE status = 'open';
CREATE TRIGGER incident_rtree_insert AFTER INSERT ON incidents WHEN new.status = 'open' BEGIN
  INSERT INTO incident_rtree VALUES (new.seq, coalesce(new.min_lon, -1000), coalesce(new.max_lon, -1000),
    coalesce(new.min_lat, -1000), coalesce(new.max_lat, -1000), new.start_ms, new.end_ms);
END;
CREATE TRIGGER incident_rtree_update AFTER UPDATE OF status, start_ms, end_ms, min_lon, min_lat, max_lon, max_lat ON incidents BEGIN
  DELETE FROM incident_rtree WHERE seq = old.seq;
  INSERT INTO incident_rtree SELECT new.seq, coalesce(new.min_lon, -1000), coalesce(new.max_lon, -1000),
    coalesce(new.min_lat, -1000), coalesce(new.max_lat, -1000), new.start_ms, new.end_ms WHERE new.status = 'open';
END;
CREATE TRIGGER incident_rtree_delete AFTER DELETE ON incidents BEGIN
  DELETE FROM incident_rtree WHERE seq = old.seq;
END;
DROP TABLE incident_spans;
`,
  postgres: `
CREATE INDEX incidents_probe ON incidents USING gist (
  box(point(coalesce(min_lon, -1000), start_ms::float8), point(coalesce(max_lon, -1000), end_ms::float8))
) WHERE status = 'open';
DROP TABLE incident_spans;
`,
};
