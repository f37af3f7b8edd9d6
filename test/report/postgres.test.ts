/**
 * The daily report and the exports on PostgreSQL give what they give on SQLite for the same traffic: the same report
 * (but for the checkpoint, which names each database's own log) and the same CSV and GeoJSON bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyReport } from '../../src/core/report/daily.js';
import { generateKey } from '../../src/server/api-keys.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { testServer, type TestServer } from '../support/app.js';
import { traffic } from '../support/observations.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from '../support/postgres.js';

const NOW = Date.UTC(2026, 5, 23, 12);
const available = await postgresAvailable();

describe.runIf(available)('daily report and exports on PostgreSQL', () => {
  const schema = freshSchema('report');
  let pgS: TestServer;
  let liteS: TestServer;

  beforeAll(async () => {
    pgS = await testServer({ store: await PostgresStore.open({ url: pgUrl, schema }), now: NOW });
    liteS = await testServer({ now: NOW });
    const obs = traffic({ events: 500, start: Date.UTC(2026, 5, 19), gap: 10 * 60_000 });
    // One monitor key on both, so that `submitted_by` is the same.
    const monitor = generateKey('*', 'monitor', 'all sources', NOW);
    for (const s of [pgS, liteS]) {
      await s.store.createApiKey(monitor.record);
      for (let i = 0; i < obs.length; i += 250) {
        const r = await s.app.inject({
          method: 'POST',
          url: '/v1/observations',
          headers: { authorization: `Bearer ${monitor.key}`, 'content-type': 'application/json' },
          payload: obs.slice(i, i + 250),
        });
        expect(r.statusCode, r.body).toBe(200);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await pgS?.close();
    await liteS?.close();
    await dropSchema(schema);
  });

  it.each(['2026-06-21', '2026-06-23'])('gives the same report for %s as SQLite', async (date) => {
    const get = async (s: TestServer) =>
      JSON.parse(
        (
          await s.app.inject({
            method: 'GET',
            url: `/v1/reports/daily?date=${date}`,
            headers: { authorization: s.auth.analyst },
          })
        ).body,
      ) as DailyReport;
    const [a, b] = [await get(pgS), await get(liteS)];
    // Events on the 21st; cases open on the 23rd, when the traffic was processed.
    if (date === '2026-06-21') expect(a.violations!.total.count).toBeGreaterThan(10);
    else expect((a.cases as { counts: { new: number } }).counts.new).toBeGreaterThan(0);
    expect({ ...a, checkpoint: null }).toEqual({ ...b, checkpoint: null });
    expect(a.checkpoint!.size).toBeGreaterThan(0);
  });

  it.each(['text/csv', 'application/geo+json'])('exports the same %s bytes as SQLite', async (accept) => {
    for (const kind of ['observations', 'violations', 'cases']) {
      const get = async (s: TestServer) =>
        (
          await s.app.inject({
            method: 'GET',
            url: `/v1/${kind}?from=2026-06-20T00:00:00Z`,
            headers: { authorization: s.auth.analyst, accept },
          })
        ).body;
      const [a, b] = [await get(pgS), await get(liteS)];
      expect(a.length, kind).toBeGreaterThan(200);
      expect(a, kind).toBe(b);
    }
  });
});
