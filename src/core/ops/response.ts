/**
 * Responses: a declaration instantiates the package's tier for the case's severity as tasks, one per action per
 * responsible actor, each with its due time; tasks are acknowledged and delivered by their own actor; a task not
 * delivered by its due time falls overdue, which is recorded as a response failure (the guarantee failing is a
 * finding as visible as the breach), and the package's escalation steps then fire on their schedule.
 *
 * Pure: every transition takes the instant it happens at and returns a new task.
 */
import type { Package } from '../spec/schema.js';
import {
  materialActions,
  type EscalationStep,
  type ResponseAction,
  type ResponseStart,
  type Role,
} from '../spec/vocabulary.js';
import { itemAt } from '../item-at.js';

export interface ResponseTemplate {
  /** Position in `responses[severity]`. */
  index: number;
  actors: readonly string[];
  action: ResponseAction;
  automatic: boolean;
  /** What starts its clock: the declaration, or the trigger (the case opening) for obligations each responder judges for itself. */
  upon: ResponseStart;
  /** From the declaration to the due time (ms): `within`, plus the national decision unless automatic; absent: no due time. */
  window?: number;
}

export interface ResponsePlan {
  tiers: Readonly<Record<string, readonly ResponseTemplate[]>>;
  escalation: readonly { after: number; step: EscalationStep }[];
  roles: Readonly<Record<string, Role>>;
}

const groupRoles: Record<string, readonly Role[]> = {
  guarantors: ['guarantor'],
  parties: ['party', 'protected'],
  monitors: ['monitor'],
};

/**
 * Actors named by `by`, groups expanded in package order: `guarantors` (role guarantor), `parties` (role party or
 * protected), `monitors` (role monitor), `members` (of the judgment body). Each actor once, first mention first.
 */
export function expandActors(pkg: Package, by: string | readonly string[]): string[] {
  const out: string[] = [];
  const add = (a: string) => {
    if (!out.includes(a)) out.push(a);
  };
  for (const name of typeof by === 'string' ? [by] : by) {
    if (name === 'members') {
      (pkg.judgment?.members ?? []).forEach(add);
    } else if (name in groupRoles) {
      for (const [id, a] of Object.entries(pkg.actors)) if (itemAt(groupRoles, name).includes(a.role)) add(id);
    } else {
      add(name);
    }
  }
  return out;
}

export function responsePlan(pkg: Package): ResponsePlan {
  const national = pkg.assumptions['national-decision'] ?? 0;
  const tiers: Record<string, ResponseTemplate[]> = {};
  for (const [severity, list] of Object.entries(pkg.responses)) {
    tiers[severity] = list.map((r, index) => ({
      index,
      actors: expandActors(pkg, r.by),
      action: r.do,
      automatic: r.automatic,
      upon: r.upon,
      ...(r.within === undefined ? {} : { window: r.within + (r.automatic ? 0 : national) }),
    }));
  }
  return {
    tiers,
    escalation: pkg.escalation.map((e) => ({ after: e.after, step: e.step })),
    roles: Object.fromEntries(Object.entries(pkg.actors).map(([id, a]) => [id, a.role])),
  };
}

export type TaskStatus = 'open' | 'acknowledged' | 'delivered';

export interface EscalationRecord {
  /** Position in the package's `escalation` list. */
  index: number;
  step: EscalationStep;
  at: number;
  /** Escalation level after this step: the number of `escalate` steps so far. */
  level: number;
}

/** A response failure: a responsible actor missed its deadline. */
export interface ResponseFailure {
  taskId: string;
  caseId: string;
  actor: string;
  role: Role | 'unknown';
  action: ResponseAction;
  material: boolean;
  dueAt: number;
  /** When it was recorded: the due time. */
  at: number;
}

export interface ResponseTask {
  id: string;
  caseId: string;
  severity: string;
  index: number;
  action: ResponseAction;
  material: boolean;
  actor: string;
  automatic: boolean;
  upon: ResponseStart;
  /** When its clock started: the declaration, or the case opening for `upon: trigger`. */
  declaredAt: number;
  /** Null when the package gives the response no `within`. */
  dueAt: number | null;
  status: TaskStatus;
  acknowledgedAt?: number;
  deliveredAt?: number;
  note?: string;
  /** Content hashes of the evidence of delivery (`sha256:` + 64 hex digits). */
  evidence?: string[];
  /** Set when the due time passed before delivery. */
  overdue: boolean;
  failure?: ResponseFailure;
  escalations: EscalationRecord[];
  /** When a `public-mark` step fired. */
  publicMarkAt?: number;
}

export const taskId = (caseId: string, severity: string, index: number, actor: string): string =>
  `${caseId}/${severity}/${index}/${actor}`;

/**
 * The tasks a declaration (or, for `upon: trigger`, the case opening) creates, in package order: response by
 * response, actor by actor. `declaredAt` is the instant that starts their clocks.
 */
export function instantiateTasks(
  plan: ResponsePlan,
  c: { caseId: string; severity: string; declaredAt: number; upon?: ResponseStart },
): ResponseTask[] {
  const out: ResponseTask[] = [];
  const upon = c.upon ?? 'declaration';
  for (const r of plan.tiers[c.severity] ?? []) {
    if (r.upon !== upon) continue;
    for (const actor of r.actors) {
      out.push({
        id: taskId(c.caseId, c.severity, r.index, actor),
        caseId: c.caseId,
        severity: c.severity,
        index: r.index,
        action: r.action,
        material: materialActions.has(r.action),
        actor,
        automatic: r.automatic,
        upon: r.upon,
        declaredAt: c.declaredAt,
        dueAt: r.window === undefined ? null : c.declaredAt + r.window,
        status: 'open',
        overdue: false,
        escalations: [],
      });
    }
  }
  return out;
}

export type TaskErrorCode = 'not-yours' | 'already-delivered' | 'already-acknowledged' | 'bad-note' | 'bad-evidence';

export type TaskResult = { ok: true; task: ResponseTask } | { ok: false; code: TaskErrorCode; message: string };

const hashRe = /^sha256:[0-9a-f]{64}$/;

export function acknowledgeTask(task: ResponseTask, actor: string, at: number): TaskResult {
  if (actor !== task.actor)
    return { ok: false, code: 'not-yours', message: `task ${task.id} belongs to ${task.actor}, not ${actor}` };
  if (task.status === 'delivered')
    return {
      ok: false,
      code: 'already-delivered',
      message: `task ${task.id} was delivered at ${isoOrUnknown(task.deliveredAt)}`,
    };
  if (task.status === 'acknowledged')
    return {
      ok: false,
      code: 'already-acknowledged',
      message: `task ${task.id} was acknowledged at ${isoOrUnknown(task.acknowledgedAt)}`,
    };
  return { ok: true, task: { ...task, status: 'acknowledged', acknowledgedAt: at } };
}

/** Delivery with a note (1..4000 characters) and evidence hashes; delivering implies acknowledging. */
export function deliverTask(
  task: ResponseTask,
  actor: string,
  at: number,
  report: { note: string; evidence?: readonly string[] },
): TaskResult {
  if (actor !== task.actor)
    return { ok: false, code: 'not-yours', message: `task ${task.id} belongs to ${task.actor}, not ${actor}` };
  if (task.status === 'delivered')
    return {
      ok: false,
      code: 'already-delivered',
      message: `task ${task.id} was delivered at ${isoOrUnknown(task.deliveredAt)}`,
    };
  if (typeof report.note !== 'string' || report.note.trim().length === 0 || report.note.length > 4000) {
    return { ok: false, code: 'bad-note', message: 'note: say what was delivered, in 1 to 4000 characters' };
  }
  const evidence = [...(report.evidence ?? [])];
  const bad = evidence.findIndex((h) => typeof h !== 'string' || !hashRe.test(h));
  if (bad >= 0)
    return {
      ok: false,
      code: 'bad-evidence',
      message: `evidence[${bad}]: a content hash is "sha256:" followed by 64 lower-case hex digits`,
    };
  return {
    ok: true,
    task: {
      ...task,
      status: 'delivered',
      acknowledgedAt: task.acknowledgedAt ?? at,
      deliveredAt: at,
      note: report.note,
      evidence,
    },
  };
}

/** Whether a delivered task was delivered after its due time. */
export const deliveredLate = (t: ResponseTask): boolean =>
  t.deliveredAt !== undefined && t.dueAt !== null && t.deliveredAt > t.dueAt;

/** The instants at which a task's timers fire: its due time, then each escalation step after it. */
export function taskSchedule(
  plan: ResponsePlan,
  task: ResponseTask,
): { kind: 'task-due' | 'task-escalation'; at: number; step?: number }[] {
  const due = task.dueAt;
  if (due === null) return [];
  return [
    { kind: 'task-due' as const, at: due },
    ...plan.escalation.map((e, step) => ({ kind: 'task-escalation' as const, at: due + e.after, step })),
  ];
}

/**
 * The due time passes: undelivered, the task falls overdue and the failure is recorded at the due time (when
 * the deadline was missed, not when a late timer noticed). Delivered in time: nothing happens.
 */
export function taskFallsDue(plan: ResponsePlan, task: ResponseTask): ResponseTask {
  if (task.dueAt === null || task.overdue || (task.deliveredAt !== undefined && task.deliveredAt <= task.dueAt))
    return task;
  const failure: ResponseFailure = {
    taskId: task.id,
    caseId: task.caseId,
    actor: task.actor,
    role: plan.roles[task.actor] ?? 'unknown',
    action: task.action,
    material: task.material,
    dueAt: task.dueAt,
    at: task.dueAt,
  };
  return { ...task, overdue: true, failure };
}

/** Escalation step `index` falls due: it fires only for an overdue task not yet delivered, and only once. */
export function escalateTask(plan: ResponsePlan, task: ResponseTask, index: number): ResponseTask {
  const e = plan.escalation[index];
  if (!e || task.dueAt === null || !task.overdue || task.status === 'delivered') return task;
  if (task.escalations.some((r) => r.index === index)) return task;
  const at = task.dueAt + e.after;
  const level = task.escalations.filter((r) => r.step === 'escalate').length + (e.step === 'escalate' ? 1 : 0);
  return {
    ...task,
    escalations: [...task.escalations, { index, step: e.step, at, level }],
    ...(e.step === 'public-mark' ? { publicMarkAt: at } : {}),
  };
}

const iso = (t: number): string => new Date(t).toISOString();
const isoOrUnknown = (t: number | undefined): string => (t === undefined ? 'an unrecorded time' : iso(t));
