/**
 * The analysis as JSON for other programs (dashboard, CI): times in milliseconds after the breach begins, `null`
 * for never or unbounded; distances in metres; shares as fractions.
 */
import type { Package } from '../spec/schema.js';
import type { ModelAnalysis } from './analyse.js';
import { triggerStory } from './narrative.js';
import type { Interval } from './timeline.js';
import { dimensions } from './finding.js';

const t = (x: number) => (Number.isFinite(x) ? Math.round(x) : null);
const iv = (i: Interval | undefined) => (i ? { best: t(i.best), worst: t(i.worst) } : null);
const dist = (i: Interval | undefined) =>
  i
    ? {
        best: Number.isFinite(i.best) ? Math.round(i.best) : null,
        worst: Number.isFinite(i.worst) ? Math.round(i.worst) : null,
      }
    : null;

export function scorecardJson(a: ModelAnalysis) {
  const s = a.scorecard;
  return {
    overall: s.overall,
    weakest: s.weakest,
    dimensions: Object.fromEntries(dimensions.map((d) => [d, s.dimensions[d].score])),
    deductions: Object.fromEntries(dimensions.map((d) => [d, s.dimensions[d].deductions])),
  };
}

export function timelineJson(m: Package, a: ModelAnalysis) {
  return a.timeline.map((tl) => ({
    trigger: tl.trigger,
    severity: tl.severity,
    independentSources: tl.k,
    detection: iv(tl.detection),
    caseOpens: iv(tl.caseOpens),
    declaration: iv(tl.judgment.decision),
    declarationRisks: tl.judgment.risks,
    responses: tl.responses.map((r) => ({
      action: r.action,
      by: r.by,
      upon: r.upon,
      automatic: r.automatic,
      material: r.material,
      due: iv(r.due),
    })),
    firstMaterialResponse: tl.firstMaterial
      ? { action: tl.firstMaterial.action, by: tl.firstMaterial.by, due: iv(tl.firstMaterial.at) }
      : null,
    depthMetres: dist(tl.depth),
    along: tl.along
      ? { line: tl.along.line, lengthMetres: Math.round(tl.along.length), areaSquareMetres: dist(tl.along.area) }
      : null,
    moments: triggerStory(m, tl).moments.map((mo) => ({
      at: iv(mo.at),
      kind: mo.kind,
      text: mo.text,
      ...(mo.first ? { firstMaterial: true } : {}),
    })),
  }));
}

export function sustainmentJson(a: ModelAnalysis) {
  const s = a.sustainment;
  return {
    currency: s.currency,
    months: s.months,
    requirements: s.requirements.map((r) => ({
      id: r.id,
      unit: r.unit,
      perMonth: r.perMonth,
      meanCoverage: r.meanCoverage,
      shortMonths: r.shortMonths,
      shares: r.shares,
      series: r.series,
    })),
    cliffs: s.cliffs,
    electionRisks: s.electionRisks,
    leadGaps: s.leadGaps,
  };
}
