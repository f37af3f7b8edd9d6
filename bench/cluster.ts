// Several servers on one PostgreSQL (issue 26): the same load, batches of 500 with 4 in flight in all, sent to one
// `guarantor serve` and then shared by two on a fresh schema. Figures: throughput, and the servers' summed CPU per
// observation (from /proc), so a second server shows whether it adds capacity or only cost. The baseline is one
// server in the same run. Targets: two servers' throughput no lower than one's; their summed CPU per observation
// within 10% of one server's.
// Run: npm run bench -- cluster (CLUSTER_EVENTS sets the size; default 30,000 events, about 54,000 observations).
import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { generateKey } from '../src/server/api-keys.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { spawnServer, type Child } from '../test/support/child.js';
import { traffic } from '../test/support/observations.js';
import { postObservations, processCpuMs } from './support/http.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from '../test/support/postgres.js';

const BATCH = 500;
const IN_FLIGHT = 4;
const EVENTS = Number(process.env['CLUSTER_EVENTS'] ?? 30_000);

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
}

/** Starts `n` servers on a fresh schema; the batches go to them from one queue, `IN_FLIGHT` at a time in all. */
async function run(n: number): Promise<Result> {
  const schema = freshSchema('cluster');
  const setup = await PostgresStore.open({ url: pgUrl, schema });
  const k = generateKey('*', 'monitor', 'bench', 0);
  await setup.createApiKey(k.record);
  await setup.createApiKey(generateKey('*', 'admin', 'bench', 0).record);
  await setup.close();
  const db = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`;
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
          while (next < list.length) await postObservations(agents[s]!, urls[s]!, k.key, list[next++]!);
        }),
      );
      next = 0;
    };
    const warm = Math.min(16, Math.floor(batches.length / 10));
    await send(batches.slice(0, warm));
    const measured = batches.slice(warm);
    const cpu0 = servers.map((s) => processCpuMs(s.proc.pid!));
    const t0 = process.hrtime.bigint();
    await send(measured);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = servers.reduce((sum, s, i) => sum + processCpuMs(s.proc.pid!) - cpu0[i]!, 0);
    for (const a of agents) a.destroy();
    const obs = measured.length * BATCH;
    return { servers: n, obsPerSec: obs / secs, cpuMsPerKObs: (cpu / obs) * 1000 };
  } finally {
    for (const s of servers) await s.kill9();
    await dropSchema(schema);
  }
}

console.log(
  `${batches.length * BATCH} observations in ${batches.length} batches of ${BATCH}, ${IN_FLIGHT} in flight; load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const one = await run(1);
const two = await run(2);
const fmt = (r: Result) =>
  `${r.servers} server${r.servers > 1 ? 's' : ''}: ${Math.round(r.obsPerSec).toLocaleString('en')} obs/s, servers' CPU ${r.cpuMsPerKObs.toFixed(1)} ms per 1,000 observations`;
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
    loadAverage: loadavg().map((x) => +x.toFixed(1)),
  }),
);
