/**
 * The dashboard's lists over HTTP with more cases than the old capped reads (the oldest 1,000 case files, the
 * oldest 500 for tasks): `GET /v1/judgment` sorted, filtered, searched and paged; `GET /v1/dashboard/tasks` most
 * urgent first with each actor's counts; the public regions coloured by the newest declared breach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePackage, testServer, type TestServer } from './support/app.js';
import { places, seedCases, type SeededCase } from './support/case-seed.js';
import { ManualClock } from '../src/core/ops/index.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 6, 10);
const N = 1500;
let s: TestServer;
let cases: SeededCase[];

beforeAll(async () => {
  s = await testServer({ clock: new ManualClock(NOW) });
  // Declared: every hundredth case (all in UA-14) and the newest (in UA-65, where no other declared case lies).
  cases = await seedCases(s.store, examplePackage.model!, {
    n: N,
    now: NOW,
    span: 40 * HOUR,
    places: places.slice(0, 5),
    declare: (i) => i === N - 1 || i % 100 === 0,
    kind: (i) => (i === 700 ? 3 : i % 3),
  });
  expect(cases[N - 1]!.region).toBe('UA-65');
}, 60_000);
afterAll(() => s?.close());

async function get(url: string, role: keyof TestServer['auth'] = 'analyst') {
  const r = await s.app.inject({ method: 'GET', url, headers: { authorization: s.auth[role] } });
  return { status: r.statusCode, body: r.json() as Record<string, unknown> & { items: Record<string, unknown>[] } };
}

describe('the case board over HTTP', () => {
  it('sorts by severity then deadline: the one armed attack first, then serious cases by the soonest deadline', async () => {
    const r = await get('/v1/judgment?sort=severity&limit=20');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(N);
    expect(r.body.items[0]!.caseId).toBe(cases[700]!.id);
    expect((r.body.items[0]!.case as { trigger: string }).trigger).toBe('armed-attack');
    const serious = r.body.items.slice(1).map((x) => x as { severity: string; deadline: number; status: string });
    expect(serious.every((x) => x.severity === 'serious')).toBe(true);
    const open = serious.filter((x) => x.status === 'open').map((x) => x.deadline);
    expect(open).toEqual([...open].sort((a, b) => a - b));
    expect(typeof r.body.next).toBe('string');
  });

  it('pages every case once, past the first thousand, and filters by status, trigger, region, time and case id', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const r = await get(`/v1/judgment?sort=newest&limit=400${next ? `&cursor=${next}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((x) => x.caseId as string));
      next = r.body.next as string | undefined;
    } while (next);
    expect(seen).toEqual(cases.map((c) => c.id).reverse());

    const decided = await get('/v1/judgment?status=decided&limit=1000');
    expect(decided.body.items.map((x) => x.caseId).sort()).toEqual(
      cases
        .filter((_, i) => i === N - 1 || i % 100 === 0)
        .map((c) => c.id)
        .sort(),
    );
    const region = await get('/v1/judgment?region=UA-23&trigger=serious-violation&limit=1000');
    expect(region.body.total).toBe(
      cases.filter((c) => c.region === 'UA-23' && c.trigger === 'serious-violation').length,
    );
    expect(region.body.items.every((x) => (x.case as { trigger: string }).trigger === 'serious-violation')).toBe(true);
    const from = new Date(NOW - 2 * HOUR).toISOString();
    const recent = await get(`/v1/judgment?from=${from}&limit=1000`);
    expect(recent.body.total).toBe(cases.filter((c) => c.openedAt >= NOW - 2 * HOUR).length);
    const search = await get(`/v1/judgment?q=${cases[1234]!.id.slice(-7)}`);
    expect(search.body.items.map((x) => x.caseId)).toEqual([cases[1234]!.id]);
  });

  it('refuses an unknown parameter, a bad sort and a foreign cursor, naming the field', async () => {
    const unknown = await get('/v1/judgment?order=severity');
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toMatch(/order/);
    const sort = await get('/v1/judgment?sort=loudest');
    expect(sort.status).toBe(400);
    expect(JSON.stringify(sort.body)).toMatch(/sort/);
    const page = await get('/v1/judgment?sort=severity&limit=5');
    const foreign = await get(`/v1/judgment?sort=newest&cursor=${page.body.next}`);
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(foreign.body)).toMatch(/cursor/);
    const time = await get('/v1/judgment?from=yesterday');
    expect(time.status).toBe(400);
  });

  it("lists tasks most urgent first with counts per actor; the mission's monitor key sees them all", async () => {
    const all = await get('/v1/dashboard/tasks?limit=1000');
    expect(all.status).toBe(200);
    const actors = all.body.actors as { actor: string; open: number }[];
    const total = actors.reduce((n, a) => n + a.open, 0);
    expect(total).toBe(all.body.items.length);
    expect(actors.map((a) => a.actor)).toContain('UK');
    const uk = await get('/v1/dashboard/tasks?actor=UK&limit=5');
    expect(uk.body.items.every((t) => t.actor === 'UK')).toBe(true);
    expect(uk.body.actors).toEqual([actors.find((a) => a.actor === 'UK')]);
    // The mission's duty officer, with the mission's monitor key: the same board, and its own tasks on asking.
    const mission = await get('/v1/dashboard/tasks?limit=1000', 'monitor');
    expect(mission.body).toEqual(all.body);
    const mine = await get('/v1/dashboard/tasks?actor=CMM&limit=1000', 'monitor');
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((t) => t.actor === 'CMM')).toBe(true);
  });

  it("colours the newest declared breach's region on the public map", async () => {
    const r = await s.app.inject({ method: 'GET', url: '/v1/public/regions' });
    const regions = (r.json() as { regions: { code: string; state: string }[] }).regions;
    const newest = cases[N - 1]!;
    expect(regions.find((x) => x.code === newest.region)!.state).toBe('breach');
    expect(regions.find((x) => x.code === 'UA-23')!.state).toBe('violations');
    // A region no case touched stays calm.
    expect(regions.find((x) => x.code === 'UA-46')!.state).toBe('calm');
  });
});
