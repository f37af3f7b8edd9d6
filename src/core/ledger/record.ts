/**
 * The sustainment ledger's records (docs/operations/ledger.md): what guarantors pledged and what they delivered,
 * against the package's requirements. Records are never edited: a revision is a new pledge that `supersedes` an
 * earlier one (which ends where the revision begins), a withdrawal a record that ends a pledge from a month on.
 * Each record is one transparency-log entry (`pledge` for pledges and withdrawals, `delivery` for deliveries).
 */
import type { LegalForm, Period } from '../spec/vocabulary.js';

/** What the store adds to every record: commit order, when and by which API key it arrived. */
export interface Recorded {
  /** Assigned by the store in commit order. */
  seq: number;
  recordedAt: number;
  /** The API key id that submitted it. */
  submittedBy: string;
}

export interface PledgeFields {
  type: 'pledge';
  /** The client's id for the record (the idempotency key: the same record sent again is a duplicate). */
  id: string;
  /** The guarantor (a package actor). */
  by: string;
  /** A requirement of the package's `sustainment` section. */
  requirement: string;
  /** Money: a number of `currency`; a pledge states this or `quantity`, as its requirement does. */
  amount?: number;
  currency?: string;
  quantity?: number;
  per: Period;
  /** A month or day, as in the package language (`2026-06`, `2026-06-15`). */
  from: string;
  until?: string;
  form: LegalForm;
  /** Order to delivery, as in the package language (`18mo`). */
  leadTime?: string;
  /** Where the pledge is recorded: a law, a communiqué, a tracker row. */
  source?: string;
  /** A pledge this one revises: the earlier one ends where this one begins. */
  supersedes?: string;
}

export interface WithdrawalFields {
  type: 'withdrawal';
  id: string;
  by: string;
  /** The pledge withdrawn. */
  withdraws: string;
  /** The withdrawn pledge's requirement (filled in from the pledge). */
  requirement: string;
  /** The first month (or day) without it. */
  from: string;
  source?: string;
}

export interface DeliveryFields {
  type: 'delivery';
  id: string;
  by: string;
  /** The pledge it delivers against. */
  pledge: string;
  /** The pledge's requirement (filled in from the pledge). */
  requirement: string;
  amount?: number;
  currency?: string;
  quantity?: number;
  /** When it was delivered: a day or an instant (ISO 8601). */
  delivered: string;
  /** SHA-256 hashes of evidence (receipts, photos); the files stay with the guarantor. */
  evidence?: string[];
  source?: string;
  note?: string;
}

export type PledgeRecord = PledgeFields & Recorded;
export type WithdrawalRecord = WithdrawalFields & Recorded;
export type DeliveryRecord = DeliveryFields & Recorded;
export type LedgerRecord = PledgeRecord | WithdrawalRecord | DeliveryRecord;
export type LedgerFields = PledgeFields | WithdrawalFields | DeliveryFields;

/** The log entry kind of a record: withdrawals are pledge entries (they change a pledge). */
export function entryKindOf(r: { type: LedgerRecord['type'] }): 'pledge' | 'delivery' {
  return r.type === 'delivery' ? 'delivery' : 'pledge';
}

/** The fields a record was submitted with, in a fixed key order (the store keeps this document). */
export function ledgerFields(r: LedgerFields): LedgerFields {
  const keep = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  switch (r.type) {
    case 'pledge':
      return keep({
        type: r.type,
        id: r.id,
        by: r.by,
        requirement: r.requirement,
        amount: r.amount,
        currency: r.currency,
        quantity: r.quantity,
        per: r.per,
        from: r.from,
        until: r.until,
        form: r.form,
        leadTime: r.leadTime,
        source: r.source,
        supersedes: r.supersedes,
      });
    case 'withdrawal':
      return keep({
        type: r.type,
        id: r.id,
        by: r.by,
        withdraws: r.withdraws,
        requirement: r.requirement,
        from: r.from,
        source: r.source,
      });
    case 'delivery':
      return keep({
        type: r.type,
        id: r.id,
        by: r.by,
        pledge: r.pledge,
        requirement: r.requirement,
        amount: r.amount,
        currency: r.currency,
        quantity: r.quantity,
        delivered: r.delivered,
        evidence: r.evidence,
        source: r.source,
        note: r.note,
      });
  }
}

/** Two submissions of one id are the same record when their fields agree (a retry), whoever sent them when. */
export function sameFields(a: LedgerFields, b: LedgerFields): boolean {
  return JSON.stringify(ledgerFields(a)) === JSON.stringify(ledgerFields(b));
}
