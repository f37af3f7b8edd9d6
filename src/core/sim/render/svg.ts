/** Inline SVG charts for the HTML report: no scripts, no external assets, readable without a network. */
import type { SimulationReport, StrategyResult } from '../experiment.js';
import { pct } from './format.js';

export const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const colours = { hold: '#2e7d32', erode: '#f9a825', collapse: '#c62828' } as const;

/** One horizontal stacked bar per strategy: hold, erode, collapse. */
export function outcomeChart(strategies: StrategyResult[]): string {
  const labelW = 190;
  const barW = 480;
  const rowH = 26;
  const h = strategies.length * rowH + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 20}" height="${h}" role="img" aria-label="Outcome shares per strategy">`,
  ];
  strategies.forEach((s, i) => {
    const y = 10 + i * rowH;
    parts.push(`<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" font-size="12">${esc(s.label)}</text>`);
    let x = labelW;
    for (const k of ['hold', 'erode', 'collapse'] as const) {
      const w = s.outcomes[k].share * barW;
      if (w > 0)
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${colours[k]}"><title>${k}: ${pct(s.outcomes[k].share)}</title></rect>`,
        );
      x += w;
    }
  });
  const ly = 14 + strategies.length * rowH;
  (['hold', 'erode', 'collapse'] as const).forEach((k, i) => {
    parts.push(
      `<rect x="${labelW + i * 110}" y="${ly}" width="12" height="12" fill="${colours[k]}"/><text x="${labelW + i * 110 + 16}" y="${ly + 10}" font-size="12">${k}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Response-time histograms, one small panel per strategy, on the report's day bins. */
export function responseChart(strategies: StrategyResult[]): string {
  const panelW = 300;
  const panelH = 120;
  const cols = 2;
  const rows = Math.ceil(strategies.length / cols);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${cols * (panelW + 20)}" height="${rows * (panelH + 40)}" role="img" aria-label="Days from first violation to first material response">`,
  ];
  strategies.forEach((s, i) => {
    const ox = (i % cols) * (panelW + 20);
    const oy = Math.floor(i / cols) * (panelH + 40);
    const { edges, counts } = s.responseDays.histogram;
    const max = Math.max(1, ...counts);
    const bw = panelW / counts.length;
    parts.push(`<text x="${ox}" y="${oy + 12}" font-size="12" font-weight="bold">${esc(s.label)}</text>`);
    counts.forEach((c, b) => {
      const bh = (c / max) * (panelH - 30);
      parts.push(
        `<rect x="${(ox + b * bw).toFixed(1)}" y="${(oy + panelH - bh).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="#1565c0"><title>${edges[b]}-${b === counts.length - 1 ? '' : edges[b + 1]} days: ${c} runs</title></rect>`,
      );
      if (b % 2 === 0)
        parts.push(`<text x="${(ox + b * bw).toFixed(1)}" y="${oy + panelH + 14}" font-size="9">${edges[b]}</text>`);
    });
    parts.push(
      `<text x="${ox}" y="${oy + panelH + 28}" font-size="10">days; none came in ${pct(s.responseDays.noResponseShare)} of runs</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** The tornado: each input's collapse share at both ends around the base. */
export function tornadoChart(report: SimulationReport): string {
  const sens = report.sensitivity;
  if (!sens) return '';
  const rows = sens.rows;
  const labelW = 220;
  const plotW = 440;
  const rowH = 20;
  const h = rows.length * rowH + 50;
  const lo = Math.min(sens.base, ...rows.map((r) => Math.min(r.low, r.high)));
  const hi = Math.max(sens.base, ...rows.map((r) => Math.max(r.low, r.high)));
  const span = Math.max(1e-9, hi - lo);
  const x = (v: number) => labelW + ((v - lo) / span) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 60}" height="${h}" role="img" aria-label="Sensitivity of the collapse share">`,
  ];
  rows.forEach((r, i) => {
    const y = 10 + i * rowH;
    parts.push(`<text x="${labelW - 8}" y="${y + 13}" text-anchor="end" font-size="11">${esc(r.item)}</text>`);
    for (const [v, colour, end] of [
      [r.low, '#90caf9', `low (${r.lowLabel})`],
      [r.high, '#1565c0', `high (${r.highLabel})`],
    ] as const) {
      const a = Math.min(x(v), x(sens.base));
      const w = Math.abs(x(v) - x(sens.base));
      parts.push(
        `<rect x="${a.toFixed(1)}" y="${y}" width="${Math.max(1, w).toFixed(1)}" height="${rowH - 6}" fill="${colour}" fill-opacity="0.85"><title>${esc(end)}: ${pct(v)}</title></rect>`,
      );
    }
  });
  const by = 10 + rows.length * rowH;
  parts.push(`<line x1="${x(sens.base).toFixed(1)}" y1="6" x2="${x(sens.base).toFixed(1)}" y2="${by}" stroke="#000"/>`);
  parts.push(
    `<text x="${labelW}" y="${by + 16}" font-size="11">${pct(lo)}</text><text x="${labelW + plotW}" y="${by + 16}" font-size="11" text-anchor="end">${pct(hi)}</text>`,
  );
  parts.push(
    `<text x="${x(sens.base).toFixed(1)}" y="${by + 30}" font-size="11" text-anchor="middle">base ${pct(sens.base)}</text>`,
  );
  parts.push(
    `<rect x="${labelW}" y="${by + 36}" width="10" height="10" fill="#90caf9"/><text x="${labelW + 14}" y="${by + 45}" font-size="10">low end</text>`,
  );
  parts.push(
    `<rect x="${labelW + 80}" y="${by + 36}" width="10" height="10" fill="#1565c0"/><text x="${labelW + 94}" y="${by + 45}" font-size="10">high end</text>`,
  );
  parts.push('</svg>');
  return parts.join('').replace(`height="${h}"`, `height="${h + 14}"`);
}
