/**
 * The background passes that need one server of a store, not each (docs/operations/scaling.md): the timer pass,
 * the projector, webhook claims and checkpoint signing. Each is safe on any number of servers (the store's locks
 * make it exactly once), but where one server owns the ingest (ingest-owner.ts) it runs them at full rate and the
 * others stand by: a pass there runs at most once per `standbyMs`, so an owner that stalls with its session open
 * delays them by at most that, and a server that takes ownership, or loses sight of the owner, is back at full rate
 * on its next tick. The two passes that cost most when run beside an owner, the projector (it re-reads the live
 * cases another server projected) and checkpoint signing, go further: on standby they act only when the projection
 * cursor, or the latest checkpoint, did not move since their previous look. A standby server's own requests still
 * catch up on what they read (casework.ts).
 */
import type { IngestRouting } from './ingest-forward.js';

/** How often a standby server still runs each shared pass (ms). */
export const standbyPassMs = 5_000;

/** Whether another server owns the store's ingest and is reachable: its passes cover this one's. */
export function standingBy(routing: IngestRouting | undefined): boolean {
  return routing?.router?.target() !== undefined;
}

/** A gate for one pass's ticks: open on every tick, or once per `standbyMs` while standing by. */
export function passGate(routing: IngestRouting | undefined, standbyMs = standbyPassMs): () => boolean {
  let last = -Infinity;
  return () => {
    const now = performance.now();
    if (standingBy(routing) && now - last < standbyMs) return false;
    last = now;
    return true;
  };
}
