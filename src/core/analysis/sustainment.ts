/**
 * Month twelve of a fragile peace: month by month over the horizon, what is committed against what is required,
 * per category, in the package currency. A commitment delivers from `from` plus its lead time until `until`;
 * political and executive commitments are counted as at risk from their guarantor's first election inside their
 * term (they lapse with a government); stocks on hand fill shortfalls until they run out.
 */
import type { Commitment, Package, Requirement } from '../spec/schema.js';
import type { LegalForm, Period } from '../spec/vocabulary.js';
import type { CalendarTime } from '../spec/units.js';
import { itemAt } from '../item-at.js';

export interface MonthPoint {
  required: number;
  /** Delivered by treaty and appropriation-law commitments, and by the others before an election. */
  firm: number;
  /** Delivered by political or executive commitments after their guarantor's election. */
  atRisk: number;
  /** Drawn from stock to fill a shortfall. */
  stock: number;
  /** (firm + atRisk + stock) / required, at most 1; 1 when nothing is required. Months before `asOf` count what
   * was delivered in place of firm + atRisk. */
  coverage: number;
  /** What the ledger records as delivered in the month (0 without a ledger). */
  delivered: number;
  /** Stock left at the end of the month (in months' worth of `perMonth` times `perMonth`). */
  stockLeft: number;
}

export interface RequirementView {
  id: string;
  /** `currency` for money (in the package currency), `units` for materiel. */
  unit: string;
  /** A level to sustain (`per: level`, a standing force): `perMonth` is the level held, not a flow. */
  level: boolean;
  perMonth: number;
  series: MonthPoint[];
  meanCoverage: number;
  /** Months with coverage below one half. */
  shortMonths: number;
  /** Share of what is delivered over the horizon, per guarantor, largest first. */
  shares: { by: string; share: number }[];
  commitments: number[];
  /** First month from `asOf` (or the start) whose coverage is below 1: when stock and supply no longer suffice. */
  runsOut?: string;
  /** The longest lead time of its commitments (ms; 0 when none states one). */
  lead: number;
  /** The last month an order with that lead time can be placed to arrive before `runsOut`. */
  orderBy?: string;
}

export interface Cliff {
  /** 1-based commitment number, as `commitment 3` in messages. */
  n: number;
  by: string;
  requirement: string;
  /** First month without it (YYYY-MM). */
  month: string;
  /** Milliseconds from its end to the end of the horizon. */
  left: number;
  before: number;
  after: number;
}

export interface ElectionRisk {
  n: number;
  by: string;
  requirement: string;
  form: LegalForm;
  date: string;
}

export interface LeadGap {
  n: number;
  by: string;
  requirement: string;
  lead: number;
  stock: number;
}

export interface Sustainment {
  currency: string;
  /** YYYY-MM of each month of the horizon. */
  months: string[];
  requirements: RequirementView[];
  cliffs: Cliff[];
  electionRisks: ElectionRisk[];
  leadGaps: LeadGap[];
  unconverted: { clause: string; path: (string | number)[]; currency: string }[];
}

// A level (a standing force) is held each month: its monthly value is the level itself.
const periodMonths: Record<Period, number> = { month: 1, quarter: 3, year: 12, once: 0, level: 1 };

function monthStart(t: number, plus = 0): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1);
}

function monthLabel(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The elections at which an actor's political commitments can lapse: its own, and for a coalition or bloc
 * (`members`), every member's (one member's change of government can break a decision that needs them all).
 */
export function electionsOf(m: Package, actor: string, depth = 0): CalendarTime[] {
  const a = m.actors[actor];
  if (!a || depth > 4) return [];
  return [...(a.elections ?? []), ...(a.members ?? []).flatMap((x) => electionsOf(m, x, depth + 1))];
}

/** Months the horizon spans, counted from the month the package takes effect. */
export function horizonMonths(m: Package): number {
  return Math.max(1, Math.round(m.horizon / ((365.2425 * 86_400_000) / 12)));
}

/**
 * Where supply comes from: the package's own commitments (`explain`), or the ledger's pledges as commitments with
 * what it recorded as delivered (the live view, `src/core/ledger/`). One function serves both, so with a ledger
 * equal to the package's commitments the two views agree exactly.
 */
export interface SupplySource {
  commitments: readonly Commitment[];
  /** Per requirement, what arrived in each month of the horizon (package currency or units). */
  delivered?: ReadonlyMap<string, ArrayLike<number>>;
  /** Index of the current month: months before it count what was delivered, it and later ones what is pledged. */
  asOf?: number;
}

/** The package's own view: its commitments, nothing delivered yet. */
export function sustainment(m: Package): Sustainment {
  return sustainmentOf(m, { commitments: m.sustainment.commitments });
}

/** Per-month value of a requirement or commitment in the package currency (or units); undefined if unconvertible. */
export function monthlyValue(
  m: Package,
  x: { amount?: { amount: number; currency: string } | undefined; quantity?: number | undefined; per: Period },
): { perMonth: number; once: boolean } | undefined {
  let v = x.quantity ?? 0;
  if (x.amount) {
    const r = fxRate(m, x.amount.currency);
    if (r === undefined) return undefined;
    v = x.amount.amount * r;
  }
  const pm = periodMonths[x.per];
  return pm === 0 ? { perMonth: v, once: true } : { perMonth: v / pm, once: false };
}

/** The rate from `cur` to the package currency (`assumptions.fx`), or undefined when the package gives none. */
export function fxRate(m: Package, cur: string): number | undefined {
  if (cur === m.assumptions.currency) return 1;
  const fx = m.assumptions.fx?.[cur];
  return fx && fx.currency === m.assumptions.currency ? fx.amount : undefined;
}

/** Month starts of the horizon (epoch ms), from the month the package takes effect. */
export function horizonStarts(m: Package): number[] {
  const first = monthStart(m.effective.start);
  return Array.from({ length: horizonMonths(m) }, (_, i) => monthStart(first, i));
}

export { monthLabel, monthStart };

/**
 * What a commitment delivers in each month of `starts`: from the first month that starts once its lead time has run
 * (two days' slack for the mean-month arithmetic of `18mo`) until `until`; a one-off in its first delivery month.
 */
export function commitmentSchedule(
  c: Commitment,
  v: { perMonth: number; once: boolean },
  starts: readonly number[],
): { amounts: Float64Array; from: number; to: number } {
  const amounts = new Float64Array(starts.length);
  const deliversFrom = c.from.start + (c['lead-time'] ?? 0);
  const ends = c.until?.end ?? Number.POSITIVE_INFINITY;
  let from = -1;
  let to = -1;
  for (let i = 0; i < starts.length; i++) {
    const s = itemAt(starts, i);
    if (s < deliversFrom - 2 * 86_400_000 || s >= ends) continue;
    if (from < 0) from = i;
    to = i + 1;
    amounts[i] = v.once ? (i === from ? v.perMonth : 0) : v.perMonth;
  }
  return from < 0 ? { amounts, from: 0, to: 0 } : { amounts, from, to };
}

/** The first election of a political or executive commitment's guarantor inside its term and the horizon. */
export function electionCrossing(
  m: Package,
  c: Commitment,
  horizonEnd: number,
): { start: number; text: string } | undefined {
  if (c.form !== 'political' && c.form !== 'executive') return undefined;
  const ends = c.until?.end ?? Number.POSITIVE_INFINITY;
  return electionsOf(m, c.by)
    .filter((e) => e.start >= c.from.start && e.start < ends && e.start < horizonEnd)
    .sort((a, b) => a.start - b.start)[0];
}

export function sustainmentOf(m: Package, source: SupplySource): Sustainment {
  const currency = m.assumptions.currency;
  const n = horizonMonths(m);
  const starts = horizonStarts(m);
  const horizonEnd = monthStart(itemAt(starts, 0), n);
  const unconverted: Sustainment['unconverted'] = [];
  const asOf = Math.max(0, Math.min(n, source.asOf ?? 0));
  const monthly = (
    x: Requirement | Commitment,
    clause: string,
    path: (string | number)[],
  ): { perMonth: number; once: boolean } | undefined => {
    const v = monthlyValue(m, x);
    if (!v && x.amount) unconverted.push({ clause, path: [...path, 'amount'], currency: x.amount.currency });
    return v;
  };

  const commitments = source.commitments;
  // Each requirement's commitments (their indexes), so a requirement looks only at its own: a live ledger holds
  // thousands of pledges.
  const byRequirement = new Map<string, number[]>();
  commitments.forEach((c, ci) => {
    const list = byRequirement.get(c.provides);
    if (list) list.push(ci);
    else byRequirement.set(c.provides, [ci]);
  });
  const requirements: RequirementView[] = [];
  const cliffs: Cliff[] = [];
  const electionRisks: ElectionRisk[] = [];
  const leadGaps: LeadGap[] = [];

  for (const [rid, req] of Object.entries(m.sustainment.requirements)) {
    const need = monthly(req, `requirement \`${rid}\``, ['sustainment', 'requirements', rid]);
    const required = starts.map((_, i) => (need ? (need.once ? (i === 0 ? need.perMonth : 0) : need.perMonth) : 0));
    const firm = starts.map(() => 0);
    const atRisk = starts.map(() => 0);
    const byActor = new Map<string, number>();
    const mine: number[] = [];
    let lead = 0;
    for (const ci of byRequirement.get(rid) ?? []) {
      const c = itemAt(commitments, ci);
      mine.push(ci + 1);
      lead = Math.max(lead, c['lead-time'] ?? 0);
      const v = monthly(c, `commitment ${ci + 1} (${c.by})`, ['sustainment', 'commitments', ci]);
      if (!v) continue;
      const election = electionCrossing(m, c, horizonEnd);
      if (election) electionRisks.push({ n: ci + 1, by: c.by, requirement: rid, form: c.form, date: election.text });
      // Stated only as intent: at risk from the first month, election or not.
      const intent = c.form === 'intent';
      const schedule = commitmentSchedule(c, v, starts);
      if (schedule.to > schedule.from) {
        let sum = byActor.get(c.by) ?? 0;
        for (let i = schedule.from; i < schedule.to; i++) {
          const amount = itemAt(schedule.amounts, i);
          if (intent || (election && itemAt(starts, i) >= election.start)) atRisk[i] = itemAt(atRisk, i) + amount;
          else firm[i] = itemAt(firm, i) + amount;
          sum += amount;
        }
        byActor.set(c.by, sum);
      }
    }
    const delivered = source.delivered?.get(rid);
    // Stocks fill shortfalls until they run out; months before `asOf` count what was delivered, not what was pledged.
    const stockMonths = req.stock !== undefined ? req.stock / ((365.2425 * 86_400_000) / 12) : 0;
    let budget = (need && !need.once ? need.perMonth : 0) * stockMonths;
    const series: MonthPoint[] = starts.map((_, i) => {
      const got = delivered?.[i] ?? 0;
      const supply = i < asOf ? got : itemAt(firm, i) + itemAt(atRisk, i);
      const gap = Math.max(0, itemAt(required, i) - supply);
      const fill = Math.min(gap, budget);
      budget -= fill;
      const coverage = itemAt(required, i) > 0 ? Math.min(1, (supply + fill) / itemAt(required, i)) : 1;
      return {
        required: itemAt(required, i),
        firm: itemAt(firm, i),
        atRisk: itemAt(atRisk, i),
        stock: fill,
        coverage,
        delivered: got,
        stockLeft: budget,
      };
    });
    const short = series.findIndex((p, i) => i >= asOf && p.coverage < 1);
    const total = [...byActor.values()].reduce((a, b) => a + b, 0);
    const shares = [...byActor.entries()]
      .map(([by, v]) => ({ by, share: total > 0 ? v / total : 0 }))
      .sort((a, b) => b.share - a.share || (a.by < b.by ? -1 : 1));
    const counted = series.filter((p) => p.required > 0);
    const meanCoverage = counted.length ? counted.reduce((a, p) => a + p.coverage, 0) / counted.length : 1;
    requirements.push({
      id: rid,
      unit: req.amount ? currency : 'units',
      level: req.per === 'level',
      perMonth: need?.perMonth ?? 0,
      series,
      meanCoverage,
      shortMonths: counted.filter((p) => p.coverage < 0.5).length,
      shares,
      commitments: mine,
      lead,
      ...(short >= 0 ? { runsOut: monthLabel(itemAt(starts, short)) } : {}),
      ...(short >= 0 && lead > 0 ? { orderBy: monthLabel(itemAt(starts, short) - lead + 2 * 86_400_000) } : {}),
    });

    for (const ci of mine) {
      const c = itemAt(commitments, ci - 1);
      const until = c.until;
      if (until === undefined) continue;
      const idx = starts.findIndex((s) => s >= until.end);
      if (idx <= 0) continue;
      cliffs.push({
        n: ci,
        by: c.by,
        requirement: rid,
        month: monthLabel(itemAt(starts, idx)),
        left: horizonEnd - until.end,
        before: itemAt(series, idx - 1).coverage,
        after: itemAt(series, idx).coverage,
      });
    }
    for (const ci of mine) {
      const c = itemAt(commitments, ci - 1);
      const lead = c['lead-time'];
      if (lead !== undefined && lead > (req.stock ?? 0))
        leadGaps.push({ n: ci, by: c.by, requirement: rid, lead, stock: req.stock ?? 0 });
    }
  }
  electionRisks.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.n - b.n));
  cliffs.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : a.n - b.n));
  return { currency, months: starts.map(monthLabel), requirements, cliffs, electionRisks, leadGaps, unconverted };
}
