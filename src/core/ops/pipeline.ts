/**
 * The live flow in one pure step: a batch of validated observations in, the records it produces out (incident
 * revisions, violations, case openings). The store reads what the step needs through `OpsReader` and writes the
 * result in the same transaction as the observations, so a batch is all or nothing and a retry finds its
 * observations already fused (no duplicate incident, violation or case).
 *
 *   observations -> fuse (fusion.ts) -> violations (violation.ts, attribution.ts) -> cases (trigger.ts)
 */
import { fuse, probeFor } from './fusion.js';
import type { Incident } from './incident.js';
import { IncidentIndex } from './incident-index.js';
import type { OpsModel } from './model.js';
import type { Observation } from './observation.js';
import type { OpsReader } from '../ports/ops-reader.js';
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
  /**
   * One revision per incident the batch changed (batchRevisions), in the order each was first changed. A batch is
   * atomic, so a revision is an incident's state after a batch, not after each report in it.
   */
  incidentRevisions: Incident[];
  /** New, revised and withdrawn violations (one record per id), sorted by id. */
  violations: Violation[];
  caseOpenings: CaseOpening[];
  /** Observations skipped because an incident already holds them (a retried batch). */
  duplicates: number;
}

export async function processBatch(
  ctx: OpsContext,
  observations: readonly Observation[],
  reader: OpsReader,
): Promise<BatchResult> {
  const { model, now } = ctx;
  const index = new IncidentIndex();
  if (observations.length) {
    const probes = observations.map((o) => probeFor(o, model.fusion));
    for (const i of await reader.findIncidents(probes)) index.put(i);
  }
  const operatorOf = (s: string) => model.operators.get(s) ?? s;
  const fusion = fuse(observations, index, operatorOf, model.fusion, now);

  const revisions = batchRevisions(fusion.revisions, fusion.before);
  const violations = violationChanges(model, revisions, fusion.before, now);

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
  return { incidentRevisions: revisions, violations, caseOpenings, duplicates: fusion.duplicates };
}

/**
 * Fusion's step-by-step revisions folded to one per incident: its last state, numbered one past its state before
 * the batch. The reason says what the batch did to it: `created` (new in this batch, whatever joined it after),
 * `merged-into` (absorbed), `merged` (absorbed others: `absorbed` lists every incident it took in this batch),
 * otherwise `joined`. Folding halves what a busy batch writes and logs (about 500 revisions become 275 in
 * bench/ingest.ts) and loses nothing a reader could have seen: the intermediate states never committed.
 */
export function batchRevisions(steps: readonly Incident[], before: ReadonlyMap<string, Incident | null>): Incident[] {
  const last = new Map<string, Incident>();
  const absorbed = new Map<string, string[]>();
  for (const r of steps) {
    last.set(r.id, r);
    if (r.absorbed) {
      const list = absorbed.get(r.id) ?? [];
      for (const a of r.absorbed) if (!list.includes(a)) list.push(a);
      absorbed.set(r.id, list);
    }
  }
  const out: Incident[] = [];
  for (const r of last.values()) {
    const prior = before.get(r.id) ?? null;
    const revision = (prior?.revision ?? 0) + 1;
    const took = absorbed.get(r.id);
    const reason = r.status === 'merged' ? 'merged-into' : prior === null ? 'created' : took ? 'merged' : 'joined';
    if (r.revision === revision && r.reason === reason && (took === undefined || r.absorbed?.length === took.length)) {
      out.push(r);
      continue;
    }
    const folded: Incident = { ...r, revision, reason };
    if (took) folded.absorbed = took;
    out.push(folded);
  }
  return out;
}
