/**
 * Casework (issue 6): each breach case's judgment and response tasks as one JSON document, the durable timers that
 * drive them, the nonces of accepted signed votes (replay protection), and members' registered public keys.
 * A timer is fired by setting `fired_at` in the same transaction that writes its effect on the case file, so it
 * fires exactly once, after a restart and across servers.
 */
import type { Migration } from './migration.js';

export const casework: Migration = {
  id: '0002-casework',
  sqlite: `
CREATE TABLE case_files (
  case_id TEXT PRIMARY KEY,
  opened_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  deadline INTEGER,
  doc TEXT NOT NULL
);
CREATE INDEX case_files_status ON case_files (status, opened_at);

CREATE TABLE timers (
  key TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  rank INTEGER NOT NULL,
  step INTEGER NOT NULL,
  at INTEGER NOT NULL,
  task_id TEXT,
  fired_at INTEGER
);
CREATE INDEX timers_due ON timers (at, rank, step, key) WHERE fired_at IS NULL;

CREATE TABLE vote_nonces (
  nonce TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  member TEXT NOT NULL,
  digest TEXT NOT NULL,
  received_at INTEGER NOT NULL
);

CREATE TABLE member_keys (
  member TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  public_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  PRIMARY KEY (member, fingerprint)
);
`,
  postgres: `
CREATE TABLE case_files (
  case_id TEXT PRIMARY KEY,
  opened_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  deadline BIGINT,
  doc JSONB NOT NULL
);
CREATE INDEX case_files_status ON case_files (status, opened_at);

CREATE TABLE timers (
  key TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  rank INTEGER NOT NULL,
  step INTEGER NOT NULL,
  at BIGINT NOT NULL,
  task_id TEXT,
  fired_at BIGINT
);
CREATE INDEX timers_due ON timers (at, rank, step, key) WHERE fired_at IS NULL;

CREATE TABLE vote_nonces (
  nonce TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  member TEXT NOT NULL,
  digest TEXT NOT NULL,
  received_at BIGINT NOT NULL
);

CREATE TABLE member_keys (
  member TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  public_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  PRIMARY KEY (member, fingerprint)
);
`,
};
