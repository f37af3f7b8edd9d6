// Several servers on one PostgreSQL (issue 26): the same load, batches of 500 with 4 in flight in all, sent to one
// `guarantor serve` and then shared by two on a fresh schema (the first to start owns the ingest and the second
// forwards its batches to it, docs/operations/scaling.md). Figures: throughput, and the servers' summed CPU per
// observation (from /proc), so a second server shows whether it adds capacity or only cost. The baseline is one
// server in the same run. Targets: two servers' throughput no lower than one's; their summed CPU per observation
// within 10% of one server's.
// Also: how often the ingest lock is held (pg_locks sampled every 5 ms), and PostgreSQL's own write ceiling for the
// rows one observation produces: every row the one-server run stored, copied into empty tables of the same shape by
// a bare INSERT ... SELECT loop, one transaction per batch's share (no client, no parsing: the database's write work
// alone). docs/operations/scaling.md reads these figures.
// Rounds of one server, two, two, one, pooled per count (drift falls on both alike), after a warm-up round of one and
// two that is printed and not pooled.
// Run: npm run bench -- cluster (CLUSTER_EVENTS sets the size of a run, default 30,000 events, about 54,000
// observations; CLUSTER_ROUNDS the number of rounds, default 2, so 8 runs).
import { Agent } from 'node:http';
import pg from 'pg';
import { lockName } from '../src/store/postgres/migrate.js';
import { loadavg } from 'node:os';
import { spawnServer, type Child } from '../test/support/child.js';
import { traffic } from '../test/support/observations.js';
import { postObservations, processCpuMs } from './support/http.js';
import { pgMission } from './support/pg-mission.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from '../test/support/postgres.js';

const BATCH = 500;
const IN_FLIGHT = 4;
const EVENTS = Number(process.env['CLUSTER_EVENTS'] ?? 30_000);
const ROUNDS = Number(process.env['CLUSTER_ROUNDS'] ?? 2);

if (!(await postgresAvailable())) {
  console.log(`cluster: skipped: PostgreSQL at ${pgUrl} is unreachable`);
  process.exit(0);
}

const items = traffic({ events: EVENTS, prefix: 'c', seed: 11 });
const batches: string[] = [];
for (let i = 0; i + BATCH <= items.length; i += BATCH) batches.push(JSON.stringify(items.slice(i, i + BATCH)));

interface Result {
  servers: number;
  obsPerSec: number;
  cpuMsPerKObs: number;
  /** Share of samples in which a server held the ingest lock. */
  lockHeld: number;
  /** Raw sums, to pool runs. */
  obs: number;
  secs: number;
  cpuMs: number;
  /** Each server's CPU (ms), the ingest owner first. */
  cpuMsBy: number[];
}

/** Runs of the same server count pooled: total observations over total time and CPU. */
function pool(runs: Result[]): Result {
  const obs = runs.reduce((a, r) => a + r.obs, 0);
  const secs = runs.reduce((a, r) => a + r.secs, 0);
  const cpuMs = runs.reduce((a, r) => a + r.cpuMs, 0);
  return {
    servers: runs[0]!.servers,
    obsPerSec: obs / secs,
    cpuMsPerKObs: (cpuMs / obs) * 1000,
    lockHeld: runs.reduce((a, r) => a + r.lockHeld * r.secs, 0) / secs,
    obs,
    secs,
    cpuMs,
    cpuMsBy: [],
  };
}

/** Samples pg_locks every 5 ms until stopped: the share of samples in which the schema's ingest lock is granted. */
function sampleLock(schema: string): () => Promise<number> {
  const c = new pg.Client({ connectionString: pgUrl });
  let held = 0;
  let all = 0;
  let stop = false;
  const done = (async () => {
    await c.connect();
    while (!stop) {
      const r = await c.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
           AND objid::bigint = (hashtext($1)::bigint & 4294967295)`,
        [lockName('ingest', schema)],
      );
      all++;
      if ((r.rows[0] as { n: number }).n > 0) held++;
      await new Promise((res) => setTimeout(res, 5));
    }
    await c.end();
  })();
  return async () => {
    stop = true;
    await done;
    return all ? held / all : 0;
  };
}

/**
 * Copies every row of `schema`'s tables that the run filled into empty copies (same columns, indexes and
 * constraints), in `batches` transactions, each inserting its share of every table by INSERT ... SELECT: what
 * PostgreSQL needs to write them, with nothing of the server's own work. Returns observations per second.
 */
async function sameRowsCeiling(schema: string, batches: number, observations: number) {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  const stage = freshSchema('stage');
  const dst = freshSchema('rows');
  try {
    const tables = (
      await c.query(
        `SELECT c.relname AS t, c.reltuples::bigint AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
         WHERE s.nspname = $1 AND c.relkind = 'r'`,
        [schema],
      )
    ).rows as { t: string }[];
    await c.query(`CREATE SCHEMA "${stage}"; CREATE SCHEMA "${dst}"`);
    const filled: { t: string; cols: string }[] = [];
    let rows = 0;
    for (const { t } of tables) {
      const n = Number((await c.query(`SELECT count(*) AS n FROM "${schema}"."${t}"`)).rows[0].n);
      if (n < batches) continue; // written at start, not per observation (keys, migrations, checkpoints)
      rows += n;
      const cols = (
        (
          await c.query(
            `SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS c FROM information_schema.columns
             WHERE table_schema = $1 AND table_name = $2`,
            [schema, t],
          )
        ).rows[0] as { c: string }
      ).c;
      await c.query(
        `CREATE TABLE "${stage}"."${t}" AS SELECT ((row_number() OVER ()) - 1) * ${batches} / ${n} AS k, ${cols} FROM "${schema}"."${t}";
         CREATE INDEX ON "${stage}"."${t}" (k);
         CREATE TABLE "${dst}"."${t}" (LIKE "${schema}"."${t}" INCLUDING ALL)`,
      );
      filled.push({ t, cols });
    }
    await c.query('CHECKPOINT');
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < batches; k++) {
      await c.query('BEGIN');
      for (const { t, cols } of filled)
        await c.query(`INSERT INTO "${dst}"."${t}" (${cols}) SELECT ${cols} FROM "${stage}"."${t}" WHERE k = $1`, [k]);
      await c.query('COMMIT');
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    return { obsPerSec: observations / secs, rowsPerObs: rows / observations };
  } finally {
    await c.query(`DROP SCHEMA IF EXISTS "${stage}" CASCADE; DROP SCHEMA IF EXISTS "${dst}" CASCADE`);
    await c.end();
  }
}

/** Starts `n` servers on a fresh schema; the batches go to them from one queue, `IN_FLIGHT` at a time in all. */
async function run(n: number, keep = false): Promise<Result & { schema?: string }> {
  const { schema, db, key } = await pgMission('cluster');
  const servers: Child[] = [];
  try {
    for (let i = 0; i < n; i++) servers.push(await spawnServer(db));
    const agents = servers.map(() => new Agent({ keepAlive: true, maxSockets: IN_FLIGHT }));
    const urls = servers.map((s) => new URL(s.url));
    let next = 0;
    const send = async (list: string[]) => {
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async (_, lane) => {
          const s = lane % n; // each lane keeps to one server: 4 lanes over 1 or 2 servers
          while (next < list.length) await postObservations(agents[s]!, urls[s]!, key, list[next++]!);
        }),
      );
      next = 0;
    };
    const warm = Math.min(16, Math.floor(batches.length / 10));
    await send(batches.slice(0, warm));
    const measured = batches.slice(warm);
    const cpu0 = servers.map((s) => processCpuMs(s.proc.pid!));
    const lock = sampleLock(schema);
    const t0 = process.hrtime.bigint();
    await send(measured);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const lockHeld = await lock();
    const cpuMsBy = servers.map((s, i) => processCpuMs(s.proc.pid!) - cpu0[i]!);
    const cpu = cpuMsBy.reduce((a, b) => a + b, 0);
    for (const a of agents) a.destroy();
    const obs = measured.length * BATCH;
    for (const s of servers) await s.kill9();
    return {
      servers: n,
      obsPerSec: obs / secs,
      cpuMsPerKObs: (cpu / obs) * 1000,
      lockHeld,
      obs,
      secs,
      cpuMs: cpu,
      cpuMsBy,
      ...(keep ? { schema } : {}),
    };
  } finally {
    for (const s of servers) await s.kill9();
    if (!keep) await dropSchema(schema);
  }
}

console.log(
  `${batches.length * BATCH} observations in ${batches.length} batches of ${BATCH}, ${IN_FLIGHT} in flight, a warm-up round of one server and two, then ${ROUNDS} rounds of one, two, two, one; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
// One, two, two, one: drift in the machine's load (other work, PostgreSQL's checkpoints of earlier runs' writes)
// falls on both sides alike. The last run's rows give the write ceiling, measured after every timed run.
// A warm-up round first, one server and two, printed and not pooled: the first runs on a fresh machine meet a cold
// database and cold caches, which would otherwise fall on whichever count runs first.
const warmUp = [await run(1), await run(2)];
console.log(
  `warm-up (not pooled): ${warmUp.map((r) => `${r.servers} server${r.servers > 1 ? 's' : ''} ${Math.round(r.obsPerSec).toLocaleString('en')} obs/s, ${r.cpuMsPerKObs.toFixed(1)} ms per 1,000 observations`).join('; ')}`,
);
const runs: (Result & { schema?: string })[] = [];
for (let round = 0; round < ROUNDS; round++)
  for (const [i, n] of [1, 2, 2, 1].entries()) runs.push(await run(n, round === ROUNDS - 1 && i === 3));
const one = pool(runs.filter((r) => r.servers === 1));
const two = pool(runs.filter((r) => r.servers === 2));
const kept = runs.at(-1)!.schema!;
let ceiling: { obsPerSec: number; rowsPerObs: number };
try {
  ceiling = await sameRowsCeiling(kept, batches.length, batches.length * BATCH);
} finally {
  await dropSchema(kept);
}
const fmt = (r: Result) =>
  `${r.servers} server${r.servers > 1 ? 's' : ''}: ${Math.round(r.obsPerSec).toLocaleString('en')} obs/s, servers' CPU ${r.cpuMsPerKObs.toFixed(1)} ms per 1,000 observations, ingest lock held in ${(r.lockHeld * 100).toFixed(0)}% of samples`;
console.log(
  `PostgreSQL's write ceiling for the same rows (${ceiling.rowsPerObs.toFixed(1)} rows per observation, bare INSERT ... SELECT loop, a transaction per batch): ${Math.round(ceiling.obsPerSec).toLocaleString('en')} obs/s`,
);
console.log(fmt(one));
console.log(fmt(two));
const throughput = two.obsPerSec / one.obsPerSec;
const cpu = two.cpuMsPerKObs / one.cpuMsPerKObs;
console.log(
  `two against one: throughput ${throughput.toFixed(2)}x (target >= 1), summed CPU per observation ${cpu.toFixed(2)}x (target <= 1.10)`,
);
console.log(
  JSON.stringify({
    bench: 'cluster',
    unit: 'obs/s',
    value: Math.round(two.obsPerSec),
    baselines: { 'one-server': Math.round(one.obsPerSec) },
    ratios: { 'one-server': +throughput.toFixed(3) },
    cpuMsPerKObs: { one: +one.cpuMsPerKObs.toFixed(1), two: +two.cpuMsPerKObs.toFixed(1), ratio: +cpu.toFixed(3) },
    lockHeld: { one: +one.lockHeld.toFixed(2), two: +two.lockHeld.toFixed(2) },
    sameRowsCeiling: { obsPerSec: Math.round(ceiling.obsPerSec), rowsPerObs: +ceiling.rowsPerObs.toFixed(2) },
    warmUp: warmUp.map((r) => ({
      servers: r.servers,
      obsPerSec: Math.round(r.obsPerSec),
      cpuMsPerKObs: +r.cpuMsPerKObs.toFixed(1),
    })),
    runs: runs.map((r) => ({
      servers: r.servers,
      obsPerSec: Math.round(r.obsPerSec),
      cpuMsPerKObs: +r.cpuMsPerKObs.toFixed(1),
      serversCpuMsPerKObs: r.cpuMsBy.map((c) => +((c / r.obs) * 1000).toFixed(1)),
    })),
    loadAverage: loadavg().map((x) => +x.toFixed(1)),
  }),
);
