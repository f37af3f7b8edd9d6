/**
 * The public face on the embedded store (core/ports/public.ts): one server owns the file, so the projection lock is
 * this process's own; every write is one IMMEDIATE transaction on the operations store's connection.
 */
import type Database from 'better-sqlite3';
import type { CrossingSetting, StatusViolation } from '../../core/public/area-status.js';
import type { CapMessage } from '../../core/public/cap.js';
import type { Violation } from '../../core/ops/index.js';
import type { CrossingState } from '../../core/public/crossings.js';
import type {
  Delivery,
  DeliveryOutcome,
  DeliveryStatus,
  FeedEvent,
  LogMark,
  ProjectionCommit,
  PublicStore,
  StoredCap,
  WebhookRecord,
} from '../../core/ports/public.js';
import {
  chainsOf,
  deliveryFrom,
  eventFrom,
  followedKinds,
  webhookFrom,
  type DeliveryRow,
  type EventRow,
  type WebhookRow,
} from '../public-rows.js';
import { itemAt } from '../../core/item-at.js';

export type ProjectionOffload = (c: ProjectionCommit) => Promise<number[] | undefined>;

export class SqlitePublicStore implements PublicStore {
  readonly #db: Database.Database;
  readonly #offload: ProjectionOffload | undefined;
  #projecting: Promise<unknown> | undefined;

  /** `offload`: commits a projection elsewhere (the store's writer thread), else on this connection. */
  constructor(db: Database.Database, offload?: ProjectionOffload) {
    this.#db = db;
    this.#offload = offload;
  }

  async #tx<T>(f: () => T): Promise<T> {
    while (this.#db.inTransaction) await new Promise((r) => setImmediate(r));
    return this.#db.transaction(f).immediate();
  }

  async withProjectionLock<T>(f: () => Promise<T>): Promise<T | undefined> {
    if (this.#projecting) return undefined;
    const p = f();
    this.#projecting = p;
    try {
      return await p;
    } finally {
      this.#projecting = undefined;
    }
  }

  async projectionState() {
    const cursor = Number(
      (this.#db.prepare('SELECT log_idx FROM feed_cursor WHERE id = 1').get() as { log_idx: number }).log_idx,
    );
    const areas = new Map<string, { state: string; since: number }>();
    for (const r of this.#db.prepare('SELECT key, state, since FROM public_areas').all() as {
      key: string;
      state: string;
      since: number;
    }[])
      areas.set(r.key, { state: r.state, since: Number(r.since) });
    return { cursor, areas };
  }

  async logAfter(idx: number, limit: number): Promise<LogMark[]> {
    const rows = this.#db
      .prepare(
        `SELECT idx, kind, record_id FROM tlog_entry WHERE idx > ? AND kind IN (${followedKinds.map(() => '?').join(', ')}) ORDER BY idx LIMIT ?`,
      )
      .all(idx, ...followedKinds, limit) as { idx: number; kind: string; record_id: string }[];
    return rows.map((r) => ({ idx: Number(r.idx), kind: r.kind, recordId: r.record_id }));
  }

  async logSize(): Promise<number> {
    const r = this.#db.prepare('SELECT size FROM tlog_head WHERE id = 1').get() as { size: number } | undefined;
    return Number(r?.size ?? 0);
  }

  async violations(ids: readonly string[]): Promise<Map<string, Violation>> {
    if (!ids.length) return new Map();
    const rows = this.#db
      .prepare('SELECT doc FROM violations WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as { doc: string }[];
    return new Map(rows.map((r) => JSON.parse(r.doc) as Violation).map((v) => [v.id, v]));
  }

  async activeViolationsSince(from: number): Promise<(StatusViolation & { id: string })[]> {
    const rows = this.#db
      .prepare("SELECT id, region, zones, time FROM violations WHERE status = 'active' AND time >= ?")
      .all(from) as { id: string; region: string | null; zones: string; time: number }[];
    return rows.map((r) => ({
      id: r.id,
      region: r.region ?? undefined,
      zones: r.zones.split(',').filter(Boolean),
      time: Number(r.time),
    }));
  }

  async openCapCases(): Promise<string[]> {
    const rows = this.#db
      .prepare(
        "SELECT case_id FROM cap_messages GROUP BY case_id HAVING sum(CASE WHEN msg_type = 'Cancel' THEN 1 ELSE 0 END) = 0 ORDER BY case_id",
      )
      .all() as { case_id: string }[];
    return rows.map((r) => r.case_id);
  }

  async capChains(caseIds: readonly string[]): Promise<Map<string, CapMessage[]>> {
    if (!caseIds.length) return new Map();
    const rows = this.#db
      .prepare(
        'SELECT case_id, doc FROM cap_messages WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY case_id, n',
      )
      .all(JSON.stringify(caseIds)) as { case_id: string; doc: string }[];
    return chainsOf(rows);
  }

  async commitProjection(c: ProjectionCommit): Promise<number[] | undefined> {
    // On the writer thread when there is one: its connection waits for the write lock and the fsync, not this thread.
    if (this.#offload) return this.#offload(c);
    return this.#tx(() => applyProjection(this.#db, c));
  }

  async eventsAfter(seq: number, limit: number): Promise<FeedEvent[]> {
    return (
      this.#db
        .prepare('SELECT seq, kind, audience, at, doc FROM feed_events WHERE seq > ? ORDER BY seq LIMIT ?')
        .all(seq, limit) as EventRow[]
    ).map(eventFrom);
  }

  async lastEventSeq(): Promise<number> {
    return Number((this.#db.prepare('SELECT coalesce(max(seq), 0) AS s FROM feed_events').get() as { s: number }).s);
  }

  async pruneFeed(before: number): Promise<number> {
    let deleted = 0;
    // In slices, so a large first prune never holds the database for long.
    for (;;) {
      const n = await this.#tx(() => {
        const rows = this.#db
          .prepare(
            `SELECT seq FROM feed_events e WHERE at < ? AND seq < (SELECT max(seq) FROM feed_events)
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event = e.seq AND d.status <> 'delivered')
             ORDER BY seq LIMIT 5000`,
          )
          .all(before) as { seq: number }[];
        if (!rows.length) return 0;
        const last = Number(rows[rows.length - 1]?.seq);
        this.#db
          .prepare(`DELETE FROM feed_events WHERE seq IN (SELECT value FROM json_each(?))`)
          .run(JSON.stringify(rows.map((r) => r.seq)));
        this.#db.prepare('UPDATE feed_retention SET pruned_through = max(pruned_through, ?) WHERE id = 1').run(last);
        return rows.length;
      });
      deleted += n;
      if (n < 5000) return deleted;
    }
  }

  async feedPrunedThrough(): Promise<number> {
    const r = this.#db.prepare('SELECT pruned_through AS p FROM feed_retention WHERE id = 1').get() as
      { p: number } | undefined;
    return Number(r?.p ?? 0);
  }

  async publicStatus() {
    const r = this.#db.prepare('SELECT at, doc FROM public_status WHERE id = 1').get() as
      { at: number; doc: string } | undefined;
    return r && { at: Number(r.at), doc: r.doc };
  }

  async currentCap(since: number, limit: number): Promise<StoredCap[]> {
    const rows = this.#db
      .prepare(
        `SELECT m.doc, m.xml FROM cap_messages m JOIN (SELECT case_id, max(n) AS n FROM cap_messages GROUP BY case_id) l ON l.case_id = m.case_id AND l.n = m.n
         WHERE m.msg_type <> 'Cancel' OR m.sent >= ? ORDER BY m.sent DESC, m.identifier LIMIT ?`,
      )
      .all(since, limit) as { doc: string; xml: string }[];
    return rows.map((r) => ({ message: JSON.parse(r.doc) as CapMessage, xml: r.xml }));
  }

  async getCap(identifier: string): Promise<StoredCap | undefined> {
    const r = this.#db.prepare('SELECT doc, xml FROM cap_messages WHERE identifier = ?').get(identifier) as
      { doc: string; xml: string } | undefined;
    return r && { message: JSON.parse(r.doc) as CapMessage, xml: r.xml };
  }

  async addCrossingSetting(s: CrossingSetting & { keyId: string }): Promise<void> {
    await this.#tx(() =>
      this.#db
        .prepare(
          'INSERT INTO crossing_settings (crossing, state, at, by_actor, key_id, reason) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(s.crossing, s.state, s.at, s.by, s.keyId, s.reason ?? null),
    );
  }

  async crossingSettings(): Promise<Map<string, CrossingSetting>> {
    const rows = this.#db
      .prepare(
        'SELECT s.crossing, s.state, s.at, s.by_actor, s.reason FROM crossing_settings s JOIN (SELECT crossing, max(seq) AS seq FROM crossing_settings GROUP BY crossing) l ON l.seq = s.seq',
      )
      .all() as { crossing: string; state: CrossingState; at: number; by_actor: string; reason: string | null }[];
    return new Map(
      rows.map((r) => [
        r.crossing,
        {
          crossing: r.crossing,
          state: r.state,
          at: Number(r.at),
          by: r.by_actor,
          ...(r.reason === null ? {} : { reason: r.reason }),
        },
      ]),
    );
  }

  async createWebhook(w: WebhookRecord): Promise<void> {
    await this.#tx(() =>
      this.#db
        .prepare('INSERT INTO webhooks (id, url, secret, kinds, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
        .run(w.id, w.url, w.secret, w.kinds.join(','), w.createdAt, w.createdBy),
    );
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    return (this.#db.prepare('SELECT * FROM webhooks ORDER BY created_at, id').all() as WebhookRow[]).map(webhookFrom);
  }

  async getWebhook(id: string): Promise<WebhookRecord | undefined> {
    const r = this.#db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as WebhookRow | undefined;
    return r && webhookFrom(r);
  }

  async removeWebhook(id: string, at: number): Promise<boolean> {
    return this.#tx(() => {
      const n = this.#db
        .prepare('UPDATE webhooks SET removed_at = ? WHERE id = ? AND removed_at IS NULL')
        .run(at, id).changes;
      if (n) this.#db.prepare("DELETE FROM webhook_deliveries WHERE webhook = ? AND status = 'pending'").run(id);
      return n > 0;
    });
  }

  async claimDeliveries(now: number, leaseUntil: number, limit: number, busy: readonly string[]) {
    // Nothing due: no write lock taken (on a busy store this thread would sleep until the writer thread let go of it).
    const due = this.#db
      .prepare("SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_at <= ? LIMIT 1")
      .get(now);
    if (due === undefined) return [];
    return this.#tx(() => {
      const rows = this.#db
        .prepare(
          `SELECT d.webhook, min(d.event) AS event FROM webhook_deliveries d
           WHERE d.status = 'pending' AND d.next_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries b WHERE b.webhook = d.webhook AND b.status = 'pending' AND b.lease_until > ?)
           GROUP BY d.webhook ORDER BY min(d.next_at) LIMIT ?`,
        )
        .all(now, now, now, limit + busy.length) as { webhook: string; event: number }[];
      const out = [];
      for (const r of rows) {
        if (busy.includes(r.webhook) || out.length >= limit) continue;
        this.#db
          .prepare('UPDATE webhook_deliveries SET lease_until = ? WHERE webhook = ? AND event = ?')
          .run(leaseUntil, r.webhook, r.event);
        const d = this.#db
          .prepare('SELECT * FROM webhook_deliveries WHERE webhook = ? AND event = ?')
          .get(r.webhook, r.event) as DeliveryRow;
        const w = this.#db.prepare('SELECT * FROM webhooks WHERE id = ?').get(r.webhook) as WebhookRow;
        const e = this.#db
          .prepare('SELECT seq, kind, audience, at, doc FROM feed_events WHERE seq = ?')
          .get(r.event) as EventRow;
        out.push({ delivery: deliveryFrom(d), webhook: webhookFrom(w), event: eventFrom(e) });
      }
      return out;
    });
  }

  async finishDelivery(webhook: string, event: number, o: DeliveryOutcome): Promise<void> {
    await this.#tx(() => {
      const status: DeliveryStatus = o.ok ? 'delivered' : o.dead ? 'dead' : 'pending';
      this.#db
        .prepare(
          'UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_at = ?, lease_until = NULL, last_status = ?, last_error = ?, delivered_at = ? WHERE webhook = ? AND event = ? AND status = ?',
        )
        .run(
          status,
          o.nextAt ?? o.at,
          o.status ?? null,
          o.error ?? null,
          o.ok ? o.at : null,
          webhook,
          event,
          'pending',
        );
    });
  }

  async listDeliveries(webhook: string, status: DeliveryStatus | undefined, limit: number): Promise<Delivery[]> {
    const rows = status
      ? this.#db
          .prepare('SELECT * FROM webhook_deliveries WHERE webhook = ? AND status = ? ORDER BY event DESC LIMIT ?')
          .all(webhook, status, limit)
      : this.#db
          .prepare('SELECT * FROM webhook_deliveries WHERE webhook = ? ORDER BY event DESC LIMIT ?')
          .all(webhook, limit);
    return (rows as DeliveryRow[]).map(deliveryFrom);
  }

  async retryDelivery(webhook: string, event: number, now: number): Promise<boolean> {
    return this.#tx(
      () =>
        this.#db
          .prepare(
            "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_at = ?, lease_until = NULL WHERE webhook = ? AND event = ? AND status = 'dead'",
          )
          .run(now, webhook, event).changes > 0,
    );
  }
}

/**
 * A projection pass's writes, inside a transaction the caller holds (IMMEDIATE): the cursor checked and moved, the
 * events, places, status and CAP messages, and each new event's webhook deliveries. Shared by the server's
 * connection and the writer thread's (ingest-writer.ts), which is where `guarantor serve` commits it.
 */
export function applyProjection(db: Database.Database, c: ProjectionCommit): number[] | undefined {
  const moved =
    db.prepare('UPDATE feed_cursor SET log_idx = ? WHERE id = 1 AND log_idx = ?').run(c.to, c.from).changes === 0;
  if (moved) return undefined;
  const insert = db.prepare('INSERT INTO feed_events (kind, audience, at, doc) VALUES (?, ?, ?, ?)');
  const seqs = c.events.map((e) =>
    Number(insert.run(e.kind, e.audience, e.at, JSON.stringify(e.data)).lastInsertRowid),
  );
  const area = db.prepare(
    'INSERT INTO public_areas (key, state, since) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, since = excluded.since',
  );
  for (const a of c.areas) area.run(a.key, a.state, a.since);
  if (c.status)
    db.prepare(
      'INSERT INTO public_status (id, at, doc) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at, doc = excluded.doc',
    ).run(c.status.at, c.status.doc);
  const cap = db.prepare(
    'INSERT INTO cap_messages (identifier, case_id, n, sent, msg_type, doc, xml) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const { message: m, xml } of c.cap)
    cap.run(m.identifier, m.caseId, m.references.length + 1, m.sent, m.msgType, JSON.stringify(m), xml);
  // Each new event goes to every live webhook subscribed to its kind, in the same transaction: none is missed.
  const hooks = (
    db.prepare('SELECT id, kinds FROM webhooks WHERE removed_at IS NULL').all() as {
      id: string;
      kinds: string;
    }[]
  ).map((h) => ({ id: h.id, kinds: h.kinds.split(',') }));
  if (hooks.length) {
    const due = db.prepare(
      "INSERT INTO webhook_deliveries (webhook, event, status, attempts, next_at) VALUES (?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING",
    );
    c.events.forEach((e, i) => {
      for (const h of hooks) if (h.kinds.includes(e.kind)) due.run(h.id, itemAt(seqs, i), e.at);
    });
  }
  return seqs;
}
