/** The simulation report as Markdown. */
import type { SimulationReport } from '../experiment.js';
import { credibilityLine, defaultLines, labelOf, num, pct, shareText, signed } from './format.js';

const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
const head = (cells: string[]) => [row(cells), row(cells.map((_, i) => (i === 0 ? '---' : '---:')))].join('\n');

export function renderMarkdown(r: SimulationReport): string {
  const out: string[] = [];
  out.push(
    `# Simulation of \`${r.package}\``,
    '',
    `${r.title}. Adversary \`${r.adversary}\`; ${r.runs} runs per strategy over ${r.horizonDays} days; **seed ${r.seed}**.`,
    '',
    credibilityLine(r),
    '',
  );
  out.push('## Outcomes', '', 'Shares of runs with 95% Wilson intervals.', '');
  out.push(head(['strategy', 'hold', 'erode', 'collapse']));
  for (const s of r.strategies)
    out.push(
      row([labelOf(r, s), shareText(s.outcomes.hold), shareText(s.outcomes.erode), shareText(s.outcomes.collapse)]),
    );
  out.push('', '## First deliberate violation to first material response', '');
  out.push(head(['strategy', 'p10 (days)', 'median', 'p90', 'none came', 'no violation']));
  for (const s of r.strategies)
    out.push(
      row([
        labelOf(r, s),
        num(s.responseDays.p10),
        num(s.responseDays.p50),
        num(s.responseDays.p90),
        pct(s.responseDays.noResponseShare),
        pct(s.responseDays.noViolationShare),
      ]),
    );
  out.push('', '## Ground lost and violations', '', 'Means per run.', '');
  out.push(head(['strategy', 'ground (km)', 'p90 (km)', 'committed', 'detected', 'declared', 'punished']));
  for (const s of r.strategies)
    out.push(
      row([
        labelOf(r, s),
        num(s.groundKm.mean),
        num(s.groundKm.p90),
        num(s.violations.committed),
        num(s.violations.detected),
        num(s.violations.declared),
        num(s.violations.punished),
      ]),
    );
  if (r.defaults.length) {
    out.push(
      '',
      '## Defaults standing in for what the package does not say',
      '',
      'Each is marked next to every strategy whose figures rest on it.',
      '',
    );
    for (const l of defaultLines(r)) out.push(`- ${l}`);
  }
  const plans = r.strategies.filter((s) => s.plan);
  if (plans.length) {
    out.push('');
    for (const s of plans) out.push(`- **${s.label}** ${s.plan}.`);
  }
  if (r.sensitivity) {
    const base = r.sensitivity.base;
    out.push(
      '',
      '## Sensitivity',
      '',
      `${r.sensitivity.metric}; base ${pct(base)}; ${r.sensitivity.runs} runs per strategy per end on the same random numbers.`,
      '',
    );
    out.push(head(['input', 'low end', 'collapse', 'high end', 'collapse', 'swing']));
    for (const t of r.sensitivity.rows)
      out.push(
        row([
          `${t.label} (\`${t.item}\`)`,
          t.lowLabel,
          `${pct(t.low)} (${signed(t.low - base)})`,
          t.highLabel,
          `${pct(t.high)} (${signed(t.high - base)})`,
          pct(t.swing),
        ]),
      );
  }
  out.push('', `Seed ${r.seed}; ${r.runDays} package-days simulated.`, '');
  return out.join('\n');
}
