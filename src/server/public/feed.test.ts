// The feed's bounds, without sockets: a client whose stream never drains is disconnected once its buffer passes
// the limit, the others keep receiving; a resuming client gets exactly what it missed from the ring or the table.
import { Writable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { FeedEvent, PublicStore } from '../../core/ports/public.js';
import { FeedHub, sseFrame } from './feed.js';

/** A store holding `events` (the feed table); only what the hub reads. */
function table(events: FeedEvent[]): PublicStore {
  return {
    lastEventSeq: async () => events.at(-1)?.seq ?? 0,
    feedPrunedThrough: async () => 0,
    eventsAfter: async (seq: number, limit: number) => events.filter((e) => e.seq > seq).slice(0, limit),
  } as unknown as PublicStore;
}

/** A response that never drains (a client that stops reading), or one that records what it was sent. */
function response(reads: boolean) {
  const frames: string[] = [];
  const w = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, cb) {
      frames.push(chunk.toString());
      if (reads) cb();
    },
  });
  return { res: w as unknown as ServerResponse, frames, destroyed: () => w.destroyed };
}

const ev = (seq: number, audience: FeedEvent['audience'] = 'public'): FeedEvent => ({
  seq,
  kind: 'status',
  audience,
  at: seq,
  data: { code: `R${seq}`, pad: 'x'.repeat(200) },
});

describe('feed hub', () => {
  it('disconnects a client that does not read past its buffer, and keeps serving the others', async () => {
    const events: FeedEvent[] = [];
    const hub = new FeedHub(table(events), { maxBuffer: 4096, heartbeat: 60_000, poll: 60_000 });
    await hub.start();
    const stalled = response(false);
    const reader = response(true);
    await hub.attach(stalled.res, new Set(['public']), undefined);
    await hub.attach(reader.res, new Set(['public']), undefined);
    for (let i = 1; i <= 100; i++) events.push(ev(i));
    await hub.wake();
    expect(stalled.destroyed()).toBe(true);
    expect(hub.dropped).toBe(1);
    expect(hub.clients.size).toBe(1);
    expect(reader.frames).toHaveLength(100);
    expect(reader.frames[99]).toBe(sseFrame(events[99]!));
    hub.stop();
  });

  it('sends a client only its audiences, and a resuming one exactly what it missed (ring or table)', async () => {
    const events: FeedEvent[] = [];
    for (let i = 1; i <= 50; i++) events.push(ev(i, i % 3 === 0 ? 'findings' : 'public'));
    const hub = new FeedHub(table(events), { ring: 10, heartbeat: 60_000, poll: 60_000 });
    await hub.start();
    events.push(...[51, 52, 53].map((i) => ev(i)));
    await hub.wake(); // the ring now holds 51-53 only
    for (const after of [0, 20, 49, 50, 51, 53]) {
      const r = response(true);
      await hub.attach(r.res, new Set(['public']), after);
      const ids = r.frames.map((f) => Number(/^id: (\d+)/.exec(f)![1]));
      expect(ids).toEqual(events.filter((e) => e.seq > after && e.audience === 'public').map((e) => e.seq));
    }
    hub.stop();
  });
});
