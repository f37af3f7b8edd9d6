/**
 * Inspections on request: a source with `on-request` (an inspection team that "inspects within 48 hours of a party's
 * request") owes an inspection when a party asks. The request becomes a task for the source's operator, due the
 * package's `on-request` time after the request, kept in a case file of its own so that it is tracked exactly like a
 * response task: acknowledged and delivered by its actor, overdue and recorded as a failure when the time passes,
 * escalated on the package's schedule, and every change written to the transparency log.
 *
 * Pure: a request at an instant gives the new case file and its timer, or the field that is wrong and why.
 */
import type { Package } from '../spec/schema.js';
import type { CaseFile, CaseStep, InspectionRequest } from './casework.js';
import { sha256Hex } from './digest.js';
import { unjudged } from './judgment.js';
import { taskId, type ResponseTask } from './response.js';
import { taskDueTimer } from './timer.js';

export interface InspectionInput {
  source: string;
  zone?: string;
  note: string;
  requestedBy: string;
  at: number;
}

export type InspectionResult =
  { ok: true; step: CaseStep } | { ok: false; field: 'source' | 'zone' | 'note' | 'requestedBy'; message: string };

export const MAX_INSPECTION_NOTE = 2000;

/** `insp-` and 96 bits of SHA-256 of the request: the same request sent twice is one request. */
export function inspectionId(i: InspectionInput): string {
  return `insp-${sha256Hex(['inspection', i.requestedBy, i.source, i.zone ?? '', String(i.at), i.note].join('\u0000')).slice(0, 24)}`;
}

export function requestInspection(pkg: Package, i: InspectionInput): InspectionResult {
  const role = pkg.actors[i.requestedBy]?.role;
  if (role !== 'party' && role !== 'protected')
    return {
      ok: false,
      field: 'requestedBy',
      message: `only a party to the package may request an inspection; ${i.requestedBy} is ${role ? `a ${role}` : 'not an actor of the package'}`,
    };
  const src = pkg.verification[i.source];
  if (!src) return { ok: false, field: 'source', message: `the package has no verification source \`${i.source}\`` };
  const within = src['on-request'];
  if (within === undefined)
    return {
      ok: false,
      field: 'source',
      message: `source \`${i.source}\` does not inspect on request (the package gives it no \`on-request\`)`,
    };
  if (i.zone !== undefined) {
    if (!pkg.zones[i.zone]) return { ok: false, field: 'zone', message: `the package has no zone \`${i.zone}\`` };
    if (src.covers !== undefined && !src.covers.includes(i.zone))
      return {
        ok: false,
        field: 'zone',
        message: `source \`${i.source}\` covers ${src.covers.map((z) => `\`${z}\``).join(', ')}, not \`${i.zone}\``,
      };
  }
  if (typeof i.note !== 'string' || i.note.trim().length === 0 || i.note.length > MAX_INSPECTION_NOTE)
    return {
      ok: false,
      field: 'note',
      message: `say what to inspect and why, in 1 to ${MAX_INSPECTION_NOTE} characters`,
    };
  const caseId = inspectionId(i);
  const dueAt = i.at + within;
  const task: ResponseTask = {
    id: taskId(caseId, 'inspection', 0, src.operator),
    caseId,
    severity: 'inspection',
    index: 0,
    action: 'investigation',
    material: false,
    actor: src.operator,
    // The obligation is the verifying body's own, by the text: no national decision stands before it.
    automatic: true,
    upon: 'trigger',
    declaredAt: i.at,
    dueAt,
    status: 'open',
    overdue: false,
    escalations: [],
  };
  const request: InspectionRequest = {
    source: i.source,
    operator: src.operator,
    requestedBy: i.requestedBy,
    ...(i.zone === undefined ? {} : { zone: i.zone }),
    note: i.note,
    requestedAt: i.at,
  };
  const file: CaseFile = {
    version: 1,
    caseId,
    severity: 'inspection',
    openedAt: i.at,
    // Nothing to judge: the request is the obligation. `declaredTasks` keeps any response tier from being made.
    judgment: unjudged({ caseId, severity: 'inspection', openedAt: i.at }),
    tasks: [task],
    declaredTasks: true,
    inspection: request,
  };
  return { ok: true, step: { file, timers: [taskDueTimer(caseId, task.id, dueAt)] } };
}

/** Whether a case file is an inspection request rather than a breach case. */
export const isInspection = (f: CaseFile): boolean => f.inspection !== undefined;
