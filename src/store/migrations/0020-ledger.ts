/**
 * The sustainment ledger (issue 17): pledges, withdrawals and deliveries as append-only records (`seq` is commit
 * order; `id` the client's idempotency key), and decay alerts, one row per key so that no alert is raised twice.
 * `ref` is the pledge a delivery is against, a withdrawal withdraws or a revision supersedes.
 */
import type { Migration } from './migration.js';

export const ledger: Migration = {
  id: '0020-ledger',
  sqlite: `
CREATE TABLE ledger_records (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  by_actor TEXT NOT NULL,
  requirement TEXT NOT NULL,
  ref TEXT,
  recorded_at INTEGER NOT NULL,
  submitted_by TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX ledger_records_by ON ledger_records (by_actor, seq);
CREATE INDEX ledger_records_requirement ON ledger_records (requirement, seq);
CREATE INDEX ledger_records_ref ON ledger_records (ref, seq) WHERE ref IS NOT NULL;

CREATE TABLE ledger_alerts (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  requirement TEXT NOT NULL,
  guarantor TEXT,
  month TEXT NOT NULL,
  state TEXT NOT NULL,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX ledger_alerts_state ON ledger_alerts (state, month, key);
`,
  postgres: `
CREATE TABLE ledger_records (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  by_actor TEXT NOT NULL,
  requirement TEXT NOT NULL,
  ref TEXT,
  recorded_at BIGINT NOT NULL,
  submitted_by TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX ledger_records_by ON ledger_records (by_actor, seq);
CREATE INDEX ledger_records_requirement ON ledger_records (requirement, seq);
CREATE INDEX ledger_records_ref ON ledger_records (ref, seq) WHERE ref IS NOT NULL;

CREATE TABLE ledger_alerts (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  requirement TEXT NOT NULL,
  guarantor TEXT,
  month TEXT NOT NULL,
  state TEXT NOT NULL,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX ledger_alerts_state ON ledger_alerts (state, month, key);
`,
};
