/**
 * Checks a batch of ledger records, all or nothing, the way `parseObservationBatch` checks observations: every bad
 * item is answered with its index, the field and the reason, and a batch with any bad item stores nothing.
 * The checks that need the package (actors, requirements, currencies it can convert, its effective date) and the
 * ledger so far (which pledges exist, which are already ended) are made here; the store adds id uniqueness.
 */
import type { Package } from '../spec/schema.js';
import { parseCalendar, parseDuration } from '../spec/units.js';
import { legalForms, periods, type LegalForm, type Period } from '../spec/vocabulary.js';
import { fxRate, monthStart } from '../analysis/sustainment.js';
import type { DeliveryFields, LedgerFields, PledgeFields, PledgeRecord, WithdrawalFields } from './record.js';
import { sameFields } from './record.js';
import { present } from '../item-at.js';

export interface LedgerProblem {
  index: number;
  path: string;
  reason: string;
}

export interface LedgerRules {
  pkg: Package;
  /** The server's clock. */
  now: number;
  /** How far after `now` a delivery date may lie (clock skew, time zones); default one day. */
  maxFuture?: number;
}

/** What validation reads from the ledger so far (the server's `LedgerIndex`). */
export interface LedgerLookup {
  /** Any stored record by id. */
  record(id: string): LedgerFields | undefined;
  pledge(id: string): PledgeRecord | undefined;
  /** The id of the record that superseded or withdrew this pledge, if any. */
  endedBy(id: string): string | undefined;
}

export type LedgerBatch =
  | {
      ok: true;
      records: LedgerFields[];
      /** Per item: already stored with the same fields (a retry). */ duplicate: boolean[];
    }
  | { ok: false; errors: LedgerProblem[] };

export const ledgerLimits = { id: 200, text: 2000, evidence: 100 } as const;
const defaultMaxFuture = 86_400_000;

const idOk = (s: unknown): s is string =>
  typeof s === 'string' && s.length >= 1 && s.length <= ledgerLimits.id && !/[\u0000-\u001f\u007f]/.test(s);

/** The actors a key bound to `actor` may report for: itself only; an operator key (`*`) for anyone. */
export function forbiddenItems(items: readonly unknown[], actor: string): LedgerProblem[] {
  if (actor === '*') return [];
  const out: LedgerProblem[] = [];
  items.forEach((x, index) => {
    const by = (x as { by?: unknown } | null)?.by;
    if (typeof by === 'string' && by !== actor)
      out.push({ index, path: 'by', reason: `this key reports for ${actor}, not for ${by}` });
  });
  return out;
}

interface Checker {
  problems: LedgerProblem[];
  index: number;
}

function fail(c: Checker, path: string, reason: string): void {
  c.problems.push({ index: c.index, path, reason });
}

function fieldsOnly(c: Checker, o: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(c, k, 'is not a field of this record');
}

function str(
  c: Checker,
  o: Record<string, unknown>,
  k: string,
  required: boolean,
  max: number = ledgerLimits.text,
): string | undefined {
  const v = o[k];
  if (v === undefined) {
    if (required) fail(c, k, 'is required');
    return undefined;
  }
  if (typeof v !== 'string') return void fail(c, k, `must be a string, not ${JSON.stringify(v)}`);
  if (v.length === 0 || v.length > max) return void fail(c, k, `must hold 1 to ${max} characters`);
  return v;
}

function id(c: Checker, o: Record<string, unknown>, k: string, required = true): string | undefined {
  const v = o[k];
  if (v === undefined) {
    if (required) fail(c, k, 'is required');
    return undefined;
  }
  if (!idOk(v)) return void fail(c, k, `must be 1 to ${ledgerLimits.id} characters without control characters`);
  return v;
}

/** A non-negative finite number; names what is wrong (non-numeric, negative, not finite). */
function nonNegative(c: Checker, o: Record<string, unknown>, k: string): number | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'number') return void fail(c, k, `must be a number, not ${JSON.stringify(v)}`);
  if (!Number.isFinite(v)) return void fail(c, k, 'must be a finite number');
  if (v < 0) return void fail(c, k, `is negative (${v}); amounts and quantities are 0 or more`);
  return v;
}

/** Amount with currency, or quantity, matching how the requirement is counted; the currency convertible. */
function measure(
  c: Checker,
  o: Record<string, unknown>,
  pkg: Package,
  requirement: string | undefined,
): { amount?: number; currency?: string; quantity?: number } {
  const amount = nonNegative(c, o, 'amount');
  const quantity = nonNegative(c, o, 'quantity');
  const currency = o['currency'];
  const out: { amount?: number; currency?: string; quantity?: number } = {};
  if (o['amount'] !== undefined && o['quantity'] !== undefined)
    fail(c, 'quantity', 'give either amount (money) or quantity (materiel), not both');
  else if (o['amount'] === undefined && o['quantity'] === undefined)
    fail(c, 'amount', 'is required (or quantity, for materiel)');
  if (o['amount'] !== undefined) {
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))
      fail(
        c,
        'currency',
        currency === undefined
          ? 'is required with an amount'
          : `must be an ISO 4217 code such as EUR, not ${JSON.stringify(currency)}`,
      );
    else if (fxRate(pkg, currency) === undefined)
      fail(
        c,
        'currency',
        `the package cannot convert ${currency} to ${pkg.assumptions.currency} (assumptions.fx has no rate for it)`,
      );
    else out.currency = currency;
    if (amount !== undefined) out.amount = amount;
  } else if (currency !== undefined) fail(c, 'currency', 'goes with an amount; a quantity has none');
  if (quantity !== undefined) out.quantity = quantity;
  const req = requirement === undefined ? undefined : pkg.sustainment.requirements[requirement];
  if (req) {
    if (req.amount && o['quantity'] !== undefined)
      fail(c, 'quantity', `requirement ${requirement} is counted in money; give amount and currency`);
    if (!req.amount && o['amount'] !== undefined)
      fail(c, 'amount', `requirement ${requirement} is counted in units; give quantity`);
  }
  return out;
}

/** A month or day in the package language, not before the month the package takes effect. */
function calendarDate(
  c: Checker,
  o: Record<string, unknown>,
  k: string,
  pkg: Package,
  required: boolean,
): { start: number; end: number; text: string } | undefined {
  const v = str(c, o, k, required, 40);
  if (v === undefined) return undefined;
  const p = parseCalendar(v);
  if (!p.ok) return void fail(c, k, p.reason);
  const earliest = monthStart(pkg.effective.start);
  if (p.value.start < earliest)
    return void fail(c, k, `${v} is before the package takes effect (${pkg.effective.text})`);
  return p.value;
}

function oneOf<T extends string>(
  c: Checker,
  o: Record<string, unknown>,
  k: string,
  values: readonly T[],
): T | undefined {
  const v = o[k];
  if (v === undefined) return void fail(c, k, 'is required');
  if (typeof v !== 'string' || !values.includes(v as T))
    return void fail(c, k, `must be one of ${values.join(', ')}, not ${JSON.stringify(v)}`);
  return v as T;
}

function actor(c: Checker, o: Record<string, unknown>, pkg: Package): string | undefined {
  const by = id(c, o, 'by');
  if (by !== undefined && !pkg.actors[by])
    return void fail(c, 'by', `${JSON.stringify(by)} is not an actor of the package`);
  return by;
}

const pledgeKeys = [
  'id',
  'by',
  'requirement',
  'amount',
  'currency',
  'quantity',
  'per',
  'from',
  'until',
  'form',
  'leadTime',
  'source',
  'supersedes',
] as const;
const withdrawalKeys = ['id', 'by', 'withdraws', 'from', 'source'] as const;
const deliveryKeys = [
  'id',
  'by',
  'pledge',
  'amount',
  'currency',
  'quantity',
  'delivered',
  'evidence',
  'source',
  'note',
] as const;

/**
 * Pledges and withdrawals (`POST /v1/ledger/pledges`): an item with `withdraws` is a withdrawal, any other a pledge.
 * A pledge may supersede, and a withdrawal withdraw, a pledge stored earlier or one earlier in the same batch.
 */
export function parsePledgeBatch(items: readonly unknown[], rules: LedgerRules, ledger: LedgerLookup): LedgerBatch {
  const { pkg } = rules;
  const problems: LedgerProblem[] = [];
  const records: LedgerFields[] = [];
  const inBatch = new Map<string, LedgerFields>();
  const endedInBatch = new Map<string, string>();
  items.forEach((raw, index) => {
    const c: Checker = { problems, index };
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return fail(c, '', 'must be an object (a pledge or a withdrawal)');
    const o = raw as Record<string, unknown>;
    if (retry(o, o['withdraws'] !== undefined ? 'withdrawal' : 'pledge', ledger, records, inBatch)) return;
    const before = problems.length;
    const rid = id(c, o, 'id');
    const by = actor(c, o, pkg);
    const lookup = (pid: string): PledgeFields | undefined => {
      const b = inBatch.get(pid);
      return b ? (b.type === 'pledge' ? b : undefined) : ledger.pledge(pid);
    };
    /** The pledge `k` names: known, by the same guarantor, and not already ended. */
    const target = (k: string): PledgeFields | undefined => {
      const pid = id(c, o, k);
      if (pid === undefined) return undefined;
      const p = lookup(pid);
      if (!p) return void fail(c, k, `no pledge ${JSON.stringify(pid)} is recorded`);
      if (by !== undefined && p.by !== by) return void fail(c, k, `pledge ${pid} is ${p.by}'s, not ${by}'s`);
      const ended = endedInBatch.get(pid) ?? ledger.endedBy(pid);
      if (ended !== undefined) return void fail(c, k, `pledge ${pid} was already ended by ${ended}`);
      return p;
    };
    let rec: LedgerFields | undefined;
    if (o['withdraws'] !== undefined) {
      fieldsOnly(c, o, withdrawalKeys);
      const p = target('withdraws');
      const from = calendarDate(c, o, 'from', pkg, true);
      if (p && from) {
        const pf = parseCalendar(p.from);
        if (pf.ok && from.start < pf.value.start)
          fail(c, 'from', `${from.text} is before the pledge begins (${p.from})`);
      }
      const source = str(c, o, 'source', false);
      if (rid !== undefined && by !== undefined && p && from)
        rec = {
          type: 'withdrawal',
          id: rid,
          by,
          withdraws: o['withdraws'] as string,
          requirement: p.requirement,
          from: from.text,
          ...(source ? { source } : {}),
        } satisfies WithdrawalFields;
    } else {
      fieldsOnly(c, o, pledgeKeys);
      const requirement = id(c, o, 'requirement');
      if (requirement !== undefined && !pkg.sustainment.requirements[requirement])
        fail(
          c,
          'requirement',
          `${JSON.stringify(requirement)} is not a requirement of the package (sustainment.requirements)`,
        );
      const m = measure(c, o, pkg, requirement);
      const per = oneOf<Period>(c, o, 'per', periods);
      const form = oneOf<LegalForm>(c, o, 'form', legalForms);
      const from = calendarDate(c, o, 'from', pkg, true);
      const until = calendarDate(c, o, 'until', pkg, false);
      if (from && until && until.end <= from.start) fail(c, 'until', `${until.text} is not after from (${from.text})`);
      const leadTime = str(c, o, 'leadTime', false, 40);
      if (leadTime !== undefined) {
        const d = parseDuration(leadTime);
        if (!d.ok) fail(c, 'leadTime', d.reason);
      }
      const source = str(c, o, 'source', false);
      let supersedes: string | undefined;
      if (o['supersedes'] !== undefined) {
        const p = target('supersedes');
        if (p) {
          supersedes = o['supersedes'] as string;
          if (requirement !== undefined && p.requirement !== requirement)
            fail(c, 'supersedes', `pledge ${supersedes} is for ${p.requirement}; a revision keeps the requirement`);
          const pf = parseCalendar(p.from);
          if (from && pf.ok && from.start < pf.value.start)
            fail(c, 'from', `a revision begins no earlier than the pledge it revises (${p.from})`);
        }
      }
      if (
        problems.length === before &&
        rid !== undefined &&
        by !== undefined &&
        requirement !== undefined &&
        per &&
        form &&
        from
      ) {
        rec = {
          type: 'pledge',
          id: rid,
          by,
          requirement,
          ...m,
          per,
          from: from.text,
          ...(until ? { until: until.text } : {}),
          form,
          ...(leadTime !== undefined ? { leadTime } : {}),
          ...(source ? { source } : {}),
          ...(supersedes ? { supersedes } : {}),
        } satisfies PledgeFields;
      }
    }
    if (problems.length !== before || !rec) return;
    if (inBatch.has(rec.id)) return fail(c, 'id', `${JSON.stringify(rec.id)} appears twice in this batch`);
    inBatch.set(rec.id, rec);
    if (rec.type === 'withdrawal') endedInBatch.set(rec.withdraws, rec.id);
    if (rec.type === 'pledge' && rec.supersedes) endedInBatch.set(rec.supersedes, rec.id);
    records.push(rec);
  });
  return finish(problems, records, ledger);
}

/** Deliveries (`POST /v1/ledger/deliveries`), each against a recorded pledge of the same guarantor. */
export function parseDeliveryBatch(items: readonly unknown[], rules: LedgerRules, ledger: LedgerLookup): LedgerBatch {
  const { pkg, now } = rules;
  const latest = now + (rules.maxFuture ?? defaultMaxFuture);
  const problems: LedgerProblem[] = [];
  const records: LedgerFields[] = [];
  const seen = new Set<string>();
  items.forEach((raw, index) => {
    const c: Checker = { problems, index };
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return fail(c, '', 'must be an object (a delivery)');
    const o = raw as Record<string, unknown>;
    if (retry(o, 'delivery', ledger, records)) return;
    const before = problems.length;
    fieldsOnly(c, o, deliveryKeys);
    const rid = id(c, o, 'id');
    const by = actor(c, o, pkg);
    const pid = id(c, o, 'pledge');
    const p = pid === undefined ? undefined : ledger.pledge(pid);
    if (pid !== undefined && !p) fail(c, 'pledge', `no pledge ${JSON.stringify(pid)} is recorded`);
    else if (p && by !== undefined && p.by !== by) fail(c, 'pledge', `pledge ${pid} is ${p.by}'s, not ${by}'s`);
    const m = measure(c, o, pkg, p?.requirement);
    let delivered: string | undefined;
    const d = str(c, o, 'delivered', true, 40);
    if (d !== undefined) {
      const t = /^\d{4}-\d{2}-\d{2}$/.test(d)
        ? Date.parse(d + 'T00:00:00Z')
        : /^\d{4}-\d{2}-\d{2}T/.test(d) && /(Z|[+-]\d{2}:?\d{2})$/.test(d)
          ? Date.parse(d)
          : NaN;
      if (Number.isNaN(t))
        fail(c, 'delivered', `${JSON.stringify(d)} is not a day (2026-07-15) or an ISO 8601 time with Z or an offset`);
      else if (t < monthStart(pkg.effective.start))
        fail(c, 'delivered', `${d} is before the package takes effect (${pkg.effective.text})`);
      else if (t > latest)
        fail(
          c,
          'delivered',
          `${d} is in the future (more than ${Math.round((latest - now) / 60_000)} min after the server's clock)`,
        );
      else delivered = d;
    }
    let evidence: string[] | undefined;
    if (o['evidence'] !== undefined) {
      const e = o['evidence'];
      if (!Array.isArray(e) || e.length > ledgerLimits.evidence)
        fail(c, 'evidence', `must be a list of at most ${ledgerLimits.evidence} SHA-256 hashes`);
      else {
        e.forEach((h, k) => {
          if (typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h))
            fail(c, `evidence.${k}`, 'an evidence reference is a SHA-256 hash: 64 lowercase hex digits');
        });
        evidence = e as string[];
      }
    }
    const source = str(c, o, 'source', false);
    const note = str(c, o, 'note', false);
    if (problems.length !== before || rid === undefined || by === undefined || !p || delivered === undefined) return;
    if (seen.has(rid)) return fail(c, 'id', `${JSON.stringify(rid)} appears twice in this batch`);
    seen.add(rid);
    records.push({
      type: 'delivery',
      id: rid,
      by,
      pledge: present(pid, 'pid'),
      requirement: p.requirement,
      ...m,
      delivered,
      ...(evidence?.length ? { evidence } : {}),
      ...(source ? { source } : {}),
      ...(note ? { note } : {}),
    } satisfies DeliveryFields);
  });
  return finish(problems, records, ledger);
}

/** An item already stored with exactly these fields: a retry, taken as the stored record without checking again. */
function retry(
  o: Record<string, unknown>,
  type: LedgerFields['type'],
  ledger: LedgerLookup,
  records: LedgerFields[],
  inBatch?: Map<string, LedgerFields>,
): boolean {
  if (!idOk(o['id'])) return false;
  const old = ledger.record(o['id']);
  if (!old || old.type !== type) return false;
  const candidate = { ...o, type, ...(old.type !== 'pledge' ? { requirement: old.requirement } : {}) } as LedgerFields;
  if (!sameFields(old, candidate) || inBatch?.has(old.id)) return false;
  inBatch?.set(old.id, old);
  records.push(old);
  return true;
}

/** Ids already stored: the same fields are a retry (a duplicate), other fields a conflict. */
function finish(problems: LedgerProblem[], records: LedgerFields[], ledger: LedgerLookup): LedgerBatch {
  const duplicate: boolean[] = [];
  if (!problems.length) {
    records.forEach((r, index) => {
      const old = ledger.record(r.id);
      if (old && !sameFields(old, r))
        problems.push({
          index,
          path: 'id',
          reason: `${JSON.stringify(r.id)} is already the id of another ${old.type}; records are never edited (supersede or withdraw instead)`,
        });
      duplicate.push(old !== undefined);
    });
  }
  if (problems.length) return { ok: false, errors: problems.sort((a, b) => a.index - b.index) };
  return { ok: true, records, duplicate };
}
