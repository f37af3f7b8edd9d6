/**
 * `guarantor log audit` against a populated PostgreSQL database: clean, then each kind of record tampered with on
 * its own copy of the schema, and the audit names it. (The SQLite suite, test/tlog-audit.test.ts, covers more cases.)
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../src/cli/log.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';
import { populate } from './support/tlog.js';

const tables = [
  'schema_migrations',
  'observations',
  'incidents',
  'incident_revisions',
  'violations',
  'violation_revisions',
  'cases',
  'case_revisions',
  'case_files',
  'api_keys',
  'member_keys',
  'timers',
  'vote_nonces',
  'tlog_entry',
  'tlog_node',
  'tlog_head',
  'tlog_checkpoint',
  'tlog_cosignature',
  'tlog_witness',
];

let available = false;
let base = '';
let vkey = '';
const schemas: string[] = [];
let client: pg.Client;
const ids: Record<string, string> = {};

const urlFor = (schema: string) => `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;

beforeAll(async () => {
  available = await postgresAvailable();
  if (!available) return;
  base = freshSchema('tlaudit');
  schemas.push(base);
  const p = await populate(await PostgresStore.open({ url: pgUrl, schema: base }));
  vkey = (await p.log.key()).vkey;
  await p.s.close();
  client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  const one = async (sql: string) =>
    Object.values((await client.query(sql)).rows[0] as Record<string, unknown>)[0] as string;
  ids['obs'] = String(await one(`SELECT seq FROM "${base}".observations ORDER BY seq LIMIT 1 OFFSET 2`));
  ids['incident'] = await one(`SELECT id || '@' || revision FROM "${base}".incidents ORDER BY seq LIMIT 1`);
  ids['violation'] = await one(`SELECT id || '@' || revision FROM "${base}".violations ORDER BY seq LIMIT 1`);
  ids['case'] = await one(`SELECT id FROM "${base}".cases LIMIT 1`);
  ids['task1'] = await one(`SELECT doc #>> '{tasks,1,id}' FROM "${base}".case_files LIMIT 1`);
});

afterAll(async () => {
  if (!available) return;
  await client.end();
  for (const s of schemas) await dropSchema(s);
});

async function audit(schema: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runAudit({ db: urlFor(schema), key: vkey }, (s) => (out += s));
  return { code, out };
}

async function copyWith(sql: string): Promise<string> {
  const s = freshSchema('tltamper');
  schemas.push(s);
  await client.query(`CREATE SCHEMA "${s}"`);
  for (const t of tables) await client.query(`CREATE TABLE "${s}".${t} AS TABLE "${base}".${t}`);
  await client.query(`SET search_path TO "${s}"; ${sql}; SET search_path TO public`);
  return s;
}

describe('log audit on PostgreSQL', () => {
  it('finds nothing in an untouched database', async () => {
    if (!available) return;
    const r = await audit(base);
    expect(r.out).toMatch(/log audit: OK/);
    expect(r.code).toBe(0);
  });

  const cases: [string, () => string, string][] = [
    [
      'an observation changed',
      () =>
        `UPDATE observations SET doc = jsonb_set(doc::jsonb, '{confidence}', '0.1')::text WHERE seq = ${ids['obs']}`,
      'record-changed observation $obs:',
    ],
    [
      'an incident changed',
      () =>
        `UPDATE incidents SET doc = jsonb_set(doc::jsonb, '{confidence}', '0.01')::text WHERE id || '@' || revision = '${ids['incident']}'`,
      'record-changed incident-revision $incident:',
    ],
    [
      'a violation deleted',
      () => `DELETE FROM violations WHERE id || '@' || revision = '${ids['violation']}'`,
      'record-deleted violation $violation:',
    ],
    [
      'a case opening changed',
      () => `UPDATE cases SET doc = jsonb_set(doc::jsonb, '{openedAt}', '0')::text`,
      'record-changed case-event $case/opened:',
    ],
    [
      'a vote changed',
      () => `UPDATE case_files SET doc = jsonb_set(doc, '{judgment,votes,0,choice}', '"dismiss"')`,
      'record-changed vote $case/vote/1:',
    ],
    ['a task deleted', () => `UPDATE case_files SET doc = doc #- '{tasks,1}'`, 'record-deleted task-change $task1:'],
    [
      'a log entry rewritten',
      () =>
        `UPDATE tlog_entry SET entry = convert_to(replace(convert_from(entry, 'UTF8'), '"choice":"', '"choice":"x'), 'UTF8') WHERE idx = (SELECT min(idx) FROM tlog_entry WHERE kind = 'vote')`,
      'entry-hash',
    ],
    [
      'the leaf hash of an entry kept in its row rewritten',
      () =>
        `UPDATE tlog_entry SET leaf = '\\x${'00'.repeat(32)}' WHERE idx = (SELECT min(idx) FROM tlog_entry WHERE kind = 'observation')`,
      'node-mismatch',
    ],
  ];

  it.each(cases)('catches %s', async (_name, sql, expected) => {
    if (!available) return;
    const schema = await copyWith(sql());
    const r = await audit(schema);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(expected.replace(/\$(\w+)/g, (_m, k: string) => ids[k]!));
  });
});
