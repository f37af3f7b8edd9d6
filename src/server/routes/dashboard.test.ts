import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../../../test/support/app.js';
import { start } from '../../main.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(() => s.close());

const get = (url: string, headers: Record<string, string> = {}) => s.app.inject({ method: 'GET', url, headers });

describe('dashboard assets', () => {
  it('serves the page at / with a content security policy that allows this origin only', async () => {
    const r = await get('/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<div id="map"');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
  });

  it('gzips for browsers that accept it and answers a revalidation with 304', async () => {
    const plain = await get('/js/main.js');
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.body).toBe(readFileSync('web/js/main.js', 'utf8'));
    const gz = await get('/js/main.js', { 'accept-encoding': 'gzip, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    expect(gz.rawPayload.length).toBeLessThan(plain.body.length / 2);
    const etag = String(plain.headers['etag']);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/js/main.js', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(plain.headers['cache-control']).toBe('no-cache');
  });

  it('serves MapLibre from the installed package, worker included (it asks for ?v=<version>)', async () => {
    const main = await get('/vendor/maplibre-gl.mjs');
    expect(main.statusCode).toBe(200);
    expect(main.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const version = JSON.parse(readFileSync('node_modules/maplibre-gl/package.json', 'utf8')).version;
    const worker = await get(`/vendor/maplibre-gl-worker.mjs?v=${version}`);
    expect(worker.statusCode).toBe(200);
    expect((await get('/vendor/maplibre-gl.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 404 in the API error shape for anything else', async () => {
    for (const url of ['/nope.js', '/vendor/other.js', '/../package.json', '/js/../../package.json']) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.json().error).toBe('not-found');
    }
  });
});

describe('package endpoints', () => {
  it('gives anyone the package model', async () => {
    const r = await get('/v1/package/model');
    expect(r.statusCode).toBe(200);
    const m = r.json();
    expect(m.package).toBe('ukraine-2026-illustrative');
    expect(m.judgment.deadline).toBe(48 * 3_600_000);
  });

  it('gives anyone the map: 27 regions, then the 7 zones in package order, small enough for a field link', async () => {
    const r = await get('/v1/package/geometry', { 'accept-encoding': 'gzip' });
    expect(r.statusCode).toBe(200);
    expect(r.rawPayload.length).toBeLessThan(80_000);
    const fc = JSON.parse(gunzipSync(r.rawPayload).toString());
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.undrawn).toEqual([]);
    const regions = fc.features.filter((f: { properties: { layer: string } }) => f.properties.layer === 'region');
    const zones = fc.features.filter((f: { properties: { layer: string } }) => f.properties.layer === 'zone');
    expect(regions).toHaveLength(27);
    expect(regions.map((f: { properties: { code: string } }) => f.properties.code)).toContain('UA-14');
    expect(zones.map((f: { properties: { id: string } }) => f.properties.id)).toEqual([
      'contact-line',
      'buffer',
      'heavy-weapons',
      'rear-ua',
      'grain-corridor',
      'no-fly',
      'zaporizhzhia-npp',
    ]);
    expect(zones.map((f: { geometry: { type: string } }) => f.geometry.type)).toEqual([
      'MultiLineString',
      ...Array(6).fill('MultiPolygon'),
    ]);
    const byId = Object.fromEntries(zones.map((f: { properties: { id: string } }) => [f.properties.id, f]));
    expect(byId['rear-ua'].properties).toMatchObject({
      kind: 'buffer',
      around: 'contact-line',
      width: 100_000,
      side: 'right',
    });
    expect(byId['heavy-weapons'].properties.prohibitions).toEqual(['heavy-weapons']);
    // The airspace over the buffer has the buffer's footprint.
    expect(byId['no-fly'].geometry).toEqual(byId['buffer'].geometry);
    const [w, south, e, n] = fc.bbox;
    expect(w).toBeGreaterThan(22);
    expect(e).toBeLessThan(41);
    expect(south).toBeGreaterThan(41);
    expect(n).toBeLessThan(53);
    // Stable bytes, so the ETag holds across restarts.
    const again = await get('/v1/package/geometry');
    expect(again.headers['etag']).toBe(r.headers['etag']);
  });

  it('gives the analysis to keyed roles only, with never as null', async () => {
    expect((await get('/v1/package/analysis')).statusCode).toBe(401);
    // The mission's monitor key reads it (its duty officer's view); a feed's monitor key does not.
    expect((await get('/v1/package/analysis', { authorization: s.auth.monitor })).statusCode).toBe(200);
    const feed = await s.app.inject({
      method: 'POST',
      url: '/v1/apikeys',
      headers: { authorization: s.auth.admin },
      payload: { actor: 'UK', role: 'monitor' },
    });
    expect((await get('/v1/package/analysis', { authorization: `Bearer ${feed.json().key}` })).statusCode).toBe(403);
    const r = await get('/v1/package/analysis', { authorization: s.auth.guarantor });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('private, no-cache');
    const a = r.json();
    expect(a.scorecard.overall).toBeGreaterThanOrEqual(0);
    expect(a.timeline.map((t: { trigger: string }) => t.trigger)).toEqual([
      'access-denied',
      'overflight',
      'serious-violation',
      'armed-attack',
    ]);
    expect(a.sustainment.requirements.map((q: { id: string }) => q.id)).toEqual([
      'air-defence-interceptors',
      'financing',
    ]);
    expect(a.findings.length).toBeGreaterThan(0);
    expect(r.body).not.toMatch(/Infinity|NaN/);
  });
});

describe('session, tasks and public regions', () => {
  it('tells a key who it is', async () => {
    expect((await get('/v1/dashboard/me')).statusCode).toBe(401);
    const r = await get('/v1/dashboard/me', { authorization: s.auth.guarantor });
    expect(r.json()).toMatchObject({ actor: 'UK', role: 'guarantor', name: 'United Kingdom' });
    expect((await get('/v1/dashboard/me', { authorization: s.auth.analyst })).json()).toMatchObject({
      actor: '*',
      role: 'analyst',
      name: 'operator',
    });
  });

  it("serves the role's powers from the server's own table, so the dashboard keeps no copy", async () => {
    const powers = async (role: keyof typeof s.auth) =>
      (await get('/v1/dashboard/me', { authorization: s.auth[role] })).json().can;
    // The mission's monitor key (bound to CMM): the duty officer's view with one key, and the mission's tasks to act on.
    expect(await powers('monitor')).toEqual({
      findings: true,
      cases: true,
      tasks: true,
      actOnTasks: true,
      acknowledgeAlerts: false,
    });
    expect(await powers('member')).toEqual({
      findings: true,
      cases: true,
      tasks: true,
      actOnTasks: false,
      acknowledgeAlerts: false,
    });
    expect(await powers('guarantor')).toEqual({
      findings: false,
      cases: true,
      tasks: true,
      actOnTasks: true,
      acknowledgeAlerts: true,
    });
    expect(await powers('analyst')).toEqual({
      findings: true,
      cases: true,
      tasks: true,
      actOnTasks: false,
      acknowledgeAlerts: true,
    });
    // Acting powers follow the key's actor too: a monitor key bound to a guarantor, a guarantor key bound to none.
    // Reading powers too: a monitor key not bound to the mission (a feed's) reads nothing.
    for (const [actor, role] of [
      ['UK', 'monitor'],
      ['*', 'monitor'],
    ] as const) {
      const made = await s.app.inject({
        method: 'POST',
        url: '/v1/apikeys',
        headers: { authorization: s.auth.admin },
        payload: { actor, role },
      });
      const can = (await get('/v1/dashboard/me', { authorization: `Bearer ${made.json().key}` })).json().can;
      expect(can, `${role}@${actor}`).toEqual({
        findings: false,
        cases: false,
        tasks: false,
        actOnTasks: false,
        acknowledgeAlerts: false,
      });
      const v = await get('/v1/violations', { authorization: `Bearer ${made.json().key}` });
      expect([v.statusCode, v.json().message]).toEqual([
        403,
        `a monitor key may not call GET /v1/violations; it needs one of: analyst, member, admin, the mission's monitor; a monitor key reads it only when bound to the monitoring mission (CMM), and this one is bound to ${actor === '*' ? 'no actor (*)' : actor}`,
      ]);
    }
    for (const [actor, role] of [
      ['UK', 'monitor'],
      ['*', 'guarantor'],
      ['CMM', 'guarantor'],
    ] as const) {
      const made = await s.app.inject({
        method: 'POST',
        url: '/v1/apikeys',
        headers: { authorization: s.auth.admin },
        payload: { actor, role },
      });
      const can = (await get('/v1/dashboard/me', { authorization: `Bearer ${made.json().key}` })).json().can;
      expect(can, `${role}@${actor}`).toMatchObject({ actOnTasks: false, acknowledgeAlerts: false });
    }
    // Each power is what the routes answer: a member and the mission's monitor read violations, a guarantor does not.
    expect((await get('/v1/violations', { authorization: s.auth.member })).statusCode).toBe(200);
    expect((await get('/v1/violations', { authorization: s.auth.monitor })).statusCode).toBe(200);
    // And the daily report: every section for the mission's monitor key, as for an analyst.
    const date = new Date(s.clock.now() - 86_400_000).toISOString().slice(0, 10);
    const report = await get(`/v1/reports/daily?date=${date}&format=json`, { authorization: s.auth.monitor });
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().sections).toEqual([
      'violations',
      'heavy-weapons',
      'access',
      'cases',
      'votes',
      'responses',
      'sustainment',
    ]);
    expect((await get('/v1/violations', { authorization: s.auth.guarantor })).statusCode).toBe(403);
  });

  it('shows the public a state per region, and nothing about sources or attribution', async () => {
    const before = await get('/v1/public/regions');
    expect(before.statusCode).toBe(200);
    const b = before.json();
    expect(b.regions).toHaveLength(27);
    expect(b.regions.every((x: { state: string }) => x.state === 'calm')).toBe(true);

    const now = s.clock.now();
    const obs = [0, 1].map((i) => ({
      source: 'radar',
      sourceId: `pub-${i}`,
      activity: 'artillery-fire',
      time: new Date(now - (i + 1) * 60_000).toISOString(),
      location: { lon: 37.6, lat: 48.1 + i * 0.3, radius: 300 },
      confidence: 0.9,
      attribution: { party: 'RU', basis: 'observed' },
    }));
    const posted = await s.app.inject({
      method: 'POST',
      url: '/v1/observations',
      headers: { authorization: s.auth.monitor },
      payload: obs,
    });
    expect(posted.statusCode).toBe(200);
    // The answer is held for a second of wall time; wait it out.
    await new Promise((r) => setTimeout(r, 1100));
    const after = await get('/v1/public/regions?days=1');
    const a = after.json();
    const donetsk = a.regions.find((x: { code: string }) => x.code === 'UA-14');
    expect(donetsk).toMatchObject({ state: 'violations', violations: 2 });
    expect(after.body).not.toMatch(/radar|RU|observed|artillery/);
    expect((await get('/v1/public/regions?days=0')).statusCode).toBe(400);
  });

  it('lists every task of every case in one request for the board', async () => {
    expect((await get('/v1/dashboard/tasks', { authorization: s.auth.member })).statusCode).toBe(200);
    expect((await get('/v1/dashboard/tasks')).statusCode).toBe(401);
    const r = await get('/v1/dashboard/tasks', { authorization: s.auth.analyst });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ time: s.clock.now(), items: [] });
  });
});

describe('tasks for a monitor', () => {
  it("shows the mission's monitor key every task (its duty officer's board) and a feed's monitor key none", async () => {
    const t = await testServer();
    try {
      const now = t.clock.now();
      // Three corroborated shellings within 24 h: a serious case; 49 h later it is declared by the deadline default.
      const obs = [0, 1, 2].flatMap((i) => [
        {
          source: 'radar',
          sourceId: `m-r${i}`,
          activity: 'artillery-fire',
          time: new Date(now - (30 - i * 10) * 60_000).toISOString(),
          location: { lon: 37.6, lat: 48.1 + i * 0.2, radius: 300 },
          confidence: 0.9,
        },
        {
          source: 'acoustic',
          sourceId: `m-a${i}`,
          activity: 'artillery-fire',
          time: new Date(now - (30 - i * 10) * 60_000).toISOString(),
          location: { lon: 37.6, lat: 48.1 + i * 0.2, radius: 300 },
          confidence: 0.9,
        },
      ]);
      const admin = await t.app.inject({
        method: 'POST',
        url: '/v1/apikeys',
        headers: { authorization: t.auth.admin },
        payload: { actor: '*', role: 'monitor' },
      });
      const posted = await t.app.inject({
        method: 'POST',
        url: '/v1/observations',
        headers: { authorization: `Bearer ${admin.json().key}` },
        payload: obs,
      });
      expect(posted.json().cases).toBe(1);
      t.clock.advance(49 * 3_600_000);
      const all = (
        await t.app.inject({ method: 'GET', url: '/v1/dashboard/tasks', headers: { authorization: t.auth.analyst } })
      ).json().items as { actor: string }[];
      expect(new Set(all.map((x) => x.actor))).toEqual(new Set(['CMM', 'FR', 'UK', 'DE', 'US']));
      const mission = (
        await t.app.inject({ method: 'GET', url: '/v1/dashboard/tasks', headers: { authorization: t.auth.monitor } })
      ).json().items as { actor: string }[];
      expect(mission).toEqual(all);
      const own = (
        await t.app.inject({
          method: 'GET',
          url: '/v1/dashboard/tasks?actor=CMM',
          headers: { authorization: t.auth.monitor },
        })
      ).json().items as { actor: string }[];
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((x) => x.actor === 'CMM')).toBe(true);
      // A monitor key bound to a guarantor (its satellite feed) reads no task: 403, naming the binding that reads.
      const feed = await t.app.inject({
        method: 'POST',
        url: '/v1/apikeys',
        headers: { authorization: t.auth.admin },
        payload: { actor: 'UK', role: 'monitor' },
      });
      const feedSees = await t.app.inject({
        method: 'GET',
        url: '/v1/dashboard/tasks',
        headers: { authorization: `Bearer ${feed.json().key}` },
      });
      expect(all.some((x) => x.actor === 'UK')).toBe(true);
      expect(feedSees.statusCode).toBe(403);
      expect(feedSees.json().message).toMatch(
        /only when bound to the monitoring mission \(CMM\), and this one is bound to UK$/,
      );
    } finally {
      await t.close();
    }
  });
});

describe('guarantor serve', () => {
  it('serves the dashboard and the package map (main.ts hands the loaded package to the app)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guarantor-serve-dashboard-'));
    const running = await start({
      packagePath: 'examples/ukraine-2026.yaml',
      db: join(dir, 'g.db'),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
    });
    try {
      const page = await fetch(running.url + '/');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/js/main.js">');
      const map = await fetch(running.url + '/v1/package/geometry');
      expect(map.status).toBe(200);
      const fc = (await map.json()) as { features: { properties: { layer: string } }[] };
      expect(fc.features.filter((f) => f.properties.layer === 'zone')).toHaveLength(7);
      expect(running.bootstrapKey).toMatch(/^gk_/);
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
