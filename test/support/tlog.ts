/**
 * A server whose database holds every kind of logged record: observations, incident revisions (current and
 * superseded), violations, a case opening, the case file with accepted and refused votes, a declaration and
 * response tasks (acknowledged and overdue), and two signed checkpoints, one cosigned by a registered witness.
 */
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import { acknowledgeCaseTask, casePlans, fireTimer, voteOnCase, type CaseFile } from '../../src/core/ops/index.js';
import type { ObservationInput } from '../../src/core/ops/index.js';
import type { CaseworkStore } from '../../src/core/ports/casework.js';
import type { Store } from '../../src/core/ports/store.js';
import { DAY, HOUR, MINUTE } from '../../src/core/spec/units.js';
import {
  SIG_COSIGNATURE_V1,
  addCosignature,
  ed25519Signer,
  encodeVkey,
  type Signer,
} from '../../src/core/tlog/index.js';
import { generateKey } from '../../src/server/api-keys.js';
import { caseworkFor } from '../../src/server/casework.js';
import { LogService, logServiceFor } from '../../src/server/transparency-log.js';
import { PostgresCaseworkStore } from '../../src/store/postgres/casework-store.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteCaseworkStore } from '../../src/store/sqlite/casework-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { obs } from '../ops/harness.js';
import { examplePackage, testServer, type TestServer } from './app.js';

export const DAY30 = Date.parse('2026-06-01T00:00:00Z') + 30 * DAY;
const place = (k: number) => ({ lon: 37.3 - k * 0.01, lat: 48.3, radius: 300 });
const shelling = (id: string, t: number, k: number): ObservationInput[] => [
  obs({ source: 'radar', sourceId: `${id}r`, at: t, confidence: 0.9, location: place(k) }),
  obs({ source: 'acoustic', sourceId: `${id}a`, at: t + MINUTE, confidence: 0.9, location: place(k) }),
];

export function witnessSigner(name = 'witness.example/fr'): Signer & { vkey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const s = ed25519Signer(name, privateKey);
  return { ...s, vkey: encodeVkey({ name, type: SIG_COSIGNATURE_V1, publicKey: s.publicKey }) };
}

export interface Populated {
  s: TestServer;
  log: LogService;
  caseId: string;
  witness: Signer & { vkey: string };
}

function caseworkStore(store: Store): CaseworkStore {
  return store.dialect === 'sqlite'
    ? new SqliteCaseworkStore((store as unknown as SqliteStore).db)
    : new PostgresCaseworkStore((store as unknown as PostgresStore).pool);
}

export async function populate(store: Store): Promise<Populated> {
  const s = await testServer({ store, now: DAY30 + 9 * HOUR + 30 * MINUTE });
  const log = logServiceFor(store, s.clock, examplePackage.model!.package, { minIntervalMs: 0 });
  await s.app.ready();
  const witness = witnessSigner();
  expect(
    (
      await s.app.inject({
        method: 'POST',
        url: '/v1/log/witnesses',
        headers: { authorization: s.auth.admin },
        payload: { vkey: witness.vkey },
      })
    ).statusCode,
  ).toBe(201);

  const de = generateKey('DE', 'monitor', 'DE monitor', s.clock.now());
  await store.createApiKey(de.record);
  const post = async (items: ObservationInput[], auth = s.auth.monitor) => {
    const r = await s.app.inject({
      method: 'POST',
      url: '/v1/observations',
      headers: { authorization: auth },
      payload: items,
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  const all = [
    ...shelling('a', DAY30 + HOUR, 0),
    ...shelling('b', DAY30 + 5 * HOUR, 1),
    ...shelling('c', DAY30 + 9 * HOUR, 2),
  ];
  await post(all.filter((o) => o.source === 'radar'));
  // A cosigned checkpoint in the middle.
  const first = await log.latest(true);
  const { verifier } = await log.key();
  const cos = addCosignature(LogService.note(first), witness, { time: new Date(s.clock.now()), serverKey: verifier });
  if (!cos.ok) throw new Error(cos.errors.map((e) => e.message).join('; '));
  expect(
    (
      await s.app.inject({
        method: 'POST',
        url: '/v1/log/cosignatures',
        headers: { 'content-type': 'text/plain' },
        payload: cos.note,
      })
    ).json(),
  ).toMatchObject({ accepted: [witness.name] });
  expect(
    await post(
      all.filter((o) => o.source === 'acoustic'),
      `Bearer ${de.key}`,
    ),
  ).toMatchObject({ cases: 1 });

  // Casework through the store, as the service does it: adopt, votes (one refused), declaration, tasks.
  const plans = casePlans(examplePackage.model!);
  await caseworkFor(store, examplePackage.model!, s.clock).catchUp();
  const cw = caseworkStore(store);
  const caseId = (await store.listCases({ limit: 10 })).items[0]!.id;
  const vote = (member: string, choice: 'declare' | 'dismiss') =>
    cw.updateCase(caseId, (f) => {
      const r = voteOnCase(plans, f!, { member, choice, at: s.clock.now() });
      return { step: r, result: r.ok };
    });
  s.clock.advance(HOUR);
  expect(await vote('FR', 'declare')).toBe(true);
  expect(await vote('XX', 'declare')).toBe(false);
  expect(await vote('UK', 'declare')).toBe(true);
  s.clock.advance(HOUR);
  expect(await vote('DE', 'declare')).toBe(true);
  const file = (await cw.getCaseFile(caseId)) as CaseFile;
  expect(file.judgment.outcome?.result).toBe('declared');
  expect(file.tasks.length).toBeGreaterThan(2);
  const t = file.tasks[1]!;
  await cw.updateCase(caseId, (f) => {
    const r = acknowledgeCaseTask(f!, t.id, t.actor, s.clock.now());
    if (!r.ok) throw new Error(r.message);
    return { step: { file: r.file, timers: [] }, result: undefined };
  });
  // A day later the 12-hour task is overdue.
  s.clock.advance(DAY);
  while ((await cw.firePass(s.clock.now(), (f, timer) => fireTimer(plans, f, timer))).length);
  s.clock.advance(1000);
  await log.latest(true);
  return { s, log, caseId, witness };
}
