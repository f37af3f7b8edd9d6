/**
 * Where one server's CPU and the ingest lock's time go under the cluster bench's load (docs/operations/scaling.md):
 * `npx tsx bench/support/cluster-profile.ts [1|2]` starts that many servers on a fresh schema, sends the bench's
 * batches (500 observations, 4 in flight, lanes spread over the servers), then prints each server's ingest figures
 * (transactions, batches, ms waiting for and holding the lock, CPU while holding it) and its CPU profile's self time
 * by area. PROFILE_DIR keeps the .cpuprofile files (default a temporary directory).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverNodeFlags, sharedLogKeyFile } from '../../test/support/child.js';
import { traffic } from '../../test/support/observations.js';
import { dropSchema } from '../../test/support/postgres.js';
import { postObservations, processCpuMs } from './http.js';
import { pgMission } from './pg-mission.js';

const STAGES = (
  process.env['PROFILE_STAGES'] ??
  'checkedJson,scanJson,parseObservationBatch,checkOperator,processBatch,fuse,violationChanges,caseChanges,canonicalStoredJson,#ingestOne,#ingestGroup,#write,appendEntries,withLeaf,ingestTextEntries,forwardBatch,serialize,packDocs,prepareValue,query,handleDataRow,parse,_parse,writev,onStreamRead,locate,drain,#drain,tick,project,sign,runPass'
).split(',');

if (process.argv[2]?.endsWith('.cpuprofile')) {
  summarise(JSON.parse(readFileSync(process.argv[2], 'utf8')));
  process.exit(0);
}
const n = Number(process.argv[2] ?? 1);
const BATCH = 500;
const IN_FLIGHT = 4;
const items = traffic({ events: Number(process.env['CLUSTER_EVENTS'] ?? 30_000), prefix: 'c', seed: 11 });
const batches: string[] = [];
for (let i = 0; i + BATCH <= items.length; i += BATCH) batches.push(JSON.stringify(items.slice(i, i + BATCH)));
const root = join(import.meta.dirname, '..', '..');
const dir = process.env['PROFILE_DIR'] ?? mkdtempSync(join(tmpdir(), 'cluster-profile-'));

const { schema, db, key } = await pgMission('prof');

const servers: { proc: ReturnType<typeof spawn>; url: string; profDir: string; out: () => string }[] = [];
for (let i = 0; i < n; i++) {
  const profDir = join(dir, `server-${i}`);
  const proc = spawn(
    process.execPath,
    [
      ...serverNodeFlags,
      '--cpu-prof',
      `--cpu-prof-dir=${profDir}`,
      '--import',
      'tsx',
      join(root, 'bench/support/profile-child.ts'),
      join(root, 'examples/ukraine-2026.yaml'),
      db,
    ],
    {
      cwd: root,
      env: { ...process.env, GUARANTOR_LOG_LEVEL: 'error', GUARANTOR_LOG_KEY_FILE: sharedLogKeyFile(db) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve) => {
    const t = setInterval(() => {
      const m = /READY (\S+)/.exec(out);
      if (m) (clearInterval(t), resolve(m[1]!));
    }, 50);
  });
  servers.push({ proc, url, profDir, out: () => out });
}
const agents = servers.map(() => new Agent({ keepAlive: true, maxSockets: IN_FLIGHT }));
let next = 0;
const t0 = process.hrtime.bigint();
const cpu0 = servers.map((s) => processCpuMs(s.proc.pid!));
const pg0 = postgresCpuMs();
const self0 = process.cpuUsage();
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async (_, lane) => {
    const s = lane % n;
    while (next < batches.length) await postObservations(agents[s]!, new URL(servers[s]!.url), key, batches[next++]!);
  }),
);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = servers.map((s, i) => processCpuMs(s.proc.pid!) - cpu0[i]!);
const pgCpu = postgresCpuMs() - pg0;
const selfCpu = process.cpuUsage(self0);
const obs = batches.length * BATCH;
const perK = (ms: number) => ((ms / obs) * 1000).toFixed(1);
console.log(
  `${n} server(s): ${Math.round(obs / secs)} obs/s over ${secs.toFixed(1)} s; CPU per 1,000 observations: servers ${cpu.map(perK).join(', ')} ms, PostgreSQL (every backend) ${perK(pgCpu)} ms, load generator ${perK((selfCpu.user + selfCpu.system) / 1000)} ms; load average ${loadavg()[0]!.toFixed(1)}`,
);
for (const [i, s] of servers.entries()) {
  s.proc.kill('SIGUSR2');
  await new Promise((r) => s.proc.once('exit', r));
  const stats = /STATS (.*)/.exec(s.out())?.[1];
  console.log(`server ${i}: ${stats}`);
  const file = readdirSync(s.profDir).find((f) => /\.0\.\d+\.cpuprofile$/.test(f))!;
  summarise(JSON.parse(readFileSync(join(s.profDir, file), 'utf8')));
}
for (const a of agents) a.destroy();
await dropSchema(schema);
console.log(`profiles in ${dir}`);

/** CPU (ms) of every process named postgres: the database's share of the run. */
function postgresCpuMs(): number {
  let sum = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') sum += processCpuMs(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
/** Self time by area (file or group of files), and the top functions. */
function summarise(p: { nodes: Node[]; samples: number[]; timeDeltas: number[] }) {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const area = (x: Node) => {
    const u = x.callFrame.url;
    if (!u) return `(${x.callFrame.functionName || 'native'})`;
    const m = /\/(src|node_modules)\/(.*)$/.exec(u);
    if (!m) return u.startsWith('node:') ? u : 'other';
    if (m[1] === 'node_modules') return `npm:${m[2]!.split('/')[0]}`;
    return m[2]!;
  };
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const x = byId.get(id)!;
    if (x.callFrame.functionName === '(idle)') continue;
    total += us;
    const a = area(x);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const f = `${x.callFrame.functionName || '(anon)'} ${a}`;
    fns.set(f, (fns.get(f) ?? 0) + us);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(
        ([name, us]) =>
          `  ${(us / 1000).toFixed(0).padStart(6)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${name}`,
      )
      .join('\n');
  // Inclusive time of the functions that mark the ingest path's stages (the outermost call on each stack).
  const incl = new Map<string, number>();
  const walk = (id: number, on: Set<string>): number => {
    const x = byId.get(id)!;
    const name = x.callFrame.functionName;
    const mark = STAGES.includes(name) && !on.has(name);
    if (mark) on.add(name);
    let sum = x.callFrame.functionName === '(idle)' ? 0 : (self.get(id) ?? 0);
    for (const c of x.children ?? []) sum += walk(c, on);
    if (mark) (on.delete(name), incl.set(name, (incl.get(name) ?? 0) + sum));
    return sum;
  };
  walk(p.nodes[0]!.id, new Set());
  console.log(
    `busy ${(total / 1000).toFixed(0)} ms; by area:\n${top(areas, 25)}\ntop functions:\n${top(fns, 25)}\nstages (inclusive):\n${top(incl, 40)}`,
  );
}
