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
import { loadPackageFile } from '../src/cli/files.js';
import { ManualClock } from '../src/core/ops/clock.js';
import type { SustainmentAlert } from '../src/core/ledger/alerts.js';
import { generateKey } from '../src/server/api-keys.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { testServer, type TestServer } from './support/app.js';

const dir = mkdtempSync(join(tmpdir(), 'guarantor-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pkg = loadPackageFile('test/fixtures/ledger/scenario.yaml');

const at = (m: number, day: number) => Date.UTC(2027, m, day);
const label = (m: number) => new Date(at(m, 1)).toISOString().slice(0, 7);

/** What each guarantor delivers in month m (0 = 2027-01), on which day: on time, except where the scenario says. */
function deliveries(m: number): { day: number; by: string; pledge: string; amount?: number; quantity?: number }[] {
  const out: { day: number; by: string; pledge: string; amount?: number; quantity?: number }[] = [];
  // DE delivers 30 of its 50 million in March, and the missing 20 on 20 April.
  out.push({ day: 10, by: 'DE', pledge: 'p-de', amount: m === 2 ? 30e6 : 50e6 });
  if (m === 3) out.push({ day: 20, by: 'DE', pledge: 'p-de', amount: 20e6 });
  // FR's June money arrives on 5 July.
  if (m <= 8 && m !== 5) out.push({ day: 10, by: 'FR', pledge: 'p-fr', amount: 50e6 });
  if (m === 6) out.push({ day: 5, by: 'FR', pledge: 'p-fr', amount: 50e6 });
  // The US delivers until its election (15 July 2027), then nothing.
  if (m <= 6) out.push({ day: 10, by: 'US', pledge: 'p-us', quantity: 10 });
  if (m >= 5) out.push({ day: 10, by: 'DE', pledge: 'p-de-int', quantity: 5 });
  if (m >= 10) out.push({ day: 10, by: 'FR', pledge: 'p-fr2', amount: 50e6 });
  if (m >= 12) out.push({ day: 10, by: 'FR', pledge: 'p-fr-int', quantity: 5 });
  return out;
}

/** The first pledges, recorded on 15 December 2026, before the package takes effect. */
const initial: Record<string, unknown>[] = [
    { id: 'p-de', by: 'DE', requirement: 'financing', amount: 600e6, currency: 'EUR', per: 'year', from: '2027-01', until: '2028-12', form: 'appropriation-law', source: 'Haushaltsgesetz 2027' },
    { id: 'p-fr', by: 'FR', requirement: 'financing', amount: 600e6, currency: 'EUR', per: 'year', from: '2027-01', until: '2027-09', form: 'treaty' },
    { id: 'p-us', by: 'US', requirement: 'interceptors', quantity: 120, per: 'year', from: '2027-01', until: '2028-12', form: 'executive' },
];

/** Pledges and withdrawals by month (0 = 2027-01): [day, key owner, items]. */
const pledges: Record<number, [number, string, Record<string, unknown>[]][]> = {
  2: [[3, 'DE', [{ id: 'p-de-int', by: 'DE', requirement: 'interceptors', quantity: 60, per: 'year', from: '2027-03', until: '2028-12', form: 'appropriation-law', leadTime: '3mo' }]]],
  9: [[5, 'US', [{ id: 'w-us', by: 'US', withdraws: 'p-us', from: '2027-08', source: 'the new administration lapsed it' }]]],
  10: [[3, 'FR', [{ id: 'p-fr2', by: 'FR', requirement: 'financing', amount: 600e6, currency: 'EUR', per: 'year', from: '2027-11', until: '2028-12', form: 'treaty' }]]],
  12: [[5, 'FR', [{ id: 'p-fr-int', by: 'FR', requirement: 'interceptors', quantity: 60, per: 'year', from: '2028-01', until: '2028-12', form: 'treaty' }]]],
};

/** Each alert: the month it is raised and the month it is resolved. */
const expected: Record<string, [string, string]> = {
  'dependence/interceptors/US': ['2027-01', '2027-03'],
  'late-delivery/p-de/2027-03': ['2027-04', '2027-04'],
  'election/p-us/2027-07-15': ['2027-05', '2027-10'],
  'late-delivery/p-fr/2027-06': ['2027-07', '2027-07'],
  'ending-without-successor/p-fr/2027-10': ['2027-08', '2027-11'],
  'below-threshold/financing/2027-10': ['2027-08', '2027-11'],
  'late-delivery/p-us/2027-08': ['2027-09', '2027-10'],
  'ending-without-successor/p-us/2027-08': ['2027-10', '2028-01'],
  'below-threshold/interceptors/2027-12': ['2027-10', '2028-01'],
  'lead-time/interceptors/2027-12': ['2027-10', '2028-01'],
};

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
      const r = await s.app.inject({ method: 'POST', url, headers: { authorization: keys[who]! }, payload: items as never });
      expect(r.statusCode, `${url} ${r.body}`).toBe(200);
    };
    const alerts = async (): Promise<SustainmentAlert[]> => (await s.app.inject({ method: 'GET', url: '/v1/ledger/alerts?limit=1000', headers: { authorization: keys['admin']! } })).json().items;
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
      for (const [day, who, items] of pledges[m] ?? []) events.push([day, () => post('/v1/ledger/pledges', who, items)]);
      deliveries(m).forEach((d, i) =>
        events.push([
          d.day,
          () =>
            post('/v1/ledger/deliveries', d.by, [
              { id: `d-${d.pledge}-${label(m)}-${i}`, by: d.by, pledge: d.pledge, ...(d.amount !== undefined ? { amount: d.amount, currency: 'EUR' } : { quantity: d.quantity }), delivered: new Date(at(m, d.day)).toISOString().slice(0, 10) },
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
    expect(byKey.get('late-delivery/p-de/2027-03')).toMatchObject({ requirement: 'financing', guarantor: 'DE', month: '2027-03', size: 20e6, unit: 'EUR' });
    expect(byKey.get('late-delivery/p-us/2027-08')).toMatchObject({ requirement: 'interceptors', guarantor: 'US', month: '2027-08', size: 10, unit: 'units' });
    expect(byKey.get('below-threshold/financing/2027-10')).toMatchObject({ guarantor: 'FR', month: '2027-10', size: 50e6 });
    expect(byKey.get('lead-time/interceptors/2027-12')).toMatchObject({ guarantor: 'DE', month: '2027-12', size: 5 });
    expect(byKey.get('election/p-us/2027-07-15')).toMatchObject({ guarantor: 'US', month: '2027-07', size: 10 });
    // Logged once per change: raised (#1) and resolved (#2), nothing else.
    const db = (s.store as SqliteStore).db;
    const logged = (db.prepare("SELECT record_id FROM tlog_entry WHERE kind = 'sustainment-alert' ORDER BY idx").all() as { record_id: string }[]).map((r) => r.record_id);
    expect([...logged].sort()).toEqual(Object.keys(expected).flatMap((k) => [`${k}#1`, `${k}#2`]).sort());
    await s.close();
  }, 120_000);
});
