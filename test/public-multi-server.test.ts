/**
 * Two servers on one PostgreSQL, both running the public face: observations sent through either server produce
 * events that reach live-feed clients of both, with the same ids in the same order, and each webhook delivery
 * arrives once, though both servers project and both dispatch (docs/operations/public.md "Several servers").
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, type ObservationInput } from '../src/core/ops/index.js';
import { generateKey } from '../src/server/api-keys.js';
import { buildApp } from '../src/server/app.js';
import { operationsFor } from '../src/server/operations.js';
import { verify } from '../src/server/public/webhooks.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { DAY, HOUR, MINUTE } from '../src/core/spec/units.js';
import { obs } from './ops/harness.js';
import { examplePackage, testLocator, testLogKey } from './support/app.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';
import { sse } from './support/sse.js';

const hasPg = await postgresAvailable();
const schema = freshSchema('pubmulti');
afterAll(async () => {
  if (hasPg) await dropSchema(schema);
});

const DAY30 = Date.parse('2026-06-01T00:00:00Z') + 30 * DAY;
const place = (k: number) => ({ lon: 37.3 - k * 0.01, lat: 48.3, radius: 300 });

describe.skipIf(!hasPg)('public face on two servers over one PostgreSQL', () => {
  it('events from either server reach clients of both; each webhook delivery arrives once', async () => {
    const clock = new ManualClock(DAY30 + 9 * HOUR + 30 * MINUTE);
    const stores = [await PostgresStore.open({ url: pgUrl, schema }), await PostgresStore.open({ url: pgUrl, schema })];
    const apps = await Promise.all(
      stores.map((store) =>
        buildApp({
          store,
          operations: operationsFor(examplePackage, { clock, locator: testLocator }),
          package: examplePackage,
          public: { tick: 100, webhookTick: 100 },
          log: { key: testLogKey }, // one log key for both, as their configuration shares it
        }),
      ),
    );
    const urls = await Promise.all(apps.map((a) => a.listen({ port: 0, host: '127.0.0.1' })));
    const got: { headers: IncomingMessage['headers']; body: string }[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const clients: Awaited<ReturnType<typeof sse>>[] = [];
    try {
      const key = async (actor: string, role: 'monitor' | 'analyst' | 'admin') => {
        const k = generateKey(actor, role, `${actor} ${role}`, clock.now());
        await stores[0]!.createApiKey(k.record);
        return `Bearer ${k.key}`;
      };
      const [cmm, de, analyst, admin] = [
        await key('CMM', 'monitor'),
        await key('DE', 'monitor'),
        await key('*', 'analyst'),
        await key('*', 'admin'),
      ];
      const made = await apps[1]!.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: { authorization: admin },
        payload: {
          url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`,
          kinds: ['cap', 'violation', 'case'],
        },
      });
      expect(made.statusCode).toBe(201);
      const secret = made.json().secret as string;
      for (const u of urls) clients.push(await sse(`${u}/v1/events?after=0`, { authorization: analyst }));

      // Radar reports through server A, acoustic through server B; then more of each, alternately.
      const post = (i: number, items: ObservationInput[], auth: string) =>
        apps[i]!.inject({ method: 'POST', url: '/v1/observations', headers: { authorization: auth }, payload: items });
      for (const [k, h] of [1, 5, 9].entries()) {
        const t = DAY30 + h * HOUR;
        expect(
          (
            await post(
              0,
              [obs({ source: 'radar', sourceId: `r${k}`, at: t, confidence: 0.9, location: place(k) })],
              cmm,
            )
          ).statusCode,
        ).toBe(200);
        expect(
          (
            await post(
              1,
              [obs({ source: 'acoustic', sourceId: `a${k}`, at: t + MINUTE, confidence: 0.9, location: place(k) })],
              de,
            )
          ).statusCode,
        ).toBe(200);
      }
      // The case is open, CAP Alert issued: both clients see it.
      for (const c of clients) await c.waitFor((e) => e.event === 'cap' && e.json['msgType'] === 'Alert', 20_000);
      // Its deadline passes (server clocks move together): declared, an Update, seen by both.
      clock.advance(48 * HOUR + MINUTE);
      for (const c of clients) await c.waitFor((e) => e.event === 'cap' && e.json['msgType'] === 'Update', 20_000);

      // Both clients have the same events, in the same order, each once.
      const ids = (c: (typeof clients)[number]) => c.events.map((e) => Number(e.id));
      const last = Math.max(...clients.map((c) => Math.max(...ids(c))));
      for (const c of clients) await c.waitFor((e) => Number(e.id) === last, 10_000);
      expect(ids(clients[0]!)).toEqual(ids(clients[1]!));
      expect(new Set(ids(clients[0]!)).size).toBe(ids(clients[0]!).length);
      expect(ids(clients[0]!)).toEqual([...ids(clients[0]!)].sort((a, b) => a - b));
      expect(clients[0]!.events.filter((e) => e.event === 'violation').length).toBeGreaterThanOrEqual(3);

      // Webhooks: every subscribed event delivered, each once, though both servers dispatch.
      const subscribed = clients[0]!.events
        .filter((e) => ['cap', 'violation', 'case'].includes(e.event))
        .map((e) => Number(e.id));
      const deadline = Date.now() + 20_000;
      while (got.length < subscribed.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1000)); // time for a duplicate to show up, if any
      const delivered = got.map((g) => Number(g.headers['webhook-id'])).sort((a, b) => a - b);
      // Events may still be coming (timers fire, tasks fall due): compare against what the client had by then.
      await clients[0]!.waitFor((e) => Number(e.id) >= delivered.at(-1)!, 10_000);
      const upTo = clients[0]!.events
        .filter((e) => ['cap', 'violation', 'case'].includes(e.event) && Number(e.id) <= delivered.at(-1)!)
        .map((e) => Number(e.id));
      expect(subscribed.length).toBeGreaterThan(0);
      expect(delivered).toEqual(upTo);
      for (const g of got)
        expect(
          verify(
            secret,
            {
              id: String(g.headers['webhook-id']),
              timestamp: String(g.headers['webhook-timestamp']),
              signature: String(g.headers['webhook-signature']),
            },
            g.body,
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(true);
    } finally {
      for (const c of clients) c.close();
      for (const a of apps) await a.close();
      for (const s of stores) await s.close();
      await new Promise((r) => hook.close(r));
    }
  }, 60_000);
});
