/**
 * Decay alerts: warnings before the cliff, derived from the package, the ledger and the clock's month alone, so every
 * server over one database derives the same set and a restart derives it again. Each alert has a key naming what it
 * is about and the month its shortfall starts; the store keeps one row per key (open -> acknowledged -> resolved),
 * raises a key once, and resolves it when the condition no longer holds (a delivery or a new pledge closed the gap).
 *
 * | kind | when | month | size (per month unless said) |
 * |---|---|---|---|
 * | late-delivery | a pledge delivered less than its schedule due before this month | first month not covered | the backlog (total) |
 * | below-threshold | coverage projected below the threshold within the window | start of the run below it | missing in the first month in the window |
 * | ending-without-successor | a pledge ends within the window (or has ended) and no pledge starting then takes over | first month without it | its monthly amount |
 * | election | an election of its guarantor within the window crosses an executive or political pledge | the election's month | its monthly amount |
 * | lead-time | the first shortfall is so close that an order with the longest lead time must be placed now | the shortfall's month | missing in that month |
 * | dependence | one guarantor carries more than the maximum share of a requirement | its next delivery month | its monthly amount |
 */
import { commitmentSchedule, electionCrossing, monthlyValue, type RequirementView } from '../analysis/sustainment.js';
import type { Package } from '../spec/schema.js';
import { pledgeCommitment, type LedgerIndex } from './state.js';
import type { LiveSustainment } from './view.js';
import { itemAt, valueAt, present } from '../item-at.js';

export const alertKinds = [
  'late-delivery',
  'below-threshold',
  'ending-without-successor',
  'election',
  'lead-time',
  'dependence',
] as const;
export type AlertKind = (typeof alertKinds)[number];

export interface AlertCondition {
  /** `kind/subject/month`: unique, stable while the condition holds. */
  key: string;
  kind: AlertKind;
  requirement: string;
  /** The guarantor it is about; null when no one guarantor is (a requirement nobody pledged for). */
  guarantor: string | null;
  /** The pledge it is about, if one is. */
  pledge?: string;
  /** YYYY-MM: the month the shortfall starts. */
  month: string;
  /** How much is missing (package currency or units, see `unit`). */
  size: number;
  unit: string;
  message: string;
}

export const alertStates = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof alertStates)[number];

/** An alert as stored: the condition when raised, and its life. */
export interface SustainmentAlert extends AlertCondition {
  state: AlertState;
  raisedAt: number;
  /** The clock's month when raised. */
  raisedMonth: string;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedMonth?: string;
  /** Incremented at every change; each revision is one transparency-log entry. */
  revision: number;
}

export interface AlertSettings {
  threshold: number;
  /** The look-ahead window, in months. */
  within: number;
  maxShare: number;
}

const meanMonth = (365.2425 * 86_400_000) / 12;

/** `sustainment.alerts` of the package with its defaults: 0.8, 3 months (a budget quarter), 0.5 (a majority). */
export function alertSettings(pkg: Package): AlertSettings {
  const a = pkg.sustainment.alerts;
  return {
    threshold: a?.threshold ?? 0.8,
    within: Math.max(1, Math.round((a?.within ?? 3 * meanMonth) / meanMonth)),
    maxShare: a?.['max-share'] ?? 0.5,
  };
}

const fmt = (x: number) =>
  Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-GB') : String(Math.round(x * 100) / 100);

/** Every condition that holds at `now`, sorted by key. `view` is `liveSustainment(pkg, ledger, now)`. */
export function deriveAlerts(pkg: Package, ledger: LedgerIndex, view: LiveSustainment, now: number): AlertCondition[] {
  const settings = alertSettings(pkg);
  const starts = ledger.starts;
  const n = starts.length;
  const months = view.months;
  const at = ledger.monthIndex(now);
  const c = Math.max(0, Math.min(n, at));
  const windowEnd = Math.min(n, c + settings.within);
  const horizonEnd = itemAt(starts, n - 1) + 32 * 86_400_000;
  const out: AlertCondition[] = [];
  const unitOf = new Map(view.requirements.map((r) => [r.id, r.unit]));
  const views = new Map(view.requirements.map((r) => [r.id, r]));

  // Each pledge's schedule as the view counts it (ended where a revision or withdrawal ends it).
  const pledges = [...ledger.pledges()].map((s) => {
    const cm = pledgeCommitment(s.pledge, s.endsAt);
    const v = cm && monthlyValue(pkg, cm);
    const schedule = cm && v ? commitmentSchedule(cm, v, starts) : undefined;
    return { s, cm, v, schedule };
  });
  const byRequirement = new Map<string, typeof pledges>();
  for (const x of pledges) {
    const list = byRequirement.get(x.s.pledge.requirement);
    if (list) list.push(x);
    else byRequirement.set(x.s.pledge.requirement, [x]);
  }

  for (const { s, cm, v, schedule } of pledges) {
    const p = s.pledge;
    const unit = unitOf.get(p.requirement) ?? '';
    if (!cm || !v || !schedule) continue;
    // Late: what fell due before this month against everything delivered so far.
    let due = 0;
    for (let i = 0; i < c; i++) due += itemAt(schedule.amounts, i);
    const eps = 1e-9 * Math.max(1, v.perMonth);
    if (due - s.total > eps) {
      let cum = 0;
      let first = 0;
      for (let i = 0; i < c; i++) {
        cum += itemAt(schedule.amounts, i);
        if (cum > s.total + eps) {
          first = i;
          break;
        }
      }
      out.push({
        key: `late-delivery/${p.id}/${months[first]}`,
        kind: 'late-delivery',
        requirement: p.requirement,
        guarantor: p.by,
        pledge: p.id,
        month: itemAt(months, first),
        size: due - s.total,
        unit,
        message: `${p.by} is behind on pledge ${p.id} (${p.requirement}) since ${months[first]}: ${fmt(due - s.total)} ${unit} due before ${months[c] ?? 'the end of the horizon'} not delivered`,
      });
    }
    // Ending with no successor: a pledge that ends (not replaced by a revision) within the window or already.
    const ends = cm.until?.end;
    const revised = s.endedBy !== undefined && ledger.pledge(s.endedBy) !== undefined;
    if (ends !== undefined && !revised && v.once === false) {
      const e = ledger.monthIndex(ends);
      if (e >= 0 && e < windowEnd && e < n) {
        const check = Math.max(e, c);
        const needed = (views.get(p.requirement)?.series[check]?.required ?? 0) > 0;
        // A successor takes over: it starts delivering no earlier than the month before this one ends (a pledge
        // that was already running alongside is not one) and delivers in the month that matters now.
        const successor = valueAt(byRequirement, p.requirement).some(
          (o) =>
            o.s !== s && o.schedule !== undefined && o.schedule.from >= e - 1 && itemAt(o.schedule.amounts, check) > 0,
        );
        if (needed && !successor) {
          out.push({
            key: `ending-without-successor/${p.id}/${months[e]}`,
            kind: 'ending-without-successor',
            requirement: p.requirement,
            guarantor: p.by,
            pledge: p.id,
            month: itemAt(months, e),
            size: v.perMonth,
            unit,
            message: `pledge ${p.id} by ${p.by} (${p.requirement}, ${fmt(v.perMonth)} ${unit} a month) ends before ${months[e]} and no pledge takes over from ${months[check]}`,
          });
        }
      }
    }
    // An election crossing an executive or political pledge that still has deliveries to come.
    const election = electionCrossing(pkg, cm, horizonEnd);
    if (election) {
      const e = Math.max(0, ledger.monthIndex(election.start));
      let ahead = false;
      for (let i = Math.max(c, e); i < schedule.to; i++) if (itemAt(schedule.amounts, i) > 0) ahead = true;
      if (e < windowEnd && ahead) {
        out.push({
          key: `election/${p.id}/${election.text}`,
          kind: 'election',
          requirement: p.requirement,
          guarantor: p.by,
          pledge: p.id,
          month: itemAt(months, e),
          size: v.perMonth,
          unit,
          message: `${p.by}'s election on ${election.text} crosses its ${cm.form} pledge ${p.id} (${p.requirement}, ${fmt(v.perMonth)} ${unit} a month): at risk from ${months[e]}`,
        });
      }
    }
  }

  for (const r of view.requirements) {
    const bySupply = new Map<string, Float64Array>();
    let longest: { by: string; lead: number } | undefined;
    for (const { s, cm, schedule } of byRequirement.get(r.id) ?? []) {
      if (!schedule || !cm) continue;
      let a = bySupply.get(s.pledge.by);
      if (!a) bySupply.set(s.pledge.by, (a = new Float64Array(n)));
      for (let i = schedule.from; i < schedule.to; i++) a[i] = itemAt(a, i) + itemAt(schedule.amounts, i);
      const lead = cm['lead-time'] ?? 0;
      if (lead > 0 && (!longest || lead > longest.lead)) longest = { by: s.pledge.by, lead };
    }
    const missing = (i: number) => itemAt(r.series, i).required * (1 - itemAt(r.series, i).coverage);
    // Below the threshold within the window: named from the start of the run it belongs to.
    const below = (i: number) => itemAt(r.series, i).required > 0 && itemAt(r.series, i).coverage < settings.threshold;
    let j = -1;
    for (let i = c; i < windowEnd; i++) {
      if (below(i)) {
        j = i;
        break;
      }
    }
    if (j >= 0) {
      let k = j;
      while (k > 0 && below(k - 1)) k--;
      out.push({
        key: `below-threshold/${r.id}/${months[k]}`,
        kind: 'below-threshold',
        requirement: r.id,
        guarantor: dropAt(bySupply, k),
        month: itemAt(months, k),
        size: missing(j),
        unit: r.unit,
        message: `${r.id} is projected at ${Math.round(itemAt(r.series, j).coverage * 100)}% in ${months[j]}, below the ${Math.round(settings.threshold * 100)}% threshold (from ${months[k]}): ${fmt(missing(j))} ${r.unit} missing`,
      });
    }
    leadTime(r, c, months, starts, longest, missing, out);
    // One guarantor carrying more than the maximum share, with deliveries still to come.
    const top = r.shares[0];
    if (top && top.share > settings.maxShare) {
      const a = bySupply.get(top.by);
      let next = -1;
      if (a) for (let i = c; i < n && next < 0; i++) if (itemAt(a, i) > 0) next = i;
      if (next >= 0) {
        out.push({
          key: `dependence/${r.id}/${top.by}`,
          kind: 'dependence',
          requirement: r.id,
          guarantor: top.by,
          month: itemAt(months, next),
          size: itemAt(present(a, 'a'), next),
          unit: r.unit,
          message: `${top.by} carries ${Math.round(top.share * 100)}% of ${r.id}, above the ${Math.round(settings.maxShare * 100)}% maximum share: without it ${fmt(itemAt(present(a, 'a'), next))} ${r.unit} a month goes missing from ${months[next]}`,
        });
      }
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The guarantor whose supply falls most into month k (the one a shortfall starting then is about), or null. */
function dropAt(bySupply: ReadonlyMap<string, Float64Array>, k: number): string | null {
  let best: string | null = null;
  let drop = 0;
  for (const [by, a] of [...bySupply].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const d = (k > 0 ? itemAt(a, k - 1) : 0) - itemAt(a, k);
    if (d > drop) {
      drop = d;
      best = by;
    }
  }
  return best;
}

/** The first shortfall is so near that an order with the longest lead time must be placed this month (or is late). */
function leadTime(
  r: RequirementView,
  c: number,
  months: readonly string[],
  starts: readonly number[],
  longest: { by: string; lead: number } | undefined,
  missing: (i: number) => number,
  out: AlertCondition[],
): void {
  if (!longest || c >= starts.length) return;
  let s = -1;
  for (let i = c; i < starts.length && s < 0; i++)
    if (itemAt(r.series, i).required > 0 && itemAt(r.series, i).coverage < 1) s = i;
  if (s < 0) return;
  // Named from the start of the shortfall it belongs to, so it keeps its key while the shortfall lasts.
  while (s > 0 && itemAt(r.series, s - 1).required > 0 && itemAt(r.series, s - 1).coverage < 1) s--;
  // The order must arrive by the start of month s; placed in the month starting at `orderBy` or later, it is late.
  const orderBy = itemAt(starts, s) - longest.lead + 2 * 86_400_000;
  const nextMonth = c + 1 < starts.length ? itemAt(starts, c + 1) : Number.POSITIVE_INFINITY;
  if (orderBy >= nextMonth) return;
  out.push({
    key: `lead-time/${r.id}/${months[s]}`,
    kind: 'lead-time',
    requirement: r.id,
    guarantor: longest.by,
    month: itemAt(months, s),
    size: missing(s),
    unit: r.unit,
    message: `${r.id} falls short in ${months[s]} (${fmt(missing(s))} ${r.unit} missing) and ${longest.by}'s lead time is ${Math.round(longest.lead / meanMonth)} months: an order must be placed now`,
  });
}

/**
 * What the store does with what holds now: raise conditions it has no row for (or reopen a resolved one), resolve
 * open or acknowledged alerts whose condition no longer holds. Pure: the same inputs give the same changes.
 */
export function alertTransitions(
  stored: ReadonlyMap<string, SustainmentAlert>,
  holding: readonly AlertCondition[],
  now: number,
  month: string,
): SustainmentAlert[] {
  const changes: SustainmentAlert[] = [];
  const keys = new Set<string>();
  for (const h of holding) {
    keys.add(h.key);
    const old = stored.get(h.key);
    if (!old) changes.push({ ...h, state: 'open', raisedAt: now, raisedMonth: month, revision: 1 });
    else if (old.state === 'resolved') {
      const { resolvedAt: _a, resolvedMonth: _b, acknowledgedAt: _c, acknowledgedBy: _d, ...rest } = old;
      changes.push({ ...rest, ...h, state: 'open', raisedAt: now, raisedMonth: month, revision: old.revision + 1 });
    }
  }
  for (const old of stored.values()) {
    if (old.state !== 'resolved' && !keys.has(old.key))
      changes.push({ ...old, state: 'resolved', resolvedAt: now, resolvedMonth: month, revision: old.revision + 1 });
  }
  return changes;
}

/** An acknowledgement: open -> acknowledged (others unchanged; undefined when there is nothing to acknowledge). */
export function acknowledgeAlert(a: SustainmentAlert, by: string, now: number): SustainmentAlert | undefined {
  if (a.state !== 'open') return undefined;
  return { ...a, state: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by, revision: a.revision + 1 };
}
