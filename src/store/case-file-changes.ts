/**
 * What a case file's change writes: one `case-step` log entry for the transition (docs/tlog.md, "Case steps"),
 * carrying the unsealed records it changed (the case's judgment state, its new or changed tasks, the timers it set),
 * plus the sealed votes and refused votes it added, each its own entry (each has its own salt and opening).
 *
 * The pure transitions (core/ops/casework.ts) share what they leave unchanged: a task or vote that is the same object
 * as in the file before was logged (and its task row written) when that file was stored, so only the rest are
 * serialised, and nothing is looked up in the log. A changed task is serialised once: its canonical JSON is both its
 * record in the step and its `case_tasks` document (any JSON text of the task serves the row, which is read with
 * JSON.parse and never hashed).
 */
import type { CaseFile, ResponseTask, Timer } from '../core/ops/index.js';
import type { LogEntry, TextLogEntry } from '../core/ports/tlog.js';
import { canonicalStoredJson } from '../core/tlog/canonical-json.js';
import { caseFileEntries, caseStepEntry, timerText } from './log-entries.js';

export interface CaseFileChanges {
  /** The entries: the new votes and refused votes (sealed), then the step, when anything else changed. */
  entries: (LogEntry | TextLogEntry)[];
  /** The tasks that are new or changed, each with its canonical JSON (the task row's document). */
  tasks: { task: ResponseTask; doc: string }[];
  /** Tasks the file no longer holds. */
  removed: ResponseTask[];
}

/**
 * The change from `before` (undefined: a new file) to `after`, with `timers`, the timers the transition set that are
 * new (stored for the first time in this transaction).
 */
export function caseFileChanges(
  before: CaseFile | undefined,
  after: CaseFile,
  timers: readonly Timer[] = [],
): CaseFileChanges {
  const kept = new Set(before?.tasks);
  const votes = new Set(before?.judgment.votes);
  const rejections = new Set(before?.judgment.rejections);
  const header = caseFileEntries({
    ...after,
    tasks: [],
    judgment: {
      ...after.judgment,
      votes: after.judgment.votes.filter((v) => !votes.has(v)),
      rejections: after.judgment.rejections.filter((r) => !rejections.has(r)),
    },
  });
  // caseFileEntries numbers refused votes by position: renumber the new ones after those kept.
  const firstNew = after.judgment.rejections.length - header.filter((e) => e.recordId.includes('/rejection/')).length;
  const entries: (LogEntry | TextLogEntry)[] = [];
  let file: string | undefined;
  let n = firstNew;
  for (const e of header) {
    if (e.kind === 'case-event' && e.recordId.endsWith('/file')) {
      if (!before || headerChanged(before, after)) file = canonicalStoredJson(e.record['file']);
    } else if (e.kind === 'case-event') {
      n++;
      entries.push(rejectionEntry(after, n));
    } else entries.push(e);
  }
  const tasks: CaseFileChanges['tasks'] = [];
  for (const task of after.tasks) if (!kept.has(task)) tasks.push({ task, doc: canonicalStoredJson(task) });
  if (file !== undefined || tasks.length || timers.length)
    entries.push(
      caseStepEntry(
        after.caseId,
        file,
        tasks.map((t) => t.doc),
        timers.map(timerText),
      ),
    );
  const ids = new Set(after.tasks.map((t) => t.id));
  return { entries, tasks, removed: before ? before.tasks.filter((t) => !ids.has(t.id)) : [] };
}

/**
 * The case file's document: what JSON.stringify gives for it, with its tasks last and each new or changed task as the
 * canonical text its record and row already hold (the document is read with JSON.parse, so any JSON text of a task
 * serves it): a changed task is serialised once per write, not again inside its file.
 */
export function caseFileDoc(f: CaseFile, changes: CaseFileChanges): string {
  const texts = new Map<ResponseTask, string>();
  for (const t of changes.tasks) texts.set(t.task, t.doc);
  let doc = `${JSON.stringify({ ...f, tasks: undefined }).slice(0, -1)},"tasks":[`;
  let first = true;
  for (const t of f.tasks) {
    doc += `${first ? '' : ','}${texts.get(t) ?? JSON.stringify(t)}`;
    first = false;
  }
  return `${doc}]}`;
}

/** The entry of the file's `n`th refused vote (from 1), as caseFileEntries numbers it. */
function rejectionEntry(f: CaseFile, n: number): LogEntry {
  const e = caseFileEntries({ ...f, tasks: [], judgment: { ...f.judgment, votes: [] } }).find(
    (x) => x.recordId === `${f.caseId}/rejection/${n}`,
  );
  if (!e) throw new Error(`bug: case ${f.caseId} has no refused vote ${n}`);
  return e;
}

/** Whether the case-file record (the file without tasks, votes and refused votes) changed: by identity, field by field. */
function headerChanged(before: CaseFile, after: CaseFile): boolean {
  const differ = (a: object, b: object, skip: ReadonlySet<string>) => {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) if (!skip.has(k) && x[k] !== y[k]) return true;
    return false;
  };
  return (
    differ(before, after, skipFile) ||
    (before.judgment !== after.judgment && differ(before.judgment, after.judgment, skipJudgment))
  );
}
const skipFile: ReadonlySet<string> = new Set(['tasks', 'judgment']);
const skipJudgment: ReadonlySet<string> = new Set(['votes', 'rejections']);
