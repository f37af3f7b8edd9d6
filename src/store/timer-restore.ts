/**
 * Timers from the log (docs/operations/judgment.md, "Timers come from the log"). Every timer is logged when it is
 * scheduled (a `timer` entry), and the state that says whether it still has an effect to fire (the case's judgment,
 * the task's status) is logged with every change of the case file. So the `timers` table is a cache: on start the
 * server reads the latest `timer`, case-file and `task-change` entries and rebuilds it, re-arming every timer whose
 * effect is not yet in the logged state and dropping any row the log never scheduled. A `case-step` entry holds
 * several of these records at once. Deleting the table's rows,
 * marking a timer fired without its effect, or moving its time changes nothing after a restart.
 */
import { timerPending, type ResponseTask, type Timer } from '../core/ops/index.js';
import { decodeEntry } from '../core/tlog/index.js';
import { caseStepRecords } from './log-entries.js';

/** What a logged case file says about its deadline. */
type LoggedJudgment = { deadline: number | null; outcome?: unknown };

/** A casework entry as read back from the log: index, kind, record id and bytes (these kinds keep their bytes). */
export interface LoggedRow {
  idx: number | string;
  kind: string;
  record_id: string;
  entry: Uint8Array | null;
}

export interface TimerPlan {
  /** Timers whose effect is not in the logged state: armed (unfired, with the logged time) after the restore. */
  pending: Timer[];
  /** Timers the log scheduled whose effect is logged: kept (or put back) as fired. */
  spent: Timer[];
}

/**
 * The logged timers split into pending and spent, from the latest `timer`, case-file and `task-change` records, each
 * from its own entry or from a `case-step` entry that holds it (docs/tlog.md, "Case steps"), in log order.
 */
export function timerPlan(rows: Iterable<LoggedRow>): TimerPlan {
  const timers = new Map<string, Timer>();
  const judgments = new Map<string, LoggedJudgment>();
  const tasks = new Map<string, ResponseTask>();
  const read = (kind: string, recordId: string, rec: Record<string, unknown>) => {
    if (kind === 'timer') timers.set(recordId, rec['timer'] as unknown as Timer);
    else if (kind === 'task-change') tasks.set(recordId, rec['task'] as unknown as ResponseTask);
    else if (kind === 'case-event' && rec['event'] === 'case-file') {
      const file = rec['file'] as { caseId: string; judgment: LoggedJudgment };
      judgments.set(file.caseId, file.judgment);
    }
  };
  for (const r of [...rows].sort((a, b) => Number(a.idx) - Number(b.idx))) {
    if (!r.entry) continue;
    const d = decodeEntry(r.entry);
    if (!d.ok) continue; // a damaged entry is the audit's finding; it schedules nothing
    if (r.kind !== 'case-step') {
      read(r.kind, r.record_id, d.entry.record);
      continue;
    }
    const subs = caseStepRecords(d.entry.record);
    if (typeof subs !== 'string') for (const s of subs) read(s.kind, s.recordId, s.record);
  }
  const plan: TimerPlan = { pending: [], spent: [] };
  for (const t of timers.values()) {
    const pending = timerPending(t, judgments.get(t.caseId), t.taskId ? tasks.get(t.taskId) : undefined);
    (pending ? plan.pending : plan.spent).push(t);
  }
  return plan;
}

/**
 * The entries `timerPlan` reads (it orders them by index; only the latest of a record counts); one query per kind,
 * with the kind literal, so the partial record indexes apply on both databases.
 */
export const timerPlanQueries = [
  `SELECT idx, kind, record_id, entry FROM tlog_entry WHERE kind = 'timer' ORDER BY idx`,
  `SELECT idx, kind, record_id, entry FROM tlog_entry WHERE kind = 'task-change' ORDER BY idx`,
  `SELECT idx, kind, record_id, entry FROM tlog_entry WHERE kind = 'case-event' AND record_id LIKE '%/file' ORDER BY idx`,
  `SELECT idx, kind, record_id, entry FROM tlog_entry WHERE kind = 'case-step' ORDER BY idx`,
];

/** Whether a stored timer row says what the logged timer says. */
export function sameTimer(a: Timer, b: Timer): boolean {
  return (
    a.key === b.key &&
    a.kind === b.kind &&
    a.at === b.at &&
    a.caseId === b.caseId &&
    (a.taskId ?? null) === (b.taskId ?? null) &&
    (a.step ?? 0) === (b.step ?? 0)
  );
}
