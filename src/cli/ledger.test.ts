/**
 * `guarantor ledger import` against a real app (socket-free): the Kiel tracker layout, on a fixture made for these
 * tests with invented numbers (test/fixtures/ledger/kiel-layout.csv), checked against a direct count of the CSV; the
 * documented ledger CSV; and a grouped summary of what is refused.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPackageFile } from '../package-files.js';
import { billionsToEuros, parseKielCsv } from '../core/ledger/import.js';
import type { LedgerRecord } from '../core/ledger/record.js';
import { testServer, type TestServer } from '../../test/support/app.js';
import { formatLedgerSummary, runLedgerImport } from './ledger.js';
import { injectFetch } from '../../test/support/inject-fetch.js';

const KIEL = 'test/fixtures/ledger/kiel-layout.csv';
const pkg = loadPackageFile('test/fixtures/ledger/kiel-package.yaml');
const dir = mkdtempSync(join(tmpdir(), 'guarantor-ledger-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let s: TestServer;
beforeEach(async () => {
  s = await testServer({ package: pkg, now: Date.UTC(2026, 11, 1) });
});
afterEach(() => s.close());

/** fetch, answered by the app in process. */
const viaApp = injectFetch(() => s.app);

async function allRecords(): Promise<LedgerRecord[]> {
  const out: LedgerRecord[] = [];
  let cursor = '';
  do {
    const page = (
      await s.app.inject({
        method: 'GET',
        url: `/v1/ledger?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        headers: { authorization: s.auth.admin },
      })
    ).json();
    out.push(...page.items);
    cursor = page.next ?? '';
  } while (cursor);
  return out;
}

const map = {
  financial: 'financial',
  humanitarian: 'humanitarian',
  military: 'military',
  to_be_allocated: 'unallocated',
} as const;

describe('guarantor ledger import, Kiel tracker layout', () => {
  it('gives totals per donor and category equal to a direct count of the CSV', async () => {
    const summary = await runLedgerImport({
      file: KIEL,
      url: 'http://server',
      apiKey: s.keys.admin,
      batch: 50,
      map,
      fetch: viaApp,
    });
    expect(summary).toMatchObject({ layout: 'kiel', refused: [], unreadable: [], notes: [] });
    expect(summary.accepted).toBe(summary.pledges + summary.deliveries);

    // The direct count: sums of each column per donor, in whole euros, straight from the text.
    const direct = new Map<string, Record<string, number>>();
    const [header, ...rows] = readFileSync(KIEL, 'utf8').trim().split('\n');
    const cols = header!.split(',');
    let flowsDiffer = 0;
    for (const row of rows) {
      const f = Object.fromEntries(row.split(',').map((v, i) => [cols[i]!, v]));
      const d = direct.get(f['iso']!) ?? { financial: 0, humanitarian: 0, military: 0, commitments: 0, backlog: 0 };
      for (const c of ['financial', 'humanitarian', 'military', 'commitments']) d[c]! += billionsToEuros(f[c]!)!;
      d['backlog'] = billionsToEuros(f['to_be_allocated']!)!;
      if (billionsToEuros(f['total']!)! > billionsToEuros(f['commitments']!)!) flowsDiffer++;
      expect(d['commitments']! - d['financial']! - d['humanitarian']! - d['military']!).toBeGreaterThanOrEqual(0); // the backlog never goes below zero
      direct.set(f['iso']!, d);
    }
    expect(flowsDiffer).toBeGreaterThan(5); // months allocating more than they commit, drawing on earlier commitments

    const records = await allRecords();
    const sum = (pred: (r: LedgerRecord) => boolean) =>
      records.filter(pred).reduce((n, r) => n + ((r as { amount?: number }).amount ?? 0), 0);
    for (const [iso, d] of direct) {
      for (const c of ['financial', 'humanitarian', 'military'] as const) {
        expect(
          sum((r) => r.type === 'delivery' && r.by === iso && r.requirement === c),
          `${iso} ${c} delivered`,
        ).toBe(d[c]);
        expect(
          sum((r) => r.type === 'pledge' && r.by === iso && r.requirement === c),
          `${iso} ${c} pledged`,
        ).toBe(d[c]);
      }
      expect(
        sum((r) => r.type === 'pledge' && r.by === iso),
        `${iso} pledged`,
      ).toBe(d['commitments']);
      expect(
        sum((r) => r.type === 'pledge' && r.by === iso && r.requirement === 'unallocated'),
        `${iso} backlog`,
      ).toBe(d['backlog']);
    }
    // A second import is all duplicates.
    const again = await runLedgerImport({
      file: KIEL,
      url: 'http://server',
      apiKey: s.keys.admin,
      batch: 200,
      map,
      fetch: viaApp,
    });
    expect(again).toMatchObject({ accepted: 0, duplicates: summary.accepted });
    // The coverage view reads them: military delivered in 2022-03 as the file allocates it.
    const cov = (
      await s.app.inject({
        method: 'GET',
        url: '/v1/ledger/coverage?from=2022-03&to=2022-04&requirement=military',
        headers: { authorization: s.auth.admin },
      })
    ).json();
    const march = rows
      .map((r) => r.split(','))
      .filter((f) => f[2] === '2022' && f[3] === '3')
      .reduce((n, f) => n + billionsToEuros(f[7]!)!, 0);
    expect(cov.requirements[0].months[0].delivered).toBe(march);
  }, 60_000);

  it('sums up what it cannot read, grouped by reason, and notes a backlog column that disagrees', () => {
    const r = parseKielCsv(readFileSync('test/fixtures/ledger/kiel-bad-rows.csv', 'utf8'), { requirements: map });
    expect(r.rejected.map((x) => [x.line, x.reason.replace(/ \(.*$/, '')])).toEqual([
      [3, 'total 0.3 is not financial + humanitarian + military'],
      [4, 'financial "n/a" is not a non-negative number of EUR bn'.replace('EUR bn', 'EUR billion')],
      [7, 'DEU 2022-05 appears twice'],
      [8, 'year "2022" and month "13" do not name a month'],
      [9, 'total "-0.1" is not a non-negative number of EUR billion'],
      [5, "allocates more than the donor's open commitments"],
    ]);
    expect(r.notes).toEqual([
      { line: 6, reason: 'to_be_allocated 0.300000 differs from the running backlog 0.400000 EUR bn' },
    ]);
  });
});

describe('guarantor ledger import, the ledger CSV format', () => {
  it('sends pledges before deliveries, and groups what the server refuses', async () => {
    const file = join(dir, 'ledger.csv');
    writeFileSync(
      file,
      [
        'type,id,by,requirement,pledge,amount,currency,quantity,per,from,until,form,lead_time,supersedes,withdraws,delivered,evidence,source,note',
        'delivery,d1,DEU,,p1,1000000,EUR,,,,,,,,,2022-02-10,,,first tranche',
        'pledge,p1,DEU,financial,,12000000,EUR,,year,2022-01,2023-12,appropriation-law,,,,,,Haushalt 2022,',
        'pledge,p2,DEU,military,,-5,EUR,,year,2022-01,,treaty,,,,,,,',
        'pledge,p3,DEU,military,,lots,EUR,,year,2022-01,,treaty,,,,,,,',
        'delivery,d2,DEU,,p2,100,EUR,,,,,,,,,2022-02-10,,,',
        'delivery,d3,DEU,,p9,100,EUR,,,,,,,,,2022-02-10,,,',
        'delivery,d4,DEU,,p1,100,CHF,,,,,,,,,2022-02-10,,,',
        'withdrawal,w1,DEU,,,,,,,2023-01,,,,,p1,,,,',
        'bogus,x,DEU,,,,,,,,,,,,,,,,',
      ].join('\n'),
    );
    const summary = await runLedgerImport({
      file,
      url: 'http://server',
      apiKey: s.keys.admin,
      batch: 10,
      fetch: viaApp,
    });
    expect(summary).toMatchObject({ layout: 'ledger', pledges: 4, deliveries: 4, accepted: 3 });
    expect(summary.unreadable).toEqual([{ line: 10, reason: 'type "bogus" is not pledge, withdrawal or delivery' }]);
    expect(summary.refused.map((g) => [g.group, g.count])).toEqual([
      ['pledge: no pledge "…" is recorded', 2],
      ['amount: is negative (-N); amounts and quantities are N or more', 1],
      ['amount: must be a number, not "…"', 1],
      ['currency: the package cannot convert CHF to EUR (assumptions.fx has no rate for it)', 1],
    ]);
    const text = formatLedgerSummary(summary);
    expect(text).toMatch(/3 accepted, 0 duplicate, 5 refused/);
    expect(text).toMatch(/e\.g\. d3: pledge: no pledge "p9" is recorded|e\.g\. d2: pledge: no pledge "p2" is recorded/);
    expect((await allRecords()).map((r) => r.id)).toEqual(['p1', 'w1', 'd1']);
  }, 60_000);
});
