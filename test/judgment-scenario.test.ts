/**
 * A serious violation played through the example package on a manual clock, from the first observation to a
 * declared breach and overdue responses, asserting each transition at the exact time the package says: the
 * pipeline (issue 5) opens the case, the casework (judgment, responses, timers) takes it from there.
 */
import { describe, expect, it } from 'vitest';
import { caseTimeline, renderCaseTimelineMarkdown } from '../src/core/ops/index.js';
import { casePlans, fromCaseOpening, MemoryCasework, responseFailures } from '../src/core/ops/index.js';
import { ManualClock } from '../src/core/ops/index.js';
import type { ObservationInput } from '../src/core/ops/index.js';
import { prepareOps } from '../src/core/ops/index.js';
import type { CaseOpening } from '../src/core/ops/index.js';
import type { Package } from '../src/core/spec/schema.js';
import { DAY, HOUR, MINUTE } from '../src/core/spec/units.js';
import { EFFECTIVE, Runner, WEST, obs } from './ops/harness.js';
import { loadExample, SimpleLocator } from './ops/simple-locator.js';

const loaded = loadExample('examples/ukraine-2026.yaml');
const example = loaded.model!;
const DAY30 = EFFECTIVE + 30 * DAY;
const place = (k: number) => ({ lon: WEST.lon - k * 0.02, lat: WEST.lat, radius: 300 });

/** One shelling seen by radar (CMM) and acoustic sensors (DE): two independent operators, reported 30 min later. */
const shelling = (id: string, t: number, k: number): ObservationInput[] => [
  obs({ source: 'radar', sourceId: `${id}r`, at: t, confidence: 0.9, location: place(k) }),
  obs({ source: 'acoustic', sourceId: `${id}a`, at: t + MINUTE, confidence: 0.9, location: place(k) }),
];

/** Runs the pipeline on the clock: three shellings in a day; returns the case the third one opens. */
async function openSeriousCase(pkg: Package, clock: ManualClock): Promise<CaseOpening> {
  const locator = new SimpleLocator(pkg, loaded.geometries);
  const runner = new Runner(prepareOps(pkg, { locator, regions: locator.regionCodes() }), clock.now());
  const step = async (id: string, t: number, k: number) => {
    clock.set(t + 30 * MINUTE);
    runner.now = clock.now();
    return (await runner.run(shelling(id, t, k))).caseOpenings;
  };
  expect(await step('a', DAY30 + HOUR, 0)).toEqual([]);
  expect(await step('b', DAY30 + 5 * HOUR, 1)).toEqual([]);
  const opened = await step('c', DAY30 + 9 * HOUR, 2);
  expect(opened).toHaveLength(1);
  return opened[0]!;
}

describe('scenario: a serious violation under the example package', () => {
  it('observations -> case -> majority declares -> tasks due on the package clock -> overdue, failures, escalation', async () => {
    const clock = new ManualClock(DAY30);
    const opening = await openSeriousCase(example, clock);
    const OPEN = DAY30 + 9 * HOUR + 30 * MINUTE;
    expect(opening).toMatchObject({ trigger: 'serious-violation', severity: 'serious', party: 'RU', openedAt: OPEN });

    const plans = casePlans(example);
    const work = new MemoryCasework(plans, clock);
    const id = opening.id;
    let file = work.open(fromCaseOpening(opening));
    expect(file.judgment).toMatchObject({
      deadline: OPEN + 48 * HOUR,
      electorate: ['FR', 'UK', 'DE', 'US', 'CMM'],
      recused: [],
    });

    // Judgment: FR and UK declare, US dismisses, DE's declaration makes the majority certain.
    const at = (h: number) => clock.set(OPEN + h * HOUR);
    at(2);
    expect(work.vote(id, { member: 'FR', choice: 'declare' }).ok).toBe(true);
    at(3);
    expect(work.vote(id, { member: 'UK', choice: 'declare' }).ok).toBe(true);
    at(4);
    expect(work.vote(id, { member: 'US', choice: 'dismiss', reason: 'attribution not yet settled' }).ok).toBe(true);
    expect(work.get(id)!.judgment.outcome).toBeUndefined();
    const rejected = work.vote(id, { member: 'RU', choice: 'dismiss' });
    expect(rejected).toMatchObject({ ok: false, rejection: { code: 'not-a-member' } });
    at(6);
    work.vote(id, { member: 'DE', choice: 'declare' });
    const DECLARED = OPEN + 6 * HOUR;
    file = work.get(id)!;
    expect(file.judgment.outcome).toMatchObject({
      result: 'declared',
      at: DECLARED,
      nonVoters: ['CMM'],
      tally: { declare: 3, dismiss: 1 },
    });
    expect(work.queue.has(`judgment:${id}`)).toBe(true); // the deadline timer fires later and changes nothing

    // Responses for `serious`, due from the declaration.
    const due = Object.fromEntries(file.tasks.map((t) => [`${t.actor}:${t.action}`, (t.dueAt! - DECLARED) / HOUR]));
    expect(due).toEqual({
      'CMM:public-report': 12,
      'FR:consult': 24 + 72,
      'UK:consult': 24 + 72,
      'FR:sanctions-snapback': 168,
      'UK:sanctions-snapback': 168,
      'DE:sanctions-snapback': 168,
      'US:sanctions-snapback': 168,
    });
    const task = (actor: string, action: string) =>
      `${id}/serious/${['public-report', 'consult', 'sanctions-snapback'].indexOf(action)}/${actor}`;
    const hash = 'sha256:' + '5e'.repeat(32);

    clock.set(DECLARED + 10 * HOUR);
    expect(
      work.deliver(id, task('CMM', 'public-report'), 'CMM', { note: 'Spot report published', evidence: [hash] }).ok,
    ).toBe(true);
    expect(work.acknowledge(id, task('FR', 'consult'), 'UK')).toMatchObject({ ok: false, code: 'not-yours' });
    clock.set(DECLARED + 20 * HOUR);
    expect(work.acknowledge(id, task('FR', 'consult'), 'FR').ok).toBe(true);
    clock.set(DECLARED + 50 * HOUR);
    // The report's due time fired at the acknowledgement (hour 20) and found it delivered: no escalation follows.
    // Now the judgment deadline (open + 48 h) fires and changes nothing: the case was decided.
    expect(work.tick().map((t) => [t.kind, (t.at - DECLARED) / HOUR])).toEqual([['judgment-deadline', 42]]);
    expect(work.get(id)!.judgment.outcome!.at).toBe(DECLARED);
    expect(work.deliver(id, task('FR', 'consult'), 'FR', { note: 'Consultations held' }).ok).toBe(true);

    // One millisecond before UK's consult falls due: no failure yet.
    clock.set(DECLARED + 96 * HOUR - 1);
    work.tick();
    expect(responseFailures(work.files.values())).toEqual([]);
    clock.set(DECLARED + 96 * HOUR);
    // FR delivered in time; UK did not: its first escalation step (after 0h) is scheduled and fires at once.
    expect(work.tick().map((t) => t.key)).toEqual([
      `due:${task('FR', 'consult')}`,
      `due:${task('UK', 'consult')}`,
      `escalation:${task('UK', 'consult')}:0`,
    ]);
    expect(responseFailures(work.files.values()).map((f) => [f.actor, f.action, f.at])).toEqual([
      ['UK', 'consult', DECLARED + 96 * HOUR],
    ]);

    clock.set(DECLARED + 100 * HOUR);
    expect(
      work.deliver(id, task('DE', 'sanctions-snapback'), 'DE', { note: 'Snapback in force', evidence: [hash] }).ok,
    ).toBe(true);

    // The whole of the next two weeks, in one jump: every timer fires once, in order, at its own instant.
    const before = work.fired.length;
    clock.set(DECLARED + 14 * DAY);
    work.tick();
    const fired = work.fired.slice(before).map((t) => [t.key.replace(`${id}/serious/`, ''), (t.at - DECLARED) / HOUR]);
    expect(fired).toEqual([
      ['escalation:1/UK:1', 120],
      ['due:2/DE', 168],
      ['due:2/FR', 168],
      ['due:2/UK', 168],
      ['due:2/US', 168],
      ['escalation:2/FR:0', 168],
      ['escalation:2/UK:0', 168],
      ['escalation:2/US:0', 168],
      ['escalation:1/UK:2', 168],
      ['escalation:2/FR:1', 192],
      ['escalation:2/UK:1', 192],
      ['escalation:2/US:1', 192],
      ['escalation:2/FR:2', 240],
      ['escalation:2/UK:2', 240],
      ['escalation:2/US:2', 240],
    ]);
    expect(work.queue.size).toBe(0);

    file = work.get(id)!;
    expect(responseFailures([file]).map((f) => [f.actor, f.action, (f.at - DECLARED) / HOUR, f.material])).toEqual([
      ['UK', 'consult', 96, false],
      ['FR', 'sanctions-snapback', 168, true],
      ['UK', 'sanctions-snapback', 168, true],
      ['US', 'sanctions-snapback', 168, true],
    ]);
    const uk = file.tasks.find((t) => t.id === task('UK', 'consult'))!;
    expect(uk.escalations.map((e) => [e.step, (e.at - DECLARED) / HOUR, e.level])).toEqual([
      ['reminder', 96, 0],
      ['escalate', 120, 1],
      ['public-mark', 168, 1],
    ]);
    // Delivered in time: no escalation. The CMM report and DE's snapback are clean.
    expect(file.tasks.filter((t) => t.escalations.length === 0).map((t) => t.actor + ':' + t.action)).toEqual([
      'CMM:public-report',
      'FR:consult',
      'DE:sanctions-snapback',
    ]);

    const tl = caseTimeline(
      plans.judgment,
      file,
      clock.now(),
      opening.evidence.map((e) => ({
        at: e.time,
        kind: 'violation' as const,
        id: e.violation,
        summary: `${e.prohibition}, ${e.corroboration} operators`,
      })),
    );
    expect(tl.entries[0]).toMatchObject({ kind: 'violation', at: DAY30 + HOUR });
    expect(tl.entries.filter((e) => e.kind === 'response-failure')).toHaveLength(4);
    const md = renderCaseTimelineMarkdown(tl);
    expect(md).toContain(`# Case ${id}`);
    expect(md).toContain('**declared** (majority, by vote)');
    expect(md).toContain('did not vote: CMM');
    expect(md).toContain('| **response failure** | UK missed the deadline for consult |');
    expect(md).toContain('| **public mark** | US:');
    expect(md).toContain('RU (dismiss): not-a-member');
  });

  it('under unanimity with an unrecused party, the party blocks the judgment and the timeline names it', async () => {
    const pkg: Package = {
      ...example,
      judgment: {
        ...example.judgment!,
        members: ['FR', 'UK', 'DE', 'US', 'RU'],
        rule: { type: 'unanimity' },
        recuse: 'none',
        'tie-break': undefined,
      },
    };
    const clock = new ManualClock(DAY30);
    const opening = await openSeriousCase(pkg, clock);
    const plans = casePlans(pkg);
    const work = new MemoryCasework(plans, clock);
    const id = opening.id;
    work.open(fromCaseOpening(opening));
    expect(work.get(id)!.judgment.recused).toEqual([]);
    for (const [h, m] of [
      [1, 'FR'],
      [2, 'UK'],
      [3, 'DE'],
      [4, 'US'],
    ] as const) {
      clock.set(opening.openedAt + h * HOUR);
      work.vote(id, { member: m, choice: 'declare' });
    }
    clock.set(opening.openedAt + 5 * HOUR);
    work.vote(id, { member: 'RU', choice: 'dismiss', reason: 'provocation by the other side' });
    const file = work.get(id)!;
    expect(file.judgment.outcome).toMatchObject({
      result: 'dismissed',
      reason: 'objection',
      blockedBy: ['RU'],
      at: opening.openedAt + 5 * HOUR,
      tally: { declare: 4, dismiss: 1 },
    });
    expect(file.tasks).toEqual([]);
    // The deadline (48 h) later changes nothing: the default never applies to a decided case.
    clock.set(opening.openedAt + 60 * HOUR);
    expect(work.tick().map((t) => t.kind)).toEqual(['judgment-deadline']);
    expect(work.get(id)!.judgment.outcome!.result).toBe('dismissed');
    const md = renderCaseTimelineMarkdown(caseTimeline(plans.judgment, work.get(id)!, clock.now()));
    expect(md).toContain('blocked by RU');
    expect(md).toContain('RU: **dismiss**: provocation by the other side');
  });

  it('a restart in the middle of the judgment window loses no vote and fires the default exactly once', async () => {
    const clock = new ManualClock(DAY30);
    const opening = await openSeriousCase(example, clock);
    const plans = casePlans(example);
    let work = new MemoryCasework(plans, clock);
    const id = opening.id;
    work.open(fromCaseOpening(opening));
    clock.set(opening.openedAt + HOUR);
    work.vote(id, { member: 'FR', choice: 'declare' });
    work.vote(id, { member: 'US', choice: 'dismiss' });
    const saved = JSON.stringify(work.snapshot());

    // Down from hour 2 to hour 60: the deadline (hour 48) falls due while nobody is running.
    clock.set(opening.openedAt + 60 * HOUR);
    work = MemoryCasework.restore(plans, clock, JSON.parse(saved));
    expect(work.get(id)!.judgment.votes.map((v) => [v.member, v.choice])).toEqual([
      ['FR', 'declare'],
      ['US', 'dismiss'],
    ]);
    const fired = work.tick();
    expect(fired.filter((t) => t.kind === 'judgment-deadline')).toHaveLength(1);
    expect(work.get(id)!.judgment.outcome).toMatchObject({
      result: 'defaulted',
      default: 'declare',
      at: opening.openedAt + 48 * HOUR,
      nonVoters: ['UK', 'DE', 'CMM'],
    });
    // Tasks run from the deadline, not from the restart; the public report (12 h) fell due while down, too.
    expect(fired.map((t) => t.kind)).toEqual(['judgment-deadline', 'task-due', 'task-escalation']);
    expect(work.tick()).toEqual([]);
    expect(work.vote(id, { member: 'UK', choice: 'dismiss' })).toMatchObject({
      ok: false,
      rejection: { code: 'decided' },
    });
  });
});
