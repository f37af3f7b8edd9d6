/** `guarantor explain --format html`: one self-contained page (inline CSS and SVG, no external assets). */
import type { Package } from '../spec/schema.js';
import type { ModelAnalysis } from './analyse.js';
import { monthTwelve, triggerStory, type FixNote } from './narrative.js';
import { sustainmentSvg } from './sustainment-chart.js';
import { at, atWorst } from './wording.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Escape, then render `code` spans. */
const inline = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

export function renderHtml(m: Package, a: ModelAnalysis, fix?: FixNote): string {
  const body: string[] = [];
  body.push(`<h1>${esc(m.title)}</h1>`);
  body.push(
    `<p>Package <code>${esc(m.package)}</code>. Overall credibility <strong>${a.scorecard.overall}/100</strong>, held down by <em>${a.scorecard.weakest}</em>.</p>`,
  );
  body.push('<h2>Day one of a breach</h2>');
  if (a.timeline.length === 0) body.push('<p>The package has no triggers: no breach case can open.</p>');
  for (const tl of a.timeline) {
    const s = triggerStory(m, tl);
    body.push(
      `<h3>${inline(s.headline)}</h3>`,
      '<table><thead><tr><th>worst case</th><th>best case</th><th>what happens</th></tr></thead><tbody>',
    );
    for (const mo of s.moments)
      body.push(
        `<tr${mo.first ? ' class="first"' : ''}><td>${atWorst(mo.at)}</td><td>${at(mo.at.best)}</td><td>${inline(mo.text)}</td></tr>`,
      );
    body.push('</tbody></table>', `<p>${inline(s.summary)}</p>`);
  }
  const mt = monthTwelve(a.sustainment);
  body.push(
    `<h2>Month twelve (${esc(mt.month)})</h2>`,
    sustainmentSvg(a.sustainment),
    `<p class="note">Share of each month's requirement covered, ${esc(a.sustainment.months[0] ?? '')} to ${esc(a.sustainment.months.at(-1) ?? '')}. Solid: all commitments and stock; dashed: without the commitments at risk after an election; dots: a commitment ends.</p>`,
    '<ul>',
  );
  for (const l of mt.lines) body.push(`<li>${inline(l)}</li>`);
  body.push(
    '</ul>',
    '<h2>Scorecard</h2>',
    '<table><thead><tr><th>dimension</th><th>score</th><th>deductions</th></tr></thead><tbody>',
  );
  for (const [d, v] of Object.entries(a.scorecard.dimensions)) {
    const ds =
      v.deductions.map((x) => `−${x.points} <code>${x.code}</code> ${inline(x.message)}`).join('<br>') || 'none';
    body.push(`<tr><td>${d}</td><td class="n">${v.score}</td><td>${ds}</td></tr>`);
  }
  body.push('</tbody></table>');
  body.push(
    `<p>${fix ? `The one change that raises the overall score most: ${inline(fix.description)} (${fix.before} → ${fix.after}).` : 'No single suggested change raises the overall score.'}</p>`,
  );
  const css =
    'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}' +
    'table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}' +
    'td:first-child,td:nth-child(2){white-space:nowrap;font-variant-numeric:tabular-nums}tr.first td{background:#fff3cd;font-weight:600}' +
    'td.n{text-align:right}code{background:#f3f3f3;padding:0 .2rem;border-radius:3px}svg{max-width:100%;height:auto}.note{color:#555;font-size:.9em}';
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(m.title)}: analysis</title><style>${css}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
