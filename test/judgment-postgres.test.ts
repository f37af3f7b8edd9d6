/**
 * Two servers on one PostgreSQL database: every timer fires exactly once, each case's timers in order, votes on
 * one server are seen by the other, and a replayed nonce is refused whichever server receives it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/core/ops/index.js';
import { signVote } from '../src/core/ops/index.js';
import { loadPackage } from '../src/core/spec/load.js';
import { HOUR } from '../src/core/spec/units.js';
import { CaseworkService } from '../src/server/casework.js';
import { PostgresCaseworkStore } from '../src/store/postgres/casework-store.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from './support/postgres.js';

const pkg = loadPackage(readFileSync('examples/ukraine-2026.yaml', 'utf8'), { file: 'ukraine-2026.yaml' }).model!;
const T0 = Date.UTC(2026, 6, 1);
const N = 60;
const available = await postgresAvailable();

describe.skipIf(!available)('casework on PostgreSQL, two servers', () => {
  const schema = freshSchema('casework');
  let a: PostgresStore;
  let b: PostgresStore;
  beforeAll(async () => {
    a = await PostgresStore.open({ url: pgUrl, schema, poolSize: 6 });
    b = await PostgresStore.open({ url: pgUrl, schema, poolSize: 6 });
    const values = Array.from({ length: N }, (_, i) => {
      const id = `case-${String(i).padStart(3, '0')}`;
      const doc = {
        id,
        key: `k${i}`,
        trigger: 'serious-violation',
        severity: i % 2 ? 'serious' : 'minor',
        party: 'RU',
        windowStart: T0,
        windowEnd: null,
        breachAt: T0,
        openedAt: T0 + i * 1000,
        evidence: [],
      };
      return [id, `k${i}`, doc.trigger, doc.severity, 'RU', doc.openedAt, JSON.stringify(doc)];
    });
    for (const v of values)
      await a.pool.query(
        'INSERT INTO cases (id, case_key, trigger_id, severity, party, opened_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        v,
      );
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it('fires every timer exactly once, in order per case, whichever server runs the pass', async () => {
    const clock = new ManualClock(T0 + HOUR);
    // Small claims, so that the two servers' passes interleave (a pass claims up to 1,000 cases by default).
    const sa = new CaseworkService(new PostgresCaseworkStore(a.pool, { passCases: 8 }), pkg, clock);
    const sb = new CaseworkService(new PostgresCaseworkStore(b.pool, { passCases: 8 }), pkg, clock);
    await Promise.all([sa.catchUp(), sb.catchUp()]);
    expect((await sa.board({ sort: 'deadline', status: 'open', limit: 1000 })).items.length).toBe(N);

    // A vote on server A, seen by server B; its replay refused by B.
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await sa.registerKey({ member: 'FR', fingerprint: 'fp', publicKey: pem, createdAt: clock.now() }, false);
    const signed = signVote(
      {
        type: 'guarantor/vote/v1',
        package: pkg.package,
        version: pkg.version ?? '',
        case: 'case-000',
        member: 'FR',
        choice: 'dismiss',
        reason: '',
        time: new Date(clock.now()).toISOString(),
        nonce: randomBytes(16).toString('hex'),
      },
      privateKey,
    );
    expect(await sa.vote('case-000', signed, 'FR')).toMatchObject({ ok: true });
    expect(await sb.vote('case-000', signed, 'FR')).toMatchObject({ ok: false, code: 'replayed', status: 409 });
    expect((await sb.view('case-000'))!.votes.map((v) => v.member)).toEqual(['FR']);

    // Both servers pass at once, three weeks on: deadlines default, tasks are made, fall due and escalate.
    clock.set(T0 + 21 * 24 * HOUR);
    const [fa, fb] = await Promise.all([sa.catchUp(), sb.catchUp()]);
    const keys = [...fa, ...fb].map((t) => t.key);
    expect(new Set(keys).size).toBe(keys.length);
    const fired = (await a.pool.query('SELECT count(*)::int AS n FROM timers WHERE fired_at IS NOT NULL')).rows[0]
      .n as number;
    expect(keys.length).toBe(fired);
    expect(
      (await a.pool.query('SELECT count(*)::int AS n FROM timers WHERE fired_at IS NULL AND at <= $1', [clock.now()]))
        .rows[0].n,
    ).toBe(0);
    expect(fa.length).toBeGreaterThan(0);
    expect(fb.length).toBeGreaterThan(0);

    const files = await sa.store.listCaseFiles({ limit: 1000 });
    expect(files).toHaveLength(N);
    for (const f of files) {
      expect(f.judgment.outcome).toMatchObject({ result: 'defaulted', default: 'declare', at: f.openedAt + 48 * HOUR });
      const ids = f.tasks.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(f.tasks.length).toBe(f.severity === 'serious' ? 7 : 9);
      for (const t of f.tasks) {
        if (t.dueAt! <= clock.now()) expect(t.failure?.at).toBe(t.dueAt);
        expect(t.escalations.map((e) => e.index)).toEqual([...t.escalations.map((e) => e.index)].sort());
      }
    }
    // Each server fired its share of a case's timers in firing order (the case row lock serialises a case).
    for (const id of ['case-000', 'case-001', 'case-031']) {
      const rows = (
        await a.pool.query(
          'SELECT key FROM timers WHERE case_id = $1 AND fired_at IS NOT NULL ORDER BY at, rank, step, key',
          [id],
        )
      ).rows.map((r: { key: string }) => r.key);
      for (const mine of [fa, fb]) {
        const keys = mine.filter((t) => t.caseId === id).map((t) => t.key);
        expect(keys).toEqual(rows.filter((k: string) => keys.includes(k)));
      }
    }
    expect(await Promise.all([sa.catchUp(), sb.catchUp()])).toEqual([[], []]);
  });
});
