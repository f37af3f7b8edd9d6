/**
 * The public face on PostgreSQL, for several servers over one database (docs/operations/public.md "Several
 * servers"). The choice: an outbox table written under a lock, with NOTIFY as a wake-up. One server at a time
 * projects (a session advisory lock, tried and skipped when another server holds it); its commit also takes a
 * transaction advisory lock and checks the cursor, so events are numbered in commit order. Every server reads
 * `feed_events` after the last id it has; `NOTIFY` on the schema's channel, sent in the same transaction, wakes
 * them at once, and they also read every second, so a lost notification delays but never loses an event.
 * Webhook deliveries are leased row by row under a transaction lock, so each is sent by one server at a time.
 */
import type pg from 'pg';
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
import { transaction } from './transaction.js';
import { itemAt } from '../../core/item-at.js';

/** The NOTIFY channel of a schema's feed (channel names are identifiers: at most 63 bytes). */
export function feedChannel(schema: string): string {
  return `guarantor_feed_${schema}`.slice(0, 63).toLowerCase();
}

/** Rows per statement of a projection's commit; CAP messages, which carry their areas' outlines twice, fewer. */
const SLICE = 2000;
const CAP_SLICE = 250;

function* slices<T>(rows: readonly T[], n = SLICE): Generator<readonly T[]> {
  for (let i = 0; i < rows.length; i += n) yield rows.slice(i, i + n);
}

export class PostgresPublicStore implements PublicStore {
  readonly #pool: pg.Pool;
  readonly #schema: string;

  constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool;
    this.#schema = schema;
  }

  get channel(): string {
    return feedChannel(this.#schema);
  }

  #lock(purpose: string): string {
    return `guarantor.${purpose}.${this.#schema}`;
  }

  /** A pooled connection kept for LISTEN; reconnects after an error (the poll covers the gap). */
  async listen(wake: () => void): Promise<() => Promise<void>> {
    let client: pg.PoolClient | undefined;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const connect = async (): Promise<void> => {
      try {
        const c = await this.#pool.connect();
        c.on('notification', () => wake());
        c.on('error', () => {
          c.release(true);
          if (client === c) client = undefined;
          if (!stopped) retry = setTimeout(() => void connect(), 1000);
        });
        await c.query(`LISTEN ${this.channel}`);
        client = c;
        if (stopped) await stop();
        wake();
      } catch {
        if (!stopped) retry = setTimeout(() => void connect(), 1000);
      }
    };
    const stop = async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      if (c) {
        await c.query(`UNLISTEN ${this.channel}`).catch(() => undefined);
        c.release();
      }
    };
    await connect();
    return stop;
  }

  async withProjectionLock<T>(f: () => Promise<T>): Promise<T | undefined> {
    const c = await this.#pool.connect();
    // A session that failed (the server restarted, the connection dropped) is destroyed, not returned to the pool;
    // its lock went with it.
    let broken: Error | undefined;
    const onError = (e: Error) => (broken = e);
    c.on('error', onError);
    try {
      const got = (await c.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.#lock('project')]))
        .rows[0] as { ok: boolean };
      if (!got.ok) return undefined;
      try {
        return await f();
      } finally {
        await c
          .query('SELECT pg_advisory_unlock(hashtext($1))', [this.#lock('project')])
          .catch((e: Error) => (broken = e));
      }
    } catch (e) {
      broken ??= e as Error;
      throw e;
    } finally {
      c.off('error', onError);
      c.release(broken ?? false);
    }
  }

  async projectionState() {
    const cursor = Number(
      ((await this.#pool.query('SELECT log_idx FROM feed_cursor WHERE id = 1')).rows[0] as { log_idx: string }).log_idx,
    );
    const areas = new Map<string, { state: string; since: number }>();
    for (const r of (await this.#pool.query('SELECT key, state, since FROM public_areas')).rows as {
      key: string;
      state: string;
      since: string;
    }[])
      areas.set(r.key, { state: r.state, since: Number(r.since) });
    return { cursor, areas };
  }

  async logAfter(idx: number, limit: number): Promise<LogMark[]> {
    const rows = (
      await this.#pool.query(
        'SELECT idx, kind, record_id FROM tlog_entry WHERE idx > $1 AND kind = ANY($2) ORDER BY idx LIMIT $3',
        [idx, followedKinds, limit],
      )
    ).rows as {
      idx: string;
      kind: string;
      record_id: string;
    }[];
    return rows.map((r) => ({ idx: Number(r.idx), kind: r.kind, recordId: r.record_id }));
  }

  async violations(ids: readonly string[]): Promise<Map<string, Violation>> {
    if (!ids.length) return new Map();
    const rows = (await this.#pool.query('SELECT doc FROM violations WHERE id = ANY($1::text[])', [ids])).rows as {
      doc: string;
    }[];
    return new Map(rows.map((r) => JSON.parse(r.doc) as Violation).map((v) => [v.id, v]));
  }

  async activeViolationsSince(from: number): Promise<(StatusViolation & { id: string })[]> {
    const rows = (
      await this.#pool.query("SELECT id, region, zones, time FROM violations WHERE status = 'active' AND time >= $1", [
        from,
      ])
    ).rows as { id: string; region: string | null; zones: string[]; time: string }[];
    return rows.map((r) => ({ id: r.id, region: r.region ?? undefined, zones: r.zones, time: Number(r.time) }));
  }

  async openCapCases(): Promise<string[]> {
    const rows = (
      await this.#pool.query(
        "SELECT case_id FROM cap_messages GROUP BY case_id HAVING bool_and(msg_type <> 'Cancel') ORDER BY case_id",
      )
    ).rows as { case_id: string }[];
    return rows.map((r) => r.case_id);
  }

  async capChains(caseIds: readonly string[]): Promise<Map<string, CapMessage[]>> {
    if (!caseIds.length) return new Map();
    const rows = (
      await this.#pool.query(
        'SELECT case_id, doc FROM cap_messages WHERE case_id = ANY($1::text[]) ORDER BY case_id, n',
        [caseIds],
      )
    ).rows as { case_id: string; doc: string }[];
    return chainsOf(rows);
  }

  async commitProjection(c: ProjectionCommit): Promise<number[] | undefined> {
    return transaction(
      this.#pool,
      async (q) => {
        const moved =
          (await q.query('UPDATE feed_cursor SET log_idx = $1 WHERE id = 1 AND log_idx = $2', [c.to, c.from]))
            .rowCount === 0;
        if (moved) return undefined;
        // Rows go in slices, a statement each: the driver writes a statement's arrays out in one go, and a catch-up's
        // 40,000 events in one held the event loop for a quarter of a second. A session's sequence values increase,
        // so the slices' seqs follow each other in the events' order.
        const seqs: number[] = [];
        for (const events of slices(c.events)) {
          const r = await q.query(
            'INSERT INTO feed_events (kind, audience, at, doc) SELECT k, a, at, d FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS t(k, a, at, d, o) ORDER BY o RETURNING seq',
            [
              events.map((e) => e.kind),
              events.map((e) => e.audience),
              events.map((e) => e.at),
              events.map((e) => JSON.stringify(e.data)),
            ],
          );
          seqs.push(...(r.rows as { seq: string }[]).map((x) => Number(x.seq)).sort((a, b) => a - b));
        }
        for (const a of c.areas)
          await q.query(
            'INSERT INTO public_areas (key, state, since) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET state = excluded.state, since = excluded.since',
            [a.key, a.state, a.since],
          );
        if (c.status)
          await q.query(
            'INSERT INTO public_status (id, at, doc) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET at = excluded.at, doc = excluded.doc',
            [c.status.at, c.status.doc],
          );
        // A statement per slice of the pass's messages: a catch-up over thousands of cases was as many round trips.
        for (const cap of slices(c.cap, CAP_SLICE)) {
          const ms = cap.map((x) => x.message);
          await q.query(
            `INSERT INTO cap_messages (identifier, case_id, n, sent, msg_type, doc, xml)
             SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[])`,
            [
              ms.map((m) => m.identifier),
              ms.map((m) => m.caseId),
              ms.map((m) => m.references.length + 1),
              ms.map((m) => m.sent),
              ms.map((m) => m.msgType),
              ms.map((m) => JSON.stringify(m)),
              cap.map((x) => x.xml),
            ],
          );
        }
        const hooks = (
          (await q.query('SELECT id, kinds FROM webhooks WHERE removed_at IS NULL')).rows as {
            id: string;
            kinds: string;
          }[]
        ).map((h) => ({ id: h.id, kinds: h.kinds.split(',') }));
        const hookIds: string[] = [];
        const events: number[] = [];
        const ats: number[] = [];
        c.events.forEach((e, i) => {
          for (const h of hooks)
            if (h.kinds.includes(e.kind)) {
              hookIds.push(h.id);
              events.push(itemAt(seqs, i));
              ats.push(e.at);
            }
        });
        for (let i = 0; i < hookIds.length; i += SLICE) {
          await q.query(
            "INSERT INTO webhook_deliveries (webhook, event, status, attempts, next_at) SELECT w, e, 'pending', 0, n FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(w, e, n) ON CONFLICT DO NOTHING",
            [hookIds.slice(i, i + SLICE), events.slice(i, i + SLICE), ats.slice(i, i + SLICE)],
          );
        }
        if (seqs.length) await q.query('SELECT pg_notify($1, $2)', [this.channel, String(seqs.at(-1))]);
        return seqs;
      },
      `BEGIN; SELECT pg_advisory_xact_lock(hashtext('${this.#lock('feed')}'))`,
    );
  }

  async eventsAfter(seq: number, limit: number): Promise<FeedEvent[]> {
    return (
      (
        await this.#pool.query(
          'SELECT seq, kind, audience, at, doc FROM feed_events WHERE seq > $1 ORDER BY seq LIMIT $2',
          [seq, limit],
        )
      ).rows as EventRow[]
    ).map(eventFrom);
  }

  async lastEventSeq(): Promise<number> {
    return Number(
      ((await this.#pool.query('SELECT coalesce(max(seq), 0) AS s FROM feed_events')).rows[0] as { s: string }).s,
    );
  }

  async pruneFeed(before: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const r = await this.#pool.query(
        `WITH gone AS (
           DELETE FROM feed_events WHERE seq IN (
             SELECT seq FROM feed_events e WHERE at < $1 AND seq < (SELECT max(seq) FROM feed_events)
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event = e.seq AND d.status <> 'delivered')
             ORDER BY seq LIMIT 5000)
           RETURNING seq)
         UPDATE feed_retention SET pruned_through = greatest(pruned_through, (SELECT coalesce(max(seq), 0) FROM gone))
         WHERE id = 1 RETURNING (SELECT count(*) FROM gone) AS n`,
        [before],
      );
      const n = Number((r.rows[0] as { n: string } | undefined)?.n ?? 0);
      deleted += n;
      if (n < 5000) return deleted;
    }
  }

  async feedPrunedThrough(): Promise<number> {
    const r = (await this.#pool.query('SELECT pruned_through AS p FROM feed_retention WHERE id = 1')).rows[0] as
      { p: string } | undefined;
    return Number(r?.p ?? 0);
  }

  async publicStatus() {
    const r = (await this.#pool.query('SELECT at, doc FROM public_status WHERE id = 1')).rows[0] as
      { at: string; doc: string } | undefined;
    return r && { at: Number(r.at), doc: r.doc };
  }

  async currentCap(since: number, limit: number): Promise<StoredCap[]> {
    const rows = (
      await this.#pool.query(
        `SELECT m.doc, m.xml FROM cap_messages m JOIN (SELECT case_id, max(n) AS n FROM cap_messages GROUP BY case_id) l ON l.case_id = m.case_id AND l.n = m.n
         WHERE m.msg_type <> 'Cancel' OR m.sent >= $1 ORDER BY m.sent DESC, m.identifier LIMIT $2`,
        [since, limit],
      )
    ).rows as { doc: string; xml: string }[];
    return rows.map((r) => ({ message: JSON.parse(r.doc) as CapMessage, xml: r.xml }));
  }

  async getCap(identifier: string): Promise<StoredCap | undefined> {
    const r = (await this.#pool.query('SELECT doc, xml FROM cap_messages WHERE identifier = $1', [identifier]))
      .rows[0] as { doc: string; xml: string } | undefined;
    return r && { message: JSON.parse(r.doc) as CapMessage, xml: r.xml };
  }

  async addCrossingSetting(s: CrossingSetting & { keyId: string }): Promise<void> {
    await this.#pool.query(
      'INSERT INTO crossing_settings (crossing, state, at, by_actor, key_id, reason) VALUES ($1, $2, $3, $4, $5, $6)',
      [s.crossing, s.state, s.at, s.by, s.keyId, s.reason ?? null],
    );
  }

  async crossingSettings(): Promise<Map<string, CrossingSetting>> {
    const rows = (
      await this.#pool.query(
        'SELECT DISTINCT ON (crossing) crossing, state, at, by_actor, reason FROM crossing_settings ORDER BY crossing, seq DESC',
      )
    ).rows as {
      crossing: string;
      state: CrossingState;
      at: string;
      by_actor: string;
      reason: string | null;
    }[];
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
    await this.#pool.query(
      'INSERT INTO webhooks (id, url, secret, kinds, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
      [w.id, w.url, w.secret, w.kinds.join(','), w.createdAt, w.createdBy],
    );
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    return ((await this.#pool.query('SELECT * FROM webhooks ORDER BY created_at, id')).rows as WebhookRow[]).map(
      webhookFrom,
    );
  }

  async getWebhook(id: string): Promise<WebhookRecord | undefined> {
    const r = (await this.#pool.query('SELECT * FROM webhooks WHERE id = $1', [id])).rows[0] as WebhookRow | undefined;
    return r && webhookFrom(r);
  }

  async removeWebhook(id: string, at: number): Promise<boolean> {
    return transaction(this.#pool, async (q) => {
      const n =
        (await q.query('UPDATE webhooks SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL', [at, id]))
          .rowCount ?? 0;
      if (n) await q.query("DELETE FROM webhook_deliveries WHERE webhook = $1 AND status = 'pending'", [id]);
      return n > 0;
    });
  }

  async claimDeliveries(now: number, leaseUntil: number, limit: number, busy: readonly string[]) {
    return transaction(
      this.#pool,
      async (q) => {
        const rows = (
          await q.query(
            `SELECT d.webhook, min(d.event) AS event FROM webhook_deliveries d
             WHERE d.status = 'pending' AND d.next_at <= $1 AND (d.lease_until IS NULL OR d.lease_until <= $1) AND NOT (d.webhook = ANY($2))
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries b WHERE b.webhook = d.webhook AND b.status = 'pending' AND b.lease_until > $1)
             GROUP BY d.webhook ORDER BY min(d.next_at) LIMIT $3`,
            [now, busy, limit],
          )
        ).rows as { webhook: string; event: string }[];
        const out = [];
        for (const r of rows) {
          const d = (
            await q.query(
              'UPDATE webhook_deliveries SET lease_until = $1 WHERE webhook = $2 AND event = $3 RETURNING *',
              [leaseUntil, r.webhook, r.event],
            )
          ).rows[0] as DeliveryRow;
          const w = (await q.query('SELECT * FROM webhooks WHERE id = $1', [r.webhook])).rows[0] as WebhookRow;
          const e = (await q.query('SELECT seq, kind, audience, at, doc FROM feed_events WHERE seq = $1', [r.event]))
            .rows[0] as EventRow;
          out.push({ delivery: deliveryFrom(d), webhook: webhookFrom(w), event: eventFrom(e) });
        }
        return out;
      },
      `BEGIN; SELECT pg_advisory_xact_lock(hashtext('${this.#lock('webhooks')}'))`,
    );
  }

  async finishDelivery(webhook: string, event: number, o: DeliveryOutcome): Promise<void> {
    const status: DeliveryStatus = o.ok ? 'delivered' : o.dead ? 'dead' : 'pending';
    await this.#pool.query(
      "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, next_at = $2, lease_until = NULL, last_status = $3, last_error = $4, delivered_at = $5 WHERE webhook = $6 AND event = $7 AND status = 'pending'",
      [status, o.nextAt ?? o.at, o.status ?? null, o.error ?? null, o.ok ? o.at : null, webhook, event],
    );
  }

  async listDeliveries(webhook: string, status: DeliveryStatus | undefined, limit: number): Promise<Delivery[]> {
    const r = status
      ? await this.#pool.query(
          'SELECT * FROM webhook_deliveries WHERE webhook = $1 AND status = $2 ORDER BY event DESC LIMIT $3',
          [webhook, status, limit],
        )
      : await this.#pool.query('SELECT * FROM webhook_deliveries WHERE webhook = $1 ORDER BY event DESC LIMIT $2', [
          webhook,
          limit,
        ]);
    return (r.rows as DeliveryRow[]).map(deliveryFrom);
  }

  async retryDelivery(webhook: string, event: number, now: number): Promise<boolean> {
    const r = await this.#pool.query(
      "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_at = $1, lease_until = NULL WHERE webhook = $2 AND event = $3 AND status = 'dead'",
      [now, webhook, event],
    );
    return (r.rowCount ?? 0) > 0;
  }
}
