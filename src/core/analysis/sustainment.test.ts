import { describe, expect, it } from 'vitest';
import { samplePackage } from './sample.js';
import { sustainment } from './sustainment.js';

describe('month-twelve sustainment', () => {
  it('spans the horizon month by month from the effective month', () => {
    const s = sustainment(samplePackage());
    expect(s.months).toHaveLength(12);
    expect(s.months[0]).toBe('2026-06');
    expect(s.months[11]).toBe('2027-05');
    expect(s.requirements[0]!.series.every((p) => p.coverage === 1)).toBe(true);
  });
  it('converts currencies with assumptions.fx', () => {
    const s = sustainment(
      samplePackage([
        { set: ['sustainment', 'commitments', 1, 'amount'], to: '1e9 GBP' },
        { set: ['assumptions', 'fx'], to: { GBP: '1.2 EUR' } },
      ]),
    );
    expect(s.requirements[0]!.series[0]!.firm).toBeCloseTo((1e9 + 1.2e9) / 12, 0);
  });
  it('shifts deliveries by the lead time and fills the gap from stock until it runs out', () => {
    const s = sustainment(
      samplePackage([
        { set: ['sustainment', 'commitments', 0, 'lead-time'], to: '4mo' },
        { set: ['sustainment', 'requirements', 'financing', 'stock'], to: '1mo' },
      ]),
    );
    const cov = s.requirements[0]!.series.map((p) => Math.round(p.coverage * 100));
    // month 0: G2's half plus a month of stock spread over the gap (two months at half); from month 4 both deliver
    expect(cov.slice(0, 6)).toEqual([100, 100, 50, 50, 100, 100]);
  });
  it("counts political commitments as at risk after their guarantor's election", () => {
    const s = sustainment(
      samplePackage([
        { set: ['actors', 'G1', 'elections'], to: ['2026-11-03'] },
        { set: ['sustainment', 'commitments', 0, 'form'], to: 'executive' },
      ]),
    );
    const r = s.requirements[0]!;
    expect(r.series[5]!.atRisk).toBe(0);
    expect(r.series[6]!.atRisk).toBeCloseTo(1e9 / 12, 0);
    expect(s.electionRisks).toEqual([
      { n: 1, by: 'G1', requirement: 'financing', form: 'executive', date: '2026-11-03' },
    ]);
  });
  it('reports shares per guarantor, largest first', () => {
    const s = sustainment(samplePackage([{ set: ['sustainment', 'commitments', 0, 'amount'], to: '3e9 EUR' }]));
    expect(s.requirements[0]!.shares.map((x) => x.by)).toEqual(['G1', 'G2']);
    expect(s.requirements[0]!.shares[0]!.share).toBeCloseTo(0.75, 9);
  });
  it('spreads quarterly amounts over three months and counts a one-off in its first delivery month', () => {
    const s = sustainment(
      samplePackage([
        { set: ['sustainment', 'commitments', 0, 'amount'], to: '0.25e9 EUR' },
        { set: ['sustainment', 'commitments', 0, 'per'], to: 'quarter' },
        { set: ['sustainment', 'commitments', 1, 'amount'], to: '3e9 EUR' },
        { set: ['sustainment', 'commitments', 1, 'per'], to: 'once' },
        { set: ['sustainment', 'commitments', 1, 'from'], to: '2026-08' },
      ]),
    );
    const firm = s.requirements[0]!.series.map((p) => Math.round(p.firm / 1e6));
    expect(firm.slice(0, 4)).toEqual([83, 83, 3083, 83]);
  });
  it('records cliffs with coverage before and after (G2 delivers from August after its lead time), and lead gaps against stock', () => {
    const s = sustainment(
      samplePackage([
        { set: ['sustainment', 'commitments', 0, 'until'], to: '2026-09' },
        { set: ['sustainment', 'commitments', 1, 'lead-time'], to: '2mo' },
        { set: ['sustainment', 'requirements', 'financing', 'stock'], to: '1mo' },
      ]),
    );
    expect(s.cliffs.map((c) => [c.n, c.month, Math.round(c.before * 100), Math.round(c.after * 100)])).toEqual([
      [1, '2026-10', 100, 50],
    ]);
    expect(s.leadGaps.map((g) => [g.n, g.requirement])).toEqual([[2, 'financing']]);
  });
});
