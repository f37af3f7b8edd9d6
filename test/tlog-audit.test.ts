/**
 * `guarantor log audit` against a populated SQLite database: clean, it reports nothing and exits 0; then each kind
 * of stored record (and the log's own tables) is tampered with, one at a time on a fresh copy, and the audit exits 1
 * naming the record's kind and id.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/log.js';
import { hashLeaf } from '../src/core/tlog/index.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { populate } from './support/tlog.js';

let dir: string;
let base: string;
let vkey: string;
const ids: Record<string, string> = {};
/** Checkpoints stored: the fixture's two, and any the server's background signer made while it ran. */
let checkpoints = 0;

async function audit(db: string, key?: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runAudit({ db, ...(key ? { key } : {}) }, (s) => (out += s));
  return { code, out };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tlog-audit-'));
  base = join(dir, 'base.db');
  const p = await populate(SqliteStore.open({ path: base }));
  vkey = (await p.log.key()).vkey;
  await p.s.close();
  const db = new Database(base, { readonly: true });
  const one = (sql: string) => Object.values(db.prepare(sql).get() as Record<string, unknown>)[0] as string;
  ids['obs'] = String(one('SELECT seq FROM observations ORDER BY seq LIMIT 1 OFFSET 2'));
  ids['incident'] = one("SELECT id || '@' || revision FROM incidents ORDER BY seq LIMIT 1");
  ids['incidentRev'] = one("SELECT id || '@' || revision FROM incident_revisions ORDER BY seq LIMIT 1");
  ids['violation'] = one("SELECT id || '@' || revision FROM violations ORDER BY seq LIMIT 1");
  ids['case'] = one('SELECT id FROM cases LIMIT 1');
  ids['task0'] = one("SELECT json_extract(doc, '$.tasks[0].id') FROM case_files LIMIT 1");
  ids['task1'] = one("SELECT json_extract(doc, '$.tasks[1].id') FROM case_files LIMIT 1");
  checkpoints = Number(one('SELECT count(*) FROM tlog_checkpoint'));
  db.close();
  for (const [k, v] of Object.entries(ids)) expect(v, k).toBeTruthy();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('log audit on SQLite', () => {
  it('finds nothing in an untouched database, with the key given or the stored one', async () => {
    const r = await audit(base, vkey);
    expect(r.out).toMatch(/log audit: OK/);
    expect(r.code).toBe(0);
    expect(checkpoints).toBeGreaterThanOrEqual(2);
    expect(r.out).toContain(`${checkpoints} checkpoints`);
    expect((await audit(base)).code).toBe(0);
  });

  const firstVote = "(SELECT min(idx) FROM tlog_entry WHERE kind = 'vote')";
  const firstObservation = "(SELECT min(idx) FROM tlog_entry WHERE kind = 'observation')";
  const obsSeq = () => ids['obs']!;
  const caseId = () => ids['case']!;
  const cases: [string, () => string, (string | [string, string, string])[]][] = [
    [
      'an observation changed',
      () => `UPDATE observations SET doc = json_set(doc, '$.confidence', 0.1) WHERE seq = ${obsSeq()}`,
      [['record-changed', 'observation', '$obs']],
    ],
    [
      'an observation deleted',
      () => `DELETE FROM observations WHERE seq = ${obsSeq()}`,
      [['record-deleted', 'observation', '$obs']],
    ],
    [
      'two observations reordered',
      () =>
        `UPDATE observations SET seq = -1 WHERE seq = 1; UPDATE observations SET seq = 1 WHERE seq = 2; UPDATE observations SET seq = 2 WHERE seq = -1`,
      [
        ['record-changed', 'observation', '1'],
        ['record-changed', 'observation', '2'],
      ],
    ],
    [
      'an observation added behind the log',
      () =>
        `INSERT INTO observations (seq, source, source_id, activity, time, region, received_at, submitted_by, doc) SELECT 9999, source, 'forged', activity, time, region, received_at, submitted_by, json_set(doc, '$.sourceId', 'forged') FROM observations WHERE seq = 1`,
      [['record-unlogged', 'observation', '9999']],
    ],
    [
      'an observation column changed',
      () => `UPDATE observations SET activity = 'patrol' WHERE seq = ${obsSeq()}`,
      [['record-columns', 'observation', '$obs']],
    ],
    [
      'an incident changed',
      () =>
        `UPDATE incidents SET doc = json_set(doc, '$.confidence', 0.01) WHERE id || '@' || revision = '${ids['incident']}'`,
      [['record-changed', 'incident-revision', '$incident']],
    ],
    [
      'a superseded incident revision deleted',
      () => `DELETE FROM incident_revisions WHERE id || '@' || revision = '${ids['incidentRev']}'`,
      [['record-deleted', 'incident-revision', '$incidentRev']],
    ],
    [
      'a violation changed',
      () =>
        `UPDATE violations SET doc = json_set(doc, '$.party', 'undetermined') WHERE id || '@' || revision = '${ids['violation']}'`,
      [['record-changed', 'violation', '$violation']],
    ],
    [
      'a violation deleted',
      () => `DELETE FROM violations WHERE id || '@' || revision = '${ids['violation']}'`,
      [['record-deleted', 'violation', '$violation']],
    ],
    [
      'a case opening changed',
      () => `UPDATE cases SET doc = json_set(doc, '$.openedAt', 0)`,
      [['record-changed', 'case-event', '$case/opened']],
    ],
    [
      'a case file changed',
      () => `UPDATE case_files SET doc = json_set(doc, '$.judgment.deadline', 1)`,
      [['record-changed', 'case-event', '$case/file']],
    ],
    [
      'a vote changed',
      () => `UPDATE case_files SET doc = json_set(doc, '$.judgment.votes[0].choice', 'dismiss')`,
      [['record-changed', 'vote', '$case/vote/1']],
    ],
    [
      'a vote deleted',
      () => `UPDATE case_files SET doc = json_remove(doc, '$.judgment.votes[2]')`,
      [['record-deleted', 'vote', '$case/vote/3']],
    ],
    [
      'a refused vote changed',
      () => `UPDATE case_files SET doc = json_set(doc, '$.judgment.rejections[0].member', 'FR')`,
      [['record-changed', 'case-event', '$case/rejection/1']],
    ],
    [
      'a task changed',
      () => `UPDATE case_files SET doc = json_set(doc, '$.tasks[0].status', 'delivered')`,
      [['record-changed', 'task-change', '$task0']],
    ],
    [
      'a task deleted',
      () => `UPDATE case_files SET doc = json_remove(doc, '$.tasks[1]')`,
      [['record-deleted', 'task-change', '$task1']],
    ],
    [
      'a log entry rewritten',
      () =>
        `UPDATE tlog_entry SET entry = CAST(replace(CAST(entry AS TEXT), '"choice":"', '"choice":"x') AS BLOB) WHERE idx = ${firstVote}`,
      ['entry-hash'],
    ],
    [
      'a log entry rewritten with its leaf hash',
      () =>
        `UPDATE tlog_entry SET entry = CAST(replace(CAST(entry AS TEXT), '"choice":"', '"choice":"x') AS BLOB) WHERE idx = ${firstVote}; UPDATE tlog_entry SET leaf = leafhash(entry) WHERE idx = ${firstVote}`,
      ['record-changed', 'node-mismatch', 'head-mismatch', 'checkpoint-root'],
    ],
    // Observations, incident revisions and violations keep their bytes in their rows only (migration 0006).
    [
      'the leaf hash of an entry kept in its row rewritten',
      () => `UPDATE tlog_entry SET leaf = zeroblob(32) WHERE idx = ${firstObservation}`,
      ['record-changed', 'node-mismatch', 'checkpoint-root'],
    ],
    [
      'bytes forged for an entry kept in its row',
      () => `UPDATE tlog_entry SET entry = CAST('{}' AS BLOB) WHERE idx = ${firstObservation}`,
      ['entry-hash', 'entry-invalid'],
    ],
    [
      'the bytes of a logged vote removed',
      () => `UPDATE tlog_entry SET entry = NULL WHERE idx = ${firstVote}`,
      ['entry-invalid'],
    ],
    [
      'two log entries swapped',
      () =>
        `UPDATE tlog_entry SET idx = -1 WHERE idx = 2; UPDATE tlog_entry SET idx = 2 WHERE idx = 3; UPDATE tlog_entry SET idx = 3 WHERE idx = -1`,
      ['node-mismatch', 'checkpoint-root'],
    ],
    [
      'the log truncated',
      () => `DELETE FROM tlog_entry WHERE idx >= (SELECT max(idx) - 2 FROM tlog_entry)`,
      ['checkpoint-beyond-log', 'head-mismatch', 'record-'],
    ],
    [
      'a checkpoint re-signed with another key',
      () =>
        `UPDATE tlog_checkpoint SET note = replace(note, substr(note, instr(note, '— ') + 2, 30), 'x') WHERE size = (SELECT min(size) FROM tlog_checkpoint)`,
      ['checkpoint-signature'],
    ],
  ];

  it.each(cases)('catches %s', async (_name, sql, expected) => {
    const copy = join(dir, `t-${Math.random().toString(36).slice(2)}.db`);
    copyFileSync(base, copy);
    const db = new Database(copy);
    db.function('leafhash', (b: unknown) => Buffer.from(hashLeaf(b as Buffer)));
    db.exec(sql());
    db.close();
    const r = await audit(copy, vkey);
    expect(r.code, r.out).toBe(1);
    for (const e of expected) {
      if (typeof e === 'string') expect(r.out).toMatch(new RegExp(`^${e}`, 'm'));
      else {
        const id = e[2].replace(/^\$(\w+)/, (_m, k: string) => (k === 'case' ? caseId() : ids[k]!));
        expect(r.out, r.out).toContain(`${e[0]} ${e[1]} ${id}:`);
      }
    }
  });

  it('with --json, lists findings as data', async () => {
    const copy = join(dir, 'json.db');
    copyFileSync(base, copy);
    const db = new Database(copy);
    db.exec(`UPDATE case_files SET doc = json_set(doc, '$.judgment.votes[0].choice', 'dismiss')`);
    db.close();
    let out = '';
    expect(await runAudit({ db: copy, json: true }, (s) => (out += s))).toBe(1);
    expect(JSON.parse(out).findings).toEqual([
      expect.objectContaining({
        code: 'record-changed',
        kind: 'vote',
        recordId: `${caseId()}/vote/1`,
        table: 'case_files',
      }),
    ]);
  });
});
