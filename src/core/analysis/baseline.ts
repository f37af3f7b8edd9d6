/**
 * The war's baseline: how the armed conflict before an agreement ended, and how intense it was, set the agreement's
 * prospects before any clause is read (Fortna, "Scraps of Paper?", IO 2003, and "Peace Time", 2004: agreements matter
 * controlling for such factors). A package states them in `context`, coded from a conflict dataset, not from its text;
 * this module turns them into a hazard multiplier and applies it to a collapse share per horizon. It never enters the
 * scorecard, which measures the text (docs/validity.md shows the two side by side).
 *
 * Effect sizes. Fortna's hazard ratios could not be retrieved here, so each effect is estimated from a published
 * dataset, the UCDP Conflict Termination dataset (dyadic, v2-2015; Kreutz, "How and when armed conflicts end",
 * Journal of Peace Research 47(2), 2010), by `scripts/baseline-effects.ts`: over every dyadic
 * conflict episode that ended in 1946-2011, the share after which the same conflict had a new episode within three
 * years (1,095 days, the library's horizon). A level's multiplier is its share over the share of all episodes, so an
 * uncoded factor (or none) is 1: the average conflict. The conflicts of the historical library were left out of the
 * estimate, and the numbers below were fixed and committed before any package's context was coded.
 *
 * Assumptions (docs/simulation.md, "The war's baseline"): the multiplier acts on the hazard (proportional hazards), so
 * a collapse share p per horizon becomes 1 - (1 - p)^m; the two factors multiply (independent effects); an agreement
 * with no armed conflict before it (`no-war`: an alliance, an assurance) is outside the population, and its factor
 * is 1.
 */
import type { Context } from '../spec/schema.js';
import type { warEndings, warIntensities } from '../spec/vocabulary.js';
import { wilson } from '../sim/stats.js';

export interface Cell {
  /** Conflict episodes at this level that ended 1946-2011. */
  episodes: number;
  /** Of them, those whose conflict had a new episode within three years. */
  recurred: number;
}

type Coded<L extends string> = Record<Exclude<L, 'no-war'>, Cell>;

/** The estimate (scripts/baseline-effects.ts on ucdp-term-dyadic-2015.csv; 53 library episodes out). */
export const baselineEvidence: {
  dataset: string;
  all: Cell;
  ending: Coded<(typeof warEndings)[number]>;
  intensity: Coded<(typeof warIntensities)[number]>;
} = {
  dataset: 'UCDP Conflict Termination dataset, dyadic, v2-2015 (Kreutz 2010), episodes ended 1946-2011',
  all: { episodes: 646, recurred: 249 },
  // Victory: UCDP outcome 3 or 4 (victory for side A or B); no-victory: 1 peace agreement, 2 ceasefire, 5 low
  // activity, 6 actor ceases to exist.
  ending: { victory: { episodes: 187, recurred: 39 }, 'no-victory': { episodes: 459, recurred: 210 } },
  // The episode's highest UCDP intensity level: 2 (war, 1,000 battle deaths a year or more) or 1 (minor).
  intensity: { war: { episodes: 148, recurred: 56 }, minor: { episodes: 498, recurred: 193 } },
};

export interface Factor {
  name: 'ending' | 'intensity';
  level: string;
  /** The level's recurrence share over that of all episodes. */
  multiplier: number;
  /** The same with the level's 95% Wilson interval: the range the sensitivity reports. */
  low: number;
  high: number;
}

export interface Baseline {
  /** The hazard multiplier: the product of the coded factors' multipliers; 1 when nothing is coded. */
  multiplier: number;
  low: number;
  high: number;
  factors: Factor[];
}

function factor(name: Factor['name'], level: string, cell: Cell): Factor {
  const all = baselineEvidence.all.recurred / baselineEvidence.all.episodes;
  const ci = wilson(cell.recurred, cell.episodes);
  return { name, level, multiplier: cell.recurred / cell.episodes / all, low: ci.low / all, high: ci.high / all };
}

/** The baseline of a package's context (absent: nothing coded, multiplier 1). */
export function baselineOf(context: Context | undefined): Baseline {
  const factors: Factor[] = [];
  const ending = context?.ending;
  if (ending && ending !== 'no-war') factors.push(factor('ending', ending, baselineEvidence.ending[ending]));
  const intensity = context?.intensity;
  if (intensity && intensity !== 'no-war')
    factors.push(factor('intensity', intensity, baselineEvidence.intensity[intensity]));
  const product = (k: 'multiplier' | 'low' | 'high') => factors.reduce((m, f) => m * f[k], 1);
  return { multiplier: product('multiplier'), low: product('low'), high: product('high'), factors };
}

/** A collapse share per horizon under a hazard multiplier m (proportional hazards): 1 - (1 - p)^m; m = 1 leaves p. */
export function withBaseline(p: number, m: number): number {
  if (m === 1) return p;
  return 1 - Math.pow(1 - p, m);
}
