/**
 * A finding of the analysis as data: which catalogue entry, where in the package (a model path, resolved to a
 * span only when there is a source), its arguments, and the single fix it suggests. Weights live in the scorecard,
 * not here, so that detection and scoring can be read (and argued with) separately.
 */
import type { CodeName } from '../diagnostics/catalogue.js';
import type { Package } from '../spec/schema.js';
import type { Path } from '../spec/source.js';
import type { Args } from '../diagnostics/args.js';

export const dimensions = ['trigger', 'verification', 'judgment', 'response', 'sustainment', 'control'] as const;
export type Dimension = (typeof dimensions)[number];

/** One single change to a package, as a model transformation. `apply` returns a new model and never mutates. */
export interface Fix {
  /** What the change is, in a sentence a negotiator can propose: "Recuse the parties from the judgment". */
  description: string;
  apply: (model: Package) => Package;
}

export interface Finding {
  /** Catalogue name, e.g. `uncovered-prohibition`. */
  code: CodeName;
  /** Where the finding points; a path that the file does not hold falls back to the nearest enclosing key. */
  path: Path;
  /** Point at the key (a clause as a whole) or at the value (one field). */
  prefer?: 'key' | 'value';
  args: Args;
  related?: { message: string; path: Path }[];
  /** The dimension it counts against, where it depends on the clause (hedge wording); otherwise the weight's. */
  dimension?: Dimension;
  /** Multiplies the catalogue weight: findings that share out one budget (1/n each) set it. Default 1. */
  scale?: number;
  fix?: Fix;
}

/** A deep copy of a model for a fix to change. Models are plain data (numbers, strings, arrays, objects). */
export function cloneModel(model: Package): Package {
  return structuredClone(model);
}
