// @ts-check
// The package's analysis (GET /v1/package/analysis): the scorecard, the day-one timeline of each trigger (best and
// worst case from the first act to each response) and the month-twelve sustainment chart. Charts are inline SVG:
// no chart library to download, readable without colour (labels and patterns carry the meaning).
import { duration, esc, pct, render } from './format.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function renderScorecard(el, sc) {
  const dims = Object.entries(sc.dimensions);
  const bar = ([name, d]) => {
    const cls = d.score < 40 ? 'bad' : d.score < 70 ? 'fair' : 'good';
    const why = d.deductions.map((x) => `−${x.points} ${x.message}`).join('\n');
    return `<li class="${name === sc.weakest ? 'weakest' : ''}">
      <span class="dim">${esc(name)}</span>
      <span class="bar" role="img" aria-label="${esc(name)} ${d.score} of 100"><span class="fill ${cls}" style="width:${Math.max(0, Math.min(100, d.score))}%"></span></span>
      <span class="score">${d.score}</span>
      ${d.deductions.length ? `<details><summary>${d.deductions.length} deduction${d.deductions.length === 1 ? '' : 's'}</summary><ul>${d.deductions.map((x) => `<li>−${esc(x.points)}: ${esc(x.message)}</li>`).join('')}</ul></details>` : ''}
    </li>`;
  };
  render(
    el,
    `<div class="overall"><span class="big">${sc.overall}</span><span>/100 overall credibility; weakest link: <strong>${esc(sc.weakest)}</strong></span></div>
     <ul class="scores">${dims.map(bar).join('')}</ul>`,
  );
}

/** Time axis for day one: square-root scale from 0 to the latest finite time of the chart (at least 7 days), so
 * hours and weeks both read. */
/** @type {[number, string][]} */
const allTicks = [
  [0, '0'],
  [HOUR, '1h'],
  [6 * HOUR, '6h'],
  [DAY, '1d'],
  [3 * DAY, '3d'],
  [7 * DAY, '7d'],
  [30 * DAY, '30d'],
  [90 * DAY, '90d'],
  [365 * DAY, '1y'],
];
const finite = (v) => typeof v === 'number' && Number.isFinite(v);

export function renderTimeline(el, timelines) {
  const charts = timelines.map((t) => {
    const rows = [];
    if (t.detection) rows.push(['detected', t.detection]);
    rows.push(['case opens', t.caseOpens]);
    if (t.judgment?.present) rows.push(['judged', t.judgment.decision]);
    for (const r of t.responses)
      rows.push([`${r.action} (${[].concat(r.by).join(', ')})${r.material ? ' ●' : ''}`, r.due]);
    const latest = Math.max(7 * DAY, ...rows.flatMap(([, iv]) => [iv.best, iv.worst].filter(finite)));
    const axisMax = allTicks.find(([ms]) => ms >= latest)?.[0] ?? latest;
    const ticks = allTicks.filter(([ms]) => ms <= axisMax);
    const x = (ms, w) => (Math.sqrt(Math.min(ms, axisMax) / axisMax) * w) | 0;
    const W = 300;
    const L = 150;
    const H = 16;
    const top = 14;
    const height = top + rows.length * H + 4;
    const bars = rows
      .map(([label, iv], i) => {
        const y = top + i * H;
        const never = iv.worst === null || iv.worst === undefined;
        const bestNever = iv.best === null || iv.best === undefined;
        const x0 = bestNever ? W : x(iv.best, W);
        const x1 = never ? W : Math.max(x0 + 2, x(iv.worst, W));
        const title = `${label}: best ${bestNever ? 'never' : duration(iv.best)}, worst ${never ? 'never' : duration(iv.worst)}`;
        return `<g><title>${esc(title)}</title>
          <text x="${L - 4}" y="${y + 11}" text-anchor="end">${esc(label.length > 28 ? label.slice(0, 27) + '…' : label)}</text>
          <rect x="${L + x0}" y="${y + 3}" width="${Math.max(2, x1 - x0)}" height="${H - 6}" class="${never ? 'never' : label.endsWith('●') ? 'material' : 'span'}"/>
          ${never ? `<text x="${L + W + 2}" y="${y + 11}" class="never-label">never</text>` : ''}
        </g>`;
      })
      .join('');
    // Every tick has its grid line; a label only where it clears the last one drawn (on a year's axis "0", "1h"
    // and "6h" fall within a few pixels of each other).
    let lastLabel = -Infinity;
    const axis = ticks
      .map(([ms, l]) => {
        const at = L + x(ms, W);
        const label = at - lastLabel >= 16 ? `<text x="${at}" y="9" text-anchor="middle" class="tick">${l}</text>` : '';
        if (label) lastLabel = at;
        return `<line x1="${at}" x2="${at}" y1="10" y2="${height}" class="grid"/>${label}`;
      })
      .join('');
    const depth = t.depth
      ? `<p class="muted small">A violator can advance ${esc(t.depth.worst === null ? 'without limit' : `${Math.round(t.depth.worst / 1000)} km`)} before the first material response (worst case).</p>`
      : '';
    const risks = t.judgment?.risks?.length
      ? `<p class="muted small">Judgment: ${esc(t.judgment.risks.join('; '))}</p>`
      : '';
    return `<figure class="timeline" data-trigger="${esc(t.trigger)}">
      <figcaption><strong>${esc(t.trigger)}</strong> <span class="badge sev-${esc(t.severity)}">${esc(t.severity)}</span> <span class="muted">${t.k} independent source${t.k === 1 ? '' : 's'}; bars run from best to worst case after the first act</span></figcaption>
      <svg viewBox="0 0 ${L + W + 40} ${height}" width="100%" role="img" aria-label="${esc(`Day-one timeline for trigger ${t.trigger}`)}">${axis}${bars}</svg>
      ${depth}${risks}
    </figure>`;
  });
  render(el, charts.join('') || '<p class="empty">The package has no triggers.</p>');
}

/** One chart per requirement: firm, at-risk and stock deliveries stacked against the requirement, month by month. */
export function renderSustainment(el, s) {
  const charts = s.requirements.map((r) => {
    const W = 460;
    const H = 120;
    const n = r.series.length;
    const max = Math.max(r.perMonth, ...r.series.map((p) => p.firm + p.atRisk + p.stock)) * 1.05 || 1;
    const X = (i) => ((i / Math.max(1, n)) * W).toFixed(1);
    const Y = (v) => (H - (v / max) * H).toFixed(1);
    const area = (lo, hi) => {
      const top = r.series.map((p, i) => `${X(i)},${Y(hi(p))} ${X(i + 1)},${Y(hi(p))}`).join(' ');
      const bottom = r.series
        .map((p, i) => `${X(i + 1)},${Y(lo(p))} ${X(i)},${Y(lo(p))}`)
        .reverse()
        .join(' ');
      return `${top} ${bottom}`;
    };
    const firm = (p) => p.firm;
    const risk = (p) => p.firm + p.atRisk;
    const stock = (p) => p.firm + p.atRisk + p.stock;
    const req = r.series.map((p, i) => `${X(i)},${Y(p.required)} ${X(i + 1)},${Y(p.required)}`).join(' ');
    const m12 =
      n >= 12
        ? `<line x1="${X(11.5)}" x2="${X(11.5)}" y1="0" y2="${H}" class="m12"/><text x="${Number(X(11.5)) - 3}" y="${H - 4}" class="tick m12-label" text-anchor="end">month 12</text>`
        : '';
    const at12 = r.series[Math.min(11, n - 1)];
    // Money is in the package currency (the requirement's unit names it); materiel in units.
    const money = r.unit !== 'units';
    const fmt = (v) =>
      money
        ? v >= 1e9
          ? `${(v / 1e9).toFixed(2)} bn ${r.unit}`
          : `${(v / 1e6).toFixed(0)} m ${r.unit}`
        : `${Math.round(v)} units`;
    const years = s.months
      .filter((m, i) => i % 12 === 0)
      .map((m, k) => `<text x="${X(k * 12)}" y="${H + 12}" class="tick">${esc(m)}</text>`)
      .join('');
    return `<figure class="sustain" data-requirement="${esc(r.id)}">
      <figcaption><strong>${esc(r.id)}</strong>: needs ${esc(fmt(r.perMonth))} a month. Month 12: ${esc(at12 ? pct(at12.coverage) : '—')} covered (${esc(at12 ? fmt(at12.firm) : '—')} firm, ${esc(at12 ? fmt(at12.atRisk) : '—')} at risk after an election). Mean coverage ${esc(pct(r.meanCoverage))}; ${r.shortMonths} month${r.shortMonths === 1 ? '' : 's'} under half.</figcaption>
      <svg viewBox="-2 -2 ${W + 4} ${H + 16}" width="100%" role="img" aria-label="${esc(`Sustainment of ${r.id}: delivered against required, month by month`)}">
        <polygon points="${area(() => 0, firm)}" class="firm"><title>firm: treaty and appropriation law, and others before an election</title></polygon>
        <polygon points="${area(firm, risk)}" class="atrisk"><title>at risk: political and executive commitments after an election</title></polygon>
        <polygon points="${area(risk, stock)}" class="stock"><title>drawn from stock</title></polygon>
        <polyline points="${req}" class="required"><title>required</title></polyline>
        ${m12}${years}
      </svg>
      <p class="legend-line"><span class="swatch firm"></span>firm <span class="swatch atrisk"></span>at risk <span class="swatch stock"></span>stock <span class="swatch required"></span>required</p>
    </figure>`;
  });
  const months = (ms) => Math.round(ms / (30.436875 * DAY));
  const cliffs = s.cliffs
    .map(
      (c) =>
        `<li>${esc(c.by)}'s ${esc(c.requirement)} commitment ends ${esc(c.month)}, ${months(c.left)} months before the horizon; coverage falls from ${esc(pct(c.before))} to ${esc(pct(c.after))}</li>`,
    )
    .join('');
  render(
    el,
    (charts.join('') || '<p class="empty">The package has no sustainment requirements.</p>') +
      (cliffs ? `<h4>Cliffs</h4><ul class="items compact">${cliffs}</ul>` : ''),
  );
}

export function renderFindings(el, findings) {
  render(
    el,
    findings
      .map(
        (f) =>
          `<li class="finding ${esc(f.severity)}"><code>${esc(f.code)}</code> <span class="muted">line ${esc(f.line)}</span> ${esc(f.message)}</li>`,
      )
      .join('') || '<li class="empty">No findings.</li>',
  );
}
