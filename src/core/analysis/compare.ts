/**
 * `guarantor compare`: scorecards and first-response times side by side, and for each package the one change that
 * would raise its overall score most.
 */
import type { Package } from '../spec/schema.js';
import type { AnalysisOptions, ModelAnalysis } from './analyse.js';
import { bestSingleFix, type RankedFix } from './best-fix.js';
import { dimensions, type Dimension } from './finding.js';
import { at } from './wording.js';
import { itemAt } from '../item-at.js';

export interface ComparisonRow {
  file: string;
  package: string;
  overall: number;
  dimensions: Record<Dimension, number>;
  /** Worst case, in ms after the breach, of the fastest trigger's first material response; Infinity if unbounded or none. */
  firstMaterialResponse: number;
  /** Best case of the same (the earliest any trigger's first material response can come); Infinity if none ever does. */
  firstMaterialResponseBest: number;
  /** The trigger it belongs to. */
  via?: string;
  bestFix?: Omit<RankedFix, 'apply' | 'dimensions'>;
}

export function comparisonRow(
  file: string,
  model: Package,
  a: ModelAnalysis,
  options: AnalysisOptions = {},
): ComparisonRow {
  let first = Number.POSITIVE_INFINITY;
  let best = Number.POSITIVE_INFINITY;
  let via: string | undefined;
  for (const tl of a.timeline) {
    const at = tl.firstMaterial?.at ?? { best: Number.POSITIVE_INFINITY, worst: Number.POSITIVE_INFINITY };
    if (at.worst < first || (at.worst === first && at.best < best)) {
      first = at.worst;
      best = at.best;
      via = tl.trigger;
    }
  }
  const fix = bestSingleFix(model, options);
  const row: ComparisonRow = {
    file,
    package: model.package,
    overall: a.scorecard.overall,
    dimensions: Object.fromEntries(dimensions.map((d) => [d, a.scorecard.dimensions[d].score])) as Record<
      Dimension,
      number
    >,
    firstMaterialResponse: first,
    firstMaterialResponseBest: best,
  };
  if (via !== undefined) row.via = via;
  if (fix)
    row.bestFix = {
      description: fix.description,
      code: fix.code,
      before: fix.before,
      after: fix.after,
      gain: fix.gain,
    };
  return row;
}

const short: Record<Dimension, string> = {
  trigger: 'trig',
  verification: 'verif',
  judgment: 'judg',
  response: 'resp',
  sustainment: 'sust',
  control: 'ctrl',
};

function firstResponse(r: ComparisonRow): string {
  if (Number.isFinite(r.firstMaterialResponse)) return `${at(r.firstMaterialResponse)} (${r.via})`;
  if (Number.isFinite(r.firstMaterialResponseBest))
    return `no limit; ${at(r.firstMaterialResponseBest)} at best (${r.via})`;
  return 'never';
}

export function renderComparisonText(rows: readonly ComparisonRow[]): string {
  const head = ['package', 'overall', ...dimensions.map((d) => short[d]), 'first material response (worst)'];
  const body = rows.map((r) => [
    r.package,
    String(r.overall),
    ...dimensions.map((d) => String(r.dimensions[d])),
    firstResponse(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => itemAt(b, i).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(itemAt(widths, i)) : c.padStart(itemAt(widths, i))))
      .join('  ')
      .trimEnd();
  const out = [
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    '',
    'Best single fix (the one change that raises the overall score most):',
  ];
  for (const r of rows)
    out.push(
      `  ${r.package}: ${r.bestFix ? `${r.bestFix.description} (${r.bestFix.before} -> ${r.bestFix.after})` : 'no single suggested change raises the score'}`,
    );
  return out.join('\n') + '\n';
}

export function renderComparisonMarkdown(rows: readonly ComparisonRow[]): string {
  const out = [
    `| package | overall | ${dimensions.join(' | ')} | first material response (worst case) | best single fix |`,
    `|---|---:|${dimensions.map(() => '---:').join('|')}|---|---|`,
  ];
  for (const r of rows) {
    const fix = r.bestFix ? `${r.bestFix.description} (${r.bestFix.before} → ${r.bestFix.after})` : '—';
    out.push(
      `| \`${r.package}\` | **${r.overall}** | ${dimensions.map((d) => r.dimensions[d]).join(' | ')} | ${firstResponse(r)} | ${fix.replace(/\|/g, '\\|')} |`,
    );
  }
  return out.join('\n') + '\n';
}

export function comparisonJson(rows: readonly ComparisonRow[]) {
  const ms = (x: number) => (Number.isFinite(x) ? Math.round(x) : null);
  return rows.map((r) => ({
    ...r,
    firstMaterialResponse: ms(r.firstMaterialResponse),
    firstMaterialResponseBest: ms(r.firstMaterialResponseBest),
  }));
}
