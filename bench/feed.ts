// The live feed under load (issue 19): a real `guarantor serve` (SQLite, child process) ingests observations at
// 2,000/s for 2 minutes while 1,000 Server-Sent Events clients on loopback follow /v1/events: 990 as the public
// (status and CAP events) and 10 with an analyst key (every event: each violation and case change too), as a
// mission's dashboards would. Every client must receive every event it may see, in order, none twice. The
// observations' event times end at the present, so regions change state and CAP alerts go out during the run.
// Figures: delivery latency from publication (the event's `at`) and from ingest (a violation's `detectedAt`) to a
// client, p50/p99, over 100 public clients and the analysts; the server's RSS (max, from /proc).
// Baseline, same run: a bare node:http SSE broadcaster (bench/support/sse-baseline.ts) writing the same number of
// events at the same rate to the same 1,000 clients: the fan-out floor. FEED_CLIENTS, FEED_SECONDS, FEED_RATE
// scale it down for a quick look.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey } from '../src/server/api-keys.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { spawnServer } from '../test/support/child.js';
import { traffic } from '../test/support/observations.js';
import { postObservations, processRssMb } from './support/http.js';

const CLIENTS = Number(process.env['FEED_CLIENTS'] ?? 1000);
const SECONDS = Number(process.env['FEED_SECONDS'] ?? 120);
const RATE = Number(process.env['FEED_RATE'] ?? 2000);
const ANALYSTS = Math.min(10, CLIENTS);
const SAMPLED = Math.min(100 + ANALYSTS, CLIENTS);
/** Streams per loopback address (the server allows 8 per address): clients spread over 127.0.0.1, .2, ... */
const PER_ADDRESS = 6;
const BATCH = RATE / 10; // ten batches a second

interface Client {
  ids: number[];
  kinds: string[];
  analyst: boolean;
  latency: number[];
  ingest: number[];
  res?: IncomingMessage;
  done: boolean;
}

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function follow(url: string, i: number, auth: string | undefined, sampled: boolean): Promise<Client> {
  const u = new URL(url);
  const c: Client = { ids: [], kinds: [], analyst: auth !== undefined, latency: [], ingest: [], done: false };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        localAddress: `127.0.${Math.floor(i / PER_ADDRESS / 250)}.${1 + (Math.floor(i / PER_ADDRESS) % 250)}`,
        headers: { accept: 'text/event-stream', ...(auth ? { authorization: auth } : {}) },
        agent: new Agent({ keepAlive: false }),
      },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`client ${i}: HTTP ${res.statusCode}`));
        c.res = res;
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let k: number;
          while ((k = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, k);
            buf = buf.slice(k + 2);
            if (!frame.startsWith('id: ')) continue;
            const nl = frame.indexOf('\n');
            c.ids.push(Number(frame.slice(4, nl)));
            if (c.analyst) c.kinds.push(frame.slice(nl + 8, frame.indexOf('\n', nl + 1)));
            if (sampled) {
              const now = Date.now();
              const data = JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { at: number; detectedAt?: number };
              c.latency.push(now - data.at);
              if (data.detectedAt !== undefined) c.ingest.push(now - data.detectedAt);
            }
          }
        });
        res.on('close', () => (c.done = true));
        resolve(c);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Clients 0..ANALYSTS-1 use `analystAuth` (when given); the first SAMPLED parse every event for latency. */
async function connectAll(url: string, analystAuth: string | undefined): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < CLIENTS; i += 50)
    out.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, CLIENTS - i) }, (_, j) =>
          follow(url, i + j, i + j < ANALYSTS ? analystAuth : undefined, i + j < SAMPLED),
        ),
      )),
    );
  return out;
}

/** Waits until every client has the last event it may see and nothing new came for `quietMs`. */
async function settle(
  clients: Client[],
  quietMs: number,
  timeoutMs: number,
  expected: (c: Client) => number,
): Promise<void> {
  const t0 = Date.now();
  let last = -1;
  let since = Date.now();
  for (;;) {
    const top = Math.max(...clients.map((c) => c.ids.at(-1) ?? 0));
    const all = clients.every((c) => (c.ids.at(-1) ?? 0) === expected(c));
    if (top !== last || !all) {
      last = top;
      since = Date.now();
    }
    if (all && Date.now() - since >= quietMs) return;
    if (Date.now() - t0 > timeoutMs) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

// --- Guarantor ---------------------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'guarantor-feed-'));
const db = join(dir, 'feed.db');
const setup = SqliteStore.open({ path: db });
const monitor = generateKey('*', 'monitor', 'feed bench', Date.now());
const analyst = generateKey('*', 'analyst', 'feed bench', Date.now());
await setup.createApiKey(monitor.record);
await setup.createApiKey(analyst.record);
await setup.createApiKey(generateKey('*', 'admin', 'feed bench', Date.now()).record);
await setup.close();
const server = await spawnServer(db);
const pid = server.proc.pid!;
// Event times spread as the generator spreads them (20 s apart on average), ending about now.
// The generator makes one to three observations per event: take exactly RATE * SECONDS of them.
const items = traffic({
  events: RATE * SECONDS,
  prefix: 'f',
  seed: 19,
  start: Date.now() - RATE * SECONDS * 20_000 * 1.02,
}).slice(0, RATE * SECONDS);
const batches: string[] = [];
for (let i = 0; i < items.length; i += BATCH) batches.push(JSON.stringify(items.slice(i, i + BATCH)));

let publicEvents = 0;
let ours: {
  clients: Client[];
  events: number;
  missing: number;
  dup: number;
  sent: number;
  secs: number;
  rssMax: number;
  rssIdle: number;
  dropped: number;
};
try {
  const rssIdle = processRssMb(pid);
  const clients = await connectAll(`${server.url}/v1/events?after=0`, `Bearer ${analyst.key}`);
  let rssMax = processRssMb(pid);
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, processRssMb(pid))), 500);
  const url = new URL(server.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const t0 = Date.now();
  const inflight = new Set<Promise<void>>();
  let sent = 0;
  for (let k = 0; k < batches.length; k++) {
    const due = t0 + k * 100;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    while (inflight.size >= 8) await Promise.race(inflight);
    const p = postObservations(agent, url, monitor.key, batches[k]!).then(() => void (sent += BATCH));
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  await Promise.all(inflight);
  const secs = (Date.now() - t0) / 1000;
  agent.destroy();
  // The analysts see every event; the public sees status and cap events. What each should have, from the analysts.
  const analystOf = () => clients.find((c) => c.analyst)!;
  const publicIds = () => {
    const a = analystOf();
    return a.ids.filter((_, k) => a.kinds[k] === 'status' || a.kinds[k] === 'cap');
  };
  const expected = (c: Client) => (c.analyst ? (analystOf().ids.at(-1) ?? 0) : (publicIds().at(-1) ?? 0));
  await settle(clients, 3000, 60_000, expected);
  clearInterval(sampler);
  const top = Math.max(...clients.map((c) => c.ids.at(-1) ?? 0));
  const allIds = Array.from({ length: top }, (_, k) => k + 1);
  const pub = publicIds();
  let missing = 0;
  let dup = 0;
  for (const c of clients) {
    const seen = new Set(c.ids);
    dup += c.ids.length - seen.size;
    for (const id of c.analyst ? allIds : pub) if (!seen.has(id)) missing++;
    if (!c.analyst && c.ids.length !== pub.length) missing += Math.max(0, c.ids.length - pub.length); // saw one it may not
  }
  publicEvents = pub.length;
  const dropped = clients.filter((c) => c.done).length;
  for (const c of clients) c.res?.destroy();
  ours = { clients, events: top, missing, dup, sent, secs, rssMax, rssIdle, dropped };
} finally {
  await server.kill9();
  rmSync(dir, { recursive: true, force: true });
}

// --- Baseline: a bare broadcaster, the public events to every client at the same rate ----------------------------------
const base = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'sse-baseline.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const baseUrl = await new Promise<string>((resolve) => {
  let out = '';
  base.stdout!.on('data', (d) => {
    out += d;
    const m = /READY (\S+)/.exec(out);
    if (m) resolve(m[1]!);
  });
});
const baseEvents = Math.max(1, publicEvents);
let baseline: { p50: number; p99: number; missing: number };
try {
  const clients = await connectAll(`${baseUrl}/`, undefined);
  // What every public client of ours received, to every client, at the same rate.
  const perTick = Math.max(1, Math.round(baseEvents / (ours.secs * 10)));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const u = new URL(baseUrl);
  let emitted = 0;
  const t0 = Date.now();
  for (let k = 0; emitted < baseEvents; k++) {
    const due = t0 + k * 100;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const n = Math.min(perTick, baseEvents - emitted);
    await new Promise<void>((resolve, reject) => {
      const req = request(
        { agent, host: u.hostname, port: u.port, path: `/emit?n=${n}`, method: 'POST' },
        (res) => (res.resume(), res.on('end', resolve)),
      );
      req.on('error', reject);
      req.end();
    });
    emitted += n;
  }
  agent.destroy();
  await settle(clients, 1000, 30_000, () => baseEvents);
  const lat = clients.slice(0, SAMPLED).flatMap((c) => c.latency);
  let missing = 0;
  for (const c of clients) missing += baseEvents - new Set(c.ids).size;
  for (const c of clients) c.res?.destroy();
  baseline = { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), missing };
} finally {
  base.kill('SIGKILL');
}

const lat = ours.clients.slice(0, SAMPLED).flatMap((c) => c.latency);
const ing = ours.clients.slice(0, SAMPLED).flatMap((c) => c.ingest);
const p50 = quantile(lat, 0.5);
const p99 = quantile(lat, 0.99);
console.log(
  `load average at the end: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (2 cores, shared)`,
);
console.log(
  `ingest: ${ours.sent.toLocaleString('en')} observations in ${ours.secs.toFixed(1)} s = ${Math.round(ours.sent / ours.secs).toLocaleString('en')} obs/s (target ${RATE.toLocaleString('en')})`,
);
console.log(
  `feed: ${ours.events.toLocaleString('en')} events (${publicEvents.toLocaleString('en')} public) to ${CLIENTS - ANALYSTS} public and ${ANALYSTS} analyst clients: missing ${ours.missing}, duplicated ${ours.dup}, disconnected ${ours.dropped}`,
);
console.log(`latency publication -> client (${SAMPLED} clients): p50 ${p50} ms, p99 ${p99} ms`);
console.log(
  `latency ingest -> client (violations):           p50 ${quantile(ing, 0.5)} ms, p99 ${quantile(ing, 0.99)} ms`,
);
console.log(`server RSS: ${ours.rssIdle.toFixed(0)} MB before the clients, ${ours.rssMax.toFixed(0)} MB at most`);
console.log(
  `baseline, bare node:http broadcaster, the public events to as many clients: p50 ${baseline.p50} ms, p99 ${baseline.p99} ms, missing ${baseline.missing}`,
);
if (ours.missing || ours.dup) console.log('FAILED: a client missed or repeated an event');
console.log(
  JSON.stringify({
    bench: 'feed',
    unit: 'ms',
    value: p99,
    baselines: { 'bare-sse-p99': baseline.p99 },
    ratios: { 'bare-sse-p99': +(p99 / Math.max(1, baseline.p99)).toFixed(2) },
    p50,
    events: ours.events,
    publicEvents,
    clients: CLIENTS,
    missing: ours.missing,
    duplicated: ours.dup,
    obsPerSec: Math.round(ours.sent / ours.secs),
    rssMaxMb: Math.round(ours.rssMax),
    ingestP50: quantile(ing, 0.5),
    ingestP99: quantile(ing, 0.99),
  }),
);
process.exit(ours.missing || ours.dup ? 1 : 0);
