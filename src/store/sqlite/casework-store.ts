/**
 * Casework on the embedded SQLite store: shares the operations store's connection. better-sqlite3 is synchronous,
 * so each casework transaction runs start to finish without yielding; it only waits (yielding) while the operations
 * store has a transaction open across an await (an ingest running the pipeline), never interleaving with it.
 */
import type Database from 'better-sqlite3';
import type { CaseFile, CaseStep } from '../../core/ops/index.js';
import { fireDue, timerRank, type Timer, type TimerKind } from '../../core/ops/index.js';
import type { CaseOpening } from '../../core/ops/index.js';
import {
  NonceReplayError,
  type CaseBoardPage,
  type CaseBoardQuery,
  type DeclaredBreach,
  type TaskPage,
  type TaskQuery,
  type CaseFileQuery,
  type CaseUpdate,
  type CaseworkStore,
  type MemberKey,
  type MemberKeyRegistration,
  type TimerRestore,
} from '../../core/ports/casework.js';
import type { LogEntry, TextLogEntry } from '../../core/ports/tlog.js';
import { caseFileChanges, caseFileDoc, type CaseFileChanges } from '../case-file-changes.js';
import { decideKey, registrationEntries, toMemberKey, type KeyRow } from '../member-keys.js';
import { apiKeyEntry, memberKeyEntry, timerEntry } from '../log-entries.js';
import { sameTimer, timerPlan, timerPlanQueries } from '../timer-restore.js';
import { appendEntries } from './tlog-store.js';
import { Rows } from './rows.js';
import type { ResponseFailure, ResponseTask } from '../../core/ops/index.js';
import {
  caseBoardCursor,
  caseBoardQuery,
  fileColumns,
  regionList,
  regionsOf,
  taskCursor,
  failureOf,
  taskQuery,
  taskRow,
  TASK_UPSERT,
} from '../case-board.js';
import { valueAt, itemAt } from '../../core/item-at.js';

interface TimerRow {
  key: string;
  case_id: string;
  kind: TimerKind;
  step: number;
  at: number;
  task_id: string | null;
}

const toTimer = (r: TimerRow): Timer => ({
  key: r.key,
  kind: r.kind,
  at: Number(r.at),
  caseId: r.case_id,
  ...(r.task_id === null ? {} : { taskId: r.task_id }),
  ...(r.kind === 'task-escalation' ? { step: Number(r.step) } : {}),
});

const DUE_ORDER = 'ORDER BY at, rank, step, key';

/** Cases claimed per transaction of a timer pass: a deadline pass over 1,000 open cases commits once. */
const PASS_CASES = 1000;

/** The prepared statements, by name: a typed object, so a statement that is not there is a compile error. */
function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    unadopted: p(
      'SELECT c.seq, c.doc FROM cases c LEFT JOIN case_files f ON f.case_id = c.id WHERE c.seq > ? AND f.case_id IS NULL ORDER BY c.seq',
    ),
    casesAfter: p(
      'SELECT c.seq, f.case_id IS NOT NULL AS adopted FROM cases c LEFT JOIN case_files f ON f.case_id = c.id WHERE c.seq > ? ORDER BY c.seq',
    ),
    file: p('SELECT doc FROM case_files WHERE case_id = ?'),
    insertFile: p(
      'INSERT INTO case_files (case_id, opened_at, status, deadline, decided_at, effect, responding, regions, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING',
    ),
    updateFile: p(
      'UPDATE case_files SET status = ?, deadline = ?, decided_at = ?, effect = ?, responding = ?, doc = ? WHERE case_id = ?',
    ),
    violationRegion: p('SELECT region FROM violations WHERE id = ?'),
    deleteTasks: p('DELETE FROM case_tasks WHERE case_id = ?'),
    deleteTask: p('DELETE FROM case_tasks WHERE task_id = ?'),
    insertTask: p(
      'INSERT INTO case_tasks (task_id, case_id, actor, status, urgency, due_at, failed_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    failures: p('SELECT doc FROM case_tasks WHERE failed_at IS NOT NULL ORDER BY failed_at, task_id'),
    declared: p("SELECT case_id, regions, responding FROM case_files WHERE effect = 'declare' ORDER BY case_id"),
    insertTimer: p(
      'INSERT INTO timers (key, case_id, kind, rank, step, at, task_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
    ),
    anyDue: p('SELECT 1 FROM timers INDEXED BY timers_due WHERE fired_at IS NULL AND at <= ? LIMIT 1'),
    dueCases: p(
      // INDEXED BY: grouping by case would otherwise scan every timer through timers_case.
      'SELECT case_id FROM timers INDEXED BY timers_due WHERE fired_at IS NULL AND at <= ? GROUP BY case_id ORDER BY min(at), case_id LIMIT ?',
    ),
    dueOf: p(
      `SELECT key, case_id, kind, step, at, task_id FROM timers WHERE fired_at IS NULL AND at <= ? AND case_id IN (SELECT value FROM json_each(?)) ${DUE_ORDER}`,
    ),
    filesOf: p('SELECT case_id, doc FROM case_files WHERE case_id IN (SELECT value FROM json_each(?))'),
    markFired: p('UPDATE timers SET fired_at = ? WHERE key IN (SELECT value FROM json_each(?)) AND fired_at IS NULL'),
    timerCases: p('SELECT key, case_id FROM timers WHERE key IN (SELECT value FROM json_each(?))'),
    keysOf: p('SELECT key FROM timers WHERE case_id IN (SELECT value FROM json_each(?))'),
    pending: p(`SELECT key, case_id, kind, step, at, task_id FROM timers WHERE fired_at IS NULL ${DUE_ORDER}`),
    pendingFor: p(
      `SELECT key, case_id, kind, step, at, task_id FROM timers WHERE fired_at IS NULL AND case_id = ? ${DUE_ORDER}`,
    ),
    filesAll: p('SELECT doc FROM case_files ORDER BY opened_at, case_id LIMIT ?'),
    filesByStatus: p('SELECT doc FROM case_files WHERE status = ? ORDER BY opened_at, case_id LIMIT ?'),
    nonce: p('SELECT 1 FROM vote_nonces WHERE nonce = ?'),
    insertNonce: p(
      'INSERT INTO vote_nonces (nonce, case_id, member, digest, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING',
    ),
    insertKey: p(
      'INSERT INTO member_keys (member, fingerprint, public_key, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)',
    ),
    keysByFingerprint: p('SELECT * FROM member_keys WHERE fingerprint = ? ORDER BY created_at, member'),
    activeKeys: p('SELECT * FROM member_keys WHERE member = ? AND revoked_at IS NULL ORDER BY created_at, fingerprint'),
    revokeKey: p('UPDATE member_keys SET revoked_at = ? WHERE member = ? AND fingerprint = ? AND revoked_at IS NULL'),
    memberKey: p('SELECT * FROM member_keys WHERE member = ? AND fingerprint = ?'),
    keys: p('SELECT * FROM member_keys ORDER BY member, created_at, fingerprint'),
    timerPlan: timerPlanQueries.map(p),
    timerRow: p('SELECT key, case_id, kind, step, at, task_id, fired_at FROM timers WHERE key = ?'),
    timerKeys: p('SELECT key FROM timers'),
    deleteTimer: p('DELETE FROM timers WHERE key = ?'),
    armTimer: p(
      `INSERT INTO timers (key, case_id, kind, rank, step, at, task_id, fired_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (key) DO UPDATE SET case_id = excluded.case_id, kind = excluded.kind, rank = excluded.rank,
       step = excluded.step, at = excluded.at, task_id = excluded.task_id, fired_at = NULL`,
    ),
    spentTimer: p(
      'INSERT INTO timers (key, case_id, kind, rank, step, at, task_id, fired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
    ),
    backfill: p('SELECT kind, record_id FROM tlog_backfill ORDER BY kind, record_id'),
    clearBackfill: p('DELETE FROM tlog_backfill'),
    apiKey: p('SELECT id, actor, role, created_at, revoked_at FROM api_keys WHERE id = ?'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class SqliteCaseworkStore implements CaseworkStore {
  readonly #db: Database.Database;
  readonly #s: Statements;
  /** Multi-row INSERTs by table and row count (see Rows). */
  readonly #multi = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
    this.#s = prepareStatements(db);
  }

  /** Runs `f` in one IMMEDIATE transaction, after any transaction the operations store holds across an await. */
  async #tx<T>(f: () => T): Promise<T> {
    while (this.#db.inTransaction) await new Promise((r) => setImmediate(r));
    return this.#db.transaction(f).immediate();
  }

  /**
   * `before`: the file as stored (undefined: `insert`, a new file); `opening` when it opens a case: its evidence
   * places the case in regions. The transition's log entries (docs/tlog.md, "Case steps") go in this transaction.
   */
  #write(step: CaseStep, before: CaseFile | undefined, opening?: CaseOpening): void {
    // A file already there (another server adopted the case) is not this write's to log.
    if (!before && !this.#writeFile(step.file, true, opening)) return;
    const changes = caseFileChanges(
      before,
      step.file,
      step.timers.filter((t) => this.#schedule(t)),
    );
    if (before) {
      const tasks = this.#taskRows();
      this.#writeFile(step.file, false, undefined, changes, tasks);
      tasks.flush();
    }
    appendEntries(this.#db, changes.entries);
  }

  #taskRows(): Rows {
    return new Rows(
      this.#db,
      this.#multi,
      'case_tasks (task_id, case_id, actor, status, urgency, due_at, failed_at, doc)',
      8,
      TASK_UPSERT,
    );
  }

  /**
   * The file, the board's columns beside it and its task rows (migration 0090-case-board). Given what changed since
   * the file as stored before (`changes`), only the task rows that changed are written, into `tasks` (a multi-row
   * upsert the caller flushes), with the documents built for their log entries: a task that is the same object as
   * before has the row that file's write gave it (the pure transitions share what they leave unchanged).
   */
  #writeFile(f: CaseFile, insert: boolean, opening?: CaseOpening, changes?: CaseFileChanges, tasks?: Rows): boolean {
    const status = f.judgment.outcome ? 'decided' : 'open';
    const doc = changes ? caseFileDoc(f, changes) : JSON.stringify(f);
    const c = fileColumns(f);
    if (insert) {
      const regions = regionList(
        (opening?.evidence ?? []).map(
          (e) => (this.#s.violationRegion.get(e.violation) as { region: string | null } | undefined)?.region,
        ),
      );
      const { changes } = this.#s.insertFile.run(
        f.caseId,
        f.openedAt,
        status,
        f.judgment.deadline,
        c.decidedAt,
        c.effect,
        c.responding,
        regions,
        doc,
      );
      if (changes === 0) return false;
    } else {
      this.#s.updateFile.run(status, f.judgment.deadline, c.decidedAt, c.effect, c.responding, doc, f.caseId);
      if (changes && tasks) {
        for (const t of changes.removed) this.#s.deleteTask.run(t.id);
        for (const { task, doc } of changes.tasks) tasks.add(...taskRow(task, doc));
        return true;
      }
      this.#s.deleteTasks.run(f.caseId);
    }
    for (const t of f.tasks) this.#s.insertTask.run(...taskRow(t));
    return true;
  }

  /** Stores a timer; true when it is new (its key was never scheduled): then its record goes in the case's step. */
  #schedule(t: Timer): boolean {
    return (
      this.#s.insertTimer.run(t.key, t.caseId, t.kind, timerRank(t.kind), t.step ?? 0, t.at, t.taskId ?? null)
        .changes === 1
    );
  }

  #file(caseId: string): CaseFile | undefined {
    const r = this.#s.file.get(caseId) as { doc: string } | undefined;
    return r && (JSON.parse(r.doc) as CaseFile);
  }

  /** Every case up to this seq has its file (cases are inserted in seq order and never removed; files never go). */
  #adoptedThrough = 0;

  async adoptCases(open: (c: CaseOpening) => CaseStep): Promise<number> {
    // Looked for first with a read, from the last case known adopted on: a pass with nothing to adopt takes no write
    // lock (on a busy store the server's thread would sleep until the writer thread let go of it) and reads only the
    // cases opened since, not all of them.
    const after = this.#adoptedThrough;
    const fresh = this.#s.casesAfter.all(after) as { seq: number; adopted: number }[];
    if (fresh.every((r) => r.adopted)) {
      this.#adoptedThrough = fresh.at(-1)?.seq ?? after;
      return 0;
    }
    return this.#tx(() => {
      const rows = this.#s.unadopted.all(after) as { seq: number; doc: string }[];
      for (const r of rows) {
        const opening = JSON.parse(r.doc) as CaseOpening;
        this.#write(open(opening), undefined, opening);
      }
      this.#adoptedThrough = Math.max(after, fresh.at(-1)?.seq ?? 0, rows.at(-1)?.seq ?? 0);
      return rows.length;
    });
  }

  async updateCase<T>(caseId: string, f: (file: CaseFile | undefined) => CaseUpdate<T>): Promise<T> {
    return this.#tx(() => {
      const file = this.#file(caseId);
      const u = f(file);
      if (u.nonce) {
        const n = u.nonce;
        if (this.#s.insertNonce.run(n.nonce, caseId, n.member, n.digest, n.receivedAt).changes === 0)
          throw new NonceReplayError(n.nonce);
      }
      if (u.step) this.#write(u.step, file); // no file before: an inspection request
      return u.result;
    });
  }

  async firePass(now: number, fire: (file: CaseFile, timer: Timer) => CaseStep): Promise<Timer[]> {
    // Nothing due: no write lock taken (as in adoptCases).
    if (this.#s.anyDue.get(now) === undefined) return [];
    return this.#tx(() => {
      const cases = (this.#s.dueCases.all(now, PASS_CASES) as { case_id: string }[]).map((r) => r.case_id);
      if (!cases.length) return [];
      const ids = JSON.stringify(cases);
      const due = (this.#s.dueOf.all(now, ids) as TimerRow[]).map(toTimer);
      const before = new Map(
        (this.#s.filesOf.all(ids) as { case_id: string; doc: string }[]).map((r) => [
          r.case_id,
          JSON.parse(r.doc) as CaseFile,
        ]),
      );
      // Every key these cases ever scheduled (timer keys name their case): a created timer whose key exists is not
      // new, and is neither stored, logged nor fired again; the new ones are stored together below.
      const known = new Set((this.#s.keysOf.all(ids) as { key: string }[]).map((r) => r.key));
      const created: Timer[] = [];
      const files = new Map(before);
      const fired = fireDue(files, due, now, fire, (t) => {
        if (known.has(t.key)) return false;
        known.add(t.key);
        created.push(t);
        return true;
      });
      const firedKeys = new Set<string>();
      for (const t of fired) firedKeys.add(t.key);
      const timers = this.#insertTimers(created, firedKeys, now);
      this.#s.markFired.run(now, JSON.stringify(due.filter((t) => firedKeys.has(t.key)).map((t) => t.key)));
      const entries: (LogEntry | TextLogEntry)[] = [];
      const tasks = this.#taskRows();
      for (const [id, f] of files) {
        const b = valueAt(before, id);
        const set = timers.get(id) ?? [];
        if (f === b && !set.length) continue;
        const changes = caseFileChanges(b, f, set);
        if (f !== b) this.#writeFile(f, false, undefined, changes, tasks);
        for (const e of changes.entries) entries.push(e);
      }
      tasks.flush();
      // One append for the pass, one step per case: the states between its timers were never visible.
      appendEntries(this.#db, entries);
      return fired;
    });
  }

  /**
   * Stores the timers a pass created, in multi-row INSERTs (those it also fired with their fired mark), and returns
   * those actually stored, by case, in the order they were created: a deadline is on the record from the moment it is
   * set, in its case's step.
   */
  #insertTimers(created: readonly Timer[], fired: ReadonlySet<string>, now: number): Map<string, Timer[]> {
    const rows = new Rows(
      this.#db,
      this.#multi,
      'timers (key, case_id, kind, rank, step, at, task_id, fired_at)',
      8,
      'ON CONFLICT (key) DO NOTHING',
    );
    for (const t of created) {
      const at = fired.has(t.key) ? now : null;
      rows.add(t.key, t.caseId, t.kind, timerRank(t.kind), t.step ?? 0, t.at, t.taskId ?? null, at);
    }
    rows.flush();
    let stored = created;
    if (rows.changes !== created.length) {
      // A key stored under another case (a row written behind the store): that timer is not this pass's to log.
      const owner = new Map(
        (this.#s.timerCases.all(JSON.stringify(created.map((t) => t.key))) as { key: string; case_id: string }[]).map(
          (r) => [r.key, r.case_id],
        ),
      );
      stored = created.filter((t) => owner.get(t.key) === t.caseId);
    }
    const byCase = new Map<string, Timer[]>();
    for (const t of stored) {
      const list = byCase.get(t.caseId);
      if (list) list.push(t);
      else byCase.set(t.caseId, [t]);
    }
    return byCase;
  }

  async getCaseFile(caseId: string): Promise<CaseFile | undefined> {
    return this.#file(caseId);
  }

  async getCaseFiles(caseIds: readonly string[]): Promise<Map<string, CaseFile>> {
    if (!caseIds.length) return new Map();
    const rows = this.#s.filesOf.all(JSON.stringify(caseIds)) as { case_id: string; doc: string }[];
    return new Map(rows.map((r) => [r.case_id, JSON.parse(r.doc) as CaseFile]));
  }

  async listCaseFiles(q: CaseFileQuery): Promise<CaseFile[]> {
    const rows = (q.status ? this.#s.filesByStatus.all(q.status, q.limit) : this.#s.filesAll.all(q.limit)) as {
      doc: string;
    }[];
    return rows.map((r) => JSON.parse(r.doc) as CaseFile);
  }

  async listCaseBoard(q: CaseBoardQuery): Promise<CaseBoardPage> {
    const { page, count } = caseBoardQuery('sqlite', q);
    const rows = this.#db.prepare(page.sql).all(...page.values) as Record<string, unknown>[];
    const more = rows.length > q.limit;
    if (more) rows.length = q.limit;
    const total = (this.#db.prepare(count.sql).get(...count.values) as { n: number }).n;
    return {
      items: rows.map((r) => ({
        opening: JSON.parse(r.opening as string) as CaseOpening,
        file: JSON.parse(r.file as string) as CaseFile,
      })),
      total,
      ...(more ? { next: caseBoardCursor(q.sort, itemAt(rows, rows.length - 1)) } : {}),
    };
  }

  async listTasks(q: TaskQuery): Promise<TaskPage> {
    const { page, counts } = taskQuery('sqlite', q);
    const rows = this.#db.prepare(page.sql).all(...page.values) as {
      doc: string;
      urgency: number;
      due: number;
      task_id: string;
    }[];
    const more = rows.length > q.limit;
    if (more) rows.length = q.limit;
    return {
      items: rows.map((r) => JSON.parse(r.doc) as ResponseTask),
      ...(more ? { next: taskCursor(itemAt(rows, rows.length - 1)) } : {}),
      actors: this.#db.prepare(counts.sql).all(...counts.values) as TaskPage['actors'],
    };
  }

  async listFailures(): Promise<ResponseFailure[]> {
    return (this.#s.failures.all() as { doc: string }[]).map((r) => failureOf(JSON.parse(r.doc) as ResponseTask));
  }

  async declaredBreaches(): Promise<DeclaredBreach[]> {
    return (this.#s.declared.all() as { case_id: string; regions: string; responding: number }[]).map((r) => ({
      caseId: r.case_id,
      regions: regionsOf(r.regions),
      responding: r.responding === 1,
    }));
  }

  async pendingTimers(caseId?: string): Promise<Timer[]> {
    return ((caseId === undefined ? this.#s.pending.all() : this.#s.pendingFor.all(caseId)) as TimerRow[]).map(toTimer);
  }

  async nonceUsed(nonce: string): Promise<boolean> {
    return this.#s.nonce.get(nonce) !== undefined;
  }

  async registerMemberKey(k: MemberKey, rotate: boolean): Promise<MemberKeyRegistration> {
    return this.#tx(() => {
      const decided = decideKey(
        k,
        (this.#s.keysByFingerprint.all(k.fingerprint) as KeyRow[]).map(toMemberKey),
        (this.#s.activeKeys.all(k.member) as KeyRow[]).map(toMemberKey),
        rotate,
      );
      if (decided.ok && decided.added) {
        for (const r of decided.revoked) this.#s.revokeKey.run(k.createdAt, r.member, r.fingerprint);
        this.#s.insertKey.run(k.member, k.fingerprint, k.publicKey, k.createdAt, null);

        appendEntries(this.#db, registrationEntries(k, decided.revoked));
      }
      return decided;
    });
  }

  async revokeMemberKey(member: string, fingerprint: string, at: number): Promise<MemberKey | 'already' | undefined> {
    return this.#tx(() => {
      const changed = this.#s.revokeKey.run(at, member, fingerprint).changes === 1;
      const row = this.#s.memberKey.get(member, fingerprint) as KeyRow | undefined;
      if (!row) return undefined;
      if (!changed) return 'already';
      const key = toMemberKey(row);
      appendEntries(this.#db, [memberKeyEntry(key)]);
      return key;
    });
  }

  async restoreTimers(now: number): Promise<TimerRestore> {
    return this.#tx(() => {
      const out: TimerRestore = { backfilled: 0, pending: 0, repaired: 0, removed: 0 };
      // Records stored before their kind was logged (migration 0015) go on the record first, as they are now.
      const backfill: LogEntry[] = [];
      for (const b of this.#s.backfill.all() as { kind: string; record_id: string }[]) {
        if (b.kind === 'api-key') {
          const r = this.#s.apiKey.get(b.record_id) as ApiKeyRow | undefined;
          if (r) backfill.push(apiKeyEntry(apiKeyOfRow(r)));
        } else if (b.kind === 'member-key') {
          const slash = b.record_id.lastIndexOf('/');
          const r = this.#s.memberKey.get(b.record_id.slice(0, slash), b.record_id.slice(slash + 1)) as
            KeyRow | undefined;
          if (r) backfill.push(memberKeyEntry(toMemberKey(r)));
        } else if (b.kind === 'timer') {
          const r = this.#s.timerRow.get(b.record_id) as TimerRow | undefined;
          if (r) backfill.push(timerEntry(toTimer(r)));
        }
      }
      appendEntries(this.#db, backfill);
      this.#s.clearBackfill.run();
      out.backfilled = backfill.length;

      const plan = timerPlan(
        this.#s.timerPlan.flatMap((q) =>
          (q.all() as { idx: number; kind: string; record_id: string; entry: Buffer | null }[]).map((r) => ({
            ...r,
            entry: r.entry && new Uint8Array(r.entry),
          })),
        ),
      );
      const logged = new Set<string>();
      const args = (t: Timer) => [t.key, t.caseId, t.kind, timerRank(t.kind), t.step ?? 0, t.at, t.taskId ?? null];
      for (const t of plan.pending) {
        logged.add(t.key);
        out.pending++;
        const r = this.#s.timerRow.get(t.key) as (TimerRow & { fired_at: number | null }) | undefined;
        if (r && r.fired_at === null && sameTimer(toTimer(r), t)) continue;
        this.#s.armTimer.run(...args(t));
        out.repaired++;
      }
      for (const t of plan.spent) {
        logged.add(t.key);
        if (this.#s.spentTimer.run(...args(t), now).changes) out.repaired++;
      }
      for (const { key } of this.#s.timerKeys.all() as { key: string }[])
        if (!logged.has(key)) {
          this.#s.deleteTimer.run(key);
          out.removed++;
        }
      return out;
    });
  }

  async listMemberKeys(): Promise<MemberKey[]> {
    return (this.#s.keys.all() as KeyRow[]).map(toMemberKey);
  }
}

interface ApiKeyRow {
  id: string;
  actor: string;
  role: string;
  created_at: number;
  revoked_at: number | null;
}

const apiKeyOfRow = (r: ApiKeyRow) => ({
  id: r.id,
  actor: r.actor,
  role: r.role,
  createdAt: Number(r.created_at),
  ...(r.revoked_at === null ? {} : { revokedAt: Number(r.revoked_at) }),
});
