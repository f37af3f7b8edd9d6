import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestStages } from './ingest-stages.js';
import { traffic } from '../../test/support/observations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
const BATCH = 500;
const items = traffic({ events: 60000, prefix: 'b', seed: 3 });
const bodies: string[] = [];
for (let i = 0; i + BATCH <= items.length; i += BATCH) bodies.push(JSON.stringify(items.slice(i, i + BATCH)));
const dir = mkdtempSync(join(tmpdir(), 'tbl-'));
await ingestStages(bodies, join(dir, 's.db'));
const src = new Database(join(dir, 's.db'));
const tables = ['observations', 'incidents', 'incident_revisions', 'violations', 'violation_revisions', 'cases', 'tlog_entry', 'tlog_node'];
const n = bodies.length;
const rowKinds = new Set(['observation', 'incident-revision', 'violation']);
for (const variant of ['as-is', 'no-entry-bytes', 'no-entry-no-leafidx', 'all-asis', 'all-v2']) {
  const store = SqliteStore.open({ path: join(dir, `c-${variant}.db`) });
  const db = store.db;
  if (variant.includes('leafidx') || variant === 'all-v2') db.exec('DROP INDEX tlog_entry_leaf');
  const data = tables.filter((t) => variant.startsWith('all') || t === 'tlog_entry').map((t) => {
    const stmt = src.prepare(`SELECT * FROM ${t} ORDER BY ${t === 'tlog_node' ? 'idx, level' : 'rowid'}`);
    const columns = stmt.columns().map((c) => c.name);
    let rows = stmt.raw().all() as unknown[][];
    if (t === 'tlog_entry' && (variant.includes('no-entry') || variant === 'all-v2')) rows = rows.map((r) => rowKinds.has(r[1] as string) ? [...r.slice(0, 5), Buffer.alloc(0)] : r);
    return { t, columns, rows, ins: db.prepare(`INSERT INTO ${t} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`) };
  });
  const t0 = process.hrtime.bigint();
  for (let b = 0; b < n; b++) {
    db.exec('BEGIN IMMEDIATE');
    for (const d of data) {
      const from = Math.floor((b * d.rows.length) / n), to = Math.floor(((b + 1) * d.rows.length) / n);
      for (let i = from; i < to; i++) d.ins.run(d.rows[i]!);
    }
    db.exec('COMMIT');
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / n;
  console.log(`${variant.padEnd(22)} ${ms.toFixed(2)} ms/batch`);
  db.close();
}
