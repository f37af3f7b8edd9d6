/**
 * The scorecard: 0-100 per dimension, each the sum of the deductions that explain it, and an overall credibility
 * held down by the weakest link. Every number here is a design choice, not a finding of the research: the research
 * (docs/scoring.md, ../shared/design/HISTORY.md) says *which* features matter (Fortna 2003: demilitarised zones,
 * explicit third-party guarantees, peacekeeping and monitoring, joint commissions; Park 2023: third-party
 * enforcement provisions), not by how many points. Deterministic: same findings, same scores.
 */
import { definition, fillTemplate } from '../diagnostics/catalogue.js';
import { dimensions, type Dimension, type Finding } from './finding.js';
import { itemAt, present } from '../item-at.js';

export interface Weight {
  dimension: Dimension;
  /** Points deducted per finding (times the finding's `scale`). */
  points: number;
  /** Most points all findings of this code can deduct from one dimension. */
  cap: number;
}

/** The weights, one per code: the design choices docs/scoring.md lists and argues for. */
export const weights: Record<string, Weight> = {
  'uncovered-prohibition': { dimension: 'trigger', points: 70, cap: 70 },
  'no-triggers': { dimension: 'trigger', points: 30, cap: 30 },
  'trigger-without-evidence': { dimension: 'trigger', points: 15, cap: 30 },
  'count-without-window': { dimension: 'trigger', points: 10, cap: 20 },
  'judgment-missing': { dimension: 'judgment', points: 100, cap: 100 },
  'judgment-party-can-block': { dimension: 'judgment', points: 50, cap: 50 },
  'judgment-member-can-block': { dimension: 'judgment', points: 20, cap: 20 },
  'judgment-deadlock': { dimension: 'judgment', points: 30, cap: 30 },
  'judgment-no-deadline': { dimension: 'judgment', points: 20, cap: 20 },
  'judgment-no-default': { dimension: 'judgment', points: 15, cap: 15 },
  'severity-without-response': { dimension: 'response', points: 30, cap: 60 },
  'non-material-tier': { dimension: 'response', points: 25, cap: 50 },
  'hedge-wording': { dimension: 'response', points: 10, cap: 20 },
  'response-no-time-limit': { dimension: 'response', points: 10, cap: 20 },
  'no-responses': { dimension: 'response', points: 100, cap: 100 },
  'no-verification': { dimension: 'verification', points: 100, cap: 100 },
  'undetected-activity': { dimension: 'verification', points: 60, cap: 60 },
  'independence-unmet': { dimension: 'verification', points: 10, cap: 30 },
  'uncovered-zone': { dimension: 'verification', points: 10, cap: 30 },
  'party-verification': { dimension: 'verification', points: 40, cap: 40 },
  'uncontrolled-zone': { dimension: 'control', points: 15, cap: 60 },
  'uncontrolled-domain': { dimension: 'control', points: 10, cap: 30 },
  'no-zones': { dimension: 'control', points: 50, cap: 50 },
  'no-material-response': { dimension: 'response', points: 30, cap: 60 },
  'slow-material-response': { dimension: 'response', points: 10, cap: 30 },
  'depth-before-response': { dimension: 'response', points: 20, cap: 20 },
  'national-decision': { dimension: 'response', points: 5, cap: 10 },
  'missing-assumption': { dimension: 'response', points: 0, cap: 0 },
  'sustainment-shortfall': { dimension: 'sustainment', points: 50, cap: 50 },
  'requirement-uncommitted': { dimension: 'sustainment', points: 50, cap: 50 },
  'commitment-cliff': { dimension: 'sustainment', points: 5, cap: 15 },
  'election-risk': { dimension: 'sustainment', points: 5, cap: 15 },
  'lead-time-gap': { dimension: 'sustainment', points: 5, cap: 10 },
  'single-guarantor': { dimension: 'sustainment', points: 10, cap: 20 },
  'nothing-committed': { dimension: 'sustainment', points: 70, cap: 70 },
  'unconverted-currency': { dimension: 'sustainment', points: 5, cap: 10 },
  'non-binding-response': { dimension: 'sustainment', points: 10, cap: 20 },
  'unpublished-rule': { dimension: 'judgment', points: 10, cap: 10 },
  'unbounded-stage': { dimension: 'judgment', points: 15, cap: 15 },
  'phase-gap': { dimension: 'trigger', points: 10, cap: 20 },
  'dormant-trigger': { dimension: 'trigger', points: 15, cap: 30 },
  'coalition-unanimity': { dimension: 'response', points: 10, cap: 20 },
  'uncounted-limit': { dimension: 'verification', points: 10, cap: 30 },
  // Costs nothing itself: the act it cannot catch counts as undetected (package-view.ts), which `undetected-activity` scores.
  'slow-inspection': { dimension: 'verification', points: 0, cap: 0 },
  'term-lapses': { dimension: 'sustainment', points: 10, cap: 10 },
  // A question to the author, not a weakness: a territory-wide ban is stronger, never weaker, than one near the line.
  'territory-wide-prohibition': { dimension: 'trigger', points: 0, cap: 0 },
};

/**
 * Codes that share one budget across the dimension, whatever each one's own cap. `stated-sustainment` holds what a
 * package that states its sustainment can lose for it, capped at what stating nothing loses (`nothing-committed`,
 * 70): the documented rule "stating nothing must never score better than stating a shortfall" (docs/scoring.md).
 * `stated-control` does the same for zones nobody polices or secures, capped at what stating no zone loses
 * (`no-zones`, 50).
 */
export const groups: Record<string, { codes: readonly string[]; cap: number }> = {
  'stated-sustainment': {
    codes: [
      'sustainment-shortfall',
      'requirement-uncommitted',
      'commitment-cliff',
      'election-risk',
      'lead-time-gap',
      'single-guarantor',
      'unconverted-currency',
    ],
    cap: 70,
  },
  'stated-control': { codes: ['uncontrolled-zone', 'uncontrolled-domain'], cap: 50 },
};
const groupOf = new Map<string, string>(
  Object.entries(groups).flatMap(([g, x]) => x.codes.map((c) => [c, g] as const)),
);

export interface Deduction {
  dimension: Dimension;
  code: string;
  points: number;
  message: string;
}

export interface DimensionScore {
  score: number;
  deductions: Deduction[];
}

export interface Scorecard {
  overall: number;
  /** The dimension that holds the overall score down (first in dimension order on a tie). */
  weakest: Dimension;
  dimensions: Record<Dimension, DimensionScore>;
}

/** Overall = the mean of the weakest dimension and the average of all six: a design choice (docs/scoring.md). */
export function overallOf(scores: Record<Dimension, number>): number {
  const xs = dimensions.map((d) => scores[d]);
  const min = Math.min(...xs);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.round((min + mean) / 2);
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function score(findings: readonly Finding[]): Scorecard {
  const used = new Map<string, number>();
  const dims = Object.fromEntries(dimensions.map((d) => [d, { score: 100, deductions: [] as Deduction[] }])) as Record<
    Dimension,
    DimensionScore
  >;
  for (const f of findings) {
    const w = weights[f.code];
    if (!w) throw new Error(`scorecard: no weight for ${f.code}`);
    const dimension = f.dimension ?? w.dimension;
    const key = `${f.code}|${dimension}`;
    const spent = used.get(key) ?? 0;
    const group = groupOf.get(f.code);
    const groupKey = group !== undefined ? `group:${group}|${dimension}` : undefined;
    const groupLeft =
      groupKey !== undefined ? itemAt(groups, present(group, 'group')).cap - (used.get(groupKey) ?? 0) : Infinity;
    const points = Math.min(w.points * (f.scale ?? 1), w.cap - spent, groupLeft);
    if (points <= 1e-9) continue;
    used.set(key, spent + points);
    if (groupKey !== undefined) used.set(groupKey, (used.get(groupKey) ?? 0) + points);
    dims[dimension].deductions.push({
      dimension,
      code: definition(f.code).code,
      points: round1(points),
      message: fillTemplate(definition(f.code).message, f.args),
    });
  }
  const scores = {} as Record<Dimension, number>;
  for (const d of dimensions) {
    const total = dims[d].deductions.reduce((a, x) => a + x.points, 0);
    dims[d].score = Math.max(0, Math.round(100 - total));
    scores[d] = dims[d].score;
  }
  const weakest = dimensions.reduce((a, d) => (scores[d] < scores[a] ? d : a), dimensions[0]);
  return { overall: overallOf(scores), weakest, dimensions: dims };
}
