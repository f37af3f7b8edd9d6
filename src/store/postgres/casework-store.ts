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
  type CaseFileQuery,
  type CaseUpdate,
  type CaseworkStore,
  type MemberKey,
  type MemberKeyRegistration,
  type TimerRestore,
} from '../../core/ports/casework.js';
import type { LogEntry } from '../../core/ports/tlog.js';
import { changedCaseFileEntries } from '../case-file-changes.js';
import { decideKey, toMemberKey, type KeyRow } from '../member-keys.js';
import { apiKeyEntry, caseFileEntries, memberKeyEntry, timerEntry } from '../log-entries.js';
import { sameTimer, timerPlan, timerPlanQueries } from '../timer-restore.js';
import { appendChangedEntries, appendEntries } from './tlog-store.js';

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

/** Cases claimed per transaction of a timer pass: small, so that servers passing at once share the work. */
const PASS_CASES = 16;

export class PostgresCaseworkStore implements CaseworkStore {
  constructor(readonly pool: pg.Pool) {}

  #tx<T>(f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return transaction(this.pool, f);
  }

  async #write(c: pg.PoolClient, step: CaseStep, insert: boolean): Promise<void> {
    const f = step.file;
    const status = f.judgment.outcome ? 'decided' : 'open';
    if (insert) {
      await c.query(
        'INSERT INTO case_files (case_id, opened_at, status, deadline, doc) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id) DO NOTHING',
        [f.caseId, f.openedAt, status, f.judgment.deadline, JSON.stringify(f)],
      );
    } else {
      await c.query('UPDATE case_files SET status = $1, deadline = $2, doc = $3 WHERE case_id = $4', [
        status,
        f.judgment.deadline,
        JSON.stringify(f),
        f.caseId,
      ]);
    }
    const entries = caseFileEntries(f); // votes, task changes, case events: the transparency log (docs/tlog.md)
    await this.#insertTimers(c, step.timers, entries);
    await appendChangedEntries(this.pool, c, entries);
  }

  /**
   * Stores timers; the entry of each that is new (its key never scheduled) goes to `entries`, for the caller's append
   * in this transaction: a deadline is on the record from the moment it is set.
   */
  async #insertTimers(
    c: pg.PoolClient,
    t: readonly Timer[],
    entries: LogEntry[],
    firedAt: number | null = null,
  ): Promise<void> {
    if (!t.length) return;
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
    for (const x of t) if (fresh.has(x.key)) entries.push(timerEntry(x));
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
      for (const r of rows) await this.#write(c, open(JSON.parse(r.doc) as CaseOpening), true);
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
      if (u.step) await this.#write(c, u.step, row === undefined); // a new file: an inspection request
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
          [now, PASS_CASES],
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
      const timers: LogEntry[] = [];
      await this.#insertTimers(
        c,
        created.filter((t) => !firedKeys.has(t.key)),
        timers,
      );
      await this.#insertTimers(
        c,
        created.filter((t) => firedKeys.has(t.key)),
        timers,
        now,
      );
      await c.query('UPDATE timers SET fired_at = $1 WHERE key = ANY($2) AND fired_at IS NULL', [
        now,
        due.filter((t) => firedKeys.has(t.key)).map((t) => t.key),
      ]);
      const changed = [...files.values()].filter((f) => f !== before.get(f.caseId));
      if (changed.length)
        await c.query(
          `UPDATE case_files f SET status = u.status, deadline = u.deadline, doc = u.doc::jsonb
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS u(case_id, status, deadline, doc)
           WHERE f.case_id = u.case_id`,
          [
            changed.map((f) => f.caseId),
            changed.map((f) => (f.judgment.outcome ? 'decided' : 'open')),
            changed.map((f) => f.judgment.deadline),
            changed.map((f) => JSON.stringify(f)),
          ],
        );
      // One append for the transaction: the states between its timers were never visible; the timers it set are.
      const order = new Map(created.map((t, i) => [t.key, i]));
      timers.sort((a, b) => order.get(a.recordId)! - order.get(b.recordId)!);
      await appendChangedEntries(this.pool, c, [
        ...changed.flatMap((f) => changedCaseFileEntries(before.get(f.caseId)!, f)),
        ...timers,
      ]);
      return fired;
    });
  }

  async getCaseFile(caseId: string): Promise<CaseFile | undefined> {
    return (
      (await this.pool.query('SELECT doc FROM case_files WHERE case_id = $1', [caseId])).rows[0] as
        { doc: CaseFile } | undefined
    )?.doc;
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
        for (const r of (await c.query(q)).rows as { kind: string; record_id: string; entry: Buffer | null }[])
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
        ); // Who may sign as a member is on the record: the keys this revokes, then the new one, in this transaction.
        await appendEntries(this.pool, c, [
          ...decided.revoked.map((r) => memberKeyEntry({ ...r, revokedAt: k.createdAt })),
          memberKeyEntry({
            member: k.member,
            fingerprint: k.fingerprint,
            publicKey: k.publicKey,
            createdAt: k.createdAt,
          }),
        ]);
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
