/**
 * The transparency log (issue 7, docs/tlog.md): one row per entry, the complete tree nodes above the leaves, the
 * log head the single sequencer locks, signed checkpoints with their witnesses' cosignatures, registered witness
 * keys and the log's own signing key.
 *
 * - `tlog_entry`: the leaf bytes (`guarantor-entry/1`), their leaf hash (the level-0 node) and which record they
 *   log (`kind`, `record_id`): the mapping from a record to its index. Indexed by record (casework compares a
 *   record with its latest entry; the API finds an entry by record) and by `leaf_key`, the leaf hash's first six
 *   bytes as an integer (an inclusion proof by hash; an integer key costs a fraction of a 32-byte one per insert).
 * - `tlog_node`: complete nodes of levels >= 1, each written once (about one per entry).
 * - `tlog_head`: one row (size, root). Every append locks it first, so entries get gap-free indices in commit order
 *   whichever server or store writes them.
 * - `tlog_key`: the Ed25519 key the log signs with, created on first start, shared by every server of the database.
 */
import type { Migration } from './migration.js';

const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export const tlog: Migration = {
  id: '0003-tlog',
  sqlite: `
CREATE TABLE tlog_entry (
  idx INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  leaf BLOB NOT NULL,
  leaf_key INTEGER NOT NULL,
  entry BLOB NOT NULL
);
CREATE INDEX tlog_entry_record ON tlog_entry (kind, record_id);
CREATE INDEX tlog_entry_leaf ON tlog_entry (leaf_key);

CREATE TABLE tlog_node (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE tlog_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL,
  root BLOB NOT NULL
);
INSERT INTO tlog_head (id, size, root) VALUES (1, 0, x'${EMPTY_ROOT}');

CREATE TABLE tlog_checkpoint (
  size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  time INTEGER NOT NULL,
  note TEXT NOT NULL
);

CREATE TABLE tlog_cosignature (
  size INTEGER NOT NULL,
  witness TEXT NOT NULL,
  line TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (size, witness)
);

CREATE TABLE tlog_witness (
  name TEXT PRIMARY KEY,
  vkey TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE tlog_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  origin TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  vkey TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`,
  postgres: `
CREATE TABLE tlog_entry (
  idx BIGINT PRIMARY KEY,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  leaf BYTEA NOT NULL,
  leaf_key BIGINT NOT NULL,
  entry BYTEA NOT NULL
);
CREATE INDEX tlog_entry_record ON tlog_entry (kind, record_id, idx);
CREATE INDEX tlog_entry_leaf ON tlog_entry (leaf_key);

CREATE TABLE tlog_node (
  level SMALLINT NOT NULL,
  idx BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  PRIMARY KEY (level, idx)
);

CREATE TABLE tlog_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT NOT NULL,
  root BYTEA NOT NULL
);
INSERT INTO tlog_head (id, size, root) VALUES (1, 0, '\\x${EMPTY_ROOT}');

CREATE TABLE tlog_checkpoint (
  size BIGINT PRIMARY KEY,
  root BYTEA NOT NULL,
  time BIGINT NOT NULL,
  note TEXT NOT NULL
);

CREATE TABLE tlog_cosignature (
  size BIGINT NOT NULL,
  witness TEXT NOT NULL,
  line TEXT NOT NULL,
  time BIGINT NOT NULL,
  PRIMARY KEY (size, witness)
);

CREATE TABLE tlog_witness (
  name TEXT PRIMARY KEY,
  vkey TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE tlog_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  origin TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  vkey TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
`,
};
