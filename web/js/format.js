// @ts-check
// Formatting shared by the panels: times in UTC (a mission spans time zones), durations as the package writes
// them, and HTML escaping for every value that came from the server.

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export function esc(value) {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

/** 2026-06-03 14:20 UTC */
export function utc(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** A duration to the second, largest units first: 2d 03h 00m 05s, 5h 07m 00s, 4m 09s. null/Infinity: never. */
export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'never';
  const sign = ms < 0 ? '−' : '';
  let t = Math.abs(ms);
  const d = Math.floor(t / DAY);
  t -= d * DAY;
  const h = Math.floor(t / HOUR);
  t -= h * HOUR;
  const m = Math.floor(t / MIN);
  const s = Math.floor((t - m * MIN) / 1000);
  const p = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${sign}${d}d ${p(h)}h ${p(m)}m ${p(s)}s`;
  if (h > 0) return `${sign}${h}h ${p(m)}m ${p(s)}s`;
  return `${sign}${m}m ${p(s)}s`;
}

/** A package duration (ms) as the package language writes it: 48h, 7d, 15m. */
export function span(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'never';
  if (ms === 0) return '0';
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MIN === 0) return `${ms / MIN}m`;
  return duration(ms);
}

export function km(m) {
  if (m === null || m === undefined || !Number.isFinite(m)) return '—';
  return m >= 10_000 ? `${Math.round(m / 1000)} km` : m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`;
}

export function pct(x) {
  return Number.isFinite(x) ? `${Math.round(x * 100)}%` : '—';
}

/** Builds an element from an HTML string whose dynamic parts were passed through esc(). */
export function html(text) {
  const t = document.createElement('template');
  t.innerHTML = text.trim();
  return t.content.firstElementChild;
}

const shown = new WeakMap();

/** Replaces the children of `el` only when the markup changed, so focus and open details survive a poll. */
export function render(el, markup) {
  if (shown.get(el) === markup) return false;
  shown.set(el, markup);
  el.innerHTML = markup;
  return true;
}
