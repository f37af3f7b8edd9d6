/** The ledger API, socket-free: batches all or nothing, every kind of bad input named by item and field, reads. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../../../test/support/app.js';

let s: TestServer;
beforeEach(async () => {
  // The example package takes effect 2026-06; the clock reads 2026-10-01.
  s = await testServer({ now: Date.UTC(2026, 9, 1) });
});
afterEach(() => s.close());

const post = (url: string, payload: unknown, who: 'guarantor' | 'admin' | 'analyst' = 'guarantor') =>
  s.app.inject({ method: 'POST', url, headers: { authorization: s.auth[who] }, payload: payload as never });
const get = (url: string, who: 'analyst' | 'guarantor' | 'admin' | 'monitor' = 'analyst') =>
  s.app.inject({ method: 'GET', url, headers: { authorization: s.auth[who] } });

// The guarantor key acts for UK.
const ukPledge = {
  id: 'uk-fin',
  by: 'UK',
  requirement: 'financing',
  amount: 3e9,
  currency: 'GBP',
  per: 'year',
  from: '2026-06',
  until: '2027-03',
  form: 'political',
  source: 'Spending Review 2026',
};
const ukDelivery = {
  id: 'uk-d1',
  by: 'UK',
  pledge: 'uk-fin',
  amount: 2.5e8,
  currency: 'GBP',
  delivered: '2026-07-15',
  evidence: ['a'.repeat(64)],
};
const count = async () => (await get('/v1/ledger?limit=1000')).json().items.length as number;

describe('POST /v1/ledger/pledges and /deliveries', () => {
  it("stores a guarantor's own records, answers seqs, treats a resend as duplicates, and derives alerts", async () => {
    const r = await post('/v1/ledger/pledges', [ukPledge]);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ accepted: 1, duplicates: 0, seqs: [1] });
    const d = await post('/v1/ledger/deliveries', [ukDelivery]);
    expect(d.json()).toMatchObject({ accepted: 1, seqs: [2] });
    expect((await post('/v1/ledger/deliveries', [ukDelivery])).json()).toMatchObject({
      accepted: 0,
      duplicates: 1,
      seqs: [2],
    });
    // UK delivered one month of four that fell due: late since 2026-07 (the alert from 2026-06, raised when the
    // pledge was stored with nothing delivered, was resolved by the delivery).
    const alerts = (await get('/v1/ledger/alerts?kind=late-delivery&state=open')).json().items;
    expect((await get('/v1/ledger/alerts?state=resolved')).json().items.map((a: { key: string }) => a.key)).toEqual([
      'late-delivery/uk-fin/2026-06',
    ]);
    expect(alerts).toEqual([
      expect.objectContaining({
        key: 'late-delivery/uk-fin/2026-07',
        guarantor: 'UK',
        requirement: 'financing',
        month: '2026-07',
        state: 'open',
        unit: 'EUR',
      }),
    ]);
    expect(alerts[0].size).toBeCloseTo(3 * (3e9 / 12) * 1.17, 0);
  });

  it('takes NDJSON', async () => {
    const r = await s.app.inject({
      method: 'POST',
      url: '/v1/ledger/pledges',
      headers: { authorization: s.auth.guarantor, 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify(ukPledge) + '\n',
    });
    expect(r.statusCode, r.body).toBe(200);
  });

  it.each([
    ['a delivery against an unknown pledge', { pledge: 'nope' }, 'pledge'],
    ['a negative amount', { amount: -1 }, 'amount'],
    ['a non-numeric amount', { amount: 'lots' }, 'amount'],
    ['a currency the package cannot convert', { currency: 'CHF' }, 'currency'],
    ['a date before the package takes effect', { delivered: '2026-05-20' }, 'delivered'],
    ['a date in the future beyond the tolerance', { delivered: '2026-10-05' }, 'delivered'],
    ['a malformed evidence hash', { evidence: ['xyz'] }, 'evidence.0'],
  ])('refuses %s with 400 naming item and field, and stores nothing from the batch', async (_name, change, path) => {
    await post('/v1/ledger/pledges', [ukPledge]);
    const before = await count();
    const r = await post('/v1/ledger/deliveries', [
      { ...ukDelivery, id: 'ok' },
      { ...ukDelivery, id: 'bad', ...change },
    ]);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({
      error: 'invalid-deliveries',
      problems: [expect.objectContaining({ index: 1, path })],
    });
    expect(r.json().message).toMatch(/1 of 2 .* invalid; nothing was stored/);
    expect(await count()).toBe(before);
  });

  it('refuses a guarantor reporting for another with 403 naming item and field; an admin may', async () => {
    const de = { ...ukPledge, id: 'de-fin', by: 'DE', currency: 'EUR', form: 'appropriation-law' };
    const r = await post('/v1/ledger/pledges', [ukPledge, de]);
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({
      error: 'forbidden-guarantor',
      problems: [{ index: 1, path: 'by', reason: 'this key reports for UK, not for DE' }],
    });
    expect(await count()).toBe(0);
    expect((await post('/v1/ledger/pledges', [de], 'admin')).statusCode).toBe(200);
    // UK may not deliver against DE's pledge either.
    const d = await post('/v1/ledger/deliveries', [{ ...ukDelivery, pledge: 'de-fin', currency: 'EUR' }]);
    expect(d.statusCode).toBe(400);
    expect(d.json().problems).toEqual([
      expect.objectContaining({ index: 0, path: 'pledge', reason: "pledge de-fin is DE's, not UK's" }),
    ]);
  });

  it('refuses roles that may not report, a body that is not a list, and an id reused for other fields', async () => {
    expect((await post('/v1/ledger/pledges', [ukPledge], 'analyst')).statusCode).toBe(403);
    expect((await s.app.inject({ method: 'POST', url: '/v1/ledger/pledges', payload: [ukPledge] })).statusCode).toBe(
      401,
    );
    expect((await post('/v1/ledger/pledges', { ...ukPledge })).statusCode).toBe(400);
    await post('/v1/ledger/pledges', [ukPledge]);
    const r = await post('/v1/ledger/pledges', [{ ...ukPledge, amount: 4e9 }]);
    expect(r.statusCode).toBe(400);
    expect(r.json().problems).toEqual([expect.objectContaining({ index: 0, path: 'id' })]);
  });

  it('revises and withdraws by new records, never edits', async () => {
    await post('/v1/ledger/pledges', [ukPledge]);
    const r = await post('/v1/ledger/pledges', [
      { ...ukPledge, id: 'uk-fin-2', amount: 2e9, from: '2026-10', supersedes: 'uk-fin' },
      { id: 'uk-w', by: 'UK', withdraws: 'uk-fin-2', from: '2027-01' },
    ]);
    expect(r.statusCode, r.body).toBe(200);
    const again = await post('/v1/ledger/pledges', [{ id: 'uk-w2', by: 'UK', withdraws: 'uk-fin', from: '2027-01' }]);
    expect(again.json().problems).toEqual([
      expect.objectContaining({ index: 0, path: 'withdraws', reason: 'pledge uk-fin was already ended by uk-fin-2' }),
    ]);
    const items = (await get('/v1/ledger?pledge=uk-fin')).json().items;
    expect(items.map((x: { id: string }) => x.id)).toEqual(['uk-fin', 'uk-fin-2']);
  });
});

describe('GET /v1/ledger, /coverage, /alerts', () => {
  it('pages with a cursor and filters', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ ...ukPledge, id: `p${i}` }));
    await post('/v1/ledger/pledges', items);
    await post(
      '/v1/ledger/deliveries',
      [ukDelivery, { ...ukDelivery, id: 'uk-d2', pledge: 'p3' }].map((d, i) => (i === 0 ? { ...d, pledge: 'p0' } : d)),
    );
    const first = (await get('/v1/ledger?limit=5')).json();
    expect(first.items).toHaveLength(5);
    const second = (await get(`/v1/ledger?limit=5&cursor=${first.next}`)).json();
    expect(second.items[0].seq).toBe(6);
    expect((await get('/v1/ledger?type=delivery')).json().items.map((x: { id: string }) => x.id)).toEqual([
      'uk-d1',
      'uk-d2',
    ]);
    expect((await get('/v1/ledger?by=DE')).json().items).toEqual([]);
    expect((await get('/v1/ledger?cursor=zzz')).statusCode).toBe(400);
    expect((await get('/v1/ledger?colour=red')).statusCode).toBe(400);
    // The test's monitor key is the mission's (CMM): it reads the ledger for its duty officer; a feed's does not.
    expect((await get('/v1/ledger', 'monitor')).statusCode).toBe(200);
    const feed = await s.app.inject({
      method: 'POST',
      url: '/v1/apikeys',
      headers: { authorization: s.auth.admin },
      payload: { actor: 'UK', role: 'monitor' },
    });
    const byFeed = await s.app.inject({
      method: 'GET',
      url: '/v1/ledger',
      headers: { authorization: `Bearer ${feed.json().key}` },
    });
    expect(byFeed.statusCode).toBe(403);
  });

  it('answers coverage month by month, what was pledged and delivered, and the aggregate', async () => {
    await post('/v1/ledger/pledges', [ukPledge]);
    await post('/v1/ledger/deliveries', [ukDelivery]);
    const r = await get('/v1/ledger/coverage?from=2026-06&to=2026-12&requirement=financing', 'guarantor');
    expect(r.statusCode, r.body).toBe(200);
    const c = r.json();
    expect(c.asOf).toBe('2026-10');
    expect(c.requirements).toHaveLength(1);
    const months = c.requirements[0].months;
    expect(months.map((m: { month: string }) => m.month)).toEqual([
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    expect(months[1].delivered).toBeCloseTo(2.5e8 * 1.17, 0);
    expect(months[4].pledged).toBeCloseTo((3e9 / 12) * 1.17, 0);
    expect(months[1].coverage).toBeCloseTo((2.5e8 * 1.17) / (40e9 / 12), 6);
    expect(c.aggregate).toHaveLength(6);
    expect((await get('/v1/ledger/coverage?from=2026-13')).statusCode).toBe(400);
    expect((await get('/v1/ledger/coverage?requirement=tanks')).statusCode).toBe(400);
  });

  it('acknowledges an alert once; a guarantor only its own', async () => {
    await post('/v1/ledger/pledges', [ukPledge, { ...ukPledge, id: 'de-fin', by: 'DE', currency: 'EUR' }], 'admin');
    const list = (await get('/v1/ledger/alerts?state=open&kind=late-delivery')).json().items as {
      key: string;
      guarantor: string;
    }[];
    const uk = list.find((a) => a.guarantor === 'UK')!;
    const de = list.find((a) => a.guarantor === 'DE')!;
    expect((await post('/v1/ledger/alerts/acknowledge', { key: de.key })).statusCode).toBe(403);
    const ack = await post('/v1/ledger/alerts/acknowledge', { key: uk.key });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ changed: true, alert: { state: 'acknowledged', revision: 2 } });
    expect((await post('/v1/ledger/alerts/acknowledge', { key: uk.key })).json()).toMatchObject({ changed: false });
    expect((await post('/v1/ledger/alerts/acknowledge', { key: 'nope' })).statusCode).toBe(404);
    expect((await get('/v1/ledger/alerts?state=acknowledged')).json().items.map((a: { key: string }) => a.key)).toEqual(
      [uk.key],
    );
  });
});
