/**
 * The live flow in one pure step: a batch of validated observations in, the records it produces out (incident
 * revisions, violations, case openings). The store reads what the step needs through `OpsReader` and writes the
 * result in the same transaction as the observations, so a batch is all or nothing and a retry finds its
 * observations already fused (no duplicate incident, violation or case).
 *
 *   observations -> fuse (fusion.ts) -> violations (violation.ts, attribution.ts) -> cases (trigger.ts)
 */
import { BatchFusion, probeOf, type FusionResult } from './fusion.js';
import { itemAt } from '../item-at.js';
import type { Observation } from './observation.js';
import type { Incident } from './incident.js';
import type { OpsModel } from './model.js';
import type { IncidentProbe, OpsReader } from '../ports/ops-reader.js';
import { caseChanges, type CaseOpening } from './trigger.js';
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
   * One revision per incident the batch changed. A batch is atomic, so a revision is an incident's state after a
   * batch, not after each report in it.
   */
  incidentRevisions: Incident[];
  /** New, revised and withdrawn violations (one record per id), sorted by id. */
  violations: Violation[];
  /** Cases the batch opened (revision 1). */
  caseOpenings: CaseOpening[];
  /** Open cases whose content the batch changed: the new revision of each (its `openedAt` kept). */
  caseRevisions: CaseOpening[];
  /** Observations skipped because an incident already holds them (a retried batch). */
  duplicates: number;
  /** Observations beyond the late-arrival window (`maxLateness`): for the record only, not fused. */
  late: number;
}

export async function processBatch(
  ctx: OpsContext,
  observations: readonly Observation[],
  reader: OpsReader,
): Promise<BatchResult> {
  const { model, now } = ctx;
  // Beyond the late-arrival window: stored and logged by the caller, as context; fusion and cases never see them.
  const late = observations.filter((o) => now - o.end > model.maxLateness);
  const onTime = late.length ? observations.filter((o) => now - o.end <= model.maxLateness) : observations;
  const fusing = new BatchFusion(onTime, (s) => model.operators.get(s) ?? s, model.fusion, now);
  // A new report's probe names its source: an incident whose only member is from that source can never take it
  // nor bear on its decision, so a store may skip it. The replay's own probes (below) name none: a stored report's
  // neighbourhood must be loaded whole, since incidents around it may have lost members.
  let probes: IncidentProbe[] = onTime.map((o) => ({ ...probeOf(o.activity, o, model.fusion), source: o.source }));
  let fusion: FusionResult | undefined;
  for (;;) {
    const added = probes.length ? fusing.load(await reader.findIncidents(probes)) : 0;
    // What the replay asked for loaded nothing new: its result stands.
    if (fusion !== undefined && added === 0) break;
    fusion = fusing.run();
    probes = fusion.probes;
    if (probes.length === 0) break;
  }
  if (!fusion) throw new Error('bug: no fusion result');
  const revisions = fusion.revisions;
  if (fusion.refounded.length) await continueRefounded(revisions, fusion.before, fusion.refounded, reader);
  const violations = violationChanges(model, revisions, fusion.before, now);
  const cases = await caseChanges(model, violations.records, violations.moved, reader, now);
  return {
    incidentRevisions: revisions,
    violations: violations.records,
    caseOpenings: cases.openings,
    caseRevisions: cases.revisions,
    duplicates: fusion.duplicates,
    late: late.length,
  };
}

/**
 * An incident refounded on a stored report may have existed before (founded, then dissolved when an earlier report
 * arrived, now founded again as the set changed): it continues its stored revisions.
 */
async function continueRefounded(
  revisions: Incident[],
  before: Map<string, Incident | null>,
  ids: readonly string[],
  reader: OpsReader,
): Promise<void> {
  const prior = new Map((await reader.incidentsById(ids)).map((i) => [i.id, i]));
  for (let k = 0; k < revisions.length; k++) {
    const r = itemAt(revisions, k);
    const p = prior.get(r.id);
    if (!p || before.get(r.id)) continue;
    revisions[k] = { ...r, revision: p.revision + 1, reason: 'refounded', createdAt: p.createdAt };
    before.set(r.id, p);
  }
}
