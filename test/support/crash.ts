/**
 * The crash harness shared by the kill -9 tests: senders that post batches over real sockets and record which
 * were acknowledged, and the checks run on the database afterwards.
 */
import type { ObservationInput } from '../../src/core/ops/index.js';
import type { Store } from '../../src/core/ports/store.js';

export interface Ledger {
  batches: ObservationInput[][];
  /** Batch indexes answered 200. */
  acked: Set<number>;
  /** Batch indexes sent at least once. */
  attempted: Set<number>;
  /** Not acknowledged yet: to send (again). */
  pending: number[];
  /** Requests that failed because the server died under them (then queued again). */
  interrupted: number;
}

export function ledger(batches: ObservationInput[][]): Ledger {
  return { batches, acked: new Set(), attempted: new Set(), pending: batches.map((_, i) => i), interrupted: 0 };
}

/**
 * Posts pending batches to `url` until `stop()` is true or none are left; a failed one goes back on the queue.
 * Resolves to the number of batches this sender got acknowledged. `resend503`: a 503 (not stored, send again) goes
 * back on the queue too, as a client following Retry-After does; otherwise it fails the test.
 */
export async function sender(
  l: Ledger,
  url: () => string,
  key: string,
  stop: () => boolean,
  resend503 = false,
): Promise<number> {
  let acked = 0;
  while (!stop()) {
    const i = l.pending.shift();
    if (i === undefined) return acked;
    l.attempted.add(i);
    try {
      const r = await fetch(`${url()}/v1/observations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(l.batches[i]),
      });
      const body = (await r.json()) as { accepted?: number; duplicates?: number };
      if (r.status === 503 && resend503) {
        l.pending.push(i);
        l.interrupted++;
        continue;
      }
      if (r.status !== 200) throw new Error(`batch ${i}: ${r.status} ${JSON.stringify(body)}`);
      if ((body.accepted ?? 0) + (body.duplicates ?? 0) !== l.batches[i]!.length)
        throw new Error(`batch ${i}: bad counts ${JSON.stringify(body)}`);
      l.acked.add(i);
      acked++;
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('batch ')) throw e;
      // The server died under us: not acknowledged; resend later (the retry a real client makes).
      l.pending.push(i);
      l.interrupted++;
      return acked;
    }
  }
  return acked;
}

const key = (source: string, sourceId: string) => `${source}\u0000${sourceId}`;

export interface Audit {
  stored: number;
  lostAcked: number;
  halfBatches: number;
  /** Stored observations in no open incident, or in more than one. */
  unprocessed: number;
  doublyProcessed: number;
  duplicateCases: number;
  cases: number;
}

/** Reads everything back and counts what must be zero. */
export async function audit(store: Store, l: Ledger): Promise<Audit> {
  const stored = new Set<string>();
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await store.listObservations({ limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const o of page.items) stored.add(key(o.source, o.sourceId));
    cursor = page.next;
  }
  let lostAcked = 0;
  let halfBatches = 0;
  for (const i of l.attempted) {
    const b = l.batches[i]!;
    const present = b.filter((o) => stored.has(key(o.source, o.sourceId))).length;
    if (l.acked.has(i) && present !== b.length) lostAcked++;
    if (present !== 0 && present !== b.length) halfBatches++;
  }
  const inIncidents = new Map<string, number>();
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await store.listIncidents({ limit: 1000, status: 'open', ...(cursor ? { cursor } : {}) });
    for (const i of page.items)
      for (const m of i.members)
        inIncidents.set(key(m.source, m.sourceId), (inIncidents.get(key(m.source, m.sourceId)) ?? 0) + 1);
    cursor = page.next;
  }
  let unprocessed = 0;
  for (const k of stored) if (!inIncidents.has(k)) unprocessed++;
  let doublyProcessed = 0;
  for (const [k, n] of inIncidents) if (n > 1 || !stored.has(k)) doublyProcessed++;
  const caseKeys: string[] = [];
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await store.listCases({ limit: 1000, ...(cursor ? { cursor } : {}) });
    caseKeys.push(...page.items.map((c) => c.key));
    cursor = page.next;
  }
  return {
    stored: stored.size,
    lostAcked,
    halfBatches,
    unprocessed,
    doublyProcessed,
    duplicateCases: caseKeys.length - new Set(caseKeys).size,
    cases: caseKeys.length,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
