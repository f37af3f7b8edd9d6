/** The simulation report as plain text for a terminal. */
import type { SimulationReport } from '../experiment.js';
import { credibilityLine, defaultLines, labelOf, num, pct, shareText, signed } from './format.js';
import { itemAt, present } from '../../item-at.js';

function table(rows: string[][]): string {
  const widths = itemAt(rows, 0).map((_, c) => Math.max(...rows.map((r) => itemAt(r, c).length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(itemAt(widths, c)) : cell.padStart(itemAt(widths, c))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderText(r: SimulationReport): string {
  const out: string[] = [];
  out.push(`Simulation of ${r.package}: ${r.title}`);
  out.push(`adversary ${r.adversary}; ${r.runs} runs per strategy over ${r.horizonDays} days; seed ${r.seed}`);
  out.push(credibilityLine(r));
  out.push('');
  out.push('Outcomes (95% Wilson intervals)');
  out.push(
    table([
      ['strategy', 'hold', 'erode', 'collapse'],
      ...r.strategies.map((s) => [
        labelOf(r, s),
        shareText(s.outcomes.hold),
        shareText(s.outcomes.erode),
        shareText(s.outcomes.collapse),
      ]),
    ]),
  );
  out.push('');
  out.push('First deliberate violation to first material response (days)');
  out.push(
    table([
      ['strategy', 'p10', 'median', 'p90', 'none came', 'no violation'],
      ...r.strategies.map((s) => [
        labelOf(r, s),
        num(s.responseDays.p10),
        num(s.responseDays.p50),
        num(s.responseDays.p90),
        pct(s.responseDays.noResponseShare),
        pct(s.responseDays.noViolationShare),
      ]),
    ]),
  );
  out.push('');
  out.push('Ground lost and violations (means per run)');
  out.push(
    table([
      ['strategy', 'ground km', 'p90 km', 'committed', 'detected', 'declared', 'punished'],
      ...r.strategies.map((s) => [
        labelOf(r, s),
        num(s.groundKm.mean),
        num(s.groundKm.p90),
        num(s.violations.committed),
        num(s.violations.detected),
        num(s.violations.declared),
        num(s.violations.punished),
      ]),
    ]),
  );
  if (r.defaults.length) {
    out.push('');
    out.push(
      'Defaults standing in for what the package does not say (marked next to each strategy whose figures rest on them)',
    );
    out.push(...defaultLines(r));
  }
  const plans = r.strategies.filter((s) => s.plan);
  if (plans.length) {
    out.push('');
    for (const s of plans) out.push(`${s.label}: ${s.plan}`);
  }
  if (r.sensitivity) {
    out.push('');
    out.push(
      `Sensitivity: ${r.sensitivity.metric}, base ${pct(r.sensitivity.base)} (${r.sensitivity.runs} runs per strategy per end, same random numbers)`,
    );
    out.push(
      table([
        ['input', 'low end', 'collapse', 'high end', 'collapse', 'swing'],
        ...r.sensitivity.rows.map((row) => [
          row.item,
          row.lowLabel,
          `${pct(row.low)} (${signed(row.low - present(r.sensitivity, 'sensitivity').base)})`,
          row.highLabel,
          `${pct(row.high)} (${signed(row.high - present(r.sensitivity, 'sensitivity').base)})`,
          pct(row.swing),
        ]),
      ]),
    );
  }
  out.push('');
  out.push(`seed ${r.seed}; ${r.runDays} package-days simulated`);
  return out.join('\n') + '\n';
}
