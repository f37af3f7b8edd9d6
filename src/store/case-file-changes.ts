/**
 * What a case file's change writes. The pure transitions (core/ops/casework.ts) share what they leave unchanged: a
 * task or vote that is the same object as before was logged (and its task row written) when the file before was
 * stored (every case file write logs its changes, in its transaction), so only the rest are built, checked against
 * the log's latest entry and hashed; on a deadline pass that skips the running tasks and the votes.
 *
 * A changed task is serialised once: its canonical JSON is both its `task-change` entry's record and its
 * `case_tasks` document (any JSON text of the task serves the row, which is read with JSON.parse and never hashed).
 */
import type { CaseFile, ResponseTask } from '../core/ops/index.js';
import type { LogEntry, TextLogEntry } from '../core/ports/tlog.js';
import { canonicalStoredJson } from '../core/tlog/canonical-json.js';
import { caseFileEntries } from './log-entries.js';

export interface CaseFileChanges {
  /** The entries, in `caseFileEntries` order (the file, votes, refused votes, tasks). */
  entries: (LogEntry | TextLogEntry)[];
  /** The tasks that are new or changed, each with its canonical JSON (the task row's document). */
  tasks: { task: ResponseTask; doc: string }[];
  /** Tasks the file no longer holds. */
  removed: ResponseTask[];
}

export function caseFileChanges(before: CaseFile, after: CaseFile): CaseFileChanges {
  const kept = new Set(before.tasks);
  const votes = new Set(before.judgment.votes);
  const same = new Set<string>();
  after.judgment.rejections.forEach((r, i) => {
    if (before.judgment.rejections[i] === r) same.add(`${after.caseId}/rejection/${i + 1}`);
  });
  const header: CaseFile = {
    ...after,
    tasks: [],
    judgment: { ...after.judgment, votes: after.judgment.votes.filter((v) => !votes.has(v)) },
  };
  const entries: (LogEntry | TextLogEntry)[] = caseFileEntries(header).filter((e) => !same.has(e.recordId));
  const tasks: CaseFileChanges['tasks'] = [];
  for (const task of after.tasks) {
    if (kept.has(task)) continue;
    const doc = canonicalStoredJson(task);
    tasks.push({ task, doc });
    // caseFileEntries' task entry, `{task}` as stored, from the text already built.
    entries.push({ kind: 'task-change', recordId: task.id, text: `{"task":${doc}}` });
  }
  const ids = new Set(after.tasks.map((t) => t.id));
  return { entries, tasks, removed: before.tasks.filter((t) => !ids.has(t.id)) };
}
