/**
 * Judgment and responses end to end through `buildApp` + `inject()`: observations in, a case opens, members vote
 * with signed statements (one through the `guarantor vote` client), the breach is declared, tasks fall overdue on
 * the server's clock; a forged, replayed and wrong-member vote are refused; a restart of the server on the same
 * database in the middle of a judgment window loses no vote and fires the default once.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { injectFetch as injectAppFetch } from './support/inject-fetch.js';
import { sendVote } from '../src/cli/vote.js';
import type { ObservationInput } from '../src/core/ops/index.js';
import { signVote, type VoteStatement } from '../src/core/ops/index.js';
import type { Role } from '../src/core/ports/store.js';
import { DAY, HOUR, MINUTE } from '../src/core/spec/units.js';
import { generateKey } from '../src/server/api-keys.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { obs } from './ops/harness.js';
import { testServer, type TestServer } from './support/app.js';

const DAY30 = Date.parse('2026-06-01T00:00:00Z') + 30 * DAY;
const place = (k: number) => ({ lon: 37.3 - k * 0.01, lat: 48.3, radius: 300 });
const shelling = (id: string, t: number, k: number): ObservationInput[] => [
  obs({ source: 'radar', sourceId: `${id}r`, at: t, confidence: 0.9, location: place(k) }),
  obs({ source: 'acoustic', sourceId: `${id}a`, at: t + MINUTE, confidence: 0.9, location: place(k) }),
];

interface Member {
  pem: string;
  pub: string;
  auth: string;
  key: string;
}

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  servers = [];
});

async function keyFor(s: TestServer, actor: string, role: Role): Promise<string> {
  const k = generateKey(actor, role, `${actor} ${role}`, s.clock.now());
  await s.store.createApiKey(k.record);
  return k.key;
}

/** A server with the case opened by three corroborated shellings, and FR, UK, DE, US, CMM as keyed members. */
async function withCase(path = ':memory:') {
  const s = await testServer({ store: SqliteStore.open({ path }), now: DAY30 + 9 * HOUR + 30 * MINUTE });
  servers.push(s);
  const members: Record<string, Member> = {};
  for (const m of ['FR', 'UK', 'DE', 'US', 'CMM']) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const key = await keyFor(s, m, 'member');
    members[m] = {
      pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      key,
      auth: `Bearer ${key}`,
    };
    const r = await s.app.inject({
      method: 'POST',
      url: `/v1/members/${m}/keys`,
      headers: { authorization: s.auth.admin },
      payload: { publicKey: members[m]!.pub },
    });
    expect(r.statusCode).toBe(201);
  }
  const de = `Bearer ${await keyFor(s, 'DE', 'monitor')}`;
  const post = (items: ObservationInput[], auth: string) =>
    s.app.inject({ method: 'POST', url: '/v1/observations', headers: { authorization: auth }, payload: items });
  const all = [
    ...shelling('a', DAY30 + HOUR, 0),
    ...shelling('b', DAY30 + 5 * HOUR, 1),
    ...shelling('c', DAY30 + 9 * HOUR, 2),
  ];
  expect(
    (
      await post(
        all.filter((o) => o.source === 'radar'),
        s.auth.monitor,
      )
    ).statusCode,
  ).toBe(200);
  const r = await post(
    all.filter((o) => o.source === 'acoustic'),
    de,
  );
  expect(r.json()).toMatchObject({ cases: 1 });
  const cases = (
    await s.app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: s.auth.analyst } })
  ).json().items;
  expect(cases).toHaveLength(1);
  return { s, members, caseId: cases[0].id as string, openedAt: cases[0].openedAt as number };
}

const statement = (
  s: TestServer,
  caseId: string,
  member: string,
  choice: VoteStatement['choice'],
  over: Partial<VoteStatement> = {},
): VoteStatement => ({
  type: 'guarantor/vote/v1',
  package: 'ukraine-2026-illustrative',
  version: '0.3',
  case: caseId,
  member,
  choice,
  reason: '',
  time: new Date(s.clock.now()).toISOString(),
  nonce: Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32),
  ...over,
});

function castAs(s: TestServer, caseId: string, m: Member, body: unknown) {
  return s.app.inject({
    method: 'POST',
    url: `/v1/cases/${caseId}/votes`,
    headers: { authorization: m.auth },
    payload: body as Record<string, unknown>,
  });
}

const injectFetch = (s: TestServer) => injectAppFetch(s.app);

describe('judgment API', () => {
  it('plays a case from observations to a declared breach and overdue responses on the server clock', async () => {
    const { s, members, caseId, openedAt } = await withCase();
    const get = (url: string, auth = s.auth.analyst) =>
      s.app.inject({ method: 'GET', url, headers: { authorization: auth } });

    const clocks = (await get('/v1/judgment?status=open')).json();
    expect(clocks.items).toHaveLength(1);
    expect(clocks.items[0]).toMatchObject({
      caseId,
      status: 'open',
      deadline: openedAt + 48 * HOUR,
      timeLeft: 48 * HOUR,
      pending: ['FR', 'UK', 'DE', 'US', 'CMM'],
    });

    // FR votes through the CLI client; the key file is written as `guarantor keys new` writes it.
    const dir = mkdtempSync(join(tmpdir(), 'guarantor-vote-'));
    writeFileSync(join(dir, 'fr.key'), members['FR']!.pem, { mode: 0o600 });
    s.clock.advance(HOUR);
    const cli = await sendVote(
      caseId,
      'declare',
      {
        memberKey: join(dir, 'fr.key'),
        url: 'http://guarantor.test/',
        apiKey: members['FR']!.key,
        reason: 'three corroborated strikes',
      },
      injectFetch(s),
      s.clock.now(),
    );
    expect(cli).toMatchObject({ ok: true, message: expect.stringContaining('vote recorded: FR declare') });

    s.clock.advance(HOUR);
    const uk = await castAs(
      s,
      caseId,
      members['UK']!,
      signVote(statement(s, caseId, 'UK', 'declare'), members['UK']!.pem),
    );
    expect(uk.statusCode).toBe(200);

    // Refused: forged (signed by DE's key as UK), replayed, signed as another member than the caller, stale, recused? (none here).
    const forged = signVote(statement(s, caseId, 'UK', 'dismiss'), members['DE']!.pem);
    expect((await castAs(s, caseId, members['UK']!, forged)).json()).toMatchObject({
      error: 'vote-wrong-member',
      message: expect.stringContaining('key of DE'),
    });
    const tampered = signVote(statement(s, caseId, 'US', 'dismiss'), members['US']!.pem);
    tampered.statement = tampered.statement.replace('"dismiss"', '"declare"');
    const bad = await castAs(s, caseId, members['US']!, tampered);
    expect([bad.statusCode, bad.json().error]).toEqual([403, 'vote-bad-signature']);
    const usVote = signVote(
      statement(s, caseId, 'US', 'dismiss', { reason: 'attribution unclear' }),
      members['US']!.pem,
    );
    expect((await castAs(s, caseId, members['US']!, usVote)).statusCode).toBe(200);
    const replay = await castAs(s, caseId, members['US']!, usVote);
    expect([replay.statusCode, replay.json().error]).toEqual([409, 'vote-replayed']);
    // A reason holding a lone surrogate signs and verifies, but is not text: the client's error, not the server's.
    const lone = signVote(statement(s, caseId, 'DE', 'declare', { reason: 'strikes \ud800' }), members['DE']!.pem);
    const loneR = await castAs(s, caseId, members['DE']!, lone);
    expect([loneR.statusCode, loneR.json().error]).toEqual([400, 'vote-malformed']);
    expect(loneR.json().message).toContain('reason is not valid Unicode');
    const asOther = await castAs(
      s,
      caseId,
      members['DE']!,
      signVote(statement(s, caseId, 'US', 'dismiss'), members['US']!.pem),
    );
    expect([asOther.statusCode, asOther.json().error]).toEqual([403, 'vote-wrong-member']);
    const stale = await castAs(
      s,
      caseId,
      members['DE']!,
      signVote(
        statement(s, caseId, 'DE', 'declare', { time: new Date(s.clock.now() - 10 * MINUTE).toISOString() }),
        members['DE']!.pem,
      ),
    );
    expect([stale.statusCode, stale.json().error]).toEqual([400, 'vote-stale']);
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: `/v1/cases/${caseId}/votes`,
          headers: { authorization: s.auth.guarantor },
          payload: usVote,
        })
      ).statusCode,
    ).toBe(403);

    const tally = (await get(`/v1/cases/${caseId}/judgment`)).json();
    expect(tally).toMatchObject({
      status: 'open',
      tally: { declare: 2, dismiss: 1 },
      pending: ['DE', 'CMM'],
      timeLeft: 46 * HOUR,
    });

    s.clock.advance(HOUR);
    const de = await castAs(
      s,
      caseId,
      members['DE']!,
      signVote(statement(s, caseId, 'DE', 'declare'), members['DE']!.pem),
    );
    const DECLARED = openedAt + 3 * HOUR;
    expect(de.json().judgment.outcome).toMatchObject({ result: 'declared', at: DECLARED, nonVoters: ['CMM'] });

    const tasks = (await get(`/v1/cases/${caseId}/tasks`)).json().items as {
      actor: string;
      action: string;
      index: number;
      dueAt: number;
    }[];
    expect(tasks.map((t) => `${t.actor}:${t.action}:${(t.dueAt - DECLARED) / HOUR}`)).toEqual([
      'CMM:public-report:12',
      'FR:consult:96',
      'UK:consult:96',
      'FR:sanctions-snapback:168',
      'UK:sanctions-snapback:168',
      'DE:sanctions-snapback:168',
      'US:sanctions-snapback:168',
    ]);

    // Tasks: the guarantor key acts for UK; it may acknowledge only UK's tasks.
    const act = (path: string, auth: string, payload?: unknown) =>
      s.app.inject({
        method: 'POST',
        url: `/v1/cases/${caseId}/tasks/${path}`,
        headers: { authorization: auth },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    expect((await act('1/FR/acknowledge', s.auth.guarantor)).statusCode).toBe(403);
    expect((await act('1/UK/acknowledge', s.auth.guarantor)).json()).toMatchObject({ status: 'acknowledged' });
    expect((await act('1/UK/acknowledge', s.auth.guarantor)).statusCode).toBe(409);
    expect((await act('1/UK/deliver', s.auth.guarantor, { note: 'done', evidence: ['md5:x'] })).json()).toMatchObject({
      error: 'task-bad-evidence',
    });
    expect(
      (
        await act('2/UK/deliver', s.auth.guarantor, {
          note: 'Snapback regulations in force',
          evidence: ['sha256:' + 'a'.repeat(64)],
        })
      ).json(),
    ).toMatchObject({ status: 'delivered' });
    expect((await act('1/UK/acknowledge', s.auth.monitor)).statusCode).toBe(403); // CMM's key, UK's task
    // A key bound to UK but of another role (UK's radar feed: a monitor key) acts on none of UK's tasks; a guarantor
    // key bound to the mission on none of the mission's: role and actor both decide.
    const ukFeed = `Bearer ${await keyFor(s, 'UK', 'monitor')}`;
    const cmmAsGuarantor = `Bearer ${await keyFor(s, 'CMM', 'guarantor')}`;
    for (const [path, auth, payload] of [
      ['1/UK/deliver', ukFeed, { note: 'not ours to say' }],
      ['1/UK/acknowledge', ukFeed, undefined],
      ['0/CMM/acknowledge', cmmAsGuarantor, undefined],
    ] as const) {
      const r = await act(path, auth, payload);
      expect([r.statusCode, r.json().error], path).toEqual([403, 'role-not-for-actor']);
    }
    const after = (await get(`/v1/cases/${caseId}/tasks`)).json().items as { actor: string; status: string }[];
    expect(after.filter((t) => t.actor === 'UK').map((t) => t.status)).toEqual(['acknowledged', 'delivered']);
    expect(after.find((t) => t.actor === 'CMM')?.status).toBe('open');
    expect((await act('0/CMM/deliver', s.auth.monitor, { note: 'Spot report published' })).json()).toMatchObject({
      status: 'delivered',
    });
    expect((await act('9/UK/acknowledge', s.auth.guarantor)).statusCode).toBe(404);

    // A week on: every undelivered task fell overdue at its due time; UK's consult is a response failure too.
    s.clock.set(DECLARED + 7 * DAY);
    const failures = (await get('/v1/response-failures')).json().items as {
      actor: string;
      action: string;
      at: number;
    }[];
    expect(failures.map((f) => `${f.actor}:${f.action}:${(f.at - DECLARED) / HOUR}`)).toEqual([
      'FR:consult:96',
      'UK:consult:96',
      'DE:sanctions-snapback:168',
      'FR:sanctions-snapback:168',
      'US:sanctions-snapback:168',
    ]);
    const timeline = (await get(`/v1/cases/${caseId}/timeline`)).json();
    expect(timeline.entries[0]).toMatchObject({ kind: 'violation', at: DAY30 + HOUR });
    expect(
      timeline.entries.filter((e: { kind: string }) => e.kind === 'vote').map((e: { member: string }) => e.member),
    ).toEqual(['FR', 'UK', 'US', 'DE']);
    const md = await get(`/v1/cases/${caseId}/timeline.md`);
    expect(md.headers['content-type']).toContain('text/markdown');
    expect(md.body).toContain('**declared** (majority, by vote)');
    expect(md.body).toContain('| **response failure** | UK missed the deadline for consult |');
    expect(md.body).toContain('FR: **declare**: three corroborated strikes');
    // The mission's monitor key reads the timeline (its duty officer's); DE's acoustic feed's monitor key does not.
    expect((await get(`/v1/cases/${caseId}/timeline`, s.auth.monitor)).statusCode).toBe(200);
    expect((await get(`/v1/cases/${caseId}/timeline`, `Bearer ${await keyFor(s, 'DE', 'monitor')}`)).statusCode).toBe(
      403,
    );
  });

  it('a restart in the middle of the judgment window loses no vote and fires the default exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guarantor-restart-'));
    const file = join(dir, 'g.db');
    const first = await withCase(file);
    const { s, members, caseId, openedAt } = first;
    s.clock.advance(HOUR);
    expect(
      (await castAs(s, caseId, members['FR']!, signVote(statement(s, caseId, 'FR', 'declare'), members['FR']!.pem)))
        .statusCode,
    ).toBe(200);
    expect(
      (await castAs(s, caseId, members['US']!, signVote(statement(s, caseId, 'US', 'dismiss'), members['US']!.pem)))
        .statusCode,
    ).toBe(200);
    await s.close();
    servers = [];

    // Down from hour 1 to hour 60; two servers then start on the same file, one after the other.
    const again = await testServer({ store: SqliteStore.open({ path: file }), now: openedAt + 60 * HOUR });
    servers.push(again);
    const r = (
      await again.app.inject({
        method: 'GET',
        url: `/v1/cases/${caseId}/judgment`,
        headers: { authorization: again.auth.analyst },
      })
    ).json();
    expect(r.votes.map((v: { member: string; choice: string }) => `${v.member}:${v.choice}`)).toEqual([
      'FR:declare',
      'US:dismiss',
    ]);
    expect(r.outcome).toMatchObject({
      result: 'defaulted',
      default: 'declare',
      at: openedAt + 48 * HOUR,
      nonVoters: ['UK', 'DE', 'CMM'],
    });
    const tasks = (
      await again.app.inject({
        method: 'GET',
        url: `/v1/cases/${caseId}/tasks`,
        headers: { authorization: again.auth.analyst },
      })
    ).json().items;
    expect(tasks).toHaveLength(7);
    // The public report was due 12 h after the default declaration: exactly now, so it is overdue.
    expect(tasks[0]).toMatchObject({ actor: 'CMM', dueAt: openedAt + 60 * HOUR, overdue: true });
    await again.close();
    servers = [];

    const third = await testServer({ store: SqliteStore.open({ path: file }), now: openedAt + 61 * HOUR });
    servers.push(third);
    const t = (
      await third.app.inject({
        method: 'GET',
        url: `/v1/cases/${caseId}/timeline`,
        headers: { authorization: third.auth.analyst },
      })
    ).json();
    expect(t.entries.filter((e: { kind: string }) => e.kind === 'judgment')).toHaveLength(1);
    expect(t.tasks).toHaveLength(7);
    expect(t.failures.map((f: { actor: string }) => f.actor)).toEqual(['CMM']);
  });
});
