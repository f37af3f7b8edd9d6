// Feed retention on both stores: events older than the retention go, except the newest (ids never reused) and
// those a webhook delivery still needs (pending or dead-lettered); `prunedThrough` tells resuming clients what they
// missed, and the hub sends them a `gap` event first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NewFeedEvent, PublicStore } from '../src/core/ports/public.js';
import type { Store } from '../src/core/ports/store.js';
import { FeedHub } from '../src/server/public/feed.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { publicStoreFor } from '../src/store/public-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';
import { Writable } from 'node:stream';
import type { ServerResponse } from 'node:http';

const DAY = 86_400_000;
const event = (at: number, kind: NewFeedEvent['kind'] = 'status'): NewFeedEvent => ({
  kind,
  audience: 'public',
  at,
  data: { at },
});

async function publish(ps: PublicStore, events: NewFeedEvent[]): Promise<number[]> {
  const { cursor } = await ps.projectionState();
  const seqs = await ps.commitProjection({ from: cursor, to: cursor + 1, events, areas: [], cap: [] });
  if (!seqs) throw new Error('projection refused');
  return seqs;
}

function recorder() {
  const frames: string[] = [];
  const res = new Writable({
    write(chunk: Buffer, _enc, cb) {
      frames.push(chunk.toString());
      cb();
    },
  });
  return { res: res as unknown as ServerResponse, frames };
}

function suite(name: string, open: () => Promise<Store | undefined>) {
  describe(`feed retention (${name})`, () => {
    it('prunes old events but the newest and those webhooks still need, and tells resuming clients', async () => {
      const store = await open();
      if (!store) return;
      try {
        const ps = publicStoreFor(store);
        await ps.createWebhook({
          id: 'wh1',
          url: 'http://127.0.0.1:9/hook',
          secret: 'whsec_x',
          kinds: ['case'],
          createdAt: 0,
          createdBy: 'admin',
        });
        // Ten old status events, one old case event (a delivery is due for it), then ten recent ones.
        const old = await publish(
          ps,
          Array.from({ length: 10 }, (_, i) => event(1 * DAY + i)),
        );
        const [needed] = await publish(ps, [event(2 * DAY, 'case')]);
        const recent = await publish(
          ps,
          Array.from({ length: 10 }, (_, i) => event(40 * DAY + i)),
        );
        expect(await ps.feedPrunedThrough()).toBe(0);

        expect(await ps.pruneFeed(30 * DAY)).toBe(10);
        const kept = (await ps.eventsAfter(0, 100)).map((e) => e.seq);
        expect(kept).toEqual([needed, ...recent]);
        expect(await ps.feedPrunedThrough()).toBe(old.at(-1));
        expect(await ps.pruneFeed(30 * DAY)).toBe(0);

        // Everything old, the newest excepted: ids are never reused, so the newest stays.
        expect(await ps.pruneFeed(100 * DAY)).toBe(9);
        expect((await ps.eventsAfter(0, 100)).map((e) => e.seq)).toEqual([needed, recent.at(-1)]);
        const [next] = await publish(ps, [event(101 * DAY)]);
        expect(next).toBe(recent.at(-1)! + 1);

        // A client resuming from before the pruned ids is told; one resuming after them is not.
        const hub = new FeedHub(ps, { ring: 1, heartbeat: 60_000, poll: 60_000 });
        await hub.start();
        const behind = recorder();
        await hub.attach(behind.res, new Set(['public']), old[2]);
        expect(behind.frames[0]).toBe(
          `event: gap\ndata: ${JSON.stringify({ after: old[2], prunedThrough: recent.at(-2) })}\n\n`,
        );
        const current = recorder();
        await hub.attach(current.res, new Set(['public']), recent.at(-1));
        expect(current.frames.some((f) => f.startsWith('event: gap'))).toBe(false);
        hub.stop();
      } finally {
        await store.close();
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'feed-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
suite('sqlite', async () => SqliteStore.open({ path: join(dir, 'a.db') }));

const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
});
suite('postgres', async () => {
  if (!(await postgresAvailable())) return undefined;
  const schema = freshSchema('feedret');
  schemas.push(schema);
  return PostgresStore.open({ url: pgUrl, schema });
});
