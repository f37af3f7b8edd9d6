// The list routes' queries on a large store: 1,000,000 observations (the traffic generator's, spread over about
// four months) and 10,000 cases in a SQLite store, then the first page and the fifth (through the cursor) of 100 for
// each filter the routes take, repeated: p50 and p99 per filter, and the worst p99 as the headline (target < 50 ms,
// issue 22). Store calls, not HTTP: the route adds its JSON serialisation of the page (the same for every filter).
// Baseline in the same run: the unfiltered first page. LIST_OBSERVATIONS and LIST_CASES change the sizes.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseObservationBatch } from '../src/core/ops/index.js';
import type { Page } from '../src/core/ports/store.js';
import { operationsFor } from '../src/server/operations.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { examplePackage } from '../test/support/app.js';
import { traffic } from '../test/support/observations.js';

const OBSERVATIONS = Number(process.env['LIST_OBSERVATIONS'] ?? 1_000_000);
const CASES = Number(process.env['LIST_CASES'] ?? 10_000);
const RUNS = 40;
const T0 = Date.UTC(2026, 5, 20);
const now = Date.UTC(2026, 11, 1);
const rules = operationsFor(examplePackage, { clock: { now: () => now } }).rules;

const dir = mkdtempSync(join(tmpdir(), 'guarantor-lists-'));
try {
  const store = SqliteStore.open({ path: join(dir, 'lists.db') });
  const db = store.db;
  const insObs = db.prepare(
    'INSERT INTO observations (seq, source, source_id, activity, time, region, received_at, submitted_by, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let seq = 0;
  let start = T0;
  for (let k = 0; seq < OBSERVATIONS; k++) {
    const items = traffic({ events: 25_000, prefix: `l${k}-`, seed: 40 + k, start, gap: 12_000 });
    start = Date.parse(items[items.length - 1]!.time) + 60_000;
    const parsed = parseObservationBatch(items, rules, now);
    if (!parsed.ok) throw new Error('bench data is invalid');
    db.exec('BEGIN');
    for (const o of parsed.observations) {
      if (seq >= OBSERVATIONS) break;
      seq++;
      insObs.run(seq, o.source, o.sourceId, o.activity, o.time, o.region ?? null, o.time, 'bench', JSON.stringify(o));
    }
    db.exec('COMMIT');
  }
  const last = (db.prepare('SELECT max(time) AS t FROM observations').get() as { t: number }).t;
  const insCase = db.prepare(
    'INSERT INTO cases (id, case_key, trigger_id, severity, party, opened_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const triggers = ['serious-violation', 'armed-attack', 'heavy-weapons', 'access-denied'];
  const severities = ['minor', 'serious', 'armed-attack'];
  const parties = ['RU', 'UA', 'undetermined'];
  db.exec('BEGIN');
  for (let i = 0; i < CASES; i++) {
    const at = T0 + Math.floor(((last - T0) * i) / CASES);
    const id = `case-${String(i).padStart(6, '0')}`;
    const c = {
      id,
      key: `k${i}`,
      trigger: triggers[i % triggers.length]!,
      severity: severities[i % severities.length]!,
      party: parties[i % parties.length]!,
      windowStart: at,
      windowEnd: at + 86_400_000,
      breachAt: at,
      openedAt: at,
      evidence: [],
    };
    insCase.run(id, c.key, c.trigger, c.severity, c.party, c.openedAt, JSON.stringify(c));
  }
  db.exec('COMMIT');
  db.exec('ANALYZE');

  const mid = T0 + (last - T0) / 2;
  const day = 86_400_000;
  type Q = { name: string; list: (cursor?: string) => Promise<Page<unknown>> };
  const obs = (name: string, f: object): Q => ({
    name: `observations ${name}`,
    list: (cursor) => store.listObservations({ limit: 100, ...f, ...(cursor ? { cursor } : {}) }),
  });
  const cases = (name: string, f: object): Q => ({
    name: `cases ${name}`,
    list: (cursor) => store.listCases({ limit: 100, ...f, ...(cursor ? { cursor } : {}) }),
  });
  const queries: Q[] = [
    obs('(none)', {}),
    obs('activity', { activity: 'mortar-fire' }),
    obs('source', { source: 'patrol' }),
    obs('region', { region: 'UA-14' }),
    obs('a day', { from: mid, to: mid + day }),
    obs('activity and a day', { activity: 'heavy-weapon-presence', from: mid, to: mid + day }),
    obs('source and region', { source: 'patrol', region: 'UA-65' }),
    obs('a source that sent nothing', { source: 'nobody' }),
    obs('a region with no reports', { region: 'UA-01' }),
    obs('an activity never reported', { activity: 'naval-incursion' }),
    cases('(none)', {}),
    cases('severity', { severity: 'serious' }),
    cases('party and trigger', { party: 'UA', trigger: 'armed-attack' }),
    cases('a week', { from: mid, to: mid + 7 * day }),
    cases('a party that was never named', { party: 'XX' }),
  ];
  const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  const rows: { name: string; p50: number; p99: number; items: number }[] = [];
  for (const query of queries) {
    const times: number[] = [];
    let items = 0;
    for (let r = 0; r < RUNS; r++) {
      // The first page, then four more through the cursor: a client paging on.
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const t0 = process.hrtime.bigint();
        const p = await query.list(cursor);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (r === 0) items += p.items.length;
        cursor = p.next;
        if (!cursor) break;
      }
    }
    times.sort((a, b) => a - b);
    rows.push({ name: query.name, p50: q(times, 0.5), p99: q(times, 0.99), items });
  }
  await store.close();
  console.log(
    `${OBSERVATIONS.toLocaleString('en')} observations, ${CASES.toLocaleString('en')} cases (SQLite); pages of 100, the first five of each, ${RUNS} times; load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  for (const r of rows)
    console.log(
      `  ${r.name.padEnd(44)} p50 ${r.p50.toFixed(2).padStart(8)} ms  p99 ${r.p99.toFixed(2).padStart(8)} ms  (${r.items} items in 5 pages)`,
    );
  const worst = rows.reduce((a, b) => (b.p99 > a.p99 ? b : a));
  const base = rows[0]!;
  console.log(`worst p99: ${worst.name}, ${worst.p99.toFixed(2)} ms (target < 50 ms)`);
  console.log(
    JSON.stringify({
      bench: 'lists',
      unit: 'ms',
      value: +worst.p99.toFixed(2),
      baselines: { 'unfiltered-page': +base.p99.toFixed(2) },
      ratios: { 'unfiltered-page': +(worst.p99 / base.p99).toFixed(1) },
      worst: worst.name,
      p99: Object.fromEntries(rows.map((r) => [r.name, +r.p99.toFixed(2)])),
      observations: OBSERVATIONS,
      cases: CASES,
      loadAverage: loadavg().map((x) => +x.toFixed(1)),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
