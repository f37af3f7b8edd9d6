/** The analysis: what a hostile party would find in a guarantee package, day one and month twelve, scored. */
export {
  analyse,
  analyseModel,
  toDiagnostic,
  type Analysis,
  type AnalysisOptions,
  type ModelAnalysis,
} from './analyse.js';
export { bestSingleFix, rankFixes, dimensionScores, type RankedFix, type RankOptions } from './best-fix.js';
export { dimensions, type Dimension, type Finding, type Fix } from './finding.js';
export { lineLengths } from './line-length.js';
export { rules } from './ruleset.js';
export { score, weights, overallOf, type Scorecard, type DimensionScore, type Deduction } from './scorecard.js';
export { sustainment, type Sustainment, type RequirementView, type MonthPoint } from './sustainment.js';
export { triggerTimeline, timelines, type TriggerTimeline, type Interval, type ResponseTiming } from './timeline.js';
export {
  renderText as renderExplainText,
  renderMarkdown as renderExplainMarkdown,
  triggerStory,
  monthTwelve,
  coverageRows,
  type Moment,
  type TriggerStory,
  type FixNote,
} from './narrative.js';
export { renderHtml as renderExplainHtml } from './explain-html.js';
export { sustainmentSvg } from './sustainment-chart.js';
export { scorecardJson, timelineJson, sustainmentJson } from './analysis-json.js';
export {
  comparisonRow,
  renderComparisonText,
  renderComparisonMarkdown,
  comparisonJson,
  type ComparisonRow,
} from './compare.js';
