/**
 * A real server for the dashboard's browser tests: the example package on a fresh SQLite file, listening on an
 * ephemeral port, on a clock the test can move forward (real time plus a shift), seeded through the HTTP API only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../src/core/ops/index.js';
import { generateKey } from '../../src/server/api-keys.js';
import { buildApp } from '../../src/server/app.js';
import { operationsFor } from '../../src/server/operations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { examplePackage, testLocator } from '../support/app.js';

export interface DashboardServer {
  app: FastifyInstance;
  store: SqliteStore;
  url: string;
  /** Lines the server logged at level error. */
  errors: string[];
  /** `mission`: the monitoring mission's monitor key (CMM), the duty officer's one key; `monitor`: the operator's feed (*). */
  keys: { admin: string; analyst: string; monitor: string; mission: string; guarantor: string };
  /** Moves the server's clock forward. */
  advance(ms: number): void;
  now(): number;
  post(path: string, key: string, body: unknown): Promise<{ status: number; body: unknown }>;
  get(path: string, key?: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function dashboardServer(): Promise<DashboardServer> {
  const dir = mkdtempSync(join(tmpdir(), 'guarantor-dashboard-'));
  const store = SqliteStore.open({ path: join(dir, 'guarantor.db') });
  let shift = 0;
  const clock: Clock = { now: () => Date.now() + shift };
  const operations = operationsFor(examplePackage, { clock, locator: testLocator });
  // Server errors are kept, so a failing test can say what the server logged.
  const errors: string[] = [];
  const app = await buildApp({
    store,
    operations,
    package: examplePackage,
    logger: { level: 'error', stream: { write: (line: string) => errors.push(line) } },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const make = async (actor: string, role: 'admin' | 'analyst' | 'monitor' | 'guarantor') => {
    const k = generateKey(actor, role, `dashboard test ${role}`, clock.now());
    await store.createApiKey(k.record);
    return k.key;
  };
  const keys = {
    admin: await make('*', 'admin'),
    analyst: await make('*', 'analyst'),
    monitor: await make('*', 'monitor'),
    mission: await make('CMM', 'monitor'),
    guarantor: await make('UK', 'guarantor'),
  };
  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (key) headers['authorization'] = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const json = (res.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: res.status, body: text && json ? (JSON.parse(text) as unknown) : text || undefined };
  };
  return {
    app,
    store,
    url,
    errors,
    keys,
    advance: (ms) => {
      shift += ms;
    },
    now: () => clock.now(),
    post: (path, key, body) => call('POST', path, key, body),
    get: (path, key) => call('GET', path, key),
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const MIN = 60_000;

/**
 * Observations of `events` artillery shellings, each seen by the mission's radar (CMM) and the German acoustic
 * array (DE): two independent operators at 0.9, so each incident is a corroborated violation of `no-fire`, and three
 * within 24 h meet the `serious-violation` trigger. Plus single-source reports that stay incidents or weak violations.
 */
export function shellings(now: number, tag: string, events = 3): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < events; i++) {
    const time = new Date(now - (40 - i * 10) * MIN).toISOString();
    const lon = 37.6 + i * 0.05;
    const lat = 48.3 - i * 0.2;
    const attribution = { party: 'RU', basis: 'crater-analysis' };
    out.push(
      {
        source: 'radar',
        sourceId: `${tag}-r${i}`,
        activity: 'artillery-fire',
        weapon: 'artillery-100mm-plus',
        count: 12,
        time,
        location: { lon, lat, radius: 500 },
        confidence: 0.9,
        attribution,
      },
      {
        source: 'acoustic',
        sourceId: `${tag}-a${i}`,
        activity: 'artillery-fire',
        time,
        location: { lon: lon + 0.002, lat, radius: 800 },
        confidence: 0.9,
        evidence: ['a'.repeat(64)],
      },
    );
  }
  out.push({
    source: 'uav',
    sourceId: `${tag}-u`,
    activity: 'heavy-weapon-presence',
    weapon: 'tank',
    count: 4,
    time: new Date(now - 90 * MIN).toISOString(),
    location: { lon: 37.3, lat: 48.9, radius: 200 },
    confidence: 0.7,
  });
  out.push({
    source: 'patrol',
    sourceId: `${tag}-p`,
    activity: 'denial-of-access',
    time: new Date(now - 120 * MIN).toISOString(),
    location: { lon: 37.55, lat: 47.9, radius: 1000 },
    confidence: 1,
  });
  return out;
}
