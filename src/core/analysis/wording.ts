/** How the analysis writes numbers for people: times after a breach, durations, distances, shares. */
import { DAY, HOUR, MINUTE, MONTH } from '../spec/units.js';

/** A duration in words a negotiator reads aloud: 45 minutes, 9 hours, 3 days 4 hours, 14 months. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return 'no limit';
  if (ms < HOUR) return plural(Math.round(ms / MINUTE), 'minute');
  if (ms < 4 * DAY) {
    const h = Math.round((ms / HOUR) * 10) / 10;
    return plural(h, 'hour');
  }
  if (ms < 90 * DAY) {
    const d = Math.floor(ms / DAY);
    const h = Math.round((ms - d * DAY) / HOUR);
    return h ? `${plural(d, 'day')} ${plural(h, 'hour')}` : plural(d, 'day');
  }
  return plural(Math.round((ms / MONTH) * 10) / 10, 'month');
}

/** A time after the breach: T+0h, T+9h, T+36.5h, T+96h, T+7d 9h; `never` when unbounded. */
export function at(ms: number): string {
  if (!Number.isFinite(ms)) return 'never';
  if (ms < HOUR && ms > 0) return `T+${Math.round(ms / MINUTE)}m`;
  if (ms <= 96 * HOUR) return `T+${Math.round((ms / HOUR) * 10) / 10}h`;
  const d = Math.floor(ms / DAY);
  const h = Math.round((ms - d * DAY) / HOUR);
  return h ? `T+${d}d ${h}h` : `T+${d}d`;
}

/** The worst case of an interval: `never` when even the best case never comes, `no limit` when only the worst is unbounded. */
export function atWorst(i: { best: number; worst: number }): string {
  if (Number.isFinite(i.worst)) return at(i.worst);
  return Number.isFinite(i.best) ? 'no limit' : 'never';
}

export function km(metres: number): string {
  if (!Number.isFinite(metres)) return 'unlimited ground';
  return `${Math.round(metres / 100) / 10} km`;
}

export function km2(m2: number): string {
  if (!Number.isFinite(m2)) return 'unlimited ground';
  return `${Math.round(m2 / 1e6).toLocaleString('en-GB')} km²`;
}

/** Advance rate in metres per millisecond as km per day. */
export function rate(mPerMs: number): string {
  return `${Math.round(((mPerMs * DAY) / 1000) * 10) / 10} km/day`;
}

export function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

export function list(xs: readonly string[], conj = 'and'): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} ${conj} ${xs.at(-1)}`;
}

export function money(x: number, currency: string): string {
  if (x >= 1e9) return `${Math.round((x / 1e9) * 100) / 100}bn ${currency}`;
  if (x >= 1e6) return `${Math.round((x / 1e6) * 10) / 10}m ${currency}`;
  return `${Math.round(x).toLocaleString('en-GB')} ${currency}`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
