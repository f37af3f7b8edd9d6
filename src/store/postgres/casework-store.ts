/**
 * Casework on PostgreSQL, for several API servers over one database. Exactly once across servers: a timer is
 * claimed by locking its case file row (`FOR UPDATE OF f SKIP LOCKED`, so two servers work on different cases at
 * once), the earliest unfired due timer of that case is fired, and `fired_at` is set in the same transaction as the
 * effect. A server that crashes mid-transaction releases its locks on rollback; the timer stays unfired and the next
 * pass fires it. Adopting new cases takes a transaction-scoped advisory lock so two servers do not race to open
 * the same case file (the insert would be a no-op anyway).
 * https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE
 */
import { transaction } from './transaction.js';
import type pg from 'pg';
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
import type { LogEntry } from '../../core/ports/tlog.js';
import { caseFileChanges, caseFileDoc } from '../case-file-changes.js';
import { decideKey, registrationEntries, toMemberKey, type KeyRow } from '../member-keys.js';
import { apiKeyEntry, memberKeyEntry, timerEntry } from '../log-entries.js';
import { sameTimer, timerPlan, timerPlanQueries } from '../timer-restore.js';
import { appendEntries } from './tlog-store.js';
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
import { numbered } from '../filters.js';
import { valueAt, itemAt } from '../../core/item-at.js';

interface TimerRow {
  key: string;
  case_id: string;
  kind: TimerKind;
  step: number;
  at: string;
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

const TIMER_COLS = 'key, case_id, kind, step, at, task_id';
const DUE_ORDER = 'ORDER BY at, rank, step, key';

/**
 * Cases claimed per transaction of a timer pass: a deadline pass over 1,000 open cases is one transaction, as on
 * SQLite. Servers passing at once still never work on one case (the claim skips locked case files); the one that
 * claims first takes the batch and the others find nothing left to claim, which costs them one query.
 */
const PASS_CASES = 1000;

export class PostgresCaseworkStore implements CaseworkStore {
  readonly #passCases: number;

  /** `passCases`: cases claimed per transaction of a timer pass (a test makes it small to make servers interleave). */
  constructor(
    readonly pool: pg.Pool,
    options: { passCases?: number } = {},
  ) {
    this.#passCases = options.passCases ?? PASS_CASES;
  }

  #tx<T>(f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return transaction(this.pool, f);
  }

  /**
   * `before`: the file as stored (undefined: a new file); `opening` when it opens a case: its evidence places the case
   * in regions. The transition's log entries (docs/tlog.md, "Case steps") go in this transaction.
   */
  async #write(c: pg.PoolClient, step: CaseStep, before: CaseFile | undefined, opening?: CaseOpening): Promise<void> {
    const f = step.file;
    const insert = before === undefined;
    const status = f.judgment.outcome ? 'decided' : 'open';
    const k = fileColumns(f);
    if (insert) {
      const ids = (opening?.evidence ?? []).map((e) => e.violation);
      const found = (await c.query('SELECT region FROM violations WHERE id = ANY($1::text[])', [ids])).rows as {
        region: string | null;
      }[];
      const r = await c.query(
        `INSERT INTO case_files (case_id, opened_at, status, deadline, decided_at, effect, responding, regions, doc)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (case_id) DO NOTHING`,
        [
          f.caseId,
          f.openedAt,
          status,
          f.judgment.deadline,
          k.decidedAt,
          k.effect,
          k.responding,
          regionList(found.map((x) => x.region)),
          JSON.stringify(f),
        ],
      );
      // A file already there (another server adopted the case) is not this write's to log.
      if (r.rowCount !== 1) return;
      await this.#insertTasks(
        c,
        f.tasks.map((t) => taskRow(t)),
      );
    } else {
      await c.query(
        'UPDATE case_files SET status = $1, deadline = $2, decided_at = $3, effect = $4, responding = $5, doc = $6 WHERE case_id = $7',
        [status, f.judgment.deadline, k.decidedAt, k.effect, k.responding, JSON.stringify(f), f.caseId],
      );
      await c.query('DELETE FROM case_tasks WHERE case_id = $1', [f.caseId]);
      await this.#insertTasks(
        c,
        f.tasks.map((t) => taskRow(t)),
      );
    }
    const timers = await this.#insertTimers(c, step.timers);
    await appendEntries(this.pool, c, caseFileChanges(before, f, timers).entries);
  }

  /** Task rows (`taskRow`) of the board's `case_tasks` (migration 0090-case-board); `tail` an ON CONFLICT clause. */
  async #insertTasks(c: pg.PoolClient, rows: readonly unknown[][], tail = ''): Promise<void> {
    if (!rows.length) return;
    const col = (i: number) => rows.map((r) => r[i]);
    await c.query(
      `INSERT INTO case_tasks (task_id, case_id, actor, status, urgency, due_at, failed_at, doc)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::bigint[], $8::text[]) ${tail}`,
      [col(0), col(1), col(2), col(3), col(4), col(5), col(6), col(7)],
    );
  }

  /** Stores timers; returns those that are new (their key never scheduled), in order: their records go in the step. */
  async #insertTimers(c: pg.PoolClient, t: readonly Timer[], firedAt: number | null = null): Promise<Timer[]> {
    if (!t.length) return [];
    const inserted = await c.query(
      `INSERT INTO timers (key, case_id, kind, rank, step, at, task_id, fired_at)
       SELECT *, $8::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::bigint[], $7::text[]) ON CONFLICT (key) DO NOTHING
       RETURNING key`,
      [
        t.map((x) => x.key),
        t.map((x) => x.caseId),
        t.map((x) => x.kind),
        t.map((x) => timerRank(x.kind)),
        t.map((x) => x.step ?? 0),
        t.map((x) => x.at),
        t.map((x) => x.taskId ?? null),
        firedAt,
      ],
    );
    const fresh = new Set((inserted.rows as { key: string }[]).map((r) => r.key));
    return t.filter((x) => fresh.has(x.key));
  }

  async adoptCases(open: (c: CaseOpening) => CaseStep): Promise<number> {
    return this.#tx(async (c) => {
      // Named per schema (search_path is the store's schema): missions sharing a database do not queue on each other.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('guarantor.casework-adopt.' || current_schema()))");
      const rows = (
        await c.query(
          'SELECT c.doc FROM cases c LEFT JOIN case_files f ON f.case_id = c.id WHERE f.case_id IS NULL ORDER BY c.seq',
        )
      ).rows as { doc: string }[];
      // cases.doc is TEXT since 955e287 (JSONB cost a third of ingest time), so parse it here.
      for (const r of rows) {
        const opening = JSON.parse(r.doc) as CaseOpening;
        await this.#write(c, open(opening), undefined, opening);
      }
      return rows.length;
    });
  }

  async updateCase<T>(caseId: string, f: (file: CaseFile | undefined) => CaseUpdate<T>): Promise<T> {
    return this.#tx(async (c) => {
      const row = (await c.query('SELECT doc FROM case_files WHERE case_id = $1 FOR UPDATE', [caseId])).rows[0] as
        { doc: CaseFile } | undefined;
      const u = f(row?.doc);
      if (u.nonce) {
        const n = u.nonce;
        const r = await c.query(
          'INSERT INTO vote_nonces (nonce, case_id, member, digest, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (nonce) DO NOTHING',
          [n.nonce, caseId, n.member, n.digest, n.receivedAt],
        );
        if (r.rowCount === 0) throw new NonceReplayError(n.nonce);
      }
      if (u.step) await this.#write(c, u.step, row?.doc); // no file before: an inspection request
      return u.result;
    });
  }

  async firePass(now: number, fire: (file: CaseFile, timer: Timer) => CaseStep): Promise<Timer[]> {
    return this.#tx(async (c) => {
      // Lock the case files of the earliest due timers that no other server is working on...
      const claimed = (
        await c.query(
          `SELECT f.case_id, f.doc FROM case_files f
           JOIN (SELECT case_id, min(at) AS at FROM timers WHERE fired_at IS NULL AND at <= $1 GROUP BY case_id) d
             ON d.case_id = f.case_id
           ORDER BY d.at, f.case_id LIMIT $2 FOR UPDATE OF f SKIP LOCKED`,
          [now, this.#passCases],
        )
      ).rows as { case_id: string; doc: CaseFile }[];
      if (!claimed.length) return [];
      // ...then, with those cases locked, fire their due timers in order, once (read after the lock: fresh rows).
      const ids = claimed.map((r) => r.case_id);
      const due = (
        (
          await c.query(
            `SELECT ${TIMER_COLS} FROM timers WHERE case_id = ANY($1) AND fired_at IS NULL AND at <= $2 ${DUE_ORDER}`,
            [ids, now],
          )
        ).rows as TimerRow[]
      ).map(toTimer);
      const known = new Set(
        ((await c.query('SELECT key FROM timers WHERE case_id = ANY($1)', [ids])).rows as { key: string }[]).map(
          (r) => r.key,
        ),
      );
      const before = new Map(claimed.map((r) => [r.case_id, r.doc]));
      const files = new Map(before);
      const created: Timer[] = [];
      const fired = fireDue(files, due, now, fire, (t) => {
        if (known.has(t.key)) return false;
        known.add(t.key);
        created.push(t);
        return true;
      });
      const firedKeys = new Set(fired.map((t) => t.key));
      const stored = new Set(
        [
          ...(await this.#insertTimers(
            c,
            created.filter((t) => !firedKeys.has(t.key)),
          )),
          ...(await this.#insertTimers(
            c,
            created.filter((t) => firedKeys.has(t.key)),
            now,
          )),
        ].map((t) => t.key),
      );
      // The timers each case set, in the order they were created: in its step.
      const timers = new Map<string, Timer[]>();
      for (const t of created)
        if (stored.has(t.key)) {
          const list = timers.get(t.caseId);
          if (list) list.push(t);
          else timers.set(t.caseId, [t]);
        }
      await c.query('UPDATE timers SET fired_at = $1 WHERE key = ANY($2) AND fired_at IS NULL', [
        now,
        due.filter((t) => firedKeys.has(t.key)).map((t) => t.key),
      ]);
      // What each case's transitions changed (case-file-changes.ts): its file's document, its changed task rows and
      // its step are written from it.
      const changes = new Map(
        [...files.values()]
          .filter((f) => f !== before.get(f.caseId) || timers.has(f.caseId))
          .map((f) => [f, caseFileChanges(valueAt(before, f.caseId), f, timers.get(f.caseId))]),
      );
      const changed = [...files.values()].filter((f) => f !== before.get(f.caseId));
      if (changed.length) {
        const cols = changed.map(fileColumns);
        await c.query(
          `UPDATE case_files f SET status = u.status, deadline = u.deadline, doc = u.doc::jsonb,
             decided_at = u.decided_at, effect = u.effect, responding = u.responding
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::int[])
             AS u(case_id, status, deadline, doc, decided_at, effect, responding)
           WHERE f.case_id = u.case_id`,
          [
            changed.map((f) => f.caseId),
            changed.map((f) => (f.judgment.outcome ? 'decided' : 'open')),
            changed.map((f) => f.judgment.deadline),
            changed.map((f) => caseFileDoc(f, valueAt(changes, f))),
            cols.map((x) => x.decidedAt),
            cols.map((x) => x.effect),
            cols.map((x) => x.responding),
          ],
        );
      }
      // Only the task rows that changed, with the documents built for their records.
      const removed = [...changes.values()].flatMap((x) => x.removed.map((t) => t.id));
      if (removed.length) await c.query('DELETE FROM case_tasks WHERE task_id = ANY($1::text[])', [removed]);
      await this.#insertTasks(
        c,
        [...changes.values()].flatMap((x) => x.tasks.map((t) => taskRow(t.task, t.doc))),
        TASK_UPSERT,
      );
      // One append for the transaction, one step per case: the states between its timers were never visible.
      await appendEntries(
        this.pool,
        c,
        [...changes.values()].flatMap((x) => x.entries),
      );
      return fired;
    });
  }

  async getCaseFile(caseId: string): Promise<CaseFile | undefined> {
    return (
      (await this.pool.query('SELECT doc FROM case_files WHERE case_id = $1', [caseId])).rows[0] as
        { doc: CaseFile } | undefined
    )?.doc;
  }

  async getCaseFiles(caseIds: readonly string[]): Promise<Map<string, CaseFile>> {
    if (!caseIds.length) return new Map();
    const r = await this.pool.query('SELECT case_id, doc FROM case_files WHERE case_id = ANY($1::text[])', [caseIds]);
    return new Map((r.rows as { case_id: string; doc: CaseFile }[]).map((x) => [x.case_id, x.doc]));
  }

  async listCaseFiles(q: CaseFileQuery): Promise<CaseFile[]> {
    const r = q.status
      ? await this.pool.query('SELECT doc FROM case_files WHERE status = $1 ORDER BY opened_at, case_id LIMIT $2', [
          q.status,
          q.limit,
        ])
      : await this.pool.query('SELECT doc FROM case_files ORDER BY opened_at, case_id LIMIT $1', [q.limit]);
    return (r.rows as { doc: CaseFile }[]).map((x) => x.doc);
  }

  async listCaseBoard(q: CaseBoardQuery): Promise<CaseBoardPage> {
    const { page, count } = caseBoardQuery('postgres', q);
    const [rows, n] = await Promise.all([
      this.pool.query(numbered(page.sql), page.values).then((r) => r.rows as Record<string, unknown>[]),
      this.pool.query(numbered(count.sql), count.values).then((r) => Number((r.rows[0] as { n: string }).n)),
    ]);
    const more = rows.length > q.limit;
    if (more) rows.length = q.limit;
    return {
      // cases.doc is TEXT, case_files.doc JSONB.
      items: rows.map((r) => ({ opening: JSON.parse(r.opening as string) as CaseOpening, file: r.file as CaseFile })),
      total: n,
      ...(more ? { next: caseBoardCursor(q.sort, itemAt(rows, rows.length - 1)) } : {}),
    };
  }

  async listTasks(q: TaskQuery): Promise<TaskPage> {
    const { page, counts } = taskQuery('postgres', q);
    const [rows, actors] = await Promise.all([
      this.pool
        .query(numbered(page.sql), page.values)
        .then((r) => r.rows as { doc: string; urgency: number; due: string; task_id: string }[]),
      this.pool.query(numbered(counts.sql), counts.values).then((r) =>
        (r.rows as Record<string, string>[]).map((x) => ({
          actor: itemAt(x, 'actor'),
          open: Number(x.open),
          acknowledged: Number(x.acknowledged),
          delivered: Number(x.delivered),
          overdue: Number(x.overdue),
        })),
      ),
    ]);
    const more = rows.length > q.limit;
    if (more) rows.length = q.limit;
    return {
      items: rows.map((r) => JSON.parse(r.doc) as ResponseTask),
      ...(more ? { next: taskCursor(itemAt(rows, rows.length - 1)) } : {}),
      actors,
    };
  }

  async listFailures(): Promise<ResponseFailure[]> {
    const r = await this.pool.query(
      'SELECT doc FROM case_tasks WHERE failed_at IS NOT NULL ORDER BY failed_at, task_id',
    );
    return (r.rows as { doc: string }[]).map((x) => failureOf(JSON.parse(x.doc) as ResponseTask));
  }

  async declaredBreaches(): Promise<DeclaredBreach[]> {
    const r = await this.pool.query(
      "SELECT case_id, regions, responding FROM case_files WHERE effect = 'declare' ORDER BY case_id",
    );
    return (r.rows as { case_id: string; regions: string; responding: number }[]).map((x) => ({
      caseId: x.case_id,
      regions: regionsOf(x.regions),
      responding: Number(x.responding) === 1,
    }));
  }

  async pendingTimers(caseId?: string): Promise<Timer[]> {
    const r =
      caseId === undefined
        ? await this.pool.query(`SELECT ${TIMER_COLS} FROM timers WHERE fired_at IS NULL ${DUE_ORDER}`)
        : await this.pool.query(
            `SELECT ${TIMER_COLS} FROM timers WHERE fired_at IS NULL AND case_id = $1 ${DUE_ORDER}`,
            [caseId],
          );
    return (r.rows as TimerRow[]).map(toTimer);
  }

  async nonceUsed(nonce: string): Promise<boolean> {
    return ((await this.pool.query('SELECT 1 FROM vote_nonces WHERE nonce = $1', [nonce])).rowCount ?? 0) > 0;
  }

  async restoreTimers(now: number): Promise<TimerRestore> {
    return this.#tx(async (c) => {
      // One server at a time per schema: two starting together would otherwise both backfill.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('guarantor.timer-restore.' || current_schema()))");
      const out: TimerRestore = { backfilled: 0, pending: 0, repaired: 0, removed: 0 };
      const backfill: LogEntry[] = [];
      for (const b of (await c.query('SELECT kind, record_id FROM tlog_backfill ORDER BY kind, record_id')).rows as {
        kind: string;
        record_id: string;
      }[]) {
        if (b.kind === 'api-key') {
          const r = (
            await c.query('SELECT id, actor, role, created_at, revoked_at FROM api_keys WHERE id = $1', [b.record_id])
          ).rows[0] as { id: string; actor: string; role: string; created_at: string; revoked_at: string | null };
          if (r)
            backfill.push(
              apiKeyEntry({
                id: r.id,
                actor: r.actor,
                role: r.role,
                createdAt: Number(r.created_at),
                ...(r.revoked_at === null ? {} : { revokedAt: Number(r.revoked_at) }),
              }),
            );
        } else if (b.kind === 'member-key') {
          const slash = b.record_id.lastIndexOf('/');
          const r = (
            await c.query('SELECT * FROM member_keys WHERE member = $1 AND fingerprint = $2', [
              b.record_id.slice(0, slash),
              b.record_id.slice(slash + 1),
            ])
          ).rows[0] as KeyRow | undefined;
          if (r) backfill.push(memberKeyEntry(toMemberKey(r)));
        } else if (b.kind === 'timer') {
          const r = (await c.query(`SELECT ${TIMER_COLS} FROM timers WHERE key = $1`, [b.record_id])).rows[0] as
            TimerRow | undefined;
          if (r) backfill.push(timerEntry(toTimer(r)));
        }
      }
      if (backfill.length) await appendEntries(this.pool, c, backfill);
      await c.query('DELETE FROM tlog_backfill');
      out.backfilled = backfill.length;

      const rows = [];
      for (const q of timerPlanQueries)
        for (const r of (await c.query(q)).rows as {
          idx: string;
          kind: string;
          record_id: string;
          entry: Buffer | null;
        }[])
          rows.push({ ...r, entry: r.entry && new Uint8Array(r.entry) });
      const plan = timerPlan(rows);
      const stored = new Map(
        (
          (await c.query(`SELECT ${TIMER_COLS}, fired_at FROM timers`)).rows as (TimerRow & {
            fired_at: string | null;
          })[]
        ).map((r) => [r.key, r]),
      );
      const args = (t: Timer) => [t.key, t.caseId, t.kind, timerRank(t.kind), t.step ?? 0, t.at, t.taskId ?? null];
      for (const t of plan.pending) {
        out.pending++;
        const r = stored.get(t.key);
        stored.delete(t.key);
        if (r && r.fired_at === null && sameTimer(toTimer(r), t)) continue;
        await c.query(
          `INSERT INTO timers (key, case_id, kind, rank, step, at, task_id, fired_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
           ON CONFLICT (key) DO UPDATE SET case_id = excluded.case_id, kind = excluded.kind, rank = excluded.rank,
           step = excluded.step, at = excluded.at, task_id = excluded.task_id, fired_at = NULL`,
          args(t),
        );
        out.repaired++;
      }
      for (const t of plan.spent) {
        if (stored.delete(t.key)) continue;
        await c.query(
          'INSERT INTO timers (key, case_id, kind, rank, step, at, task_id, fired_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING',
          [...args(t), now],
        );
        out.repaired++;
      }
      if (stored.size) {
        await c.query('DELETE FROM timers WHERE key = ANY($1::text[])', [[...stored.keys()]]);
        out.removed = stored.size;
      }
      return out;
    });
  }

  async registerMemberKey(k: MemberKey, rotate: boolean): Promise<MemberKeyRegistration> {
    return this.#tx(async (c) => {
      // Registrations are rare: one at a time across servers, while reads go on.
      await c.query('LOCK TABLE member_keys IN SHARE ROW EXCLUSIVE MODE');
      const byFingerprint = await c.query(
        'SELECT * FROM member_keys WHERE fingerprint = $1 ORDER BY created_at, member',
        [k.fingerprint],
      );
      const active = await c.query(
        'SELECT * FROM member_keys WHERE member = $1 AND revoked_at IS NULL ORDER BY created_at, fingerprint',
        [k.member],
      );
      const decided = decideKey(
        k,
        (byFingerprint.rows as KeyRow[]).map(toMemberKey),
        (active.rows as KeyRow[]).map(toMemberKey),
        rotate,
      );
      if (decided.ok && decided.added) {
        for (const r of decided.revoked)
          await c.query(
            'UPDATE member_keys SET revoked_at = $1 WHERE member = $2 AND fingerprint = $3 AND revoked_at IS NULL',
            [k.createdAt, r.member, r.fingerprint],
          );
        await c.query(
          'INSERT INTO member_keys (member, fingerprint, public_key, created_at, revoked_at) VALUES ($1, $2, $3, $4, NULL)',
          [k.member, k.fingerprint, k.publicKey, k.createdAt],
        );
        await appendEntries(this.pool, c, registrationEntries(k, decided.revoked));
      }
      return decided;
    });
  }

  async revokeMemberKey(member: string, fingerprint: string, at: number): Promise<MemberKey | 'already' | undefined> {
    return this.#tx(async (c) => {
      const changed = await c.query(
        'UPDATE member_keys SET revoked_at = $1 WHERE member = $2 AND fingerprint = $3 AND revoked_at IS NULL',
        [at, member, fingerprint],
      );
      const row = await c.query('SELECT * FROM member_keys WHERE member = $1 AND fingerprint = $2', [
        member,
        fingerprint,
      ]);
      if (!row.rows.length) return undefined;
      if ((changed.rowCount ?? 0) !== 1) return 'already';
      const key = toMemberKey(row.rows[0] as KeyRow);
      await appendEntries(this.pool, c, [memberKeyEntry(key)]);
      return key;
    });
  }

  async listMemberKeys(): Promise<MemberKey[]> {
    const r = await this.pool.query('SELECT * FROM member_keys ORDER BY member, created_at, fingerprint');
    return (r.rows as KeyRow[]).map(toMemberKey);
  }
}
