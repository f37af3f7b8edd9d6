/**
 * The report's sustainment section reads the ledger's decay alerts through its store port, as they stood at the
 * cut-off: an alert raised after the cut-off is not in the day's report; one acknowledged after it is still open
 * there; the CLI reading the store directly lists the same.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DailyReport, SustainmentRow } from '../../src/core/report/daily.js';
import { renderReportMarkdown } from '../../src/core/report/markdown.js';
import { testServer, type TestServer } from '../support/app.js';

let s: TestServer;
// The clock reads 2026-10-01 12:00; UK pledged financing from 2026-06 and delivered nothing: late deliveries.
beforeEach(async () => {
  s = await testServer({ now: Date.UTC(2026, 9, 1, 12) });
});
afterEach(() => s.close());

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
const report = async (date: string, who: 'analyst' | 'guarantor' = 'analyst') => {
  const r = await s.app.inject({
    method: 'GET',
    url: `/v1/reports/daily?date=${date}&sections=sustainment`,
    headers: { authorization: s.auth[who] },
  });
  expect(r.statusCode, r.body).toBe(200);
  return JSON.parse(r.body) as DailyReport;
};
const alerts = (r: DailyReport) => (r.sustainment as { status: 'ledger'; alerts: SustainmentRow[] }).alerts;

describe('sustainment in the daily report', () => {
  it('lists the alerts open at the cut-off, read through the ledger port', async () => {
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: '/v1/ledger/pledges',
          headers: { authorization: s.auth.guarantor },
          payload: [ukPledge],
        })
      ).statusCode,
    ).toBe(200);
    const today = await report('2026-10-01', 'guarantor');
    expect(today.sustainment!.status).toBe('ledger');
    const open = alerts(today);
    expect(open.length).toBeGreaterThan(0);
    expect(open).toContainEqual(
      expect.objectContaining({
        kind: 'late-delivery',
        guarantor: 'UK',
        requirement: 'financing',
        state: 'open',
        unit: 'EUR',
      }),
    );
    expect(open.every((a) => a.raisedAt === '2026-10-01T12:00:00.000Z')).toBe(true);
    // Raised today: the report for yesterday has none.
    expect(alerts(await report('2026-09-30'))).toEqual([]);
    // Acknowledged later: open at the day's cut-off when the cut-off came first, acknowledged at a later one.
    const late = open.find((a) => a.kind === 'late-delivery')!;
    s.clock.set(Date.UTC(2026, 9, 1, 18));
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: '/v1/ledger/alerts/acknowledge',
          headers: { authorization: s.auth.guarantor },
          payload: { key: late.key },
        })
      ).statusCode,
    ).toBe(200);
    expect(alerts(await report('2026-10-01', 'analyst')).find((a) => a.key === late.key)!.state).toBe('acknowledged');
    const early = await s.app.inject({
      method: 'GET',
      url: '/v1/reports/daily?date=2026-10-01&sections=sustainment&cutoff=15:00',
      headers: { authorization: s.auth.analyst },
    });
    expect(alerts(JSON.parse(early.body) as DailyReport).find((a) => a.key === late.key)!.state).toBe('open');
    expect(renderReportMarkdown(await report('2026-10-01'))).toMatch(
      /\*\*late-delivery\*\* from 2026-\d\d, financing, UK: /,
    );
  });

  it('keeps sustainment out of the public variant', async () => {
    const r = await s.app.inject({
      method: 'GET',
      url: '/v1/public/reports/daily?date=2026-10-01&sections=sustainment',
    });
    expect(r.statusCode).toBe(403);
  });
});
