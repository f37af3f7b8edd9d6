/**
 * The sustainment curve as an inline SVG (no external assets): per requirement, the share of each month's need
 * that is covered (solid: all commitments and stock; dashed: without commitments at risk after an election),
 * with the cliffs and elections marked.
 */
import type { Sustainment } from './sustainment.js';
import { itemAt } from '../item-at.js';

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function sustainmentSvg(s: Sustainment, width = 760, height = 320): string {
  const pad = { left: 48, right: 16, top: 16, bottom: 64 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const n = s.months.length;
  const x = (i: number) => pad.left + (n <= 1 ? 0 : (i / (n - 1)) * w);
  const y = (v: number) => pad.top + (1 - v) * h;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Sustainment: share of each month's requirement covered">`,
  );
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`);
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${pad.left}" x2="${pad.left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${v === 1 ? '#444' : '#ddd'}" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${pad.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#444">${v * 100}%</text>`,
    );
  }
  s.months.forEach((mo, i) => {
    if (i % 6 !== 0 && i !== n - 1) return;
    const anchor = i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${pad.top + h + 16}" font-size="11" text-anchor="${anchor}" fill="#444">${esc(mo)}</text>`,
    );
  });
  for (const e of s.electionRisks) {
    const i = s.months.findIndex((mo) => mo >= e.date.slice(0, 7));
    if (i < 0) continue;
    parts.push(
      `<line x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${pad.top}" y2="${pad.top + h}" stroke="#999" stroke-dasharray="2,3"/>`,
    );
    parts.push(
      `<text x="${(x(i) + 3).toFixed(1)}" y="${pad.top + 10}" font-size="10" fill="#666">${esc(`${e.by} election`)}</text>`,
    );
  }
  s.requirements.forEach((r, k) => {
    const colour = itemAt(palette, k % palette.length);
    const all = r.series.map((p, i) => `${x(i).toFixed(1)},${y(p.coverage).toFixed(1)}`).join(' ');
    const firm = r.series
      .map(
        (p, i) =>
          `${x(i).toFixed(1)},${y(p.required > 0 ? Math.min(1, (p.firm + p.stock) / p.required) : 1).toFixed(1)}`,
      )
      .join(' ');
    parts.push(
      `<polyline points="${all}" fill="none" stroke="${colour}" stroke-width="2"><title>${esc(r.id)}: covered</title></polyline>`,
    );
    parts.push(
      `<polyline points="${firm}" fill="none" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5,4"><title>${esc(r.id)}: covered without commitments at risk</title></polyline>`,
    );
    for (const c of s.cliffs.filter((c) => c.requirement === r.id)) {
      const i = s.months.indexOf(c.month);
      if (i < 0) continue;
      parts.push(
        `<circle cx="${x(i).toFixed(1)}" cy="${y(c.after).toFixed(1)}" r="4" fill="${colour}"><title>${esc(`${c.month}: commitment ${c.n} (${c.by}) ends`)}</title></circle>`,
      );
    }
    const ly = pad.top + h + 34 + Math.floor(k / 3) * 14;
    const lx = pad.left + (k % 3) * 230;
    parts.push(`<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<text x="${lx + 26}" y="${ly}" font-size="11" fill="#222">${esc(r.id)}</text>`);
  });
  if (s.requirements.length === 0)
    parts.push(
      `<text x="${pad.left + w / 2}" y="${pad.top + h / 2}" font-size="13" text-anchor="middle" fill="#666">No requirements or commitments stated</text>`,
    );
  parts.push('</svg>');
  return parts.join('\n');
}
