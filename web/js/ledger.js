// @ts-check
// The sustainment ledger (GET /v1/ledger/coverage, GET /v1/ledger/alerts): month by month per requirement, what is
// required, pledged (firm and at risk) and delivered, with the current month marked; and the decay alerts not yet
// resolved, each naming requirement, guarantor, the month its shortfall starts and its size. Inline SVG, readable
// without colour: delivered months are bars, pledged a stepped area, required a line.
import { esc, pct, render } from './format.js';

const kindText = {
  'late-delivery': 'late delivery',
  'below-threshold': 'projected below threshold',
  'ending-without-successor': 'ends with no successor',
  election: 'election crosses commitment',
  'lead-time': 'order must be placed now',
  dependence: 'single-guarantor dependence',
};

function amount(v, unit) {
  if (unit === 'units') return `${Math.round(v).toLocaleString('en-GB')} units`;
  return v >= 1e9 ? `${(v / 1e9).toFixed(2)} bn ${unit}` : `${(v / 1e6).toFixed(1)} m ${unit}`;
}

function chart(r, asOf) {
  const W = 460;
  const H = 110;
  const n = r.months.length;
  const max = Math.max(r.perMonth, ...r.months.map((p) => Math.max(p.pledged, p.delivered, p.required))) * 1.05 || 1;
  const X = (i) => ((i / Math.max(1, n)) * W).toFixed(1);
  const Y = (v) => (H - (v / max) * H).toFixed(1);
  const now = r.months.findIndex((p) => p.month === asOf);
  const step = (get) => r.months.map((p, i) => `${X(i)},${Y(get(p))} ${X(i + 1)},${Y(get(p))}`).join(' ');
  const pledged = `${X(0)},${H} ${step((p) => p.pledged)} ${X(n)},${H}`;
  const firm = `${X(0)},${H} ${step((p) => p.firm)} ${X(n)},${H}`;
  const bars = r.months
    .map((p, i) =>
      (now >= 0 && i >= now) || p.delivered <= 0
        ? ''
        : `<rect x="${X(i + 0.15)}" y="${Y(p.delivered)}" width="${((0.7 / n) * W).toFixed(1)}" height="${(H - Number(Y(p.delivered))).toFixed(1)}" class="delivered"><title>${esc(`${p.month}: delivered ${amount(p.delivered, r.unit)} of ${amount(p.required, r.unit)} required (${pct(p.coverage)} covered with stock)`)}</title></rect>`,
    )
    .join('');
  const marker =
    now >= 0
      ? `<line x1="${X(now)}" x2="${X(now)}" y1="0" y2="${H}" class="m12"/><text x="${Number(X(now)) + 3}" y="10" class="tick">now</text>`
      : '';
  const years = r.months
    .map((p, i) =>
      p.month.endsWith('-01') || i === 0 ? `<text x="${X(i)}" y="${H + 12}" class="tick">${esc(p.month)}</text>` : '',
    )
    .join('');
  const cur = now >= 0 ? r.months[now] : undefined;
  const top = r.shares[0];
  return `<figure class="sustain ledger-chart" data-requirement="${esc(r.id)}">
    <figcaption><strong>${esc(r.id)}</strong>: needs ${esc(amount(r.perMonth, r.unit))} a month.${cur ? ` This month ${esc(pct(cur.coverage))} covered; ${esc(amount(cur.pledged, r.unit))} pledged.` : ''}${r.runsOut ? ` Short from <strong>${esc(r.runsOut)}</strong>${r.orderBy ? `; order by ${esc(r.orderBy)}` : ''}.` : ' Covered to the horizon.'}${top ? ` Largest guarantor: ${esc(top.by)} (${esc(pct(top.share))}).` : ''}</figcaption>
    <svg viewBox="-2 -2 ${W + 4} ${H + 16}" width="100%" role="img" aria-label="${esc(`Ledger coverage of ${r.id}: required, pledged and delivered, month by month`)}">
      <polygon points="${pledged}" class="atrisk"><title>pledged, at risk after an election</title></polygon>
      <polygon points="${firm}" class="firm"><title>pledged, firm</title></polygon>
      ${bars}
      <polyline points="${step((p) => p.required)}" class="required"><title>required</title></polyline>
      ${marker}${years}
    </svg>
    <p class="legend-line"><span class="swatch firm"></span>pledged, firm <span class="swatch atrisk"></span>pledged, at risk <span class="swatch delivered"></span>delivered <span class="swatch required"></span>required</p>
  </figure>`;
}

/** `mayAcknowledge(alert)`: whether this key may acknowledge it (a guarantor only those that name it). */
export function renderLedger(el, coverage, alerts, mayAcknowledge) {
  const open = alerts.filter((a) => a.state !== 'resolved');
  const list = open
    .map(
      (a) => `<li class="ledger-alert ${esc(a.state)}" data-key="${esc(a.key)}">
        <span class="badge">${esc(kindText[a.kind] ?? a.kind)}</span> <strong>${esc(a.requirement)}</strong>${a.guarantor ? `, ${esc(a.guarantor)}` : ''}: from <strong>${esc(a.month)}</strong>, ${esc(amount(a.size, a.unit))}
        <span class="muted small">${esc(a.state)} since ${esc(a.raisedMonth)}</span>
        ${mayAcknowledge(a) && a.state === 'open' ? `<button type="button" class="ack" data-key="${esc(a.key)}">Acknowledge</button>` : ''}
        <div class="small">${esc(a.message)}</div>
      </li>`,
    )
    .join('');
  const agg = coverage.aggregate.find((p) => p.month === coverage.asOf);
  render(
    el,
    `<p>As of <strong>${esc(coverage.asOf)}</strong>${agg ? `: ${esc(pct(agg.coverage))} covered across requirements, ${agg.short} short` : ''}.</p>
     <h3>Open alerts <span class="count">${open.length}</span></h3>
     <ul class="items compact">${list || '<li class="empty">No open alerts.</li>'}</ul>
     <h3>Coverage month by month</h3>
     ${coverage.requirements.map((r) => chart(r, coverage.asOf)).join('') || '<p class="empty">The package has no sustainment requirements.</p>'}`,
  );
}
