// Where a forwarding server's CPU goes (docs/operations/scaling.md): two servers on a fresh schema, the first owns
// the ingest; both idle for 10 s (CPU per second each), then every batch is sent to the second only, which relays
// it (CPU per 1,000 relayed observations, user and system). With GUARANTOR_QUERY_COUNTS=FILE the forwarder writes
// how many times it sent each statement, once it stops.
// Run: npx tsx bench/support/forwarder-cpu.ts (EVENTS sets the size; default 30,000 events, about 54,000 observations).
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { spawnServer } from '../../test/support/child.js';
import { traffic } from '../../test/support/observations.js';
import { dropSchema } from '../../test/support/postgres.js';
import { postObservations } from './http.js';
import { pgMission } from './pg-mission.js';

const EVENTS = Number(process.env['EVENTS'] ?? 30_000);
const counts = process.env['GUARANTOR_QUERY_COUNTS'];
const items = traffic({ events: EVENTS, prefix: 'p', seed: 11 });
const batches: string[] = [];
for (let i = 0; i + 500 <= items.length; i += 500) batches.push(JSON.stringify(items.slice(i, i + 500)));
const { schema, db, key } = await pgMission('fwdcpu');
const owner = await spawnServer(db);
const fwd = await spawnServer(
  db,
  counts ? { NODE_OPTIONS: `--import ${import.meta.dirname}/query-counts.mjs`, GUARANTOR_QUERY_COUNTS: counts } : {},
);
/** [user, system] CPU ms of a process, from /proc (USER_HZ 100). */
const cpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return [Number(f[11]) * 10, Number(f[12]) * 10] as const;
};
const both = () => [owner, fwd].map((s) => cpu(s.proc.pid ?? 0));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
try {
  await new Promise((r) => setTimeout(r, 3_000));
  let c0 = both();
  await new Promise((r) => setTimeout(r, 10_000));
  let c1 = both();
  const sum = (c: readonly number[]) => (c[0] ?? 0) + (c[1] ?? 0);
  const perSec = (i: number) => (sum(c1[i] ?? []) - sum(c0[i] ?? [])) / 10;
  console.log(`idle: owner ${perSec(0)} ms/s, forwarder ${perSec(1)} ms/s of CPU (load average ${load()})`);
  if (counts) fwd.proc.kill('SIGUSR2'); // the counts from here on
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const url = new URL(fwd.url);
  let next = 0;
  c0 = both();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let b = batches[next++]; b !== undefined; b = batches[next++]) await postObservations(agent, url, key, b);
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  c1 = both();
  agent.destroy();
  const kobs = (batches.length * 500) / 1000;
  const per = (i: number, j: number) => (((c1[i]?.[j] ?? 0) - (c0[i]?.[j] ?? 0)) / kobs).toFixed(1);
  console.log(
    `${kobs * 1000} observations relayed in ${secs.toFixed(1)} s (${Math.round((kobs * 1000) / secs)} obs/s), CPU per 1,000: owner ${per(0, 0)} user + ${per(0, 1)} system ms, forwarder ${per(1, 0)} user + ${per(1, 1)} system ms (load average ${load()})`,
  );
} finally {
  if (counts) {
    fwd.proc.kill('SIGINT');
    await new Promise((r) => fwd.proc.once('exit', r));
  }
  await fwd.kill9();
  await owner.kill9();
  await dropSchema(schema);
}
