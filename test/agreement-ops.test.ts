/**
 * Operations honour what real agreements say (issue 20, item 2): a dormant trigger is inactive until it wakes, and
 * the public status says so; a party's request for an inspection is a task for the verifying body with the package's
 * deadline, tracked, escalated and logged like a response task.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadedPackage } from '../src/core/spec/load.js';
import { generateKey } from '../src/server/api-keys.js';
import { examplePackage, testServer, type TestServer } from './support/app.js';

const DAY = 86_400_000;
const EFFECTIVE = examplePackage.model!.effective.start;

/** The example package with `serious-violation` dormant until the ceasefire has held 60 days. */
function withDormantTrigger(): LoadedPackage {
  const model = structuredClone(examplePackage.model!);
  (model.triggers['serious-violation'] as { wakes?: unknown }).wakes = { held: 60 * DAY };
  return { ...examplePackage, model };
}

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('dormant triggers, live', () => {
  it('the status shows a dormant trigger as dormant with when it wakes, then active once it has', async () => {
    s = await testServer({ package: withDormantTrigger(), now: EFFECTIVE + 10 * DAY });
    const status = async () =>
      (await s!.app.inject({ method: 'GET', url: '/v1/status' })).json() as {
        triggers: { id: string; state: string; wakes?: string; wakesAt?: string | null }[];
      };
    const before = (await status()).triggers;
    expect(before.find((t) => t.id === 'serious-violation')).toEqual({
      id: 'serious-violation',
      state: 'dormant',
      wakes: 'once the ceasefire has held 60 days (from effective)',
      wakesAt: new Date(EFFECTIVE + 60 * DAY).toISOString(),
    });
    // A trigger with no `wakes` applies from `effective`.
    expect(before.find((t) => t.id !== 'serious-violation')).toMatchObject({ state: 'active' });
    s.clock.advance(50 * DAY);
    expect((await status()).triggers.find((t) => t.id === 'serious-violation')).toMatchObject({ state: 'active' });
  });
});

/** The example package whose patrol (CMM) inspects within 48 hours of a party's request. */
function withOnRequest(): LoadedPackage {
  const model = structuredClone(examplePackage.model!);
  (model.verification['patrol'] as { 'on-request'?: number })['on-request'] = 48 * 3_600_000;
  return { ...examplePackage, model };
}

describe('inspections on request', () => {
  const HOUR = 3_600_000;
  const T0 = EFFECTIVE + 20 * DAY;
  const req = { source: 'patrol', zone: 'buffer', note: 'tanks reported inside the buffer near the crossing' };

  it('a party request is a task for the verifying body, due by on-request; overdue, escalated, failed and logged if missed', async () => {
    s = await testServer({ package: withOnRequest(), now: T0 });
    const post = (payload: object, auth = s!.auth.party) =>
      s!.app.inject({ method: 'POST', url: '/v1/inspections', headers: { authorization: auth }, payload });
    const made = await post(req);
    expect(made.statusCode).toBe(201);
    const r = made.json() as { id: string; operator: string; requestedBy: string; task: Record<string, unknown> };
    expect(r).toMatchObject({ operator: 'CMM', requestedBy: 'UA', source: 'patrol', zone: 'buffer' });
    expect(r.task).toMatchObject({ actor: 'CMM', status: 'open', dueAt: T0 + 48 * HOUR, overdue: false });
    // The same request again is the same request, not a second task.
    const again = await post(req);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(r.id);

    // The monitor that owes it sees it; another party does not.
    const get = (url: string, auth: string) => s!.app.inject({ method: 'GET', url, headers: { authorization: auth } });
    expect((await get('/v1/inspections', s.auth.monitor)).json().items.map((i: { id: string }) => i.id)).toEqual([
      r.id,
    ]);
    const ru = generateKey('RU', 'party', 'RU', s.clock.now());
    await s.store.createApiKey(ru.record);
    expect((await get('/v1/inspections', `Bearer ${ru.key}`)).json().items).toEqual([]);
    expect((await get(`/v1/inspections/${r.id}`, `Bearer ${ru.key}`)).statusCode).toBe(404);
    // It is not a breach case: the judgment list does not show it.
    expect((await get('/v1/judgment', s.auth.analyst)).json().items).toEqual([]);

    // 49 hours on, undelivered: overdue, a failure at the due time, and the package's first escalation step.
    s.clock.advance(49 * HOUR);
    const late = (await get(`/v1/inspections/${r.id}`, s.auth.party)).json() as { task: Record<string, unknown> };
    expect(late.task).toMatchObject({ overdue: true, failure: { actor: 'CMM', dueAt: T0 + 48 * HOUR } });
    expect((late.task['escalations'] as { step: string }[]).map((e) => e.step)).toEqual(['reminder']);
    const failures = (await get('/v1/response-failures', s.auth.analyst)).json().items as { caseId: string }[];
    expect(failures.map((f) => f.caseId)).toEqual([r.id]);

    // Delivered late by its own actor, through the response-task route; the log holds the task's changes.
    const deliver = await s.app.inject({
      method: 'POST',
      url: `/v1/cases/${r.id}/tasks/0/CMM/deliver`,
      headers: { authorization: s.auth.monitor },
      payload: { note: 'inspected 14:00; two tanks, withdrawn under escort' },
    });
    expect(deliver.statusCode).toBe(200);
    expect(deliver.json()).toMatchObject({ status: 'delivered', overdue: true });
    const log = (await get('/v1/log/entries?start=0&end=100', s.auth.analyst)).json() as {
      entries: { kind: string; recordId: string; entry: string }[];
    };
    // Each change is a task record in the case's step (docs/tlog.md, "Case steps").
    const taskEntries = log.entries.filter((e) => {
      if (e.kind !== 'case-step' || e.recordId !== `${r.id}/step`) return false;
      const text = Buffer.from(e.entry, 'base64').toString('utf8');
      const record = JSON.parse(text.slice(text.indexOf('\n', text.indexOf('\n') + 1) + 1)) as { tasks: unknown[] };
      return record.tasks.length > 0;
    });
    expect(taskEntries.length).toBeGreaterThanOrEqual(3); // requested, overdue (and escalated), delivered
  });

  it('refuses, naming the field, a source that does not inspect on request, a zone it does not cover, and a non-party', async () => {
    s = await testServer({ package: withOnRequest(), now: T0 });
    const post = (payload: object, auth = s!.auth.party) =>
      s!.app.inject({ method: 'POST', url: '/v1/inspections', headers: { authorization: auth }, payload });
    const noOnRequest = await post({ ...req, source: 'radar' });
    expect(noOnRequest.statusCode).toBe(400);
    expect(noOnRequest.json()).toMatchObject({ error: 'invalid-inspection', problems: [{ path: 'body.source' }] });
    const uncovered = await post({ ...req, zone: 'no-fly' });
    expect(uncovered.json()).toMatchObject({ error: 'invalid-inspection', problems: [{ path: 'body.zone' }] });
    expect((await post({ ...req, note: '  ' })).json()).toMatchObject({ problems: [{ path: 'body.note' }] });
    // A party key bound to an actor that is not a party of the package.
    const odd = generateKey('CMM', 'party', 'odd', s.clock.now());
    await s.store.createApiKey(odd.record);
    expect((await post(req, `Bearer ${odd.key}`)).json()).toMatchObject({ problems: [{ path: 'principal.actor' }] });
    expect((await post(req, s.auth.guarantor)).statusCode).toBe(403);
    const list = await s.app.inject({
      method: 'GET',
      url: '/v1/inspections',
      headers: { authorization: s.auth.monitor },
    });
    expect(list.json().items).toEqual([]); // nothing stored
  });
});
