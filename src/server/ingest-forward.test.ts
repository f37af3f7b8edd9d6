/**
 * Relaying a batch to the ingest owner (ingest-forward.ts): the owner answers it as the same batch sent to it; a
 * relayed batch with another store's or package's token is refused and stores nothing; a batch the owner does not
 * answer, or refuses as not from a peer, is processed where it arrived.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { testServer } from '../../test/support/app.js';
import { traffic } from '../../test/support/observations.js';
import { forwardTarget, peerHeader, peerKeyFor, peerToken, type IngestRouting } from './ingest-forward.js';
import { generateKey } from './api-keys.js';

const logKey = generateKeyPairSync('ed25519').privateKey;
const peerKey = peerKeyFor(logKey, 'package text', { maxFuture: 1 });
const now = Date.UTC(2026, 6, 1);
const items = traffic({ events: 40, prefix: 'f', seed: 3 });
type Server = Awaited<ReturnType<typeof testServer>>;

/** A monitor key bound to no actor, the same in every store given: it submits for every source of the traffic. */
async function monitorOfAll(...servers: Server[]): Promise<string> {
  const k = generateKey('*', 'monitor', 'all sources', now);
  for (const s of servers) await s.store.createApiKey(k.record);
  return `Bearer ${k.key}`;
}

/** An owner listening on a port, and a server whose router names it. */
async function pair(ownerKey = peerKey, target?: string) {
  const owner = await testServer({ now, deps: { ingestRouting: { peerKey: ownerKey } } });
  await owner.app.listen({ host: '127.0.0.1', port: 0 });
  const url = target ?? `http://127.0.0.1:${(owner.app.server.address() as AddressInfo).port}`;
  const failed: string[] = [];
  const router = {
    target: () => (failed.length ? undefined : url),
    failed: (t: string) => void failed.push(t),
    close: async () => {},
  };
  const relay = await testServer({ now, deps: { ingestRouting: { peerKey, router } } });
  await relay.app.listen({ host: '127.0.0.1', port: 0 });
  const relayUrl = `http://127.0.0.1:${(relay.app.server.address() as AddressInfo).port}`;
  const post = (authorization: string, body: unknown) =>
    fetch(`${relayUrl}/v1/observations`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const close = async () => {
    await relay.close();
    await owner.close();
  };
  return { owner, relay, failed, post, close };
}

const stored = async (s: Server) => (await s.store.status()).observations;

describe('batches relayed between servers', () => {
  it('are answered by the owner as the same batch sent to it, and stored there only', async () => {
    const direct = await testServer({ now });
    const p = await pair();
    try {
      const a = await direct.app.inject({
        method: 'POST',
        url: '/v1/observations',
        headers: { authorization: await monitorOfAll(direct) },
        payload: items,
      });
      const auth = await monitorOfAll(p.owner, p.relay);
      const b = await p.post(auth, items);
      expect(a.statusCode).toBe(200);
      expect(b.status).toBe(200);
      expect(b.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await b.json()).toEqual(a.json());
      expect(await stored(p.owner)).toBe(items.length);
      expect(await stored(p.relay)).toBe(0);
      expect(p.failed).toEqual([]);
      // A refusal is the owner's, word for word: a batch with an invalid item, and a key the stores do not hold.
      const bad = [{ ...items[0], source: 'nobody' }];
      const c = await direct.app.inject({
        method: 'POST',
        url: '/v1/observations',
        headers: { authorization: await monitorOfAll(direct) },
        payload: bad,
      });
      const d = await p.post(auth, bad);
      expect(d.status).toBe(400);
      expect(await d.json()).toEqual(c.json());
      expect((await p.post('Bearer nokey', items)).status).toBe(401);
      expect(await stored(p.relay)).toBe(0);
      expect(p.failed).toEqual([]); // a refused client key is the client's answer, not the owner's failure
    } finally {
      await direct.close();
      await p.close();
    }
  });

  it('are processed where they arrived when the owner does not answer or refuses the token', async () => {
    for (const p of [
      await pair(peerKey, 'http://127.0.0.1:1'),
      await pair(peerKeyFor(logKey, 'another package', { maxFuture: 1 })),
    ]) {
      try {
        const auth = await monitorOfAll(p.owner, p.relay);
        const r = await p.post(auth, items);
        expect(r.status).toBe(200);
        expect(((await r.json()) as { accepted: number }).accepted).toBe(items.length);
        expect(await stored(p.relay)).toBe(items.length);
        expect(await stored(p.owner)).toBe(0);
        expect(p.failed.length).toBe(1);
      } finally {
        await p.close();
      }
    }
  });

  it('are refused with another token, or by a server without the peers key', async () => {
    const other = peerToken(peerKeyFor(logKey, 'another package', { maxFuture: 1 }));
    for (const routing of [{ peerKey }, undefined] as (IngestRouting | undefined)[]) {
      const s = await testServer({ now, deps: routing ? { ingestRouting: routing } : {} });
      try {
        const authorization = await monitorOfAll(s);
        const r = await s.app.inject({
          method: 'POST',
          url: '/v1/observations',
          headers: { authorization, [peerHeader]: routing ? other : peerToken(peerKey) },
          payload: items,
        });
        expect(r.statusCode).toBe(401);
        expect(await stored(s)).toBe(0);
        if (routing) {
          const ok = await s.app.inject({
            method: 'POST',
            url: '/v1/observations',
            headers: { authorization, [peerHeader]: peerToken(peerKey) },
            payload: items,
          });
          expect(ok.statusCode).toBe(200);
          expect(await stored(s)).toBe(items.length);
        }
      } finally {
        await s.close();
      }
    }
  });

  it('go to the owner only with a router that names one and the peers key', () => {
    const router = { target: () => 'http://owner:8080', failed: () => undefined, close: async () => {} };
    expect(forwardTarget({ router, peerKey })).toBe('http://owner:8080');
    expect(forwardTarget({ router })).toBeUndefined();
    expect(forwardTarget({ peerKey })).toBeUndefined();
    expect(forwardTarget(undefined)).toBeUndefined();
  });
});
