/**
 * Validity against history: each historical package's scorecard beside its outcome, and the discrimination figure,
 * the share of (held, failed) pairs in which the held agreement has the higher overall score (a tie is not ordered
 * correctly; the AUC convention, counting a tie as half, is given beside it). Pure: the caller loads the packages.
 */
import type { Baseline } from './baseline.js';
import { dimensions, type Dimension } from './finding.js';
import type { Scorecard } from './scorecard.js';

export type Outcome = 'held' | 'failed';

export interface ValidityRow {
  package: string;
  outcome: Outcome;
  overall: number;
  scores: Record<Dimension, number>;
}

export interface Discrimination {
  pairs: number;
  correct: number;
  ties: number;
  /** correct / pairs. */
  share: number;
  /** (correct + ties / 2) / pairs: the AUC of the overall score as a classifier of held against failed. */
  auc: number;
}

export function validityRow(pkg: string, outcome: Outcome, s: Scorecard): ValidityRow {
  return {
    package: pkg,
    outcome,
    overall: s.overall,
    scores: Object.fromEntries(dimensions.map((d) => [d, s.dimensions[d].score])) as Record<Dimension, number>,
  };
}

export function discrimination(rows: readonly ValidityRow[]): Discrimination {
  const held = rows.filter((r) => r.outcome === 'held');
  const failed = rows.filter((r) => r.outcome === 'failed');
  let correct = 0;
  let ties = 0;
  for (const h of held)
    for (const f of failed) h.overall > f.overall ? correct++ : h.overall === f.overall ? ties++ : 0;
  const pairs = held.length * failed.length;
  return { pairs, correct, ties, share: pairs ? correct / pairs : 0, auc: pairs ? (correct + ties / 2) / pairs : 0 };
}

export function validityMarkdown(rows: readonly ValidityRow[]): string {
  const sorted = [...rows].sort((a, b) => b.overall - a.overall || (a.package < b.package ? -1 : 1));
  const out = [
    `| package | outcome | overall | ${dimensions.join(' | ')} |`,
    `|---|---|---:|${dimensions.map(() => '---:').join('|')}|`,
  ];
  for (const r of sorted)
    out.push(
      `| \`${r.package}\` | ${r.outcome} | **${r.overall}** | ${dimensions.map((d) => r.scores[d]).join(' | ')} |`,
    );
  const d = discrimination(rows);
  out.push(
    '',
    `Discrimination: ${d.correct} of ${d.pairs} held/failed pairs ordered correctly, ${d.ties} tied: **${d.share.toFixed(2)}** (AUC, a tie counted as half: ${d.auc.toFixed(2)}).`,
  );
  return out.join('\n');
}

export interface BaselineRow {
  package: string;
  outcome: Outcome;
  /** As the package's `context` states them; absent: not coded. */
  ending?: string;
  intensity?: string;
  baseline: Baseline;
}

/**
 * The war's baseline beside the scorecard, never inside it: each package's hazard multiplier from its `context`
 * (core/analysis/baseline.ts), and the share of (held, failed) pairs in which the held agreement has the lower one.
 */
export function baselineDiscrimination(rows: readonly BaselineRow[]): Discrimination {
  const held = rows.filter((r) => r.outcome === 'held');
  const failed = rows.filter((r) => r.outcome === 'failed');
  let correct = 0;
  let ties = 0;
  for (const h of held)
    for (const f of failed) {
      const a = h.baseline.multiplier;
      const b = f.baseline.multiplier;
      a < b ? correct++ : a === b ? ties++ : 0;
    }
  const pairs = held.length * failed.length;
  return { pairs, correct, ties, share: pairs ? correct / pairs : 0, auc: pairs ? (correct + ties / 2) / pairs : 0 };
}

export function baselineMarkdown(rows: readonly BaselineRow[]): string {
  const sorted = [...rows].sort(
    (a, b) => a.baseline.multiplier - b.baseline.multiplier || (a.package < b.package ? -1 : 1),
  );
  const out = ['| package | outcome | ending | intensity | hazard multiplier (range) |', '|---|---|---|---|---:|'];
  for (const r of sorted)
    out.push(
      `| \`${r.package}\` | ${r.outcome} | ${r.ending ?? 'not coded'} | ${r.intensity ?? 'not coded'} | ${r.baseline.multiplier.toFixed(2)} (${r.baseline.low.toFixed(2)} to ${r.baseline.high.toFixed(2)}) |`,
    );
  const d = baselineDiscrimination(rows);
  out.push(
    '',
    `Baseline prospects alone: ${d.correct} of ${d.pairs} held/failed pairs ordered correctly (the held one with the lower multiplier), ${d.ties} tied: **${d.share.toFixed(2)}** (AUC, a tie counted as half: ${d.auc.toFixed(2)}).`,
  );
  return out.join('\n');
}
