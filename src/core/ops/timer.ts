import { itemAt } from '../item-at.js';
/**
 * Durable timers, the scheduling half: what falls due at time t, and in which order. Timers are data with a
 * deterministic key, so a store can keep them in a table with a unique key (scheduling twice is a no-op) and a
 * fired mark set in the same transaction as the timer's effect (firing twice is impossible). The in-memory
 * `TimerQueue` serves the pure scenario runs and the benchmark; the server keeps timers in the store.
 */

export type TimerKind = 'judgment-deadline' | 'task-due' | 'task-escalation';

export interface Timer {
  /** Unique: `judgment:<case>`, `due:<task>`, `escalation:<task>:<step>`. */
  key: string;
  kind: TimerKind;
  /** Epoch ms at which it falls due. */
  at: number;
  caseId: string;
  taskId?: string;
  /** Index in the package's escalation list, for `task-escalation`. */
  step?: number;
}

/** Among timers due at the same instant: the judgment first (it may create tasks), then due times, then escalations. */
const kindRank: Record<TimerKind, number> = { 'judgment-deadline': 0, 'task-due': 1, 'task-escalation': 2 };

/** The kind's place among timers due at one instant: stores order by (at, rank, step, key), as `compareTimers`. */
export const timerRank = (kind: TimerKind): number => kindRank[kind];

/** Firing order: time, then kind, then escalation step, then key; total, so every server fires in the same order. */
export function compareTimers(a: Timer, b: Timer): number {
  return (
    a.at - b.at ||
    kindRank[a.kind] - kindRank[b.kind] ||
    (a.step ?? 0) - (b.step ?? 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

export const judgmentTimer = (caseId: string, at: number): Timer => ({
  key: `judgment:${caseId}`,
  kind: 'judgment-deadline',
  at,
  caseId,
});
export const taskDueTimer = (caseId: string, taskId: string, at: number): Timer => ({
  key: `due:${taskId}`,
  kind: 'task-due',
  at,
  caseId,
  taskId,
});
export const escalationTimer = (caseId: string, taskId: string, step: number, at: number): Timer => ({
  key: `escalation:${taskId}:${step}`,
  kind: 'task-escalation',
  at,
  caseId,
  taskId,
  step,
});

/** The timers due at `now` (at <= now), in firing order. */
export function dueTimers(timers: Iterable<Timer>, now: number): Timer[] {
  const out: Timer[] = [];
  for (const t of timers) if (t.at <= now) out.push(t);
  return out.sort(compareTimers);
}

/**
 * A binary min-heap of timers in firing order, keyed for idempotent scheduling. `popDue(now)` costs O(k log n) for
 * k due timers, so a pass over thousands of running clocks where few fall due is cheap.
 */
export class TimerQueue {
  #heap: Timer[] = [];
  #keys = new Set<string>();

  get size(): number {
    return this.#heap.length;
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /** Adds a timer; false (and no change) when one with the same key is already scheduled. */
  add(t: Timer): boolean {
    if (this.#keys.has(t.key)) return false;
    this.#keys.add(t.key);
    // Sift up with a hole rather than swaps: no temporary arrays on the hot path.
    const h = this.#heap;
    let i = h.length;
    h.push(t);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = itemAt(h, p);
      if (compareTimers(t, parent) >= 0) break;
      h[i] = parent;
      i = p;
    }
    h[i] = t;
    return true;
  }

  peek(): Timer | undefined {
    return this.#heap[0];
  }

  /** The next timer if it is due at `now`, removed from the queue. */
  popIfDue(now: number): Timer | undefined {
    const h = this.#heap;
    const top = h[0];
    if (top === undefined || top.at > now) return undefined;
    const last = h.pop();
    if (last === undefined) return undefined;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && compareTimers(itemAt(h, r), itemAt(h, l)) < 0 ? r : l;
        if (compareTimers(itemAt(h, m), last) >= 0) break;
        h[i] = itemAt(h, m);
        i = m;
      }
      h[i] = last;
    }
    this.#keys.delete(top.key);
    return top;
  }

  /** Removes and returns every timer due at `now`, in firing order. */
  popDue(now: number): Timer[] {
    const out: Timer[] = [];
    for (let t = this.popIfDue(now); t; t = this.popIfDue(now)) out.push(t);
    return out;
  }

  /** Every scheduled timer, in firing order (a copy). */
  toArray(): Timer[] {
    return [...this.#heap].sort(compareTimers);
  }
}
