/**
 * Observations, incidents (latest revision plus every revision), violations (same), breach cases and API keys.
 * Each table has an integer `seq` in insertion order: the stable sort key of list endpoints and their cursors.
 * Records are kept whole in `doc` (JSON); the columns beside it are the ones queries filter on. The current tables
 * (incidents, violations) hold each record's latest revision; `*_revisions` hold the superseded ones. PostgreSQL
 * keeps `doc` as TEXT, not JSONB: the server never queries inside it, and JSONB's conversion on every insert cost
 * a third of the ingest time (bench/ingest.ts).
 */
import type { Migration } from './migration.js';

export const operations: Migration = {
  id: '0001-operations',
  sqlite: `
CREATE TABLE observations (
  seq INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  source_id TEXT NOT NULL,
  activity TEXT NOT NULL,
  time INTEGER NOT NULL,
  region TEXT,
  received_at INTEGER NOT NULL,
  submitted_by TEXT NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (source, source_id)
);
CREATE INDEX observations_time ON observations (time);

CREATE TABLE incidents (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  revision INTEGER NOT NULL,
  status TEXT NOT NULL,
  activity TEXT NOT NULL,
  time INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL,
  region TEXT,
  doc TEXT NOT NULL
);
CREATE INDEX incidents_open ON incidents (activity, end_ms) WHERE status = 'open';
CREATE INDEX incidents_time ON incidents (time);

CREATE TABLE incident_revisions (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX incident_revisions_id ON incident_revisions (id, revision);

CREATE TABLE violations (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  revision INTEGER NOT NULL,
  status TEXT NOT NULL,
  prohibition TEXT NOT NULL,
  party TEXT NOT NULL,
  time INTEGER NOT NULL,
  region TEXT,
  zones TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX violations_active ON violations (prohibition, party, time) WHERE status = 'active';
CREATE INDEX violations_time ON violations (time);

CREATE TABLE violation_revisions (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX violation_revisions_id ON violation_revisions (id, revision);

CREATE TABLE cases (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  case_key TEXT NOT NULL UNIQUE,
  trigger_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  party TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX cases_opened ON cases (opened_at);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
`,
  postgres: `
CREATE TABLE observations (
  seq BIGSERIAL PRIMARY KEY,
  source TEXT NOT NULL,
  source_id TEXT NOT NULL,
  activity TEXT NOT NULL,
  time BIGINT NOT NULL,
  region TEXT,
  received_at BIGINT NOT NULL,
  submitted_by TEXT NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (source, source_id)
);
CREATE INDEX observations_time ON observations (time);

CREATE TABLE incidents (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  revision INTEGER NOT NULL,
  status TEXT NOT NULL,
  activity TEXT NOT NULL,
  time BIGINT NOT NULL,
  start_ms BIGINT NOT NULL,
  end_ms BIGINT NOT NULL,
  min_lon DOUBLE PRECISION, min_lat DOUBLE PRECISION, max_lon DOUBLE PRECISION, max_lat DOUBLE PRECISION,
  region TEXT,
  doc TEXT NOT NULL
);
CREATE INDEX incidents_open ON incidents (activity, end_ms) WHERE status = 'open';
CREATE INDEX incidents_time ON incidents (time);

CREATE TABLE incident_revisions (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX incident_revisions_id ON incident_revisions (id, revision);

CREATE TABLE violations (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  revision INTEGER NOT NULL,
  status TEXT NOT NULL,
  prohibition TEXT NOT NULL,
  party TEXT NOT NULL,
  time BIGINT NOT NULL,
  region TEXT,
  zones TEXT[] NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX violations_active ON violations (prohibition, party, time) WHERE status = 'active';
CREATE INDEX violations_time ON violations (time);

CREATE TABLE violation_revisions (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX violation_revisions_id ON violation_revisions (id, revision);

CREATE TABLE cases (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  case_key TEXT NOT NULL UNIQUE,
  trigger_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  party TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX cases_opened ON cases (opened_at);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
`,
};
