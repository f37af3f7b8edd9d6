/**
 * Eighteen months of a guarantee's sustainment on a manual clock (issue 17, "Done means"): pledges, a partial and a
 * late delivery, an election that lapses an executive commitment, a commitment ending with no successor. Every
 * decay alert fires in the month it should, once, and resolves when a delivery or a new pledge closes the gap; a
 * restart in the middle changes nothing. Driven through the HTTP API; the package is
 * test/fixtures/ledger/scenario.yaml.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPackageFile } from '../src/package-files.js';
import { ManualClock } from '../src/core/ops/index.js';
import type { SustainmentAlert } from '../src/core/ledger/alerts.js';
import { generateKey } from '../src/server/api-keys.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { testServer, type TestServer } from './support/app.js';
import { at, deliveries, expected, initial, label, pledges } from './support/ledger-scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'guarantor-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pkg = loadPackageFile('test/fixtures/ledger/scenario.yaml');

describe('the sustainment ledger over 18 months', () => {
  it('raises each decay alert in its month, once, and resolves it when a delivery or a pledge closes the gap', async () => {
    const path = join(dir, 'scenario.db');
    const clock = new ManualClock(Date.UTC(2026, 11, 1));
    const keys: Record<string, string> = {};
    let s: TestServer = await testServer({ store: SqliteStore.open({ path }), clock, package: pkg });
    for (const g of ['DE', 'FR', 'US']) {
      const k = generateKey(g, 'guarantor', `scenario ${g}`, clock.now());
      await s.store.createApiKey(k.record);
      keys[g] = `Bearer ${k.key}`;
    }
    keys['admin'] = s.auth.admin;
    const post = async (url: string, who: string, items: unknown[]) => {
      const r = await s.app.inject({
        method: 'POST',
        url,
        headers: { authorization: keys[who]! },
        payload: items as never,
      });
      expect(r.statusCode, `${url} ${r.body}`).toBe(200);
    };
    const alerts = async (): Promise<SustainmentAlert[]> =>
      (
        await s.app.inject({
          method: 'GET',
          url: '/v1/ledger/alerts?limit=1000',
          headers: { authorization: keys['admin']! },
        })
      ).json().items;
    clock.set(Date.UTC(2026, 11, 15));
    await post('/v1/ledger/pledges', 'admin', initial);

    for (let m = 0; m < 18; m++) {
      if (m === 9) {
        // A restart mid-scenario: a new server over the same database derives the same alerts, raises none again.
        await s.close();
        s = await testServer({ store: SqliteStore.open({ path }), clock, package: pkg });
        keys['admin'] = s.auth.admin;
      }
      clock.set(at(m, 2));
      const events: [number, () => Promise<void>][] = [];
      for (const [day, who, items] of pledges[m] ?? [])
        events.push([day, () => post('/v1/ledger/pledges', who, items)]);
      deliveries(m).forEach((d, i) =>
        events.push([
          d.day,
          () =>
            post('/v1/ledger/deliveries', d.by, [
              {
                id: `d-${d.pledge}-${label(m)}-${i}`,
                by: d.by,
                pledge: d.pledge,
                ...(d.amount !== undefined ? { amount: d.amount, currency: 'EUR' } : { quantity: d.quantity }),
                delivered: new Date(at(m, d.day)).toISOString().slice(0, 10),
              },
            ]),
        ]),
      );
      events.sort((a, b) => a[0] - b[0]);
      await alerts(); // the month turns: alerts are derived again
      for (const [day, run] of events) {
        clock.set(Math.max(clock.now(), at(m, day) + 3_600_000));
        await run();
      }
    }
    const all = await alerts();
    const got = Object.fromEntries(all.map((a) => [a.key, [a.raisedMonth, a.resolvedMonth ?? 'open']]));
    expect(got).toEqual(expected);
    expect(all.every((a) => a.state === 'resolved' && a.revision === 2)).toBe(true);
    // Each alert names requirement, guarantor, the month the shortfall starts and its size.
    const byKey = new Map(all.map((a) => [a.key, a]));
    expect(byKey.get('late-delivery/p-de/2027-03')).toMatchObject({
      requirement: 'financing',
      guarantor: 'DE',
      month: '2027-03',
      size: 20e6,
      unit: 'EUR',
    });
    expect(byKey.get('late-delivery/p-us/2027-08')).toMatchObject({
      requirement: 'interceptors',
      guarantor: 'US',
      month: '2027-08',
      size: 10,
      unit: 'units',
    });
    expect(byKey.get('below-threshold/financing/2027-10')).toMatchObject({
      guarantor: 'FR',
      month: '2027-10',
      size: 50e6,
    });
    expect(byKey.get('lead-time/interceptors/2027-12')).toMatchObject({ guarantor: 'DE', month: '2027-12', size: 5 });
    expect(byKey.get('election/p-us/2027-07-15')).toMatchObject({ guarantor: 'US', month: '2027-07', size: 10 });
    // Logged once per change: raised (#1) and resolved (#2), nothing else.
    const db = (s.store as SqliteStore).db;
    const logged = (
      db.prepare("SELECT record_id FROM tlog_entry WHERE kind = 'sustainment-alert' ORDER BY idx").all() as {
        record_id: string;
      }[]
    ).map((r) => r.record_id);
    expect([...logged].sort()).toEqual(
      Object.keys(expected)
        .flatMap((k) => [`${k}#1`, `${k}#2`])
        .sort(),
    );
    await s.close();
  }, 120_000);
});
