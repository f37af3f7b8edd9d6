/**
 * The model transformations the rules propose as single fixes. Each returns a new model (the input is never
 * changed). The values they write are the project's suggested defaults, stated in docs/scoring.md: an evidence
 * threshold of one source at 0.8 confidence, a 48-hour judgment deadline with the finding standing by default,
 * automatic sanctions within 7 days, a source that looks every 12 hours and reports within 6.
 */
import type { Package, Response, Source, Trigger } from '../spec/schema.js';
import { DAY, HOUR } from '../spec/units.js';
import type { Activity, SourceKind } from '../spec/vocabulary.js';
import { cloneModel } from './finding.js';
import type { PackageView } from './package-view.js';
import { itemAt } from '../item-at.js';

export const suggested = {
  evidence: { 'independent-sources': 1, confidence: 0.8 },
  deadline: 48 * HOUR,
  responseWithin: 7 * DAY,
  revisit: 12 * HOUR,
  latency: 6 * HOUR,
  detection: 0.8,
} as const;

export function edit(model: Package, change: (m: Package) => void): Package {
  const m = cloneModel(model);
  change(m);
  return m;
}

/** A fresh id that the record does not hold yet: `base`, `base-2`, ... */
export function freshId(taken: Record<string, unknown>, base: string): string {
  if (!(base in taken)) return base;
  for (let i = 2; ; i++) if (!(`${base}-${i}` in taken)) return `${base}-${i}`;
}

/**
 * Actors fit to act for the guarantee: not bound by it. Monitors first, then guarantors, then forces; mediators and
 * bodies are left out (a mediator's neutrality is what it claims, not what the text guarantees).
 */
export function neutralActors(view: PackageView): string[] {
  const order = ['monitor', 'guarantor', 'force'];
  return Object.entries(view.model.actors)
    .filter(([id, a]) => order.includes(a.role) && !view.isPartyControlled(id))
    .sort((a, b) => order.indexOf(a[1].role) - order.indexOf(b[1].role) || (a[0] < b[0] ? -1 : 1))
    .map(([id]) => id);
}

export const materialResponse = (): Response => ({
  by: 'guarantors',
  do: 'sanctions',
  within: suggested.responseWithin,
  automatic: true,
  upon: 'declaration',
});

export function addMaterialResponse(model: Package, severity: string): Package {
  return edit(model, (m) => {
    m.responses[severity] = [...(m.responses[severity] ?? []), materialResponse()];
  });
}

const kindFor = (a: Activity): SourceKind =>
  [
    'artillery-fire',
    'mortar-fire',
    'missile-strike',
    'drone-strike',
    'air-strike',
    'overflight',
    'naval-strike',
    'naval-incursion',
  ].includes(a)
    ? 'radar'
    : ['denial-of-access', 'jamming', 'mine-laying', 'economic-coercion', 'nuclear-threat'].includes(a)
      ? 'patrol'
      : 'satellite';

/** Add a source run by `operator` that detects `activities` over `covers` (all zones when absent). */
export function addSource(
  model: Package,
  operator: string,
  activities: readonly Activity[],
  covers?: string[],
): Package {
  return edit(model, (m) => {
    const id = freshId(m.verification, `${operator.toLowerCase()}-${kindFor(itemAt(activities, 0))}`);
    const s: Source = {
      kind: kindFor(itemAt(activities, 0)),
      operator,
      revisit: suggested.revisit,
      latency: suggested.latency,
      detects: Object.fromEntries(activities.map((a) => [a, suggested.detection])),
    };
    if (covers && covers.length) s.covers = covers;
    m.verification[id] = s;
  });
}

export function addTrigger(model: Package, on: string[], base: string): Package {
  return edit(model, (m) => {
    let severity = m.severities.at(-1);
    if (severity === undefined) {
      severity = 'breach';
      m.severities = [severity];
    }
    const t: Trigger = { on, evidence: { ...suggested.evidence }, severity };
    m.triggers[freshId(m.triggers, base)] = t;
  });
}
