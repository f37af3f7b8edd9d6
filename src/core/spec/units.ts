import { itemAt } from '../item-at.js';
/**
 * Units of the package language. Each parser returns a value or a reason; the schema turns reasons into
 * diagnostics at the offending value. Durations are milliseconds, distances metres, instants epoch milliseconds (UTC).
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (reason: string): Parsed<never> => ({ ok: false, reason });

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
/** The mean Gregorian month and year: durations like `18mo` are lengths of time, not calendar arithmetic. */
export const YEAR = 365.2425 * DAY;
export const MONTH = YEAR / 12;

const durationUnits: Record<string, number> = {
  s: 1000,
  m: MINUTE,
  min: MINUTE,
  h: HOUR,
  d: DAY,
  w: WEEK,
  mo: MONTH,
  y: YEAR,
};
const durationRe = /^(\d+(?:\.\d+)?)(s|min|m|h|d|w|mo|y)$/;

export const durationPattern = '^\\d+(\\.\\d+)?(s|min|m|h|d|w|mo|y)$';

export function parseDuration(text: string): Parsed<number> {
  const m = durationRe.exec(text.trim());
  if (!m) return bad(`"${text}" is not a duration; write a number and a unit: 30m, 6h, 2d, 2w, 18mo, 1y`);
  return ok(Number(m[1]) * itemAt(durationUnits, itemAt(m, 2)));
}

const distanceUnits: Record<string, number> = { m: 1, km: 1000, nm: 1852 };
const distanceRe = /^(\d+(?:\.\d+)?)\s?(m|km|nm)$/;
export const distancePattern = '^\\d+(\\.\\d+)?\\s?(m|km|nm)$';

export function parseDistance(text: string): Parsed<number> {
  const m = distanceRe.exec(text.trim());
  if (!m) return bad(`"${text}" is not a distance; write a number and a unit: 500m, 15km, 12nm`);
  return ok(Number(m[1]) * itemAt(distanceUnits, itemAt(m, 2)));
}

/** Advance rate: distance per duration, `5km/d`. Returned in metres per millisecond. */
const speedRe = /^(\d+(?:\.\d+)?\s?(?:m|km|nm))\/(\d*(?:\.\d+)?)(s|min|m|h|d|w|mo|y)$/;
export const speedPattern = '^\\d+(\\.\\d+)?\\s?(m|km|nm)/\\d*(\\.\\d+)?(s|min|m|h|d|w|mo|y)$';

export function parseSpeed(text: string): Parsed<number> {
  const m = speedRe.exec(text.trim());
  if (!m) return bad(`"${text}" is not a rate; write a distance per unit of time: 5km/d, 500m/h`);
  const d = parseDistance(itemAt(m, 1));
  const t = parseDuration(`${m[2] || '1'}${m[3]}`);
  if (!d.ok || !t.ok || t.value === 0) return bad(`"${text}" is not a rate; write a distance per unit of time: 5km/d`);
  return ok(d.value / t.value);
}

export interface Money {
  amount: number;
  currency: string;
}

const moneyRe = /^([+]?\d+(?:\.\d+)?(?:[eE][+]?\d+)?)\s+([A-Z]{3})$/;
export const moneyPattern = '^\\+?\\d+(\\.\\d+)?([eE]\\+?\\d+)?\\s+[A-Z]{3}$';

export function parseMoney(text: string): Parsed<Money> {
  const m = moneyRe.exec(text.trim());
  if (!m)
    return bad(`"${text}" is not an amount of money; write a number and an ISO 4217 currency code: 9e9 EUR, 3e9 GBP`);
  const amount = Number(m[1]);
  if (!Number.isFinite(amount)) return bad(`"${text}" is too large an amount`);
  return ok({ amount, currency: itemAt(m, 2) });
}

const daysInMonth = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();

export type DatePrecision = 'month' | 'day' | 'time';

export interface CalendarTime {
  /** Epoch milliseconds of the start of the named month, day or instant (UTC). */
  start: number;
  /** Epoch milliseconds just after the named month or day ends (for an instant, equal to start). */
  end: number;
  precision: DatePrecision;
  text: string;
}

const dateRe = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/;
export const datePattern = '^\\d{4}-\\d{2}(-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?)?$';

/** `2026-06` (a month), `2026-06-01` (a day), `2026-06-01T00:00Z` (an instant; a missing zone means UTC). */
export function parseCalendar(text: string): Parsed<CalendarTime> {
  const m = dateRe.exec(text.trim());
  if (!m) return bad(`"${text}" is not a date; write 2026-06, 2026-06-01 or 2026-06-01T00:00Z`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return bad(`"${text}" has month ${m[2]}; months run 01 to 12`);
  if (m[3] === undefined) {
    return ok({ start: Date.UTC(y, mo - 1, 1), end: Date.UTC(y, mo, 1), precision: 'month', text });
  }
  const d = Number(m[3]);
  const dim = daysInMonth(y, mo);
  if (d < 1 || d > dim) return bad(`"${text}" is not a real date: ${y}-${m[2]} has ${dim} days`);
  if (m[4] === undefined) {
    return ok({ start: Date.UTC(y, mo - 1, d), end: Date.UTC(y, mo - 1, d + 1), precision: 'day', text });
  }
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (h > 23 || mi > 59 || s > 59) return bad(`"${text}" is not a real time of day`);
  let offset = 0;
  const z = m[7];
  if (z && z !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 14 || om > 59) return bad(`"${text}" has an impossible time-zone offset ${z}`);
    offset = sign * (oh * HOUR + om * MINUTE);
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, s) - offset;
  return ok({ start: t, end: t, precision: 'time', text });
}

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 90 * DAY) return `${round1(ms / MONTH)}mo`;
  if (abs >= 3 * DAY && ms % DAY === 0) return `${ms / DAY}d`;
  if (abs >= HOUR) return `${round1(ms / HOUR)}h`;
  if (abs >= MINUTE) return `${round1(ms / MINUTE)}m`;
  return `${round1(ms / 1000)}s`;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
