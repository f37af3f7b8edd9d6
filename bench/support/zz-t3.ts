import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
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
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const sync of ['FULL', 'NORMAL', 'OFF']) {
  const store = SqliteStore.open({ path: join(dir, `c-${sync}.db`) });
  const db = store.db;
  db.pragma(`synchronous = ${sync}`);
  const data = tables.map((t) => {
    const stmt = src.prepare(`SELECT * FROM ${t} ORDER BY ${t === 'tlog_node' ? 'idx, level' : 'rowid'}`);
    const columns = stmt.columns().map((c) => c.name);
    return { t, columns, rows: stmt.raw().all() as unknown[][], ins: db.prepare(`INSERT INTO ${t} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`) };
  });
  let ins = 0, com = 0, insC = 0, comC = 0;
  for (let b = 0; b < n; b++) {
    let t0 = performance.now(); let c0 = cpu();
    db.exec('BEGIN IMMEDIATE');
    for (const d of data) {
      const from = Math.floor((b * d.rows.length) / n), to = Math.floor(((b + 1) * d.rows.length) / n);
      for (let i = from; i < to; i++) d.ins.run(d.rows[i]!);
    }
    ins += performance.now() - t0; insC += cpu() - c0;
    t0 = performance.now(); c0 = cpu();
    db.exec('COMMIT');
    com += performance.now() - t0; comC += cpu() - c0;
  }
  console.log(`${sync.padEnd(7)} insert ${(ins / n).toFixed(2)} ms (cpu ${(insC / n).toFixed(2)}), commit ${(com / n).toFixed(2)} ms (cpu ${(comC / n).toFixed(2)}) per batch; db ${(statSync(join(dir, `c-${sync}.db`)).size / 1e6).toFixed(0)} MB`);
  db.close();
}
