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
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
// time-ordered ids: the founding time (incidents.start / violations.start as proxy) before the hash
const startOf = new Map<string, number>();
for (const r of src.prepare('SELECT id, start_ms FROM incidents').raw().all() as [string, number][]) startOf.set(r[0], r[1]);
const timed = (id: string, t: number) => id.slice(0, 4) + t.toString(36).padStart(9, '0') + '-' + id.slice(4, 20);
for (const variant of ['as-is', 'timed-ids', 'timed-ids+seq-leafkey', 'timed-ids+bucket-leafkey']) {
  const store = SqliteStore.open({ path: join(dir, `c-${variant}.db`) });
  const db = store.db;
  const data = tables.map((t) => {
    const stmt = src.prepare(`SELECT * FROM ${t} ORDER BY ${t === 'tlog_node' ? 'idx, level' : 'rowid'}`);
    const columns = stmt.columns().map((c) => c.name);
    let rows = stmt.raw().all() as unknown[][];
    if (variant !== 'as-is') {
      const idc = columns.indexOf('id');
      if (t === 'incidents' || t === 'incident_revisions') rows = rows.map((r) => { const x = [...r]; x[idc] = timed(r[idc] as string, startOf.get(r[idc] as string) ?? 0); return x; });
      if (t === 'violations' || t === 'violation_revisions') { const sc = columns.indexOf('time'); rows = rows.map((r) => { const x = [...r]; x[idc] = timed(r[idc] as string, sc >= 0 ? (r[sc] as number) : 0); return x; }); }
      if (t === 'tlog_entry' && variant.includes('seq-leafkey')) rows = rows.map((r) => { const x = [...r]; x[4] = r[0]; return x; });
      if (t === 'tlog_entry' && variant.includes('bucket-leafkey')) rows = rows.map((r) => { const x = [...r]; x[4] = Math.floor((r[0] as number) / 4096) * 2 ** 40 + ((r[4] as number) % 2 ** 40); return x; });
    }
    return { t, columns, rows, ins: db.prepare(`INSERT INTO ${t} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`) };
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
  console.log(`${variant.padEnd(26)} insert ${(ins / n).toFixed(2)} ms (cpu ${(insC / n).toFixed(2)}), commit ${(com / n).toFixed(2)} ms (cpu ${(comC / n).toFixed(2)}); total ${((ins + com) / n).toFixed(2)} ms`);
  db.close();
}
