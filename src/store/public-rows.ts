/** Rows of the public face's tables (migration 0040) as the port's records, for both adapters. */
import type { Audience, Delivery, DeliveryStatus, EventKind, FeedEvent, WebhookRecord } from '../core/ports/public.js';
import type { CapMessage } from '../core/public/cap.js';

/** The transparency-log kinds that change the public face: violations and everything about a case. */
export const followedKinds = ['violation', 'case-event', 'vote', 'task-change', 'case-step'] as const;

export interface EventRow {
  seq: number | string;
  kind: string;
  audience: string;
  at: number | string;
  doc: string;
}

export const eventFrom = (r: EventRow): FeedEvent => ({
  seq: Number(r.seq),
  kind: r.kind as EventKind,
  audience: r.audience as Audience,
  at: Number(r.at),
  data: JSON.parse(r.doc) as Record<string, unknown>,
});

export interface WebhookRow {
  id: string;
  url: string;
  secret: string;
  kinds: string;
  created_at: number | string;
  created_by: string;
  removed_at: number | string | null;
}

export const webhookFrom = (r: WebhookRow): WebhookRecord => ({
  id: r.id,
  url: r.url,
  secret: r.secret,
  kinds: r.kinds.split(',').filter(Boolean) as EventKind[],
  createdAt: Number(r.created_at),
  createdBy: r.created_by,
  ...(r.removed_at === null ? {} : { removedAt: Number(r.removed_at) }),
});

export interface DeliveryRow {
  webhook: string;
  event: number | string;
  status: string;
  attempts: number;
  next_at: number | string;
  lease_until: number | string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | string | null;
}

export const deliveryFrom = (r: DeliveryRow): Delivery => ({
  webhook: r.webhook,
  event: Number(r.event),
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  nextAt: Number(r.next_at),
  ...(r.last_status === null ? {} : { lastStatus: Number(r.last_status) }),
  ...(r.last_error === null ? {} : { lastError: r.last_error }),
  ...(r.delivered_at === null ? {} : { deliveredAt: Number(r.delivered_at) }),
});

/** CAP message rows in chain order (by case, then `n`) as each case's chain. */
export function chainsOf(rows: readonly { case_id: string; doc: string }[]): Map<string, CapMessage[]> {
  const out = new Map<string, CapMessage[]>();
  for (const r of rows) {
    let chain = out.get(r.case_id);
    if (!chain) out.set(r.case_id, (chain = []));
    chain.push(JSON.parse(r.doc) as CapMessage);
  }
  return out;
}
