/**
 * Walks every route with every role and with no key: each is allowed exactly when the route's declared access
 * says so. Also: a route without a declaration cannot be registered.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../core/ports/store.js';
import { readFileSync } from 'node:fs';
import { loadPackage } from '../core/spec/load.js';
import { geometryReaderFor } from '../package-files.js';
import { testServer, type TestServer } from '../../test/support/app.js';
import { generateKey } from './api-keys.js';
import { installAccess } from './access.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

// The example package with a crossing whose authorities are a protected party and a guarantor.
const packageFile = 'examples/ukraine-2026.yaml';
const loaded = loadPackage(
  `${readFileSync(packageFile, 'utf8')}\ncrossings:\n  grain: { name: Grain corridor, kind: corridor, zone: grain-corridor, authority: [UA, FR] }\n`,
  { file: packageFile, readGeometry: geometryReaderFor(packageFile) },
);

let s: TestServer;
beforeAll(async () => {
  s = await testServer({ package: loaded });
});
afterAll(() => s.close());

/** A request that passes validation for the route, so only access decides between 401/403 and the rest. */
function requestFor(method: string, url: string): { url: string; payload?: object; headers?: Record<string, string> } {
  const path = url.replace(':id', url.startsWith('/v1/observations') ? '1' : 'x').replace('*', 'index.css');
  if (method === 'POST' && url === '/v1/observations') return { url: path, payload: [] };
  if (method === 'POST' && url === '/v1/inspections') return { url: path, payload: { source: 'x', note: 'walk' } };
  if (method === 'POST' && url === '/v1/apikeys') return { url: path, payload: { actor: 'CMM', role: 'monitor' } };
  // The live feed never ends; a bad Last-Event-ID is answered (400) once access has let the request through.
  if (url === '/v1/events') return { url: path, headers: { 'last-event-id': 'not-an-id' } };
  return { url: path };
}

describe('access', () => {
  it('declares access on every route, and the API routes are the expected set', () => {
    const api = s.app.routeAccess.filter((r) => !r.url.startsWith('/docs')).map((r) => `${r.method} ${r.url}`);
    expect(api).toEqual([
      'GET /healthz',
      'GET /v1/status',
      'POST /v1/observations',
      'GET /v1/observations',
      'GET /v1/observations/:id',
      'GET /v1/incidents',
      'GET /v1/incidents/:id',
      'GET /v1/incidents/:id/revisions',
      'GET /v1/violations',
      'GET /v1/violations/:id',
      'GET /v1/cases',
      'GET /v1/cases/:id',
      'GET /v1/judgment',
      'GET /v1/cases/:id/judgment',
      'GET /v1/cases/:id/ballot',
      'POST /v1/cases/:id/votes',
      'GET /v1/cases/:id/tasks',
      'POST /v1/cases/:id/tasks/:index/:actor/acknowledge',
      'POST /v1/cases/:id/tasks/:index/:actor/deliver',
      'GET /v1/response-failures',
      'GET /v1/cases/:id/timeline',
      'GET /v1/cases/:id/timeline.md',
      'POST /v1/members/:member/keys',
      'DELETE /v1/members/:member/keys/:fingerprint',
      'GET /v1/members/keys',
      // Inspections on a party's request (src/server/routes/inspections.ts).
      'POST /v1/inspections',
      'GET /v1/inspections',
      'GET /v1/inspections/:id',
      'GET /v1/apikeys',
      'POST /v1/apikeys',
      'DELETE /v1/apikeys/:id',
      // The dashboard (src/server/routes/dashboard.ts): the app and MapLibre at / and /*, and its read-only endpoints.
      'GET /',
      'GET /*',
      'GET /v1/package/model',
      'GET /v1/package/geometry',
      'GET /v1/package/analysis',
      'GET /v1/dashboard/me',
      'GET /v1/dashboard/tasks',
      'GET /v1/public/regions',
      // The transparency log (src/server/routes/log.ts): public reads, cosignatures and witness alarms (signed by the
      // witness); admin signs now and registers witnesses.
      'GET /v1/log/checkpoint',
      'GET /v1/log/checkpoint/:size',
      'POST /v1/log/checkpoint',
      'GET /v1/log/key',
      'GET /v1/log/witnesses',
      'POST /v1/log/witnesses',
      'POST /v1/log/cosignatures',
      'POST /v1/log/alarms',
      'GET /v1/log/proof/inclusion',
      'GET /v1/log/proof/consistency',
      'GET /v1/log/entries',
      'GET /v1/log/leaves',
      'GET /v1/log/contents',
      // The daily report (src/server/routes/reports.ts): keyed, and its public variant.
      'GET /v1/reports/daily',
      'GET /v1/public/reports/daily',
      // The sustainment ledger (src/server/routes/ledger.ts): guarantors report for themselves, admins for anyone.
      'POST /v1/ledger/pledges',
      'POST /v1/ledger/deliveries',
      'GET /v1/ledger',
      'GET /v1/ledger/coverage',
      'GET /v1/ledger/alerts',
      'POST /v1/ledger/alerts/acknowledge',
      // The public face (src/server/routes/public.ts): status, CAP, the live feed, crossings, webhooks.
      'GET /v1/public/status',
      'GET /v1/public/status/compact',
      'GET /v1/public/cap',
      'GET /v1/public/cap/:id',
      'GET /v1/events',
      'PUT /v1/crossings/:id/state',
      'POST /v1/webhooks',
      'GET /v1/webhooks',
      'GET /v1/webhooks/:id',
      'DELETE /v1/webhooks/:id',
      'GET /v1/webhooks/:id/deliveries',
      'POST /v1/webhooks/:id/deliveries/:event/retry',
      // The clock (src/server/routes/clock.ts): public read; a replay server's monitors move it with the events.
      'GET /v1/clock',
      'POST /v1/clock',
    ]);
  });

  const principals: (Role | 'anonymous')[] = ['anonymous', ...roles];
  it.each(principals)('walks every route as %s', async (who) => {
    let checked = 0;
    for (const route of s.app.routeAccess) {
      // DELETE revokes: walk it with a throwaway key id so the walk does not revoke its own keys.
      const { url, payload, headers: extra } = requestFor(route.method, route.url);
      const headers: Record<string, string> = {
        ...extra,
        ...(who === 'anonymous' ? {} : { authorization: s.auth[who] }),
      };
      const r = await s.app.inject(
        payload === undefined
          ? { method: route.method as 'GET', url, headers }
          : { method: route.method as 'POST', url, headers, payload },
      );
      // The test monitor key is the mission's (bound to CMM): it reads what `mission` admits.
      const allowed =
        route.access === 'public' ||
        (who !== 'anonymous' &&
          (route.access.includes(who) || (who === 'monitor' && route.access.includes('mission'))));
      const where = `${who} ${route.method} ${route.url} -> ${r.statusCode} ${r.body.slice(0, 120)}`;
      if (allowed) {
        expect(r.statusCode, where).not.toBe(401);
        expect(r.statusCode, where).not.toBe(403);
        expect(r.statusCode, where).toBeLessThan(500);
      } else {
        expect(r.statusCode, where).toBe(who === 'anonymous' ? 401 : 403);
        expect(r.json().error, where).toBe(who === 'anonymous' ? 'unauthorized' : 'forbidden');
      }
      checked++;
    }
    expect(checked).toBe(s.app.routeAccess.length);
  });

  // Role and actor, both (docs/api.md "Role and actor, both"): every role, bound to an actor of every kind of the
  // package (and to none), on every route that needs a key.
  const kinds = ['none', 'protected', 'party', 'guarantor', 'monitor', 'force'] as const;
  type Kind = (typeof kinds)[number];
  /** The key role that acts for an actor of each kind; nobody acts for no actor. */
  const actingRole: Record<Kind, Role | undefined> = {
    none: undefined,
    protected: 'party',
    party: 'party',
    guarantor: 'guarantor',
    monitor: 'monitor',
    force: 'guarantor',
  };
  const actors = loaded.model!.actors;
  const actorOf = (kind: Kind): string =>
    kind === 'none' ? '*' : Object.keys(actors).find((id) => actors[id]!.role === kind)!;
  const crossingAuthority = loaded.model!.crossings!['grain']!.authority ?? [];
  const voters = loaded.model!.judgment!.members;

  /** The error a key of `role` bound to an actor of `kind` gets on a route that acts for its actor; undefined: let through. */
  function actorRule(route: string, role: Role, kind: Kind): string | undefined {
    const actor = actorOf(kind);
    const acts = actingRole[kind] === role;
    switch (route) {
      case 'POST /v1/cases/:id/tasks/:index/:actor/acknowledge':
      case 'POST /v1/cases/:id/tasks/:index/:actor/deliver':
        return acts ? undefined : 'role-not-for-actor';
      case 'PUT /v1/crossings/:id/state':
        return !crossingAuthority.includes(actor) ? 'not-authority' : acts ? undefined : 'role-not-for-actor';
      case 'POST /v1/ledger/pledges':
      case 'POST /v1/ledger/deliveries':
      case 'POST /v1/ledger/alerts/acknowledge':
        return role !== 'guarantor' || acts ? undefined : 'role-not-for-actor';
      case 'GET /v1/cases/:id/ballot':
        return voters.includes(actor) ? undefined : 'vote-not-a-member';
    }
    return undefined;
  }

  function actingRequest(method: string, url: string, actor: string) {
    const base = requestFor(method, url);
    const path = url
      .replace('*', 'index.css')
      .replace(':actor', encodeURIComponent(actor))
      .replace(':index', '0')
      .replace(':id', url.startsWith('/v1/crossings') ? 'grain' : url.startsWith('/v1/observations') ? '1' : 'x');
    if (url.endsWith('/deliver')) return { ...base, url: path, payload: { note: 'done' } };
    if (url === '/v1/crossings/:id/state') return { ...base, url: path, payload: { state: 'open' } };
    if (url.startsWith('/v1/ledger/') && method === 'POST')
      return { ...base, url: path, payload: url.endsWith('acknowledge') ? { key: 'no-such-alert' } : [] };
    return { ...base, url: path };
  }

  it.each(roles)(
    'walks every keyed route as %s bound to an actor of each kind: role and actor both decide',
    async (role) => {
      let checked = 0;
      for (const kind of kinds) {
        const actor = actorOf(kind);
        const k = generateKey(actor, role, `${role} for ${kind}`, s.clock.now());
        await s.store.createApiKey(k.record);
        for (const route of s.app.routeAccess) {
          if (route.access === 'public') continue;
          const { url, payload, headers: extra } = actingRequest(route.method, route.url, actor);
          const headers = { ...extra, authorization: `Bearer ${k.key}` };
          const r = await s.app.inject(
            payload === undefined
              ? { method: route.method as 'GET', url, headers }
              : { method: route.method as 'POST', url, headers, payload },
          );
          const name = `${route.method} ${route.url}`;
          const where = `${role}@${actor} (${kind}) ${name} -> ${r.statusCode} ${r.body.slice(0, 160)}`;
          // `mission`: a monitor key bound to the monitoring mission (an actor of kind monitor), no other monitor key.
          const admitted =
            route.access.includes(role) ||
            (role === 'monitor' && kind === 'monitor' && route.access.includes('mission'));
          const refused = admitted ? actorRule(name, role, kind) : 'forbidden';
          if (refused) {
            expect(r.statusCode, where).toBe(403);
            expect(r.json().error, where).toBe(refused);
          } else {
            expect(r.statusCode, where).not.toBe(401);
            expect(r.statusCode, where).not.toBe(403);
            expect(r.statusCode, where).toBeLessThan(500);
          }
          checked++;
        }
      }
      expect(checked).toBe(kinds.length * s.app.routeAccess.filter((r) => r.access !== 'public').length);
    },
  );

  it('rejects missing, malformed, unknown, forged and revoked keys with 401 and a reason', async () => {
    const get = (authorization?: string) =>
      s.app.inject({ method: 'GET', url: '/v1/incidents', headers: authorization ? { authorization } : {} });
    expect((await get()).json().message).toMatch(/needs an API key/);
    expect((await get('Basic abc')).json().message).toMatch(/Bearer/);
    expect((await get('Bearer not-a-key')).json().message).toMatch(/not valid/);
    const forged = s.keys.analyst.slice(0, -4) + (s.keys.analyst.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await get(`Bearer ${forged}`)).statusCode).toBe(401);
    const made = await s.app.inject({
      method: 'POST',
      url: '/v1/apikeys',
      headers: { authorization: s.auth.admin },
      payload: { actor: '*', role: 'analyst', label: 'temp' },
    });
    expect(made.statusCode).toBe(201);
    const { key, id } = made.json();
    expect((await get(`Bearer ${key}`)).statusCode).toBe(200);
    const del = await s.app.inject({
      method: 'DELETE',
      url: `/v1/apikeys/${id}`,
      headers: { authorization: s.auth.admin },
    });
    expect(del.statusCode).toBe(200);
    expect(del.json().revokedAt).toBeDefined();
    const after = await get(`Bearer ${key}`);
    expect(after.statusCode).toBe(401);
    expect(after.json().message).toBe(`the API key ${id} was revoked`);
    expect(
      (await s.app.inject({ method: 'DELETE', url: `/v1/apikeys/${id}`, headers: { authorization: s.auth.admin } }))
        .statusCode,
    ).toBe(409);
    expect(
      (await s.app.inject({ method: 'DELETE', url: '/v1/apikeys/nope', headers: { authorization: s.auth.admin } }))
        .statusCode,
    ).toBe(404);
    // The list never shows key text or hashes.
    const list = await s.app.inject({ method: 'GET', url: '/v1/apikeys', headers: { authorization: s.auth.admin } });
    expect(list.body).not.toContain(key);
    expect(list.body).not.toMatch(/[0-9a-f]{64}/);
  });

  it('refuses an API key for an actor the package does not know', async () => {
    const r = await s.app.inject({
      method: 'POST',
      url: '/v1/apikeys',
      headers: { authorization: s.auth.admin },
      payload: { actor: 'XX', role: 'monitor' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().problems[0].path).toBe('body.actor');
  });

  it('cannot register a route that declares no access', async () => {
    const app = Fastify();
    const store = SqliteStore.open({ path: ':memory:' });
    installAccess(app, store, []);
    expect(() => app.get('/open', async () => 'oops')).toThrow(/declares no access/);
    await store.close();
  });
});
