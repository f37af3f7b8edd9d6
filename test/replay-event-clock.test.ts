/**
 * Replaying history on the events' own clock (docs/operations/replay.md, "The events' clock"): the 2014-2022 UCDP
 * file sent by `guarantor replay --clock event` to a replay server running the Minsk II package. Cases open on the
 * day their threshold was met and are declared when the package's 14-day deadline passes, in 2015-2022, not today.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay, type ReplaySummary } from '../src/cli/replay.js';
import { injectFetch } from './support/inject-fetch.js';
import { loadPackageFile } from '../src/package-files.js';
import { geoLocatorFor, ManualClock } from '../src/core/ops/index.js';
import { generateKey } from '../src/server/api-keys.js';
import { buildApp } from '../src/server/app.js';
import { operationsFor } from '../src/server/operations.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const UCDP = 'examples/data/ucdp-ged/ucdp-ged-ukraine-2014-01_to_2022-02.csv';
const DAY = 86_400_000;

async function replayServer(event: boolean) {
  const loaded = loadPackageFile('examples/replay/ukraine-2015-minsk-replay.yaml');
  const geo = geoLocatorFor(loaded.model!, loaded.geometries);
  if (!geo.ok) throw new Error('zones');
  const clock = event ? new ManualClock(loaded.model!.effective.start) : new ManualClock(Date.UTC(2026, 11, 7));
  const store = SqliteStore.open({ path: ':memory:' });
  const app = await buildApp({
    store,
    operations: operationsFor(loaded, { clock, eventClock: event, locator: geo.locator }),
    package: loaded,
  });
  const monitor = generateKey('UCDP', 'monitor', 'replay', 0);
  const analyst = generateKey('*', 'analyst', 'read', 0);
  await store.createApiKey(monitor.record);
  await store.createApiKey(analyst.record);
  return { app, store, clock, monitor: monitor.key, analyst: `Bearer ${analyst.key}`, pkg: loaded.model! };
}

describe('replay --clock event', () => {
  let s: Awaited<ReturnType<typeof replayServer>>;
  let summary: ReplaySummary;

  beforeAll(async () => {
    s = await replayServer(true);
    summary = await runReplay({
      kind: 'ucdp',
      file: UCDP,
      url: 'http://replay.test',
      apiKey: s.monitor,
      batch: 500,
      source: 'ucdp',
      crosswalk: 'examples/data/oblast-crosswalk.csv',
      undetermined: 'artillery-fire',
      clock: 'event',
      fetch: injectFetch(s.app),
    });
  }, 300_000);
  afterAll(async () => {
    await s?.app.close();
    await s?.store.close();
  });

  it('sends every event, the pre-ceasefire ones as context, and leaves the clock at the last event', () => {
    expect(summary).toMatchObject({
      sent: 3074,
      accepted: 3074,
      rejected: 0,
      clockAt: expect.stringMatching(/^2022-02-2/),
    });
    // 2014 to 14 February 2015: before the ceasefire, stored, not violations.
    expect(summary.context).toBeGreaterThan(1000);
    expect(summary.cases).toBeGreaterThan(100);
  });

  it('decides every case at its historical deadline: declared 14 days after the day its threshold was met', async () => {
    const list = (
      await s.app.inject({ method: 'GET', url: '/v1/judgment?limit=1000', headers: { authorization: s.analyst } })
    ).json() as { items: Record<string, any>[] };
    expect(list.items.length).toBe(summary.cases);
    const deadline = 14 * DAY;
    expect(s.pkg.judgment!.deadline).toBe(deadline);
    const decided = list.items.filter((c) => c.outcome);
    // Every case whose deadline fell before the last event (23 February 2022) is decided, by the deadline default.
    const due = list.items.filter((c) => c.openedAt + deadline <= Date.parse(summary.clockAt!));
    expect(decided.length).toBe(due.length);
    expect(decided.length).toBeGreaterThan(100);
    const cases = new Map<string, Record<string, any>>();
    for (const c of decided)
      cases.set(
        c.caseId,
        (
          await s.app.inject({ method: 'GET', url: `/v1/cases/${c.caseId}`, headers: { authorization: s.analyst } })
        ).json(),
      );
    for (const c of decided) {
      expect(c.outcome).toMatchObject({ by: 'deadline' });
      // Opened when the threshold could be known: its day, or the end of a multi-day event among the evidence.
      expect(c.openedAt).toBeGreaterThanOrEqual(cases.get(c.caseId)!.breachAt);
      expect(c.openedAt - cases.get(c.caseId)!.breachAt).toBeLessThanOrEqual(367 * DAY); // GED intervals span up to a year
      expect(c.outcome.at).toBe(c.openedAt + deadline);
      expect(c.outcome.at).toBeLessThan(Date.parse('2022-03-01T00:00:00Z'));
    }
    // One case in full: opened on the day of its threshold (breachAt), declared at breachAt + the deadline.
    const exact = decided.filter((c) => c.openedAt === cases.get(c.caseId)!.breachAt);
    expect(exact.length).toBeGreaterThan(decided.length / 2);
    const first = exact.sort((a, b) => a.openedAt - b.openedAt)[0]!;
    const file = cases.get(first.caseId)!;
    expect(file.breachAt).toBe(first.openedAt);
    expect(new Date(first.outcome.at).toISOString()).toBe(new Date(file.breachAt + deadline).toISOString());
    expect(first.outcome.at).toBeLessThan(Date.parse('2016-01-01T00:00:00Z'));
  });

  it('a live server refuses to have its clock moved, and the replay says what to run instead', async () => {
    const live = await replayServer(false);
    try {
      const r = await live.app.inject({
        method: 'POST',
        url: '/v1/clock',
        headers: { authorization: `Bearer ${live.monitor}` },
        payload: { time: '2015-03-01T00:00:00Z' },
      });
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ error: 'live-clock' });
      await expect(
        runReplay({
          kind: 'ucdp',
          file: UCDP,
          url: 'http://live.test',
          apiKey: live.monitor,
          batch: 500,
          source: 'ucdp',
          crosswalk: 'examples/data/oblast-crosswalk.csv',
          clock: 'event',
          fetch: injectFetch(live.app),
          limit: 5,
        }),
      ).rejects.toThrow(/runs the live clock; --clock event needs a replay server \(guarantor serve --clock event\)/);
    } finally {
      await live.app.close();
      await live.store.close();
    }
  });

  it("says in the reply that reports from before the package's effective time are stored as context, and makes no violation of them", async () => {
    const before = (await s.app.inject({ method: 'GET', url: '/v1/status' })).json() as { violations: number };
    const item = {
      source: 'ucdp',
      sourceId: 'context-1',
      activity: 'artillery-fire',
      time: '2014-08-01T00:00:00Z',
      location: { lon: 37.75, lat: 48.0, radius: 2000 },
      confidence: 0.9,
    };
    const r = await s.app.inject({
      method: 'POST',
      url: '/v1/observations',
      headers: { authorization: `Bearer ${s.monitor}` },
      payload: [item],
    });
    expect(r.json()).toMatchObject({
      accepted: 1,
      context: 1,
      notes: [
        expect.stringMatching(
          /^1 of 1 observation is from before the package's effective time 2015-02-14T22:00:00.000Z: stored as context; they are not violations$/,
        ),
      ],
    });
    expect(
      ((await s.app.inject({ method: 'GET', url: '/v1/status' })).json() as { violations: number }).violations,
    ).toBe(before.violations);
  });

  it('moves a replay clock only forward, and refuses a time that is not ISO 8601', async () => {
    const before = s.clock.now();
    const back = await s.app.inject({
      method: 'POST',
      url: '/v1/clock',
      headers: { authorization: `Bearer ${s.monitor}` },
      payload: { time: '2015-03-01T00:00:00Z' },
    });
    expect(back.json()).toMatchObject({ moved: false, mode: 'event', time: new Date(before).toISOString() });
    const bad = await s.app.inject({
      method: 'POST',
      url: '/v1/clock',
      headers: { authorization: `Bearer ${s.monitor}` },
      payload: { time: '2/27/2023' },
    });
    expect(bad.statusCode).toBe(400);
    const anon = await s.app.inject({ method: 'POST', url: '/v1/clock', payload: { time: '2030-01-01T00:00:00Z' } });
    expect(anon.statusCode).toBe(401);
    expect(s.clock.now()).toBe(before);
  });
});
