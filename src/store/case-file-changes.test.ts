import { describe, expect, it } from 'vitest';
import { casePlans, MemoryCasework, ManualClock, type CaseFile, type Timer } from '../core/ops/index.js';
import type { LogEntry, TextLogEntry } from '../core/ports/tlog.js';
import { DAY, HOUR, MINUTE } from '../core/spec/units.js';
import { examplePackage } from '../../test/support/app.js';
import { caseFileChanges, caseFileDoc } from './case-file-changes.js';
import {
  caseFileEntries,
  caseOfRecord,
  caseStepEntry,
  caseStepRecords,
  entryBytes,
  recordIdOf,
  timerEntry,
  timerText,
} from './log-entries.js';
import { decodeEntry } from '../core/tlog/entry.js';

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

  /** Each case file a pass changed, with the file before it. */
  function* changedPairs(): Generator<[CaseFile, CaseFile]> {
    const { snapshots } = run();
    for (let s = 1; s < snapshots.length; s++) {
      const before = new Map(snapshots[s - 1]!.map((f) => [f.caseId, f]));
      for (const after of snapshots[s]!) {
        const was = before.get(after.caseId);
        if (was && was !== after) yield [was, after];
      }
    }
  }

  it('logs every record that changed, in one case step, with the bytes its own entry would have, and no other record', () => {
    let tasks = 0;
    for (const [was, after] of changedPairs()) {
      const changes = caseFileChanges(was, after);
      const old = new Map(caseFileEntries(asStoredFile(was)).map((e) => [e.recordId, bytesOf(e)]));
      const now = caseFileEntries(asStoredFile(after));
      // Every entry whose bytes differ from the record's entry before is there, in caseFileEntries' order.
      const expected = now.filter((e) => old.get(e.recordId) !== bytesOf(e)).map((e) => [e.recordId, bytesOf(e)]);
      // One step holds the unsealed records that changed, each as its own entry would: exactly those that changed.
      const steps = changes.entries.filter((e) => e.kind === 'case-step');
      expect(steps.length).toBe(1);
      const got = changes.entries.flatMap((e) => {
        if (e.kind !== 'case-step') return [[e.recordId, bytesOf(e)]];
        const d = decodeEntry(entryBytes(e)!);
        if (!d.ok) throw d.error;
        const subs = caseStepRecords(d.entry.record);
        if (typeof subs === 'string') throw new Error(subs);
        return subs.map((x) => [x.recordId, bytesOf(x)]);
      });
      expect(got).toEqual(expected);
      for (const { task, doc } of changes.tasks) {
        expect(JSON.parse(doc)).toEqual(JSON.parse(JSON.stringify(task)));
        tasks++;
      }
      expect(changes.removed).toEqual([]);
    }
    expect(tasks).toBeGreaterThan(30);
  });

  it("writes the file's document as JSON.stringify stores it, each changed task in the text of its row", () => {
    let docs = 0;
    for (const [was, after] of changedPairs()) {
      const changes = caseFileChanges(was, after);
      const doc = caseFileDoc(after, changes);
      expect(JSON.parse(doc)).toEqual(JSON.parse(JSON.stringify(after)));
      for (const t of changes.tasks) expect(doc).toContain(t.doc);
      docs++;
    }
    expect(docs).toBeGreaterThan(30);
    const file = run().snapshots[0]![0]!;
    expect(JSON.parse(caseFileDoc(file, caseFileChanges(file, file)))).toEqual(JSON.parse(JSON.stringify(file)));
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

describe('case steps', () => {
  const timers: Timer[] = [
    { key: 'judgment:c1', kind: 'judgment-deadline', at: 1_780_000_000_000, caseId: 'c1' },
    { key: 'due:c1/minor/0/FR', kind: 'task-due', at: 1_780_000_000_001, caseId: 'c1', taskId: 'c1/minor/0/FR' },
    {
      key: 'escalation:c1/minor/0/FR:2',
      kind: 'task-escalation',
      at: 5,
      caseId: 'c1',
      taskId: 'c1/minor/0/FR',
      step: 2,
    },
  ];

  it('hold each timer as its own entry would, and name the case of every casework record', () => {
    const step = caseStepEntry(
      'c1',
      undefined,
      [],
      timers.map((t) => timerText(t)),
    );
    const d = decodeEntry(entryBytes(step)!);
    if (!d.ok) throw d.error;
    expect(recordIdOf('case-step', d.entry.record)).toBe('c1/step');
    const subs = caseStepRecords(d.entry.record);
    if (typeof subs === 'string') throw new Error(subs);
    expect(subs.map(bytesOf)).toEqual(timers.map((t) => bytesOf(timerEntry(t))));
    for (const t of timers) expect(caseOfRecord('timer', t.key)).toBe('c1');
    expect(caseOfRecord('task-change', 'c1/minor/0/FR')).toBe('c1');
    expect(caseOfRecord('case-event', 'c1/file')).toBe('c1');
    expect(caseOfRecord('case-event', 'c1/opened')).toBeUndefined();
    expect(caseOfRecord('vote', 'c1/vote/1')).toBeUndefined();
  });

  it('refuse a record of another case', () => {
    const step = caseStepEntry('c2', undefined, [], [timerText(timers[0]!)]);
    const d = decodeEntry(entryBytes(step)!);
    if (!d.ok) throw d.error;
    expect(caseStepRecords(d.entry.record)).toMatch(/timers\[0\]: not a timer of c2/);
  });
});
