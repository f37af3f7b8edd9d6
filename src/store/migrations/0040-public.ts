/**
 * The public face (issue 19, docs/operations/public.md): the live feed's events (the outbox every server's SSE
 * clients and the webhooks read, in `seq` order), the projector's cursor into the transparency log, the published
 * state of each place and the whole status document, CAP message chains, crossing settings by their authorities,
 * and webhook subscriptions with one delivery row per (webhook, event): its attempts, next try, lease and fate.
 */
import type { Migration } from './migration.js';

const tables = (int: string, serial: string) => `
CREATE TABLE feed_events (
  seq ${serial} PRIMARY KEY,
  kind TEXT NOT NULL,
  audience TEXT NOT NULL,
  at ${int} NOT NULL,
  doc TEXT NOT NULL
);

CREATE TABLE feed_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  log_idx ${int} NOT NULL
);
INSERT INTO feed_cursor (id, log_idx) VALUES (1, -1);

CREATE TABLE public_areas (
  key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  since ${int} NOT NULL
);

CREATE TABLE public_status (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at ${int} NOT NULL,
  doc TEXT NOT NULL
);

CREATE TABLE cap_messages (
  identifier TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  sent ${int} NOT NULL,
  msg_type TEXT NOT NULL,
  doc TEXT NOT NULL,
  xml TEXT NOT NULL,
  UNIQUE (case_id, n)
);
CREATE INDEX cap_messages_sent ON cap_messages (sent);

CREATE TABLE crossing_settings (
  seq ${serial} PRIMARY KEY,
  crossing TEXT NOT NULL,
  state TEXT NOT NULL,
  at ${int} NOT NULL,
  by_actor TEXT NOT NULL,
  key_id TEXT NOT NULL,
  reason TEXT
);

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  kinds TEXT NOT NULL,
  created_at ${int} NOT NULL,
  created_by TEXT NOT NULL,
  removed_at ${int}
);

CREATE TABLE webhook_deliveries (
  webhook TEXT NOT NULL,
  event ${int} NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at ${int} NOT NULL,
  lease_until ${int},
  last_status INTEGER,
  last_error TEXT,
  delivered_at ${int},
  PRIMARY KEY (webhook, event)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE status = 'pending';
`;

export const publicFace: Migration = {
  id: '0040-public',
  sqlite: tables('INTEGER', 'INTEGER'),
  postgres: tables('BIGINT', 'BIGSERIAL'),
};
