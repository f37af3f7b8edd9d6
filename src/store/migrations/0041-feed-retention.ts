/**
 * Feed retention (docs/operations/public.md "Retention"): the live feed's events are pruned once older than the
 * retention period, unless an undelivered or dead-lettered webhook delivery still needs one. `pruned_through` is
 * the highest id ever pruned: a client resuming from an earlier id has missed events, and is told so.
 */
import type { Migration } from './migration.js';

const tables = (int: string) => `
CREATE TABLE feed_retention (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pruned_through ${int} NOT NULL
);
INSERT INTO feed_retention (id, pruned_through) VALUES (1, 0);
CREATE INDEX feed_events_at ON feed_events (at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event) WHERE status <> 'delivered';
`;

export const feedRetention: Migration = {
  id: '0041-feed-retention',
  sqlite: tables('INTEGER'),
  postgres: tables('BIGINT'),
};
