/**
 * A breach case after it opens: its judgment and, once declared, its response tasks, with the timers that drive
 * both. Pure transitions over a plain-JSON `CaseFile` that return the new file and the timers to schedule; the store
 * persists both in one transaction. `MemoryCasework` runs the same transitions in memory on a `Clock`, for scenario
 * tests and benchmarks.
 */
import type { Package } from '../spec/schema.js';
import type { Clock } from './clock.js';
import {
  castVote,
  expireJudgment,
  judgmentPlan,
  openJudgment,
  unjudged,
  type JudgmentCase,
  type JudgmentPlan,
  type JudgmentState,
  type Rejection,
  type VoteInput,
  type VoteRecord,
} from './judgment.js';
import {
  acknowledgeTask,
  deliverTask,
  escalateTask,
  instantiateTasks,
  responsePlan,
  taskFallsDue,
  type ResponsePlan,
  type ResponseTask,
  type TaskResult,
} from './response.js';
import { escalationTimer, judgmentTimer, taskDueTimer, TimerQueue, type Timer } from './timer.js';
import type { CaseOpening } from './trigger.js';

export interface CasePlans {
  package: string;
  version: string;
  judgment?: JudgmentPlan;
  responses: ResponsePlan;
}

export function casePlans(pkg: Package): CasePlans {
  const j = judgmentPlan(pkg);
  return {
    package: pkg.package,
    version: pkg.version ?? '',
    ...(j ? { judgment: j } : {}),
    responses: responsePlan(pkg),
  };
}

/** A party's request for an inspection (`inspection.ts`), on the case file that carries its task. */
export interface InspectionRequest {
  source: string;
  /** The source's operator: who owes the inspection. */
  operator: string;
  /** The party that asked (the API key's actor). */
  requestedBy: string;
  /** Where, when the request names a zone. */
  zone?: string;
  note: string;
  requestedAt: number;
}

export interface CaseFile {
  version: 1;
  caseId: string;
  severity: string;
  openedAt: number;
  /** What opened it: the trigger id, for the record. */
  trigger?: string;
  attributedTo?: string[];
  judgment: JudgmentState;
  /** `upon: trigger` tasks from the opening, then `upon: declaration` tasks from the declaration (by vote or default). */
  tasks: ResponseTask[];
  /** Set once the declaration's tasks were instantiated, so they are made once. */
  declaredTasks?: boolean;
  /** Set when the file is a party's request for an inspection (`inspection.ts`), not a breach case. */
  inspection?: InspectionRequest;
}

export interface CaseStep {
  file: CaseFile;
  /** Timers to schedule (keys are unique; scheduling one twice is harmless). */
  timers: Timer[];
}

export interface CaseOpeningInput extends JudgmentCase {
  trigger?: string;
}

/** What the pipeline's case opening tells judgment: the attributed party (unless undetermined) for recusal. */
export function fromCaseOpening(c: CaseOpening): CaseOpeningInput {
  return {
    caseId: c.id,
    severity: c.severity,
    openedAt: c.openedAt,
    trigger: c.trigger,
    attributedTo: c.party === 'undetermined' ? [] : [c.party],
  };
}

export function openCase(plans: CasePlans, c: CaseOpeningInput): CaseStep {
  const judgment = plans.judgment ? openJudgment(plans.judgment, c) : unjudged(c);
  const file: CaseFile = {
    version: 1,
    caseId: c.caseId,
    severity: c.severity,
    openedAt: c.openedAt,
    ...(c.trigger === undefined ? {} : { trigger: c.trigger }),
    ...(c.attributedTo === undefined ? {} : { attributedTo: [...c.attributedTo] }),
    judgment,
    tasks: [],
  };
  const timers = judgment.deadline !== null && !judgment.outcome ? [judgmentTimer(c.caseId, judgment.deadline)] : [];
  // Responses each responder owes on the trigger alone (`upon: trigger`) start with the case, whatever the judgment.
  const onTrigger = instantiateTasks(plans.responses, {
    caseId: c.caseId,
    severity: c.severity,
    declaredAt: c.openedAt,
    upon: 'trigger',
  });
  return afterJudgment(plans, { ...file, tasks: onTrigger }, [...timers, ...timersFor(file.caseId, onTrigger)]);
}

export type CaseVoteResult =
  (CaseStep & { ok: true; vote: VoteRecord }) | (CaseStep & { ok: false; rejection: Rejection });

export function voteOnCase(plans: CasePlans, file: CaseFile, v: VoteInput): CaseVoteResult {
  if (!plans.judgment) {
    const rejection: Rejection = {
      code: 'not-a-member',
      message: 'the package names no judgment body',
      member: v.member,
      choice: String(v.choice),
      at: v.at,
      ...(v.signed ? { signed: v.signed } : {}),
      ...(v.salt ? { salt: v.salt } : {}),
    };
    return {
      ok: false,
      file: { ...file, judgment: { ...file.judgment, rejections: [...file.judgment.rejections, rejection] } },
      timers: [],
      rejection,
    };
  }
  const r = castVote(plans.judgment, file.judgment, v);
  const step = afterJudgment(plans, { ...file, judgment: r.state }, []);
  return r.ok ? { ok: true, ...step, vote: r.vote } : { ok: false, ...step, rejection: r.rejection };
}

/** Fires one due timer. A timer whose effect no longer applies (task delivered, case decided) changes nothing. */
export function fireTimer(plans: CasePlans, file: CaseFile, timer: Timer): CaseStep {
  if (timer.caseId !== file.caseId)
    throw new RangeError(`timer ${timer.key} is for case ${timer.caseId}, not ${file.caseId}`);
  switch (timer.kind) {
    case 'judgment-deadline': {
      if (!plans.judgment) return { file, timers: [] };
      return afterJudgment(plans, { ...file, judgment: expireJudgment(plans.judgment, file.judgment, timer.at) }, []);
    }
    case 'task-due':
    case 'task-escalation': {
      // Escalation steps are chained: each is scheduled when the one before it fires and finds the task still
      // overdue and undelivered, so a delivered task leaves no timers behind.
      const step = timer.kind === 'task-due' ? -1 : timer.step;
      const taskId = timer.taskId;
      if (step === undefined || taskId === undefined)
        throw new Error(`${timer.kind} timer ${timer.key}: no task or step`);
      const before = file.tasks.find((t) => t.id === taskId);
      const next = updateTask(file, taskId, (t) =>
        step < 0 ? taskFallsDue(plans.responses, t) : escalateTask(plans.responses, t, step),
      );
      const after = next.tasks.find((t) => t.id === taskId);
      const e = plans.responses.escalation[step + 1];
      const fired = after !== undefined && after !== before && after.overdue && after.status !== 'delivered';
      if (fired && after.dueAt === null) throw new Error(`task ${after.id}: overdue without a due time`);
      return {
        file: next,
        timers:
          fired && e && after.dueAt !== null
            ? [escalationTimer(file.caseId, after.id, step + 1, after.dueAt + e.after)]
            : [],
      };
    }
  }
}

/**
 * Whether a scheduled timer still has an effect to fire, judged from the case's logged state alone (its judgment and
 * the task the timer is about), so a server can rebuild its pending timers from the log and an auditor can tell a
 * timer marked fired without its effect. Mirrors the no-op conditions of `fireTimer`: a decided case, a task
 * already overdue or delivered in time, an escalation step already taken or no longer due.
 */
export function timerPending(
  timer: Timer,
  judgment: { deadline: number | null; outcome?: unknown } | undefined,
  task: ResponseTask | undefined,
): boolean {
  switch (timer.kind) {
    case 'judgment-deadline':
      return judgment !== undefined && judgment.deadline !== null && judgment.outcome === undefined;
    case 'task-due':
      return (
        task !== undefined &&
        task.dueAt !== null &&
        !task.overdue &&
        !(task.deliveredAt !== undefined && task.deliveredAt <= task.dueAt)
      );
    case 'task-escalation':
      return (
        task !== undefined &&
        task.dueAt !== null &&
        task.overdue &&
        task.status !== 'delivered' &&
        !task.escalations.some((e) => e.index === timer.step)
      );
  }
}

/**
 * One store transaction's share of a timer pass: fires `due` (the claimed cases' due timers) and every timer that
 * firing creates and that falls due by `now`, in firing order, on the files in `files` (updated in place). `schedule`
 * stores a created timer and says whether it is new (a key scheduled before is not fired again). A timer whose case
 * has no file fires without effect. Returns the timers fired, in order.
 */
export function fireDue(
  files: Map<string, CaseFile>,
  due: readonly Timer[],
  now: number,
  fire: (file: CaseFile, timer: Timer) => CaseStep,
  schedule: (t: Timer) => boolean,
): Timer[] {
  const queue = new TimerQueue();
  for (const t of due) queue.add(t);
  const fired: Timer[] = [];
  for (let t = queue.popIfDue(now); t; t = queue.popIfDue(now)) {
    const file = files.get(t.caseId);
    if (file) {
      const step = fire(file, t);
      files.set(t.caseId, step.file);
      for (const n of step.timers) if (schedule(n) && n.at <= now) queue.add(n);
    }
    fired.push(t);
  }
  return fired;
}

export type CaseTaskResult =
  | { ok: true; file: CaseFile; task: ResponseTask }
  | { ok: false; code: 'no-such-task' | TaskResultCode; message: string };
type TaskResultCode = Extract<TaskResult, { ok: false }>['code'];

export function acknowledgeCaseTask(file: CaseFile, id: string, actor: string, at: number): CaseTaskResult {
  return onTask(file, id, (t) => acknowledgeTask(t, actor, at));
}

export function deliverCaseTask(
  file: CaseFile,
  id: string,
  actor: string,
  at: number,
  report: { note: string; evidence?: readonly string[] },
): CaseTaskResult {
  return onTask(file, id, (t) => deliverTask(t, actor, at, report));
}

function onTask(file: CaseFile, id: string, f: (t: ResponseTask) => TaskResult): CaseTaskResult {
  const task = file.tasks.find((t) => t.id === id);
  if (!task) return { ok: false, code: 'no-such-task', message: `case ${file.caseId} has no task ${id}` };
  const r = f(task);
  if (!r.ok) return r;
  return { ok: true, file: updateTask(file, id, () => r.task), task: r.task };
}

function updateTask(file: CaseFile, id: string, f: (t: ResponseTask) => ResponseTask): CaseFile {
  let changed = false;
  const tasks = file.tasks.map((t) => {
    if (t.id !== id) return t;
    const n = f(t);
    changed ||= n !== t;
    return n;
  });
  return changed ? { ...file, tasks } : file;
}

/** A declaration (by vote or by default) instantiates the responses once, due from the declaration instant. */
function afterJudgment(plans: CasePlans, file: CaseFile, timers: Timer[]): CaseStep {
  const o = file.judgment.outcome;
  if (!o || o.effect !== 'declare' || file.declaredTasks) return { file, timers };
  const tasks = instantiateTasks(plans.responses, {
    caseId: file.caseId,
    severity: file.severity,
    declaredAt: o.at,
    upon: 'declaration',
  });
  return {
    file: { ...file, tasks: [...file.tasks, ...tasks], declaredTasks: true },
    timers: [...timers, ...timersFor(file.caseId, tasks)],
  };
}

/** Each task's due time; its escalation steps are scheduled one at a time once it falls overdue. */
function timersFor(caseId: string, tasks: readonly ResponseTask[]): Timer[] {
  const out: Timer[] = [];
  for (const t of tasks) if (t.dueAt !== null) out.push(taskDueTimer(caseId, t.id, t.dueAt));
  return out;
}

/** Response failures across cases, in the order they happened: the listing that puts failing guarantors on the record. */
export function responseFailures(files: Iterable<CaseFile>) {
  const out = [];
  for (const f of files) for (const t of f.tasks) if (t.failure) out.push(t.failure);
  return out.sort((a, b) => a.at - b.at || (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
}

/**
 * The casework of one package in memory, on a clock: cases, their timers in a queue, and a `tick` that fires
 * whatever fell due, in order, each exactly once. Votes and task updates first fire what fell due before them.
 */
export class MemoryCasework {
  readonly files = new Map<string, CaseFile>();
  readonly queue = new TimerQueue();
  /** Every timer fired, in order, for the record and for tests. */
  readonly fired: Timer[] = [];

  constructor(
    readonly plans: CasePlans,
    readonly clock: Clock,
  ) {}

  open(c: Omit<CaseOpeningInput, 'openedAt'> & { openedAt?: number }): CaseFile {
    if (this.files.has(c.caseId)) throw new RangeError(`case ${c.caseId} is already open`);
    const step = openCase(this.plans, { ...c, openedAt: c.openedAt ?? this.clock.now() });
    this.#save(step);
    return step.file;
  }

  vote(caseId: string, v: Omit<VoteInput, 'at'>): CaseVoteResult {
    this.tick();
    const r = voteOnCase(this.plans, this.#file(caseId), { ...v, at: this.clock.now() });
    this.#save(r);
    return r;
  }

  acknowledge(caseId: string, taskId: string, actor: string): CaseTaskResult {
    this.tick();
    const r = acknowledgeCaseTask(this.#file(caseId), taskId, actor, this.clock.now());
    if (r.ok) this.files.set(caseId, r.file);
    return r;
  }

  deliver(
    caseId: string,
    taskId: string,
    actor: string,
    report: { note: string; evidence?: readonly string[] },
  ): CaseTaskResult {
    this.tick();
    const r = deliverCaseTask(this.#file(caseId), taskId, actor, this.clock.now(), report);
    if (r.ok) this.files.set(caseId, r.file);
    return r;
  }

  /** Fires every timer due now, in firing order, including ones that firing creates; returns them. */
  tick(): Timer[] {
    const now = this.clock.now();
    const out: Timer[] = [];
    for (let t = this.queue.popIfDue(now); t; t = this.queue.popIfDue(now)) {
      this.#save(fireTimer(this.plans, this.#file(t.caseId), t));
      out.push(t);
    }
    this.fired.push(...out);
    return out;
  }

  /** Everything this casework holds, as JSON: what a store would have kept. */
  snapshot(): { files: CaseFile[]; timers: Timer[] } {
    return JSON.parse(JSON.stringify({ files: [...this.files.values()], timers: this.queue.toArray() })) as {
      files: CaseFile[];
      timers: Timer[];
    };
  }

  /** A casework rebuilt from a snapshot, as a restarted server rebuilds from its store. */
  static restore(plans: CasePlans, clock: Clock, s: { files: CaseFile[]; timers: Timer[] }): MemoryCasework {
    const w = new MemoryCasework(plans, clock);
    for (const f of s.files) w.files.set(f.caseId, f);
    for (const t of s.timers) w.queue.add(t);
    return w;
  }

  get(caseId: string): CaseFile | undefined {
    return this.files.get(caseId);
  }

  #file(caseId: string): CaseFile {
    const f = this.files.get(caseId);
    if (!f) throw new RangeError(`no case ${caseId}`);
    return f;
  }

  #save(step: CaseStep): void {
    this.files.set(step.file.caseId, step.file);
    for (const t of step.timers) this.queue.add(t);
  }
}
