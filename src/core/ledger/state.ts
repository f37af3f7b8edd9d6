/**
 * The ledger folded into what the views need, kept up to date record by record: pledges with the month each one
 * ends (its `until`, or where a revision or withdrawal ends it), and deliveries summed per pledge and month of the
 * horizon in the package's currency or units. Adding records costs their number; a view then costs pledges x months,
 * whatever the number of deliveries (bench/ledger.ts measures it against recomputing from all records).
 */
import type { Commitment, Package } from '../spec/schema.js';
import { parseCalendar, parseDuration, type CalendarTime } from '../spec/units.js';
import { fxRate, horizonStarts, monthStart } from '../analysis/sustainment.js';
import type { DeliveryRecord, LedgerFields, LedgerRecord, PledgeRecord } from './record.js';
import type { LedgerLookup } from './validate.js';
import { itemAt, present } from '../item-at.js';

export interface PledgeState {
  pledge: PledgeRecord;
  /** The record that ended it (a revision or a withdrawal), and from when (epoch ms). */
  endedBy?: string;
  endsAt?: number;
  /** Delivered against it, per month of the horizon (package currency or units). */
  delivered: Float64Array;
  /** Delivered against it in all, with the time of the latest delivery. */
  total: number;
}

const calendar = (text: string): CalendarTime => {
  const p = parseCalendar(text);
  if (!p.ok) throw new Error(`ledger record holds a date that does not parse: ${text}`);
  return p.value;
};

/** A delivery's time: a day's start, or the instant. */
export function deliveryTime(d: { delivered: string }): number {
  const t = d.delivered;
  // A day (the common case) without a regular expression or Date.parse: validation has checked its form.
  if (t.length === 10) return Date.UTC(Number(t.slice(0, 4)), Number(t.slice(5, 7)) - 1, Number(t.slice(8, 10)));
  return Date.parse(t);
}

/** A record's amount in the package currency (or its quantity); 0 when the package cannot convert it. */
export function valueOf(pkg: Package, r: { amount?: number; currency?: string; quantity?: number }): number {
  if (r.amount !== undefined) return r.amount * (fxRate(pkg, r.currency ?? '') ?? 0);
  return r.quantity ?? 0;
}

export class LedgerIndex implements LedgerLookup {
  readonly starts: number[];
  readonly #horizonEnd: number;
  readonly #records = new Map<string, LedgerRecord>();
  /** Pledges in the order they were recorded. */
  readonly #pledges = new Map<string, PledgeState>();
  /** Deliveries per requirement per month. */
  readonly #byRequirement = new Map<string, Float64Array>();
  #seq = 0;
  #count = 0;
  /** `commitments()` until the next record: views between batches reuse it. */
  #commitments: { commitments: Commitment[]; ids: string[] } | undefined;

  constructor(readonly pkg: Package) {
    this.starts = horizonStarts(pkg);
    this.#horizonEnd = monthStart(itemAt(this.starts, 0), this.starts.length);
  }

  /** The highest `seq` folded in: the store is asked only for records after it. */
  get seq(): number {
    return this.#seq;
  }

  get size(): number {
    return this.#count;
  }

  /** Folds in records in `seq` order; a record already folded in (same id) is skipped. */
  add(records: Iterable<LedgerRecord>): void {
    for (const r of records) {
      if (this.#records.has(r.id)) continue;
      if (r.type !== 'delivery') this.#commitments = undefined;
      this.#records.set(r.id, r);
      this.#count++;
      if (r.seq > this.#seq) this.#seq = r.seq;
      if (r.type === 'pledge') {
        this.#pledges.set(r.id, { pledge: r, delivered: new Float64Array(this.starts.length), total: 0 });
        if (r.supersedes) this.#end(r.supersedes, r.id, calendar(r.from).start);
      } else if (r.type === 'withdrawal') {
        this.#end(r.withdraws, r.id, calendar(r.from).start);
      } else {
        this.#deliver(r);
      }
    }
  }

  #end(pledge: string, by: string, at: number): void {
    const p = this.#pledges.get(pledge);
    if (p && p.endedBy === undefined) {
      p.endedBy = by;
      p.endsAt = at;
    }
  }

  #deliver(d: DeliveryRecord): void {
    const p = this.#pledges.get(d.pledge);
    if (!p) return;
    const v = valueOf(this.pkg, d);
    p.total += v;
    const i = this.monthIndex(deliveryTime(d));
    if (i < 0 || i >= this.starts.length) return;
    p.delivered[i] = itemAt(p.delivered, i) + v;
    let series = this.#byRequirement.get(d.requirement);
    if (!series) this.#byRequirement.set(d.requirement, (series = new Float64Array(this.starts.length)));
    series[i] = itemAt(series, i) + v;
  }

  /** Index of the horizon month holding `t` (-1 before it, the horizon's length after it). */
  monthIndex(t: number): number {
    if (t < itemAt(this.starts, 0)) return -1;
    if (t >= this.#horizonEnd) return this.starts.length;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (itemAt(this.starts, mid) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  record(id: string): LedgerFields | undefined {
    return this.#records.get(id);
  }

  pledge(id: string): PledgeRecord | undefined {
    return this.#pledges.get(id)?.pledge;
  }

  endedBy(id: string): string | undefined {
    return this.#pledges.get(id)?.endedBy;
  }

  pledges(): IterableIterator<PledgeState> {
    return this.#pledges.values();
  }

  /** What arrived per requirement and month. */
  deliveredByRequirement(): ReadonlyMap<string, Float64Array> {
    return this.#byRequirement;
  }

  /**
   * The pledges as the package language's commitments, in the order they were recorded: the same input the
   * package's own view takes. A pledge ended by a revision or withdrawal runs until then; one ended before it
   * began is left out. `ids[i]` is the pledge behind `commitments[i]`.
   */
  commitments(): { commitments: Commitment[]; ids: string[] } {
    if (this.#commitments) return this.#commitments;
    const commitments: Commitment[] = [];
    const ids: string[] = [];
    for (const s of this.#pledges.values()) {
      const c = pledgeCommitment(s.pledge, s.endsAt);
      if (c) {
        commitments.push(c);
        ids.push(s.pledge.id);
      }
    }
    this.#commitments = { commitments, ids };
    return this.#commitments;
  }
}

/** A pledge as a commitment of the package language, ending at `endsAt` if something ended it earlier. */
export function pledgeCommitment(
  p: PledgeRecord | Omit<PledgeRecord, 'seq' | 'recordedAt' | 'submittedBy'>,
  endsAt?: number,
): Commitment | undefined {
  const from = calendar(p.from);
  let until = p.until === undefined ? undefined : calendar(p.until);
  if (endsAt !== undefined && (until === undefined || endsAt < until.end)) {
    if (endsAt <= from.start) return undefined;
    until = { start: endsAt - 1, end: endsAt, precision: 'time', text: new Date(endsAt).toISOString() };
  }
  const lead = p.leadTime === undefined ? undefined : parseDuration(p.leadTime);
  return {
    by: p.by,
    provides: p.requirement,
    ...(p.amount !== undefined ? { amount: { amount: p.amount, currency: present(p.currency, 'currency') } } : {}),
    ...(p.quantity !== undefined ? { quantity: p.quantity } : {}),
    per: p.per,
    from,
    ...(until ? { until } : {}),
    form: p.form,
    ...(lead?.ok ? { 'lead-time': lead.value } : {}),
  } as Commitment;
}
