/**
 * The indexed columns of each record, beside its whole JSON document: one definition for both dialects, so the
 * two adapters cannot disagree on what a filter sees.
 */
import type { Incident } from '../core/ops/index.js';
import type { Observation } from '../core/ops/index.js';
import type { CaseOpening } from '../core/ops/index.js';
import type { Violation } from '../core/ops/index.js';
import type { ProcessedBatch } from '../core/ports/store.js';

/** (source, sourceId, activity, time, region) */
export function observationColumns(o: Observation): [string, string, string, number, string | null] {
  return [o.source, o.sourceId, o.activity, o.time, o.region ?? null];
}

/** (id, revision, status, activity, time, start, end, minLon, minLat, maxLon, maxLat, region) */
export function incidentColumns(
  i: Incident,
): [
  string,
  number,
  string,
  string,
  number,
  number,
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  string | null,
] {
  const b = i.box;
  return [
    i.id,
    i.revision,
    i.status,
    i.activity,
    i.time,
    i.start,
    i.end,
    b ? b[0] : null,
    b ? b[1] : null,
    b ? b[2] : null,
    b ? b[3] : null,
    i.region ?? null,
  ];
}

/** (id, revision, status, prohibition, party, time, region) */
export function violationColumns(v: Violation): [string, number, string, string, string, number, string | null] {
  return [v.id, v.revision, v.status, v.prohibition, v.party, v.time, v.region ?? null];
}

/** (id, key, trigger, severity, party, openedAt) */
export function caseColumns(c: CaseOpening): [string, string, string, string, string, number] {
  return [c.id, c.key, c.trigger, c.severity, c.party, c.openedAt];
}

/** The last revision of each incident / violation in a batch: the row the current-state tables keep. */
export function latestById<T extends { id: string }>(records: readonly T[]): T[] {
  const m = new Map<string, T>();
  for (const r of records) m.set(r.id, r);
  return [...m.values()];
}

export const emptyBatch: ProcessedBatch = { incidentRevisions: [], violations: [], caseOpenings: [] };
