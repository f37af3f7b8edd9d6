/**
 * The analysis as one pure function: a valid package in; findings, the day-one timelines, the month-twelve view and
 * the scorecard out. `analyseModel` needs only the model (the simulator and `bestSingleFix` call it on transformed
 * models); `analyse` adds diagnostics pointing at the exact clause in the file.
 */
import { compareDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { LoadedPackage } from '../spec/load.js';
import type { Package } from '../spec/schema.js';
import type { Path, SourceFile } from '../spec/source.js';
import type { Finding } from './finding.js';
import { lineLengths as measureLines } from './line-length.js';
import { buildView } from './package-view.js';
import type { RuleContext } from './rule.js';
import { rules } from './ruleset.js';
import { score, type Scorecard } from './scorecard.js';
import { sustainment as sustainmentOf, type Sustainment } from './sustainment.js';
import { timelines as timelinesOf, type TriggerTimeline } from './timeline.js';

export interface AnalysisOptions {
  /** Metres per line zone (from the loaded geometry); without it, areas along the line are not computed. */
  lineLengths?: ReadonlyMap<string, number>;
}

export interface ModelAnalysis {
  findings: Finding[];
  timeline: TriggerTimeline[];
  sustainment: Sustainment;
  scorecard: Scorecard;
}

export interface Analysis extends ModelAnalysis {
  /** The findings as diagnostics, at their clauses, sorted. */
  diagnostics: Diagnostic[];
}

export function analyseModel(model: Package, options: AnalysisOptions = {}): ModelAnalysis {
  const view = buildView(model, options.lineLengths);
  const ctx: RuleContext = { model, view, timelines: timelinesOf(view), sustainment: sustainmentOf(model) };
  const findings = rules.flatMap((r) => r.check(ctx));
  return { findings, timeline: ctx.timelines, sustainment: ctx.sustainment, scorecard: score(findings) };
}

/** Analyse a loaded package; undefined when it did not load into a valid model. */
export function analyse(loaded: LoadedPackage): Analysis | undefined {
  if (!loaded.model) return undefined;
  const result = analyseModel(loaded.model, { lineLengths: measureLines(loaded.model, loaded.geometries) });
  const diagnostics = result.findings.map((f) => toDiagnostic(f, loaded.source)).sort(compareDiagnostics);
  return { ...result, diagnostics };
}

/** Where a path points in the file; a clause the file does not hold falls back to the enclosing key, or `package`. */
function spanAt(source: SourceFile, path: Path, prefer: 'key' | 'value') {
  const { depth } = source.locate(path);
  if (depth === path.length) return source.span(path, prefer);
  if (depth > 0) return source.span(path.slice(0, depth), 'key');
  return source.span(['package'], 'key');
}

export function toDiagnostic(f: Finding, source: SourceFile): Diagnostic {
  return makeDiagnostic(
    f.code,
    source.file,
    spanAt(source, f.path, f.prefer ?? 'value'),
    f.args,
    (f.related ?? [])
      .filter((r) => source.locate(r.path).depth === r.path.length)
      .map((r) => ({ message: r.message, file: source.file, span: source.span(r.path) })),
  );
}
