/**
 * The day a daily report covers. A report for day D is computed as of a cut-off on D in the package's local time:
 * by default `24:00`, package-local midnight at the end of D, so the report covers [D 00:00, D+1 00:00) local. A
 * mission may cut off earlier (the OSCE SMM reported on information received by 19:30): then the day is the 24 hours
 * before D at that time. The package's local time is the fixed UTC offset its `effective` date is written in
 * (`2015-02-15T00:00+02:00` gives +02:00; a date without a zone gives UTC); a fixed offset ignores summer time,
 * which the caller can override with `offset`.
 */
import { DAY, HOUR, MINUTE } from '../spec/units.js';
import { itemAt, present } from '../item-at.js';

export interface ReportWindow {
  /** The report's day, `YYYY-MM-DD`. */
  date: string;
  /** Epoch ms: the cut-off minus 24 hours. */
  start: number;
  /** Epoch ms: the cut-off; records with event time before it count. */
  end: number;
  /** The UTC offset of the package's local time: `+02:00`, or `Z`. */
  offset: string;
  /** Local time of day of the cut-off, `HH:MM` (`24:00`: midnight at the end of the day). */
  cutoff: string;
}

export type WindowResult = { ok: true; window: ReportWindow } | { ok: false; field: string; reason: string };

const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const offsetRe = /^(?:Z|([+-])(\d{2}):?(\d{2}))$/;
const cutoffRe = /^(\d{2}):(\d{2})$/;

/** The UTC offset a package's `effective` text is written in: `+02:00`, or `Z` when it names none. */
export function packageOffset(effectiveText: string): string {
  const m = /(Z|[+-]\d{2}:?\d{2})$/.exec(effectiveText.trim());
  if (!m || !/T|\s\d/.test(effectiveText)) return 'Z';
  const z = itemAt(m, 1);
  if (z === 'Z') return 'Z';
  return z.includes(':') ? z : `${z.slice(0, 3)}:${z.slice(3)}`;
}

/** Offset text to milliseconds east of UTC; undefined when it is not an offset. */
export function offsetMs(offset: string): number | undefined {
  const m = offsetRe.exec(offset);
  if (!m) return undefined;
  if (offset === 'Z') return 0;
  const h = Number(m[2]);
  const mi = Number(m[3]);
  if (h > 14 || mi > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (h * HOUR + mi * MINUTE);
}

/** `YYYY-MM-DD` of an instant in local time at the offset. */
export function localDate(t: number, offset: number): string {
  return new Date(t + offset).toISOString().slice(0, 10);
}

/** The report window of `date`, or the field that is wrong and why. */
export function reportWindow(date: string, offset: string, cutoff = '24:00'): WindowResult {
  const m = dateRe.exec(date);
  if (!m) return { ok: false, field: 'date', reason: `"${date}" is not a date; write YYYY-MM-DD` };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const dim = mo >= 1 && mo <= 12 ? new Date(Date.UTC(y, mo, 0)).getUTCDate() : 0;
  if (mo < 1 || mo > 12)
    return { ok: false, field: 'date', reason: `"${date}" has month ${m[2]}; months run 01 to 12` };
  if (d < 1 || d > dim)
    return { ok: false, field: 'date', reason: `"${date}" is not a real date: ${m[1]}-${m[2]} has ${dim} days` };
  const off = offsetMs(offset);
  if (off === undefined)
    return { ok: false, field: 'offset', reason: `"${offset}" is not a UTC offset; write +02:00, -05:00 or Z` };
  const c = cutoffRe.exec(cutoff);
  const ch = c ? Number(c[1]) : NaN;
  const cm = c ? Number(c[2]) : NaN;
  if (!c || cm > 59 || ch > 24 || (ch === 24 && cm !== 0))
    return { ok: false, field: 'cutoff', reason: `"${cutoff}" is not a time of day; write HH:MM, 00:00 to 24:00` };
  const end = Date.UTC(y, mo - 1, d) + ch * HOUR + cm * MINUTE - off;
  const om = present(offsetRe.exec(offset), `the UTC offset ${offset}`);
  return {
    ok: true,
    window: { date, start: end - DAY, end, offset: offset === 'Z' ? 'Z' : `${om[1]}${om[2]}:${om[3]}`, cutoff },
  };
}

/**
 * The window of `date`, refused when the day ends before the package took effect, or is after `now`'s day (in the
 * package's local time): a report on a day that has not begun says nothing.
 */
export function checkedReportWindow(
  date: string,
  o: { offset: string; cutoff?: string; effective: number; now: number },
): WindowResult {
  const r = reportWindow(date, o.offset, o.cutoff);
  if (!r.ok) return r;
  const off = present(offsetMs(r.window.offset), `the UTC offset ${r.window.offset}`);
  if (r.window.end <= o.effective) {
    return {
      ok: false,
      field: 'date',
      reason: `${date} is before the package took effect (${new Date(o.effective).toISOString()}, ${localDate(o.effective, off)} local)`,
    };
  }
  const today = localDate(o.now, off);
  if (date > today)
    return {
      ok: false,
      field: 'date',
      reason: `${date} is after today (${today} in the package's local time, UTC${r.window.offset === 'Z' ? '' : r.window.offset})`,
    };
  return r;
}
