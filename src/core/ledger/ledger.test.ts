import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sustainment } from '../analysis/sustainment.js';
import { geometryReaderAt as geometryReaderFor } from '../../../test/support/package-file.js';
import { loadPackage } from '../spec/load.js';
import type { Package } from '../spec/schema.js';
import { deriveAlerts, alertTransitions, type SustainmentAlert } from './alerts.js';
import type { DeliveryRecord, LedgerFields, LedgerRecord, PledgeRecord } from './record.js';
import { LedgerIndex } from './state.js';
import { parseDeliveryBatch, parsePledgeBatch } from './validate.js';
import { coverageReport, liveSustainment } from './view.js';

const file = 'examples/ukraine-2026.yaml';
const text = readFileSync(file, 'utf8');
const pkg = loadPackage(text, { file, readGeometry: geometryReaderFor(file) }).model as Package;

/** The package's commitments typed in as ledger pledges, from the YAML text (not from the loaded model). */
function pledgesFromYaml(): PledgeRecord[] {
  const doc = parse(text) as { sustainment: { commitments: Record<string, unknown>[] } };
  return doc.sustainment.commitments.map((c, i) => {
    const [amount, currency] = typeof c['amount'] === 'string' ? (c['amount'] as string).split(/\s+/) : [];
    const month = (x: unknown) => (x instanceof Date ? x.toISOString().slice(0, 7) : String(x));
    return {
      type: 'pledge',
      id: `p${i + 1}`,
      by: String(c['by']),
      requirement: String(c['provides']),
      ...(amount ? { amount: Number(amount), currency: currency! } : { quantity: Number(c['quantity']) }),
      per: c['per'] as PledgeRecord['per'],
      from: month(c['from']),
      ...(c['until'] ? { until: month(c['until']) } : {}),
      form: c['form'] as PledgeRecord['form'],
      ...(c['lead-time'] ? { leadTime: String(c['lead-time']) } : {}),
      seq: i + 1,
      recordedAt: 0,
      submittedBy: 'k',
    };
  });
}

const start = Date.UTC(2026, 5, 1);
const month = (i: number) => Date.UTC(2026, 5 + i, 1);

describe('the live month-twelve view', () => {
  it("with a ledger equal to the package commitments, agrees exactly with explain's view", () => {
    const ledger = new LedgerIndex(pkg);
    ledger.add(pledgesFromYaml());
    const { asOf, asOfIndex, pledges, ...live } = liveSustainment(pkg, ledger, start);
    expect(asOf).toBe('2026-06');
    expect(asOfIndex).toBe(0);
    expect(pledges).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    expect(live).toEqual(sustainment(pkg));
    expect(live.requirements[0]!.series.length).toBe(36);
  });

  it('counts deliveries in past months: delivering exactly the schedule gives the same coverage', () => {
    const ledger = new LedgerIndex(pkg);
    const pledges = pledgesFromYaml();
    ledger.add(pledges);
    const view = sustainment(pkg);
    // Deliver financing as pledged for the first 10 months (converted back to each pledge's currency).
    const deliveries: DeliveryRecord[] = [];
    let seq = 100;
    for (const p of pledges.filter((x) => x.requirement === 'financing')) {
      for (let i = 0; i < 10; i++) {
        if (Date.UTC(2026, 5 + i, 1) >= Date.parse(p.until! + '-01T00:00:00Z') + 31 * 86_400_000) continue;
        const last = new Date(Date.UTC(Number(p.until!.slice(0, 4)), Number(p.until!.slice(5, 7)), 1)).getTime();
        if (month(i) >= last) continue;
        deliveries.push({
          type: 'delivery',
          id: `d${seq}`,
          by: p.by,
          pledge: p.id,
          requirement: p.requirement,
          amount: p.amount! / 12,
          currency: p.currency!,
          delivered: new Date(month(i) + 14 * 86_400_000).toISOString().slice(0, 10),
          seq: seq++,
          recordedAt: 0,
          submittedBy: 'k',
        });
      }
    }
    ledger.add(deliveries);
    const live = liveSustainment(pkg, ledger, month(10) + 5 * 86_400_000);
    expect(live.asOf).toBe('2027-04');
    const fin = live.requirements.find((r) => r.id === 'financing')!;
    const want = view.requirements.find((r) => r.id === 'financing')!;
    fin.series.forEach((p, i) => expect(p.coverage).toBeCloseTo(want.series[i]!.coverage, 9));
    expect(fin.series[3]!.delivered).toBeCloseTo(want.series[3]!.firm + want.series[3]!.atRisk, 3);
    expect(fin.series[12]!.delivered).toBe(0);
    const report = coverageReport(live, '2027-01', '2027-07');
    expect(report.requirements[1]!.months.map((m) => m.month)).toEqual([
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
    ]);
    expect(report.aggregate).toHaveLength(6);
  });

  it('a revision ends the pledge it supersedes where it begins; a withdrawal from its month', () => {
    const ledger = new LedgerIndex(pkg);
    const [p1] = pledgesFromYaml();
    ledger.add([
      p1!,
      { ...p1!, id: 'p1b', amount: 6e9, from: '2027-01', supersedes: 'p1', seq: 2 },
      {
        type: 'withdrawal',
        id: 'w',
        by: 'DE',
        withdraws: 'p1b',
        requirement: 'financing',
        from: '2027-06',
        seq: 3,
        recordedAt: 0,
        submittedBy: 'k',
      },
    ]);
    const fin = liveSustainment(pkg, ledger, start).requirements.find((r) => r.id === 'financing')!;
    expect(fin.series[6]!.firm).toBeCloseTo(9e9 / 12, 0);
    expect(fin.series[7]!.firm).toBeCloseTo(6e9 / 12, 0);
    expect(fin.series[11]!.firm).toBeCloseTo(6e9 / 12, 0);
    expect(fin.series[12]!.firm).toBe(0);
  });
});

describe('ledger batches', () => {
  const now = Date.UTC(2026, 9, 1);
  const rules = { pkg, now };
  const stored = () => {
    const l = new LedgerIndex(pkg);
    l.add([
      {
        type: 'pledge',
        id: 'de-fin',
        by: 'DE',
        requirement: 'financing',
        amount: 9e9,
        currency: 'EUR',
        per: 'year',
        from: '2026-06',
        form: 'appropriation-law',
        seq: 1,
        recordedAt: 0,
        submittedBy: 'k',
      },
    ]);
    return l;
  };
  const good = { id: 'd1', by: 'DE', pledge: 'de-fin', amount: 7.5e8, currency: 'EUR', delivered: '2026-07-15' };

  it('accepts a good batch and marks a retry as a duplicate', () => {
    const r = parseDeliveryBatch([good], rules, stored());
    expect(r.ok).toBe(true);
    const l = stored();
    l.add([
      { ...(r.ok ? r.records[0]! : ({} as LedgerFields)), seq: 2, recordedAt: 0, submittedBy: 'k' } as LedgerRecord,
    ]);
    const again = parseDeliveryBatch([good], rules, l);
    expect(again.ok && again.duplicate).toEqual([true]);
  });

  it.each([
    ['a delivery against an unknown pledge', { ...good, pledge: 'nope' }, 'pledge', /no pledge "nope"/],
    ['a negative amount', { ...good, amount: -5 }, 'amount', /negative/],
    ['a non-numeric amount', { ...good, amount: '7e8' }, 'amount', /must be a number/],
    ['a currency the package cannot convert', { ...good, currency: 'JPY' }, 'currency', /cannot convert JPY to EUR/],
    [
      'a date before the effective date',
      { ...good, delivered: '2026-05-31' },
      'delivered',
      /before the package takes effect/,
    ],
    ['a date in the future beyond the tolerance', { ...good, delivered: '2026-10-03' }, 'delivered', /in the future/],
    [
      'a quantity for a money requirement',
      { id: 'd1', by: 'DE', pledge: 'de-fin', quantity: 3, delivered: '2026-07-15' },
      'quantity',
      /counted in money/,
    ],
    ['an unknown field', { ...good, colour: 'red' }, 'colour', /not a field/],
  ])('refuses %s, naming the item and the field', (_name, item, path, reason) => {
    const r = parseDeliveryBatch([good, item], rules, stored());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ index: 1, path });
    expect(r.errors[0]!.reason).toMatch(reason);
  });

  it('refuses a bad pledge in a batch, naming each item and field', () => {
    const p = {
      id: 'us-ad',
      by: 'US',
      requirement: 'air-defence-interceptors',
      quantity: 600,
      per: 'year',
      from: '2026-06',
      form: 'executive',
      leadTime: '18mo',
    };
    expect(parsePledgeBatch([p], rules, stored()).ok).toBe(true);
    const r = parsePledgeBatch(
      [
        p,
        { ...p, id: 'x', from: '2026-01' },
        { ...p, id: 'y', requirement: 'tanks' },
        { ...p, id: 'z', quantity: undefined, amount: 5, currency: 'EUR' },
        { ...p, id: 'w', by: 'XX' },
        { id: 'v', by: 'US', withdraws: 'de-fin', from: '2027-01' },
        p,
      ],
      rules,
      stored(),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.index, e.path])).toEqual([
      [1, 'from'],
      [2, 'requirement'],
      [3, 'amount'],
      [4, 'by'],
      [5, 'withdraws'],
      [6, 'id'],
    ]);
  });

  it('refuses an id already used by a different record', () => {
    const r = parsePledgeBatch(
      [
        {
          id: 'de-fin',
          by: 'DE',
          requirement: 'financing',
          amount: 1,
          currency: 'EUR',
          per: 'year',
          from: '2026-06',
          form: 'treaty',
        },
      ],
      rules,
      stored(),
    );
    expect(!r.ok && r.errors[0]).toMatchObject({ index: 0, path: 'id' });
  });
});

describe('decay alerts', () => {
  it('are a function of package, ledger and month, and each transition happens once', () => {
    const ledger = new LedgerIndex(pkg);
    ledger.add(pledgesFromYaml());
    const at = month(3) + 86_400_000;
    const a = deriveAlerts(pkg, ledger, liveSustainment(pkg, ledger, at), at);
    const b = deriveAlerts(pkg, ledger, liveSustainment(pkg, ledger, at + 86_400_000), at + 86_400_000);
    expect(a).toEqual(b);
    expect(new Set(a.map((x) => x.key)).size).toBe(a.length);
    // Nothing delivered in three months: every pledge that fell due is late, from 2026-06.
    expect(a.filter((x) => x.kind === 'late-delivery').map((x) => x.key)).toContain('late-delivery/p1/2026-06');
    const stored = new Map<string, SustainmentAlert>();
    const first = alertTransitions(stored, a, at, '2026-09');
    for (const s of first) stored.set(s.key, s);
    expect(first.every((s) => s.state === 'open')).toBe(true);
    expect(alertTransitions(stored, a, at + 1, '2026-09')).toEqual([]);
    const resolved = alertTransitions(stored, a.slice(1), at + 2, '2026-09');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ key: a[0]!.key, state: 'resolved', revision: 2 });
  });
});
