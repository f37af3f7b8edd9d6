import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Rows } from './rows.js';

function db(): Database.Database {
  const d = new Database(':memory:');
  d.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  return d;
}

describe('Rows', () => {
  it('inserts every row, in order, across full chunks and a remainder, reusing its statements', () => {
    const d = db();
    const statements = new Map<string, Database.Statement>();
    for (const n of [0, 1, Rows.CHUNK, 2 * Rows.CHUNK + 37]) {
      d.exec('DELETE FROM t');
      const rows = new Rows(d, statements, 't (id, v)', 2);
      for (let i = 0; i < n; i++) rows.add(i, `v${i}`);
      rows.flush();
      const got = d.prepare('SELECT id, v FROM t ORDER BY id').all() as { id: number; v: string }[];
      expect(got.length).toBe(n);
      expect(got.every((r, i) => r.id === i && r.v === `v${i}`)).toBe(true);
    }
    // One statement per distinct row count: 1, CHUNK, 37.
    expect([...statements.keys()].sort()).toEqual(['t (id, v)//1', `t (id, v)//${Rows.CHUNK}`, 't (id, v)//37'].sort());
    const before = statements.size;
    const again = new Rows(d, statements, 't (id, v)', 2);
    again.add(1000, 'x');
    again.flush();
    expect(statements.size).toBe(before);
  });

  it('runs an upsert tail, and a conflict without one aborts the statement', () => {
    const d = db();
    const statements = new Map<string, Database.Statement>();
    d.prepare('INSERT INTO t VALUES (1, ?)').run('old');
    const up = new Rows(d, statements, 't (id, v)', 2, 'ON CONFLICT (id) DO UPDATE SET v = excluded.v');
    up.add(1, 'new');
    up.add(2, 'two');
    up.flush();
    expect(d.prepare('SELECT v FROM t ORDER BY id').all()).toEqual([{ v: 'new' }, { v: 'two' }]);
    const plain = new Rows(d, statements, 't (id, v)', 2);
    plain.add(2, 'again');
    expect(() => plain.flush()).toThrow(/UNIQUE/);
  });

  it('refuses a row of the wrong width (a bug in the caller)', () => {
    const rows = new Rows(db(), new Map(), 't (id, v)', 2);
    expect(() => rows.add(1)).toThrow(/1 values for 2 columns/);
  });
});
