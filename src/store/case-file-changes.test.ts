import { describe, expect, it } from 'vitest';
import { casePlans, MemoryCasework, ManualClock, type CaseFile, type Timer } from '../core/ops/index.js';
import type { LogEntry, TextLogEntry } from '../core/ports/tlog.js';
import { DAY, HOUR, MINUTE } from '../core/spec/units.js';
import { examplePackage } from '../../test/support/app.js';
import { caseFileChanges } from './case-file-changes.js';
import { caseFileEntries, entryBytes, timerEntry } from './log-entries.js';

const bytesOf = (e: LogEntry | TextLogEntry) => Buffer.from(entryBytes(e) ?? new Uint8Array(0)).toString('utf8');
/** What the log held for a record before: the entry built from the file as JSON.stringify stores it. */
const asStoredFile = (f: CaseFile) => JSON.parse(JSON.stringify(f)) as CaseFile;

describe('a case file change: the entries and task rows it writes', () => {
  const pkg = examplePackage.model;
  if (!pkg) throw new Error('the example package does not load');
  const plans = casePlans(pkg);
  const T0 = Date.UTC(2026, 6, 1);

  function run(): { snapshots: CaseFile[][] } {
    const clock = new ManualClock(T0);
    const work = new MemoryCasework(plans, clock);
    const snapshots: CaseFile[][] = [];
    const snap = () => snapshots.push([...work.files.values()]);
    for (let i = 0; i < 30; i++) {
      clock.set(T0 + i * MINUTE);
      const id = `case-${i}`;
      work.open({ caseId: id, severity: ['minor', 'serious', 'armed-attack'][i % 3]!, attributedTo: ['RU'] });
      work.vote(id, { member: 'FR', choice: 'declare' });
      if (i % 2 === 0) work.vote(id, { member: 'UK', choice: 'declare' });
    }
    snap();
    for (const at of [T0 + 48 * HOUR, T0 + 5 * DAY, T0 + 14 * DAY]) {
      clock.set(at);
      work.tick();
      snap();
    }
    return { snapshots };
  }

  it('gives, for every record that changed, the bytes caseFileEntries gives it, and no entry for the rest', () => {
    const { snapshots } = run();
    let tasks = 0;
    for (let s = 1; s < snapshots.length; s++) {
      const before = new Map(snapshots[s - 1]!.map((f) => [f.caseId, f]));
      for (const after of snapshots[s]!) {
        const was = before.get(after.caseId);
        if (!was || was === after) continue;
        const changes = caseFileChanges(was, after);
        const old = new Map(caseFileEntries(asStoredFile(was)).map((e) => [e.recordId, bytesOf(e)]));
        const now = caseFileEntries(asStoredFile(after));
        // Every entry whose bytes differ from the record's entry before is there, in caseFileEntries' order.
        const expected = now.filter((e) => old.get(e.recordId) !== bytesOf(e)).map((e) => [e.recordId, bytesOf(e)]);
        const got = changes.entries.map((e) => [e.recordId, bytesOf(e)]);
        // Unchanged records may appear (the log compares them with their latest entry), changed ones must.
        for (const x of expected) expect(got).toContainEqual(x);
        const nowBytes = new Map(now.map((e) => [e.recordId, bytesOf(e)]));
        for (const [id, b] of got) expect(b).toBe(nowBytes.get(id as string));
        for (const { task, doc } of changes.tasks) {
          expect(JSON.parse(doc)).toEqual(JSON.parse(JSON.stringify(task)));
          tasks++;
        }
        expect(changes.removed).toEqual([]);
      }
    }
    expect(tasks).toBeGreaterThan(30);
  });

  it('lists the tasks a file no longer holds', () => {
    const { snapshots } = run();
    const withTasks = snapshots.at(-1)!.find((f) => f.tasks.length > 1)!;
    const [first, ...rest] = withTasks.tasks;
    const changes = caseFileChanges(withTasks, { ...withTasks, tasks: rest });
    expect(changes.removed).toEqual([first]);
    expect(changes.tasks).toEqual([]);
  });
});

describe('timer entries', () => {
  it('log the bytes of the timer as its row keeps it, whatever the key order or undefined members', () => {
    const timers: Timer[] = [
      { key: 'judgment:c1', kind: 'judgment-deadline', at: 1_780_000_000_000, caseId: 'c1' },
      { key: 'due:c1/t', kind: 'task-due', at: 1_780_000_000_001, caseId: 'c1', taskId: 'c1/t', step: undefined },
      { step: 2, taskId: 'c1/t', caseId: 'c1', at: 5, kind: 'task-escalation', key: 'escalation:c1/t:2' },
      { key: 'q"é', kind: 'task-due', at: -0, caseId: 'c"2', taskId: undefined },
    ];
    for (const t of timers) {
      const old: LogEntry = {
        kind: 'timer',
        recordId: t.key,
        record: { timer: JSON.parse(JSON.stringify(t)) as never },
      };
      expect(bytesOf(timerEntry(t))).toBe(bytesOf(old));
    }
  });
});
