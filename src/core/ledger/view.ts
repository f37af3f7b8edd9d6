/**
 * Month twelve, live: the package's sustainment view (`sustainmentOf`, the function `explain` uses) fed by the
 * ledger instead of the package's commitments: pledges as commitments, deliveries as what arrived. Months before
 * the clock's month count what was delivered; this month and later ones what is pledged.
 */
import { sustainmentOf, type MonthPoint, type Sustainment } from '../analysis/sustainment.js';
import type { Package } from '../spec/schema.js';
import type { LedgerIndex } from './state.js';
import { itemAt } from '../item-at.js';

export interface LiveSustainment extends Sustainment {
  /** The month of the clock (YYYY-MM), or the first or last month when the clock is outside the horizon. */
  asOf: string;
  /** Index of `asOf` in `months`. */
  asOfIndex: number;
  /** The pledge behind commitment n (1-based, as in cliffs and election risks): `pledges[n - 1]`. */
  pledges: string[];
}

/** The live view at `now` (epoch ms). */
export function liveSustainment(pkg: Package, ledger: LedgerIndex, now: number): LiveSustainment {
  const { commitments, ids } = ledger.commitments();
  const i = ledger.monthIndex(now);
  const asOfIndex = Math.max(0, Math.min(ledger.starts.length - 1, i));
  // Past the horizon every month is past: count deliveries in all of them.
  const asOf = i >= ledger.starts.length ? ledger.starts.length : asOfIndex;
  const view = sustainmentOf(pkg, { commitments, delivered: ledger.deliveredByRequirement(), asOf });
  return { ...view, asOf: itemAt(view.months, asOfIndex), asOfIndex, pledges: ids };
}

export interface CoverageMonth {
  month: string;
  required: number;
  /** firm + atRisk: what pledges promise for the month. */
  pledged: number;
  firm: number;
  atRisk: number;
  delivered: number;
  stock: number;
  stockLeft: number;
  coverage: number;
}

export interface CoverageRequirement {
  id: string;
  unit: string;
  perMonth: number;
  meanCoverage: number;
  shares: { by: string; share: number }[];
  runsOut?: string;
  orderBy?: string;
  months: CoverageMonth[];
}

/** Coverage across requirements, month by month: the mean of their coverage (what the public status shows). */
export interface AggregateMonth {
  month: string;
  coverage: number;
  /** Requirements below full coverage that month. */
  short: number;
}

export interface CoverageReport {
  currency: string;
  asOf: string;
  requirements: CoverageRequirement[];
  aggregate: AggregateMonth[];
}

const point = (month: string, p: MonthPoint): CoverageMonth => ({
  month,
  required: p.required,
  pledged: p.firm + p.atRisk,
  firm: p.firm,
  atRisk: p.atRisk,
  delivered: p.delivered,
  stock: p.stock,
  stockLeft: p.stockLeft,
  coverage: p.coverage,
});

/** Only the aggregate: coverage per month across requirements, with no guarantor named. */
export function aggregateCoverage(view: Sustainment): AggregateMonth[] {
  return view.months.map((month, i) => {
    const counted = view.requirements.filter((r) => itemAt(r.series, i).required > 0);
    const coverage = counted.length
      ? counted.reduce((a, r) => a + itemAt(r.series, i).coverage, 0) / counted.length
      : 1;
    return { month, coverage, short: counted.filter((r) => itemAt(r.series, i).coverage < 1).length };
  });
}

/** The view as `GET /v1/ledger/coverage` answers it: month by month per requirement, and the aggregate. */
export function coverageReport(view: LiveSustainment, from?: string, to?: string): CoverageReport {
  const keep = (m: string) => (from === undefined || m >= from) && (to === undefined || m < to);
  return {
    currency: view.currency,
    asOf: view.asOf,
    requirements: view.requirements.map((r) => ({
      id: r.id,
      unit: r.unit,
      perMonth: r.perMonth,
      meanCoverage: r.meanCoverage,
      shares: r.shares,
      ...(r.runsOut ? { runsOut: r.runsOut } : {}),
      ...(r.orderBy ? { orderBy: r.orderBy } : {}),
      months: r.series.map((p, i) => point(itemAt(view.months, i), p)).filter((p) => keep(p.month)),
    })),
    aggregate: aggregateCoverage(view).filter((p) => keep(p.month)),
  };
}
