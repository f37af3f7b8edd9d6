/**
 * What one server takes from another (ingest-forward.ts): a batch it prepared, signed with the peers' key, is stored
 * and processed as the raw batch would have been; an unsigned or wrongly signed one, or a document that is no
 * observation of this package, is refused and stores nothing.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseObservationBatch, storedObservationOf } from '../core/ops/index.js';
import { canonicalStoredJson } from '../core/tlog/canonical-json.js';
import { examplePackage, testServer } from '../../test/support/app.js';
import { traffic } from '../../test/support/observations.js';
import { forwardTarget, peerKeyFor, preparedType, signatureHeader, type IngestRouting } from './ingest-forward.js';
import { createHmac } from 'node:crypto';
import { operationsFor } from './operations.js';
import { generateKey } from './api-keys.js';

const logKey = generateKeyPairSync('ed25519').privateKey;
const peerKey = peerKeyFor(logKey, 'package text', { maxFuture: 1 });
const now = Date.UTC(2026, 6, 1);
const items = traffic({ events: 40, prefix: 'f', seed: 3 });
const rules = operationsFor(examplePackage, { clock: { now: () => now } }).rules;

function prepared(list: readonly unknown[]): string {
  const parsed = parseObservationBatch(list, rules, now);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors[0]));
  return parsed.observations.map(canonicalStoredJson).join('\n');
}
/** A monitor key bound to no actor: it submits for every source of the traffic. */
async function monitorOfAll(s: Awaited<ReturnType<typeof testServer>>): Promise<string> {
  const k = generateKey('*', 'monitor', 'all sources', now);
  await s.store.createApiKey(k.record);
  return `Bearer ${k.key}`;
}
const signed = (body: string, key = peerKey) => createHmac('sha256', key).update(body).digest('hex');

describe('batches passed between servers', () => {
  it('are stored and processed as the same batch sent raw', async () => {
    const routing: IngestRouting = { peerKey };
    const raw = await testServer({ now });
    const peer = await testServer({ now, deps: { ingestRouting: routing } });
    try {
      const rawKey = await monitorOfAll(raw);
      const peerAuth = await monitorOfAll(peer);
      const a = await raw.app.inject({
        method: 'POST',
        url: '/v1/observations',
        headers: { authorization: rawKey },
        payload: items,
      });
      const body = prepared(items);
      const b = await peer.app.inject({
        method: 'POST',
        url: '/v1/observations',
        headers: { authorization: peerAuth, 'content-type': preparedType, [signatureHeader]: signed(body) },
        payload: body,
      });
      expect(a.statusCode).toBe(200);
      expect(b.statusCode).toBe(200);
      const { notes: _, context: __, ...counts } = a.json() as Record<string, unknown>;
      expect(b.json()).toEqual(counts);
      const docs = async (s: typeof raw) =>
        ((await s.store.listIncidents({ limit: 1000 })).items as { id: string }[]).map((i) => i.id).sort();
      expect(await docs(peer)).toEqual(await docs(raw));
    } finally {
      await raw.close();
      await peer.close();
    }
  });

  it('are refused unsigned, signed with another key, or holding a document that is no observation here', async () => {
    const peer = await testServer({ now, deps: { ingestRouting: { peerKey } } });
    try {
      const authorization = await monitorOfAll(peer);
      const body = prepared(items);
      const post = (payload: string, signature?: string) =>
        peer.app.inject({
          method: 'POST',
          url: '/v1/observations',
          headers: {
            authorization,
            'content-type': preparedType,
            ...(signature === undefined ? {} : { [signatureHeader]: signature }),
          },
          payload,
        });
      expect((await post(body)).statusCode).toBe(401);
      const other = peerKeyFor(logKey, 'another package', { maxFuture: 1 });
      expect((await post(body, signed(body, other))).statusCode).toBe(401);
      const stranger = body.replace(/"source":"[^"]*"/, '"source":"nobody"');
      const r = await post(stranger, signed(stranger));
      expect(r.statusCode).toBe(400);
      expect(r.json().message).toMatch(/line 1/);
      expect((await peer.store.status()).observations).toBe(0);
    } finally {
      await peer.close();
    }
  });

  it('go to the owner only with a router that names one and the peers key', () => {
    const router = { target: () => 'http://owner:8080', failed: () => undefined, close: async () => {} };
    expect(forwardTarget({ router, peerKey })).toBe('http://owner:8080');
    expect(forwardTarget({ router })).toBeUndefined();
    expect(forwardTarget({ peerKey })).toBeUndefined();
    expect(forwardTarget(undefined)).toBeUndefined();
  });

  it('keep every field of the observation, in its place', () => {
    const parsed = parseObservationBatch(items, rules, now);
    if (!parsed.ok) throw new Error('invalid');
    for (const o of parsed.observations) {
      const back = storedObservationOf(JSON.parse(canonicalStoredJson(o)), rules);
      expect(back).toEqual(o);
      expect(Object.keys(back ?? {})).toEqual(Object.keys(o));
    }
    const point = parsed.observations.find((o) => o.lon !== undefined);
    expect(storedObservationOf({ ...point, start: 2, time: 1 }, rules)).toBeUndefined();
    expect(storedObservationOf({ ...point, lat: undefined }, rules)).toBeUndefined();
    expect(storedObservationOf({ ...point, region: 'UA-14' }, rules)).toBeUndefined();
    // Every field the pipeline decides on is checked for its type and the package's vocabulary.
    const refused: Record<string, unknown>[] = [
      { source: 'no-such-source' },
      { sourceId: 7 },
      { activity: 'no-such-activity' },
      { time: Number.POSITIVE_INFINITY },
      { end: '1' },
      { count: null },
      { radius: undefined },
      { confidence: Number.NaN },
      { altitude: '100' },
      { weapon: 'no-such-weapon' },
      { note: 1 },
      { evidence: 'e' },
      { evidence: ['e', 1] },
      { attribution: { party: 'no-such-actor', basis: 'observed' } },
      { attribution: { party: point?.attribution?.party ?? 'x', basis: 'no-such-basis' } },
      { attribution: null },
    ];
    for (const change of refused)
      expect(storedObservationOf({ ...point, ...change }, rules), JSON.stringify(change)).toBeUndefined();
    for (const x of [null, [], 'o', 1]) expect(storedObservationOf(x, rules)).toBeUndefined();
  });
});
