/** The simulation report as one self-contained HTML page with inline SVG charts. */
import type { SimulationReport } from '../experiment.js';
import { esc, outcomeChart, responseChart, tornadoChart } from './svg.js';
import { credibilityLine, defaultLines, labelOf, num, pct, shareText, signed } from './format.js';

export function renderHtml(r: SimulationReport): string {
  const tr = (cells: string[], th = false) =>
    `<tr>${cells.map((c, i) => `<${th ? 'th' : 'td'}${i ? ' class="n"' : ''}>${esc(c)}</${th ? 'th' : 'td'}>`).join('')}</tr>`;
  const body: string[] = [];
  body.push(`<h1>Simulation of <code>${esc(r.package)}</code></h1>`);
  body.push(
    `<p>${esc(r.title)}. Adversary <code>${esc(r.adversary)}</code>; ${r.runs} runs per strategy over ${r.horizonDays} days; <strong>seed ${r.seed}</strong>.</p>`,
  );
  body.push(`<p>${esc(credibilityLine(r))}</p>`);
  body.push('<h2>Outcomes</h2>', outcomeChart(r.strategies));
  body.push('<table>', tr(['strategy', 'hold', 'erode', 'collapse'], true));
  for (const s of r.strategies)
    body.push(
      tr([labelOf(r, s), shareText(s.outcomes.hold), shareText(s.outcomes.erode), shareText(s.outcomes.collapse)]),
    );
  body.push('</table><p class="note">Shares of runs with 95% Wilson intervals.</p>');
  body.push('<h2>First deliberate violation to first material response</h2>', responseChart(r.strategies));
  body.push('<table>', tr(['strategy', 'p10 (days)', 'median', 'p90', 'none came', 'no violation'], true));
  for (const s of r.strategies)
    body.push(
      tr([
        labelOf(r, s),
        num(s.responseDays.p10),
        num(s.responseDays.p50),
        num(s.responseDays.p90),
        pct(s.responseDays.noResponseShare),
        pct(s.responseDays.noViolationShare),
      ]),
    );
  body.push('</table>');
  body.push(
    '<h2>Ground lost and violations</h2><table>',
    tr(['strategy', 'ground (km)', 'p90 (km)', 'committed', 'detected', 'declared', 'punished'], true),
  );
  for (const s of r.strategies)
    body.push(
      tr([
        labelOf(r, s),
        num(s.groundKm.mean),
        num(s.groundKm.p90),
        num(s.violations.committed),
        num(s.violations.detected),
        num(s.violations.declared),
        num(s.violations.punished),
      ]),
    );
  body.push('</table><p class="note">Means per run.</p>');
  if (r.defaults.length) {
    body.push(
      '<h2>Defaults standing in for what the package does not say</h2><p class="note">Each is marked next to every strategy whose figures rest on it.</p><ul>',
    );
    for (const l of defaultLines(r)) body.push(`<li>${esc(l)}</li>`);
    body.push('</ul>');
  }
  for (const s of r.strategies) if (s.plan) body.push(`<p><strong>${esc(s.label)}</strong> ${esc(s.plan)}.</p>`);
  if (r.sensitivity) {
    const base = r.sensitivity.base;
    body.push(
      '<h2>Sensitivity</h2>',
      `<p>${esc(r.sensitivity.metric)}; base ${pct(base)}; ${r.sensitivity.runs} runs per strategy per end on the same random numbers.</p>`,
    );
    body.push(tornadoChart(r));
    body.push('<table>', tr(['input', 'low end', 'collapse', 'high end', 'collapse', 'swing'], true));
    for (const t of r.sensitivity.rows)
      body.push(
        tr([
          `${t.label} (${t.item})`,
          t.lowLabel,
          `${pct(t.low)} (${signed(t.low - base)})`,
          t.highLabel,
          `${pct(t.high)} (${signed(t.high - base)})`,
          pct(t.swing),
        ]),
      );
    body.push('</table>');
  }
  body.push(
    `<p class="note">Seed ${r.seed}; ${r.runDays} package-days simulated. The model and its assumptions: docs/simulation.md.</p>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Simulation of ${esc(r.package)} (seed ${r.seed})</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}table{border-collapse:collapse;margin:.5rem 0}th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left}td.n,th.n{text-align:right}.note{color:#555;font-size:.9rem}svg{display:block;margin:.5rem 0}</style>
</head><body>
${body.join('\n')}
</body></html>
`;
}
