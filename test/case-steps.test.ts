/**
 * Case steps (docs/tlog.md, "Case steps") over a log written before them: a case adopted the old way (one entry per
 * record: its case file, each task, each timer) and one adopted as a step, then votes, the deadline pass and the task
 * passes as steps. The audit finds nothing, the timers rebuilt from the log are the stored ones, a record's latest
 * entry is its own or a later step of its case, and a task changed behind a step is named.
 */
import { describe, expect, it } from 'vitest';
import {
  casePlans,
  fromCaseOpening,
  ManualClock,
  openCase,
  voteOnCase,
  type CaseOpening,
} from '../src/core/ops/index.js';
import { DAY, HOUR, MINUTE } from '../src/core/spec/units.js';
import { CaseworkService } from '../src/server/casework.js';
import { fileColumns, regionList, taskRow } from '../src/store/case-board.js';
import { auditLog } from '../src/store/log-audit.js';
import { caseFileEntries, caseOpeningEntry, timerEntry } from '../src/store/log-entries.js';
import { SqliteCaseworkStore } from '../src/store/sqlite/casework-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { appendEntries, SqliteLog, sqliteAuditSource } from '../src/store/sqlite/tlog-store.js';
import { timerRank } from '../src/core/ops/index.js';
import { examplePackage } from './support/app.js';

const pkg = examplePackage.model!;
const plans = casePlans(pkg);
const T0 = Date.UTC(2026, 6, 1);

function opening(id: string, severity: string, at: number): CaseOpening {
  return {
    id,
    key: id,
    trigger: 't',
    severity,
    party: 'RU',
    windowStart: T0,
    windowEnd: null,
    breachAt: T0,
    openedAt: at,
    evidence: [],
    revision: 1,
  } as unknown as CaseOpening;
}

describe('case steps', () => {
  it('continue a log written one entry per record: audited clean, timers restored, records found', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const db = store.db;
    const insert = db.prepare(
      'INSERT INTO cases (id, case_key, trigger_id, severity, party, opened_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const old = opening('case-old', 'minor', T0);
    const now = opening('case-new', 'serious', T0 + MINUTE);
    for (const c of [old, now]) insert.run(c.id, c.id, 't', c.severity, 'RU', c.openedAt, JSON.stringify(c));
    db.transaction(() =>
      appendEntries(
        db,
        [old, now].map((c) => caseOpeningEntry(JSON.parse(JSON.stringify(c)) as never)),
      ),
    ).immediate();

    // The old case adopted as a server before case steps did: each record its own entry.
    db.transaction(() => {
      const step = openCase(plans, fromCaseOpening(old));
      const f = JSON.parse(JSON.stringify(step.file)) as typeof step.file;
      const k = fileColumns(f);
      db.prepare(
        'INSERT INTO case_files (case_id, opened_at, status, deadline, decided_at, effect, responding, regions, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        f.caseId,
        f.openedAt,
        'open',
        f.judgment.deadline,
        k.decidedAt,
        k.effect,
        k.responding,
        regionList([]),
        JSON.stringify(f),
      );
      for (const t of f.tasks)
        db.prepare(
          'INSERT INTO case_tasks (task_id, case_id, actor, status, urgency, due_at, failed_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(...taskRow(t));
      for (const t of step.timers)
        db.prepare('INSERT INTO timers (key, case_id, kind, rank, step, at, task_id) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          t.key,
          t.caseId,
          t.kind,
          timerRank(t.kind),
          t.step ?? 0,
          t.at,
          t.taskId ?? null,
        );
      appendEntries(db, [...caseFileEntries(f), ...step.timers.map(timerEntry)]);
    }).immediate();
    const oldJudgment = db
      .prepare("SELECT idx FROM tlog_entry WHERE kind = 'timer' AND record_id = ?")
      .get('judgment:case-old') as { idx: number };
    expect(oldJudgment).toBeDefined();

    const clock = new ManualClock(T0 + MINUTE);
    const cw = new SqliteCaseworkStore(db);
    const svc = new CaseworkService(cw, pkg, clock);
    await svc.catchUp(); // adopts case-new as a step
    clock.set(T0 + 2 * MINUTE);
    for (const member of ['FR', 'UK'])
      await cw.updateCase('case-old', (f) => ({
        step: voteOnCase(plans, f!, { member, choice: 'declare', at: clock.now() }),
        result: undefined,
      }));
    for (const at of [T0 + 49 * HOUR, T0 + 5 * DAY, T0 + 40 * DAY]) {
      clock.set(at);
      expect((await svc.catchUp()).length).toBeGreaterThan(0);
    }

    const kinds = new Map(
      (
        db.prepare('SELECT kind, count(*) AS n FROM tlog_entry GROUP BY kind').all() as { kind: string; n: number }[]
      ).map((r) => [r.kind, r.n]),
    );
    expect(kinds.get('timer')).toBe(1); // the old case's judgment timer; every later one is in a step
    expect(kinds.get('case-step')).toBeGreaterThanOrEqual(5);

    const report = await auditLog(sqliteAuditSource(db));
    expect(report.findings).toEqual([]);
    expect(await cw.restoreTimers(clock.now())).toMatchObject({ repaired: 0, removed: 0 });

    // The old judgment timer was never logged again; the case file's latest state is the deadline pass's step.
    const log = SqliteLog.of(db);
    expect(await log.indexOfRecord('timer', 'judgment:case-old')).toBe(oldJudgment.idx);
    const steps = db
      .prepare("SELECT idx FROM tlog_entry WHERE kind = 'case-step' AND record_id = 'case-old/step' ORDER BY idx")
      .all() as { idx: number }[];
    const fileAt = await log.indexOfRecord('case-event', 'case-old/file');
    expect(steps.map((s) => s.idx)).toContain(fileAt);
    const task = (
      JSON.parse(
        (db.prepare("SELECT doc FROM case_files WHERE case_id = 'case-old'").get() as { doc: string }).doc,
      ) as { tasks: { id: string }[] }
    ).tasks[0]!.id;
    expect(await log.indexOfRecord('task-change', task)).toBe(steps.at(-1)!.idx);
    expect(await log.indexOfRecord('task-change', task, steps.at(-1)!.idx)).toBeLessThan(steps.at(-1)!.idx);

    // A task whose latest entry is in a step, changed behind the log: named, with what differs.
    db.prepare("UPDATE case_files SET doc = json_set(doc, '$.tasks[0].actor', 'XX') WHERE case_id = 'case-old'").run();
    const tampered = await auditLog(sqliteAuditSource(db));
    expect(tampered.findings.map((f) => `${f.code} ${f.kind} ${f.recordId}`)).toContain(
      `record-changed task-change ${task}`,
    );
    await store.close();
  });
});
