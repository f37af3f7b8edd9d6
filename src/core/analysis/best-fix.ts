/**
 * The one change that raises a package's overall score most: try every single fix the rules suggest, as a model
 * transformation, re-score, keep the best. Pure, so the simulator can apply the same fix and show what
 * strengthening the weakest clause does to the collapse share.
 */
import type { Package } from '../spec/schema.js';
import { analyseModel, type AnalysisOptions } from './analyse.js';
import type { Dimension, Fix } from './finding.js';
import { weights, type Scorecard } from './scorecard.js';

export interface RankedFix {
  description: string;
  /** Catalogue name of the finding that suggested it. */
  code: string;
  before: number;
  after: number;
  gain: number;
  /** Dimension scores after the fix. */
  dimensions: Record<Dimension, number>;
  apply: Fix['apply'];
}

export interface RankOptions extends AnalysisOptions {
  /**
   * Most candidate fixes to re-score (default 64), taken from the findings that weigh most: each try is a full
   * analysis, and a large package can suggest hundreds of near-identical fixes.
   */
  limit?: number;
}

/** Every distinct fix the findings suggest (up to `limit`), re-scored, best first (ties: by description). */
export function rankFixes(model: Package, options: RankOptions = {}): RankedFix[] {
  const base = analyseModel(model, options);
  const seen = new Set<string>();
  const out: RankedFix[] = [];
  const weight = (f: (typeof base.findings)[number]) => (weights[f.code]?.points ?? 0) * (f.scale ?? 1);
  const candidates = base.findings
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => f.fix !== undefined)
    .sort((a, b) => weight(b.f) - weight(a.f) || a.i - b.i)
    .map(({ f }) => f);
  for (const f of candidates) {
    if (!f.fix || seen.has(f.fix.description)) continue;
    if (seen.size >= (options.limit ?? 64)) break;
    seen.add(f.fix.description);
    const after = analyseModel(f.fix.apply(model), options).scorecard;
    out.push({
      description: f.fix.description,
      code: f.code,
      before: base.scorecard.overall,
      after: after.overall,
      gain: after.overall - base.scorecard.overall,
      dimensions: dimensionScores(after),
      apply: f.fix.apply,
    });
  }
  return out.sort(
    (a, b) => b.gain - a.gain || (a.description < b.description ? -1 : a.description > b.description ? 1 : 0),
  );
}

/** The single fix that raises the overall score most, if any raises it at all. */
export function bestSingleFix(model: Package, options: RankOptions = {}): RankedFix | undefined {
  const best = rankFixes(model, options)[0];
  return best && best.gain > 0 ? best : undefined;
}

export function dimensionScores(s: Scorecard): Record<Dimension, number> {
  return Object.fromEntries(Object.entries(s.dimensions).map(([d, v]) => [d, v.score])) as Record<Dimension, number>;
}
