/** What every rule receives and returns. A rule reads the package and the derived views; it never mutates them. */
import type { CodeName } from '../diagnostics/catalogue.js';
import type { Package } from '../spec/schema.js';
import type { Finding } from './finding.js';
import type { PackageView } from './package-view.js';
import type { Sustainment } from './sustainment.js';
import type { TriggerTimeline } from './timeline.js';

export interface RuleContext {
  model: Package;
  view: PackageView;
  timelines: TriggerTimeline[];
  sustainment: Sustainment;
}

export interface Rule {
  /** The rule's name: its file in src/core/analysis/rules and its page in docs/rules. */
  name: string;
  /** Catalogue names of the codes it can report. */
  codes: readonly CodeName[];
  check(ctx: RuleContext): Finding[];
}
