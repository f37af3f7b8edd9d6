/**
 * The log entries a case file's change adds. The pure transitions (core/ops/casework.ts) share what they leave
 * unchanged: a task or vote that is the same object as before was logged when the file before was written (every
 * case file write logs its changes, in its transaction), so only the rest are built, checked against the log's
 * latest entry and hashed; on a deadline pass that skips the running tasks and the votes.
 */
import type { CaseFile } from '../core/ops/index.js';
import type { LogEntry } from '../core/ports/tlog.js';
import { caseFileEntries } from './log-entries.js';

export function changedCaseFileEntries(before: CaseFile, after: CaseFile): LogEntry[] {
  const tasks = new Set(before.tasks);
  const votes = new Set(before.judgment.votes);
  const same = new Set<string>();
  after.judgment.rejections.forEach((r, i) => {
    if (before.judgment.rejections[i] === r) same.add(`${after.caseId}/rejection/${i + 1}`);
  });
  const changed: CaseFile = {
    ...after,
    tasks: after.tasks.filter((t) => !tasks.has(t)),
    judgment: { ...after.judgment, votes: after.judgment.votes.filter((v) => !votes.has(v)) },
  };
  return caseFileEntries(changed).filter((e) => !same.has(e.recordId));
}
