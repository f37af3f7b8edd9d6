/**
 * A strong package that no rule fires on, and a way to weaken it one clause at a time: the base every rule test
 * varies. Edits go through the YAML document, so a test reads like the change a drafter would make.
 */
import { renderArg, type Args } from '../diagnostics/args.js';
import { parseDocument } from 'yaml';
import { loadPackage } from '../spec/load.js';
import type { Package } from '../spec/schema.js';
import { analyseModel, type ModelAnalysis } from './analyse.js';
import type { Finding } from './finding.js';
import { buildView } from './package-view.js';
import type { Rule, RuleContext } from './rule.js';
import { sustainment } from './sustainment.js';
import { timelines } from './timeline.js';

export const strongPackage = `package: strong
title: A strong package
effective: 2026-06-01T00:00Z
horizon: 12mo
actors:
  A: { name: Party A, role: party }
  B: { name: Party B, role: protected }
  G1: { name: Guarantor One, role: guarantor, elections: [2030-05-01] }
  G2: { name: Guarantor Two, role: guarantor }
  M: { name: Monitors, role: monitor }
  F: { name: Force, role: force, contributors: [G1, G2] }
zones:
  line: { kind: line, geometry: data/line.geojson, sides: { left: A, right: B } }
  buffer: { kind: buffer, around: line, width: 20km }
control:
  - { zone: buffer, domain: land, polices: M, secures: F }
prohibitions:
  no-fire: { binds: [A, B], activities: [artillery-fire], inside: buffer }
  no-advance: { binds: [A, B], activities: [ground-advance], across: line }
verification:
  radar: { kind: radar, operator: M, latency: 10m, covers: [buffer], detects: { artillery-fire: 0.9, ground-advance: 0.8 } }
  acoustic: { kind: acoustic, operator: G1, latency: 15m, covers: [buffer], detects: { artillery-fire: 0.8, ground-advance: 0.5 } }
severities: [serious, armed-attack]
triggers:
  fire: { on: [no-fire], evidence: { independent-sources: 2, confidence: 0.8 }, count: 2, within: 12h, severity: serious }
  advance: { on: [no-advance], evidence: { independent-sources: 2, confidence: 0.9 }, depth: 1km, severity: armed-attack }
judgment:
  body: Commission
  members: [G1, G2, M]
  rule: { type: majority, quorum: 2 }
  recuse: parties
  tie-break: M
  deadline: 24h
  on-deadline: declare
responses:
  serious:
    - { by: guarantors, do: sanctions, within: 3d, automatic: true, form: treaty }
  armed-attack:
    - { by: F, do: reinforce, within: 24h, automatic: true, form: treaty }
sustainment:
  requirements:
    financing: { amount: 2e9 EUR, per: year }
  commitments:
    - { by: G1, provides: financing, amount: 1e9 EUR, per: year, from: 2026-06, form: treaty }
    - { by: G2, provides: financing, amount: 1e9 EUR, per: year, from: 2026-06, form: appropriation-law }
assumptions:
  advance-rate: 5km/d
  national-decision: 72h
`;

export type Path = (string | number)[];
/** A change to the YAML: set a value (plain data) at a path, or delete the path. */
export type Edit = { set: Path; to: unknown } | { delete: Path };

export function sampleText(edits: readonly Edit[] = []): string {
  const doc = parseDocument(strongPackage);
  for (const e of edits) {
    if ('set' in e) doc.setIn(e.set, doc.createNode(e.to));
    else doc.deleteIn(e.delete);
  }
  return doc.toString();
}

/** The strong package with the edits applied; throws (a broken test, not a user error) if it no longer loads. */
export function samplePackage(edits: readonly Edit[] = []): Package {
  const text = sampleText(edits);
  const loaded = loadPackage(text, { file: 'sample.yaml' });
  if (!loaded.model)
    throw new Error(
      `sample does not load:\n${loaded.diagnostics.map((d) => `${d.span.start.line}: ${d.message}`).join('\n')}\n${text}`,
    );
  return loaded.model;
}

export function contextOf(model: Package): RuleContext {
  const view = buildView(model);
  return { model, view, timelines: timelines(view), sustainment: sustainment(model) };
}

/** What one rule finds in the sample with these edits. */
export function run(rule: Rule, edits: readonly Edit[] = []): Finding[] {
  return rule.check(contextOf(samplePackage(edits)));
}

export function analyseSample(edits: readonly Edit[] = []): ModelAnalysis {
  return analyseModel(samplePackage(edits));
}

/** What the rule finds after applying the fix of its `index`-th finding (which must have one). */
export function runAfterFix(rule: Rule, edits: readonly Edit[] = [], index = 0): Finding[] {
  const model = samplePackage(edits);
  const f = rule.check(contextOf(model))[index];
  if (!f?.fix) throw new Error(`${rule.name}: finding ${index} has no fix`);
  const fixed = f.fix.apply(model);
  return rule.check(contextOf(fixed));
}

/** A finding's arguments as its message shows them, for tests that read the words. */
export function said(args: Args): Record<string, string | number> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'object' ? renderArg(v) : v]));
}
