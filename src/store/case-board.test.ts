/**
 * The case board on every adapter: sort, filters, search and keyset pages over more cases than the old capped lists
 * read (1,000 oldest), the declared breaches the public map reads, response tasks by urgency, and migration
 * 0090's fill of a database written before it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { examplePackage } from '../../test/support/app.js';
import { places, seedCases, type SeededCase } from '../../test/support/case-seed.js';
import { dropSchema, freshSchema, pgUrl, postgresAvailable } from '../../test/support/postgres.js';
import { StoreQueryError, type Store } from '../core/ports/store.js';
import type { CaseBoardQuery } from '../core/ports/casework.js';
import { acknowledgeCaseTask, fireTimer } from '../core/ops/index.js';
import { casePlans } from '../core/ops/index.js';
import type { CaseFile, Observation } from '../core/ops/index.js';
import { numbered } from './filters.js';
import { migrations } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

const pkg = examplePackage.model!;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 6, 10);
const N = 1200;
const severities = pkg.severities;
const tmp = mkdtempSync(join(tmpdir(), 'guarantor-board-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Adapter {
  open(list?: readonly Migration[]): Promise<Store>;
  /** Writes case files as the code before migration 0090 did. */
  oldFiles(store: Store, files: CaseFile[]): Promise<void>;
  cleanup(): Promise<void>;
}
const OLD_INSERT = 'INSERT INTO case_files (case_id, opened_at, status, deadline, doc) VALUES (?, ?, ?, ?, ?)';
const oldRow = (f: CaseFile) => [
  f.caseId,
  f.openedAt,
  f.judgment.outcome ? 'decided' : 'open',
  f.judgment.deadline,
  JSON.stringify(f),
];
let n = 0;
const sqlite = (): Adapter => {
  const path = join(tmp, `b${++n}.db`);
  return {
    open: async (list) => SqliteStore.open({ path, writer: 'inline', ...(list ? { migrations: list } : {}) }),
    oldFiles: async (store, files) => {
      const insert = (store as SqliteStore).db.prepare(OLD_INSERT);
      for (const f of files) insert.run(...oldRow(f));
    },
    cleanup: async () => undefined,
  };
};
const postgres = (): Adapter => {
  const schema = freshSchema('board');
  return {
    open: (list) => PostgresStore.open({ url: pgUrl, schema, poolSize: 4, ...(list ? { migrations: list } : {}) }),
    oldFiles: async (store, files) => {
      for (const f of files) await (store as PostgresStore).pool.query(numbered(OLD_INSERT), oldRow(f));
    },
    cleanup: () => dropSchema(schema),
  };
};
const adapters: [string, () => Adapter][] = [['sqlite', sqlite]];
if (await postgresAvailable()) adapters.push(['postgres', postgres]);

/** A report that carries a hand-made pipeline result (the pipeline is not under test here). */
const lateReport: Observation = {
  source: 'radar',
  sourceId: 'late',
  activity: 'artillery-fire',
  count: 1,
  time: NOW,
  start: NOW,
  end: NOW,
  radius: 0,
  region: 'UA-65',
  confidence: 0.5,
  evidence: [],
};

const rank = (s: string) => severities.length - 1 - severities.indexOf(s);

describe.each(adapters)('case board: %s', (_name, make) => {
  let adapter: Adapter;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await adapter.cleanup();
  });

  /** 1,200 cases; every 50th declared (the last one too); the first 400 opened 3 days ago, so decided by default. */
  async function seeded(list?: readonly Migration[]): Promise<SeededCase[]> {
    adapter = make();
    const s = (store = await adapter.open(list));
    const cases = await seedCases(s, pkg, {
      n: N,
      now: NOW,
      span: 72 * HOUR,
      places,
      declare: (i) => i % 50 === 49,
      ...(list ? { adopt: (files: CaseFile[]) => adapter.oldFiles(s, files) } : {}),
    });
    return cases;
  }

  async function all(q: Omit<CaseBoardQuery, 'limit' | 'severities'>, limit = 250) {
    const ids: string[] = [];
    let cursor: string | undefined;
    let total = -1;
    do {
      const page = await store!.casework().listCaseBoard({ ...q, severities, limit, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((x) => x.opening.id));
      total = page.total;
      cursor = page.next;
    } while (cursor);
    return { ids, total };
  }

  it('sorts by severity then deadline, pages by cursor, and filters by status, trigger, region, time and id', async () => {
    const cases = await seeded();
    // Fire the judgment deadlines that fell due (the first cases, opened more than 48 h before NOW).
    const plans = casePlans(pkg);
    const cw = store!.casework();
    while ((await cw.firePass(NOW, (f, t) => fireTimer(plans, f, t))).length);
    const files = new Map((await cw.listCaseFiles({ limit: 1_000_000 })).map((f) => [f.caseId, f]));
    expect(files.size).toBe(N);
    const decided = cases.filter((c) => files.get(c.id)!.judgment.outcome);
    expect(decided.length).toBeGreaterThan(100);
    expect(decided.length).toBeLessThan(N);

    const key = (c: SeededCase) => {
      const j = files.get(c.id)!.judgment;
      return [rank(c.severity), j.outcome ? 1 : 0, j.outcome ? -j.outcome.at : (j.deadline ?? Infinity)] as const;
    };
    const expected = cases
      .slice()
      .sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2] || (a.id < b.id ? -1 : 1);
      })
      .map((c) => c.id);
    const bySeverity = await all({ sort: 'severity' }, 97);
    expect(bySeverity.total).toBe(N);
    expect(bySeverity.ids).toEqual(expected);
    expect(cases.find((c) => c.id === bySeverity.ids[0])!.severity).toBe('armed-attack');

    const newest = await all({ sort: 'newest' });
    expect(newest.ids).toEqual(cases.map((c) => c.id).reverse());

    const open = await all({ sort: 'deadline', status: 'open' });
    expect(open.total).toBe(N - decided.length);
    expect(open.ids[0]).toBe(cases.find((c) => !files.get(c.id)!.judgment.outcome)!.id);

    const trigger = await all({ sort: 'severity', trigger: 'serious-violation', region: 'UA-23' });
    expect(trigger.ids.sort()).toEqual(
      cases
        .filter((c) => c.trigger === 'serious-violation' && c.region === 'UA-23')
        .map((c) => c.id)
        .sort(),
    );
    expect(trigger.total).toBe(trigger.ids.length);
    expect(trigger.total).toBeGreaterThan(0);

    const window = await all({ sort: 'newest', from: NOW - 10 * HOUR, to: NOW - 5 * HOUR });
    expect(window.ids).toEqual(
      cases
        .filter((c) => c.openedAt >= NOW - 10 * HOUR && c.openedAt < NOW - 5 * HOUR)
        .map((c) => c.id)
        .reverse(),
    );

    const last = cases[N - 1]!;
    const found = await all({ sort: 'severity', search: last.id.slice(-8).toUpperCase() });
    expect(found.ids).toEqual([last.id]);
    expect((await all({ sort: 'severity', search: 'no-such-case' })).total).toBe(0);
  });

  it('refuses a cursor of another order or list, or one it did not issue', async () => {
    await seeded();
    const cw = store!.casework();
    const page = await cw.listCaseBoard({ sort: 'severity', severities, limit: 10 });
    expect(page.next).toBeDefined();
    await expect(cw.listCaseBoard({ sort: 'newest', severities, limit: 10, cursor: page.next! })).rejects.toThrow(
      StoreQueryError,
    );
    await expect(cw.listTasks({ limit: 10, cursor: page.next! })).rejects.toThrow(StoreQueryError);
    await expect(cw.listCaseBoard({ sort: 'severity', severities, limit: 10, cursor: 'bm9wZQ' })).rejects.toThrow(
      /cursor/,
    );
  });

  it('lists every declared breach, the newest too, with its regions, and a response once one moves', async () => {
    const cases = await seeded();
    const cw = store!.casework();
    const declared = await cw.declaredBreaches();
    expect(declared.map((d) => d.caseId)).toEqual(
      cases
        .filter((_, i) => i % 50 === 49)
        .map((c) => c.id)
        .sort(),
    );
    const newest = cases[N - 1]!;
    expect(declared.find((d) => d.caseId === newest.id)).toEqual({
      caseId: newest.id,
      regions: [newest.region],
      responding: false,
    });
    // A guarantor acknowledges one of its tasks: a response is under way.
    const file = (await cw.getCaseFile(newest.id))!;
    const task = file.tasks.find((t) => t.actor === 'UK')!;
    await cw.updateCase(newest.id, (f) => {
      const r = acknowledgeCaseTask(f!, task.id, 'UK', NOW);
      if (!r.ok) throw new Error(r.message);
      return { step: { file: r.file, timers: [] }, result: undefined };
    });
    expect((await cw.declaredBreaches()).find((d) => d.caseId === newest.id)!.responding).toBe(true);

    // Tasks: most urgent first, counts per actor, every task once across pages.
    const tasks = [];
    let cursor: string | undefined;
    do {
      const page = await cw.listTasks({ limit: 7, ...(cursor ? { cursor } : {}) });
      tasks.push(...page.items);
      cursor = page.next;
    } while (cursor);
    const everyTask = (await cw.listCaseFiles({ limit: 1_000_000 })).flatMap((f) => f.tasks);
    expect(tasks.map((t) => t.id).sort()).toEqual(everyTask.map((t) => t.id).sort());
    const urgency = (t: { status: string; overdue: boolean }) =>
      t.status === 'delivered' ? 3 : t.overdue ? 0 : t.status === 'acknowledged' ? 2 : 1;
    for (let i = 1; i < tasks.length; i++) expect(urgency(tasks[i]!)).toBeGreaterThanOrEqual(urgency(tasks[i - 1]!));
    const uk = await cw.listTasks({ limit: 1000, actor: 'UK' });
    expect(uk.items.every((t) => t.actor === 'UK')).toBe(true);
    expect(uk.actors).toEqual([
      {
        actor: 'UK',
        open: uk.items.filter((t) => t.status === 'open').length,
        acknowledged: 1,
        delivered: 0,
        overdue: uk.items.filter((t) => t.overdue).length,
      },
    ]);
    expect((await cw.listTasks({ limit: 1000, actor: 'UK', state: 'acknowledged' })).items.map((t) => t.id)).toEqual([
      task.id,
    ]);
  });

  it("moves a case file's regions with a revision of its case's evidence", async () => {
    adapter = make();
    const s = (store = await adapter.open());
    const [first, second] = await seedCases(s, pkg, { n: 2, now: NOW, span: HOUR, places, declare: () => true });
    const cw = s.casework();
    const opening = (await s.getCase(first!.id))!;
    const old = (await s.getViolation(opening.evidence[0]!.violation))!;
    const regionsOf = async (id: string) => (await cw.declaredBreaches()).find((d) => d.caseId === id)!.regions;
    const board = async (region: string) =>
      (await cw.listCaseBoard({ sort: 'newest', severities, limit: 10, region })).items.map((x) => x.opening.id);
    expect(await regionsOf(first!.id)).toEqual([first!.region]);

    // A late violation in another region joins the evidence, written in the same batch as the revision; then a
    // second revision keeps only it. The untouched case keeps its regions.
    const late = {
      ...old,
      id: `${old.id}-late`,
      region: 'UA-65',
      observations: [{ source: 'radar', sourceId: 'late' }],
    };
    const revise = async (evidence: typeof opening.evidence, revision: number, violations = [late]) =>
      s.ingest([{ ...lateReport, sourceId: `late-${revision}` }], { receivedAt: NOW, submittedBy: 'test' }, () => ({
        incidentRevisions: [],
        violations: revision === 2 ? violations : [],
        caseOpenings: [],
        caseRevisions: [{ ...opening, evidence, revision, revisedAt: NOW + revision }],
      }));
    const link = { ...opening.evidence[0]!, violation: late.id, incident: `${old.incidentId}-late` };
    await revise([opening.evidence[0]!, link], 2);
    expect(await regionsOf(first!.id)).toEqual(['UA-14', 'UA-65']);
    expect(await board('UA-65')).toEqual([first!.id]);
    await revise([link], 3);
    expect(await regionsOf(first!.id)).toEqual(['UA-65']);
    expect(await board('UA-14')).toEqual([]);
    expect(await regionsOf(second!.id)).toEqual([second!.region]);
  });

  it('fills the board of a database written before migration 0090', async () => {
    const before = migrations.filter((m) => m.id < '0090');
    const cases = await seeded(before);
    await store!.close();
    store = await adapter.open();
    const cw = store.casework();
    const page = await cw.listCaseBoard({ sort: 'severity', severities, limit: 5, region: 'UA-09' });
    expect(page.total).toBe(cases.filter((c) => c.region === 'UA-09').length);
    expect((await cw.declaredBreaches()).length).toBe(N / 50);
    const tasks = (await cw.listCaseFiles({ limit: 1_000_000 })).flatMap((f) => f.tasks);
    const listed = await cw.listTasks({ limit: 1000 });
    expect(listed.actors.reduce((s, a) => s + a.open + a.acknowledged + a.delivered, 0)).toBe(tasks.length);
  });
});
