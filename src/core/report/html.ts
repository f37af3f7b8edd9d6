/**
 * The daily report as one self-contained HTML page (docs/operations/report.md): inline CSS, an SVG map of the day's
 * violations over the package's regions and zones (from the bundled geometry, no tiles, nothing fetched), small SVG
 * charts of the last 30 days, and the tables. Printed by Chromium it is the PDF (A4; `@page` margins leave room for
 * the page numbers and the checkpoint the printer puts in the footer).
 */
import { NO_REGION, type CaseRow, type CountRow, type DailyReport, type TaskRow } from './daily.js';
import { clock, when } from './markdown.js';
import { itemAt } from '../item-at.js';

/** The package's map as `packageMap` draws it: regions (`layer: region`, `code`) and zones (`layer: zone`, `id`, `kind`). */
export interface ReportMap {
  bbox: [number, number, number, number];
  features: {
    properties: Record<string, unknown>;
    geometry:
      { type: 'MultiPolygon'; coordinates: number[][][][] } | { type: 'MultiLineString'; coordinates: number[][][] };
  }[];
}

const esc = (s: string | number): string =>
  String(s).replace(/[&<>"']/g, (c) =>
    itemAt({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }, c),
  );
const signed = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

/** Colours by activity family: fire red, air blue, ground brown, access purple, the rest grey. */
function colourOf(activity: string): string {
  if (/fire|strike/.test(activity)) return '#c0392b';
  if (/overflight|air/.test(activity)) return '#2471a3';
  if (/advance|presence|incursion|mine/.test(activity)) return '#8e5b2b';
  if (/access|jamming/.test(activity)) return '#7d3c98';
  return '#555';
}

const W = 680;

/** 1234567.8 -> "1,234,568": no locale data, the same bytes everywhere. */
const thousands = (n: number): string =>
  Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** An equirectangular projection scaled by the cosine of the middle latitude, fitted to the box. */
function projection(b: [number, number, number, number]) {
  const k = Math.cos((((b[1] + b[3]) / 2) * Math.PI) / 180);
  const sx = W / ((b[2] - b[0]) * k || 1);
  const h = Math.max(120, Math.round((b[3] - b[1]) * sx));
  const x = (lon: number) => Math.round((lon - b[0]) * k * sx * 10) / 10;
  const y = (lat: number) => Math.round((b[3] - lat) * sx * 10) / 10;
  /** Metres to pixels at the map's scale (1 degree of latitude: 111.2 km). */
  const m = (metres: number) => (metres / 111_195) * sx;
  return { x, y, m, h };
}

function ringPath(ring: number[][], p: ReturnType<typeof projection>): string {
  let d = '';
  for (let i = 0; i < ring.length; i++)
    d += `${i ? 'L' : 'M'}${p.x(itemAt(itemAt(ring, i), 0))} ${p.y(itemAt(itemAt(ring, i), 1))}`;
  return d + 'Z';
}

/** The drawn regions and zones of a map: the same for every report of a server, so drawn once per map. */
interface DrawnMap {
  p: ReturnType<typeof projection>;
  regions: { code: string; name: string; d: string }[];
  zones: string;
}

const drawn = new WeakMap<ReportMap, DrawnMap>();

function draw(map: ReportMap): DrawnMap {
  const cached = drawn.get(map);
  if (cached) return cached;
  const p = projection(map.bbox);
  const regions: DrawnMap['regions'] = [];
  const zones: string[] = [];
  for (const f of map.features) {
    const props = f.properties;
    if (props['layer'] === 'region' && f.geometry.type === 'MultiPolygon') {
      const d = f.geometry.coordinates.map((poly) => poly.map((ring) => ringPath(ring, p)).join('')).join('');
      regions.push({ code: String(props['code']), name: String(props['name'] ?? props['code']), d });
    }
  }
  for (const f of map.features) {
    const props = f.properties;
    if (props['layer'] !== 'zone') continue;
    const title = `<title>${esc(String(props['id']))} (${esc(String(props['kind']))})</title>`;
    if (f.geometry.type === 'MultiLineString') {
      const d = f.geometry.coordinates
        .map((l) => l.map((pt, i) => `${i ? 'L' : 'M'}${p.x(itemAt(pt, 0))} ${p.y(itemAt(pt, 1))}`).join(''))
        .join('');
      zones.push(`<path d="${d}" fill="none" stroke="#222" stroke-width="1.6">${title}</path>`);
    } else {
      const d = f.geometry.coordinates.map((poly) => poly.map((ring) => ringPath(ring, p)).join('')).join('');
      zones.push(
        `<path d="${d}" fill="rgba(36,113,163,0.06)" stroke="#2471a3" stroke-width="0.7" stroke-dasharray="3 2" fill-rule="evenodd">${title}</path>`,
      );
    }
  }
  const out = { p, regions, zones: zones.join('') };
  drawn.set(map, out);
  return out;
}

function mapSvg(r: DailyReport, map: ReportMap): string {
  const { p, regions, zones } = draw(map);
  const counts = new Map((r.violations?.byRegion ?? []).map((x) => [x.key, x.count]));
  const max = Math.max(1, ...counts.values());
  const parts: string[] = [];
  for (const g of regions) {
    const n = counts.get(g.code) ?? 0;
    const fill = n ? `rgba(192,57,43,${(0.12 + 0.5 * (n / max)).toFixed(2)})` : '#f4f4f0';
    parts.push(
      `<path d="${g.d}" fill="${fill}" stroke="#999" stroke-width="0.5" fill-rule="evenodd"><title>${esc(g.name)}: ${n}</title></path>`,
    );
  }
  parts.push(zones);
  for (const pt of r.violations?.points ?? []) {
    const cx = p.x(pt.lon);
    const cy = p.y(pt.lat);
    const c = colourOf(pt.activity);
    const u = p.m(pt.radius);
    if (u > 2.5)
      parts.push(
        `<circle cx="${cx}" cy="${cy}" r="${u.toFixed(1)}" fill="${c}" fill-opacity="0.08" stroke="${c}" stroke-opacity="0.35" stroke-width="0.5"/>`,
      );
    parts.push(
      `<circle cx="${cx}" cy="${cy}" r="2.2" fill="${c}"><title>${esc(pt.activity)} ${esc(pt.incident)}</title></circle>`,
    );
  }
  return `<svg class="map" viewBox="0 0 ${W} ${p.h}" width="${W}" height="${p.h}" role="img" aria-label="Map of the day's violations">${parts.join('')}</svg>`;
}

/** A 30-day bar chart; the last bar (the report's day) is dark. */
function barChart(counts: readonly number[], label: string, width = 320, height = 60): string {
  const max = Math.max(1, ...counts);
  const bw = width / counts.length;
  const bars = counts
    .map((n, i) => {
      const h = Math.round((n / max) * (height - 14) * 10) / 10;
      return `<rect x="${(i * bw + 0.5).toFixed(1)}" y="${(height - 12 - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h}" fill="${i === counts.length - 1 ? '#922b21' : '#d5a6a0'}"/>`;
    })
    .join('');
  return `<figure class="chart"><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}">${bars}<text x="0" y="${height - 1}" font-size="9">30 days</text><text x="${width}" y="${height - 1}" font-size="9" text-anchor="end">max ${max}</text></svg><figcaption>${esc(label)}</figcaption></figure>`;
}

function countTable(title: string, rows: readonly CountRow[]): string {
  if (!rows.length) return `<p>${esc(title)}: none in the last 8 days.</p>`;
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.label === r.key || r.key === NO_REGION ? r.label : `${r.label} (${r.key})`)}</td><td class="n"><b>${r.count}</b></td><td class="n">${r.previous}</td><td class="n ${r.delta > 0 ? 'up' : r.delta < 0 ? 'down' : ''}">${signed(r.delta)}</td><td class="n">${r.mean7}</td><td class="n">${signed(r.deltaMean7)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>${esc(title)}</th><th>day</th><th>previous</th><th>change</th><th>7-day mean</th><th>vs mean</th></tr></thead><tbody>${body}</tbody></table>`;
}

function caseTable(rows: readonly CaseRow[]): string {
  if (!rows.length) return '<p class="none">None.</p>';
  const body = rows
    .map((c) => {
      const clk = c.status === 'open' ? clock(c.timeLeft) : `${c.status} ${when(c.decidedAt)}`;
      return `<tr><td><code>${esc(c.id)}</code></td><td>${esc(c.severity)}</td><td>${esc(c.trigger ?? '—')}</td><td>${esc(c.attributedTo.join(', ') || 'undetermined')}</td><td>${esc(when(c.openedAt))}</td><td>${esc(clk)}</td><td class="n">${c.tally.declare}/${c.tally.dismiss}/${c.tally.abstain}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>case</th><th>severity</th><th>trigger</th><th>attributed to</th><th>opened</th><th>clock</th><th>votes d/d/a</th></tr></thead><tbody>${body}</tbody></table>`;
}

const taskCells = (t: TaskRow): string =>
  `<td><code>${esc(t.task)}</code></td><td>${esc(t.action)}</td><td>${esc(when(t.dueAt))}</td><td>${t.deliveredAt ? `${esc(when(t.deliveredAt))}${t.late ? ' <b>late</b>' : ''}` : '—'}</td>`;

const css = `
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
body { font: 10.5pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1b1b1b; margin: 0 auto; max-width: ${W + 40}px; padding: 12px; }
h1 { font-size: 17pt; margin: 0 0 2px; } h2 { font-size: 13pt; margin: 18px 0 6px; border-bottom: 1px solid #ccc; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 10px 0 4px; page-break-after: avoid; } .meta { color: #555; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 9pt; page-break-inside: auto; } tr { page-break-inside: avoid; }
th, td { border-bottom: 1px solid #e2e2e2; padding: 2px 6px; text-align: left; vertical-align: top; } th { background: #f3f3f3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; } .up { color: #a93226; } .down { color: #1e8449; }
.summary { display: flex; gap: 16px; align-items: baseline; background: #faf5f4; border-left: 4px solid #922b21; padding: 6px 10px; margin: 10px 0; }
.summary .big { font-size: 22pt; font-weight: bold; } .map { display: block; margin: 6px 0; border: 1px solid #ddd; background: #fbfcfd; max-width: 100%; height: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 6px 18px; } figure.chart { margin: 0; } figcaption { font-size: 8.5pt; color: #444; }
.legend span { display: inline-block; margin-right: 12px; font-size: 8.5pt; } .legend i { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; vertical-align: middle; }
.checkpoint { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; word-break: break-all; background: #f6f6f6; padding: 6px; }
.failing { color: #a93226; font-weight: bold; } code { font-size: 8.5pt; } .none { color: #777; }
`;

/** The whole page. `map` is the package's map; without one the report has no map. */
export function renderReportHtml(r: DailyReport, map?: ReportMap): string {
  const H: string[] = [];
  H.push(`<h1>Daily report ${esc(r.date)}</h1>`);
  H.push(
    `<p class="meta">${esc(r.package.title)} · package <code>${esc(r.package.id)}</code> version ${esc(r.package.version || '—')}${r.variant === 'public' ? ' · <b>public variant</b>' : ''}<br>Covers ${esc(when(r.window.start))} to ${esc(when(r.window.end))} UTC (cut-off ${esc(r.window.cutoff)} at UTC${esc(r.window.offset === 'Z' ? '' : r.window.offset)}); records with event times before the cut-off.</p>`,
  );
  const v = r.violations;
  if (v) {
    H.push(
      `<div class="summary"><span class="big">${v.total.count}</span><span>incidents in violation<br>previous day ${v.total.previous} (${signed(v.total.delta)}), 7-day mean ${v.total.mean7} (${signed(v.total.deltaMean7)})</span></div>`,
    );
  }
  if (map) {
    H.push('<h2>Map of the day</h2>', mapSvg(r, map));
    const acts = [...new Set((v?.points ?? []).map((p) => p.activity))].sort();
    H.push(
      `<p class="legend">${acts.map((a) => `<span><i style="background:${colourOf(a)}"></i>${esc(a)}</span>`).join('')}<span>regions shaded by the day's count; dashed: zones; black: lines${v?.points ? '; faint circles: uncertainty' : ''}</span></p>`,
    );
  }
  if (v) {
    H.push('<h2>Violations</h2>');
    H.push(
      `<div class="charts">${barChart(
        v.daily.map((d) => d.count),
        `all incidents in violation, ${v.daily[0]?.date ?? ''} to ${r.date}`,
      )}${v.dailyByType
        .slice(0, 5)
        .map((t) => barChart(t.counts, t.key, 200, 50))
        .join('')}</div>`,
    );
    H.push(countTable('type', v.byType), countTable('region', v.byRegion));
    if (v.byProhibition) H.push(countTable('prohibition (records)', v.byProhibition));
    if (v.byParty) H.push(countTable('attributed to', v.byParty));
  }
  const h = r.heavyWeapons;
  if (h) {
    H.push(
      '<h2>Heavy weapons in violation</h2>',
      `<p>${h.total} violation records of withdrawal clauses (previous day ${h.previous}).</p>`,
    );
    if (h.byClassAndZone.length)
      H.push(
        `<table><thead><tr><th>weapon class</th><th>zone</th><th>count</th></tr></thead><tbody>${h.byClassAndZone.map((x) => `<tr><td>${esc(x.weapon)}</td><td>${esc(x.zone)}</td><td class="n">${x.count}</td></tr>`).join('')}</tbody></table>`,
      );
  }
  const a = r.access;
  if (a) {
    H.push(
      '<h2>Freedom of movement: denials of access and jamming</h2>',
      `<p>${a.total} findings (previous day ${a.previous}).</p>`,
    );
    if (a.findings.length) {
      H.push(
        `<table><thead><tr><th>time</th><th>finding</th><th>where</th><th>attributed to</th><th>clauses</th><th>reported by</th></tr></thead><tbody>${a.findings
          .map(
            (f) =>
              `<tr><td>${esc(when(f.time))}</td><td><b>${esc(f.activity)}</b></td><td>${esc([f.region, ...f.zones].filter(Boolean).join(', ') || '—')}</td><td>${esc(f.party)}</td><td>${esc(f.prohibitions.join(', '))}</td><td>${esc(f.operators.join(', '))}</td></tr>`,
          )
          .join('')}</tbody></table>`,
      );
    }
  }
  const c = r.cases;
  if (c) {
    H.push('<h2>Cases</h2>');
    if ('open' in c) {
      H.push(
        `<p>${c.counts.new} new, ${c.counts.open} open, ${c.counts.declared} declared, ${c.counts.dismissed} dismissed, ${c.counts.lapsed} lapsed.</p>`,
      );
      H.push(
        '<h3>Open, soonest deadline first</h3>',
        caseTable(c.open),
        '<h3>New</h3>',
        caseTable(c.new),
        '<h3>Declared</h3>',
        caseTable(c.declared),
        '<h3>Dismissed</h3>',
        caseTable(c.dismissed),
      );
      if (c.lapsed.length) H.push('<h3>Lapsed undecided</h3>', caseTable(c.lapsed));
    } else {
      H.push(`<p>${c.counts.declared} breaches declared.</p>`);
      if (c.declared.length)
        H.push(
          `<ul>${c.declared.map((d) => `<li>${esc(when(d.declaredAt))}: ${/^[aeiou]/i.test(d.severity) ? 'an' : 'a'} ${esc(d.severity)} breach declared</li>`).join('')}</ul>`,
        );
    }
  }
  if (r.votes) {
    H.push('<h2>Votes pending</h2>');
    H.push(
      r.votes.byMember.length
        ? `<table><thead><tr><th>member</th><th>pending</th><th>cases</th></tr></thead><tbody>${r.votes.byMember.map((m) => `<tr><td>${esc(m.member)}</td><td class="n">${m.pending.length}</td><td>${m.pending.map((x) => `<code>${esc(x)}</code>`).join(' ')}</td></tr>`).join('')}</tbody></table>`
        : '<p class="none">None.</p>',
    );
  }
  const resp = r.responses;
  if (resp) {
    H.push('<h2>Responses</h2>');
    if ('byActor' in resp) {
      if (!resp.byActor.length) H.push('<p class="none">No response tasks.</p>');
      else {
        H.push(
          `<table><thead><tr><th>responder</th><th>role</th><th>due</th><th>delivered</th><th>overdue</th></tr></thead><tbody>${resp.byActor
            .map(
              (x) =>
                `<tr><td>${esc(x.actor)}</td><td>${esc(x.role)}</td><td class="n">${x.due.length}</td><td class="n">${x.delivered.length}</td><td class="n ${x.overdue.length ? 'failing' : ''}">${x.overdue.length}</td></tr>`,
            )
            .join('')}</tbody></table>`,
        );
        const rows = resp.byActor.flatMap((x) => [
          ...x.overdue.map((t) => [x.actor, 'overdue', t] as const),
          ...x.delivered.map((t) => [x.actor, 'delivered', t] as const),
          ...x.due.map((t) => [x.actor, 'due', t] as const),
        ]);
        H.push(
          `<table><thead><tr><th>responder</th><th>state</th><th>task</th><th>action</th><th>due</th><th>delivered</th></tr></thead><tbody>${rows.map(([actor, state, t]) => `<tr><td>${esc(actor)}</td><td class="${state === 'overdue' ? 'failing' : ''}">${state}</td>${taskCells(t)}</tr>`).join('')}</tbody></table>`,
        );
      }
    } else {
      H.push(
        resp.publicMarks.length
          ? `<ul>${resp.publicMarks.map((m) => `<li>${esc(m.actor)} failed to ${esc(m.action)} (due ${esc(when(m.dueAt))}; marked ${esc(when(m.markedAt))})</li>`).join('')}</ul>`
          : '<p class="none">No publicly marked response failures.</p>',
      );
    }
  }
  if (r.sustainment) {
    H.push('<h2>Sustainment</h2>');
    if (r.sustainment.status === 'no-ledger')
      H.push('<p>No ledger: this server keeps no sustainment ledger, so there are no decay alerts to report.</p>');
    else {
      H.push(
        r.sustainment.alerts.length
          ? `<table><thead><tr><th>alert</th><th>from</th><th>requirement</th><th>guarantor</th><th>missing</th><th>state</th></tr></thead><tbody>${r.sustainment.alerts
              .map(
                (x) =>
                  `<tr><td><b>${esc(x.kind)}</b><br><span class="meta">${esc(x.message)}</span></td><td>${esc(x.month)}</td><td>${esc(x.requirement)}</td><td>${esc(x.guarantor ?? '—')}</td><td class="n">${esc(thousands(x.size))} ${esc(x.unit)}</td><td>${x.state}</td></tr>`,
              )
              .join('')}</tbody></table>`
          : '<p class="none">No decay alerts open at the cut-off.</p>',
      );
    }
  }
  H.push('<h2>Log checkpoint</h2>');
  const cp = r.checkpoint;
  H.push(
    cp
      ? `<p class="checkpoint">origin ${esc(cp.origin)}<br>size ${cp.size}<br>root ${esc(cp.root)}<br>root (hex) ${esc(cp.rootHex)}<br>signed ${esc(when(cp.time))}<br>${cp.witnesses.length ? `cosigned by ${esc(cp.witnesses.join(', '))}` : 'no witness cosignatures'}</p>`
      : '<p>No checkpoint: the report was computed without a transparency log.</p>',
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Daily report ${esc(r.date)}: ${esc(r.package.title)}</title>
<style>${css}</style></head>
<body>
${H.join('\n')}
</body></html>
`;
}

/** The footer line the PDF carries on every page: the checkpoint, so a printed page names the log state. */
export function checkpointFooter(r: DailyReport): string {
  const cp = r.checkpoint;
  return cp
    ? `checkpoint ${cp.origin} size ${cp.size} root ${cp.root}${cp.witnesses.length ? ` cosigned by ${cp.witnesses.join(', ')}` : ''}`
    : 'no log checkpoint';
}
