/**
 * The live flow in one pure step: a batch of validated observations in, the records it produces out (incident
 * revisions, violations, case openings). The store reads what the step needs through `OpsReader` and writes the
 * result in the same transaction as the observations, so a batch is all or nothing and a retry finds its
 * observations already fused (no duplicate incident, violation or case).
 *
 *   observations -> fuse (fusion.ts) -> violations (violation.ts, attribution.ts) -> cases (trigger.ts)
 */
import { fuse, probeFor, type Incident } from './fusion.js';
import { IncidentIndex } from './incident-index.js';
import type { OpsModel } from './model.js';
import type { Observation } from './observation.js';
import type { OpsReader } from './ports.js';
import { openCases, touchedWindows, windowQueries, type CaseOpening } from './trigger.js';
import { violationChanges, type Violation } from './violation.js';

export type { OpsModel, OpsOptions, ZoneLocator, ZoneLocation, LineLocation } from './model.js';
export { prepareOps } from './model.js';

export interface OpsContext {
  model: OpsModel;
  /** The processing time (the injected clock): stamps revisions and starts judgment clocks. */
  now: number;
}

export interface BatchResult {
  /** Every incident revision, in the order made; the last one per id is the incident's current state. */
  incidentRevisions: Incident[];
  /** New, revised and withdrawn violations (one record per id), sorted by id. */
  violations: Violation[];
  caseOpenings: CaseOpening[];
  /** Observations skipped because an incident already holds them (a retried batch). */
  duplicates: number;
}

export async function processBatch(ctx: OpsContext, observations: readonly Observation[], reader: OpsReader): Promise<BatchResult> {
  const { model, now } = ctx;
  const index = new IncidentIndex();
  if (observations.length) {
    const probes = observations.map((o) => probeFor(o, model.fusion));
    for (const i of await reader.findIncidents(probes)) index.put(i);
  }
  const operatorOf = (s: string) => model.operators.get(s) ?? s;
  const fusion = fuse(observations, index, operatorOf, model.fusion, now);

  const latest = new Map<string, Incident>();
  for (const r of fusion.revisions) latest.set(r.id, r);
  const violations = violationChanges(model, latest.values(), fusion.before, now);

  // Windows whose case is already open need nothing more: ask about those first, then read only the rest.
  const touched = touchedWindows(model, violations).windows;
  let caseOpenings: CaseOpening[] = [];
  if (touched.length) {
    const existing = await reader.existingCases(touched.map((w) => w.key));
    const windows = touched.filter((w) => !existing.has(w.key));
    const queries = windowQueries(windows);
    const stored = queries.length ? await reader.findViolations(queries) : [];
    caseOpenings = openCases(windows, stored, violations, existing, now);
  }
  return { incidentRevisions: fusion.revisions, violations, caseOpenings, duplicates: fusion.duplicates };
}
