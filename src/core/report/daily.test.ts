import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { casePlans, MemoryCasework } from '../ops/casework.js';
import { ManualClock } from '../ops/clock.js';
import type { Violation } from '../ops/violation.js';
import { loadPackage } from '../spec/load.js';
import { HOUR } from '../spec/units.js';
import {
  dailyReport,
  renderReportJson,
  reportPackage,
  type CasesSection,
  type ReportInput,
  type ResponsesSection,
} from './daily.js';
import { renderReportMarkdown } from './markdown.js';
import { checkedReportWindow, packageOffset, reportWindow } from './window.js';

const pkg = loadPackage(readFileSync('examples/ukraine-2026.yaml', 'utf8'), { file: 'ukraine-2026.yaml' }).model!;
const rpkg = reportPackage(
  pkg,
  new Map([
    ['UA-14', 'Donetsk'],
    ['UA-23', 'Zaporizhzhia'],
  ]),
);
const D = Date.UTC(2026, 6, 10);
const w = (() => {
  const r = reportWindow('2026-07-10', 'Z');
  if (!r.ok) throw new Error(r.reason);
  return r.window;
})();

let n = 0;
function vio(o: Partial<Violation> & { time: number }): Violation {
  n++;
  return {
    id: `vio-${n}`,
    revision: 1,
    status: 'active',
    prohibition: 'no-fire',
    incidentId: `inc-${n}`,
    activity: 'artillery-fire',
    weapons: [],
    party: 'RU',
    basis: 'observed',
    start: o.time,
    end: o.time,
    lon: 37.6,
    lat: 48.0,
    radius: 500,
    region: 'UA-14',
    zones: [],
    confidence: 0.9,
    corroboration: 2,
    operators: ['CMM'],
    observations: [],
    detectedAt: o.time + HOUR,
    ...o,
  } as Violation;
}

describe('report window', () => {
  it('covers the local day up to the cut-off, and refuses impossible, early and future dates naming the field', () => {
    expect(packageOffset('2015-02-15T00:00+02:00')).toBe('+02:00');
    expect(packageOffset('2026-06-01T00:00Z')).toBe('Z');
    expect(packageOffset('2026-06-01')).toBe('Z');
    const r = reportWindow('2015-03-01', '+02:00');
    expect(r.ok && [new Date(r.window.start).toISOString(), new Date(r.window.end).toISOString()]).toEqual([
      '2015-02-28T22:00:00.000Z',
      '2015-03-01T22:00:00.000Z',
    ]);
    const c = reportWindow('2015-03-01', '+0200', '19:30');
    expect(c.ok && [new Date(c.window.end).toISOString(), c.window.offset]).toEqual([
      '2015-03-01T17:30:00.000Z',
      '+02:00',
    ]);
    const o = { offset: 'Z', effective: pkg.effective.start, now: Date.UTC(2026, 6, 10, 9) };
    expect(checkedReportWindow('2026-02-29', o)).toMatchObject({
      ok: false,
      field: 'date',
      reason: expect.stringMatching(/has 28 days/),
    });
    expect(checkedReportWindow('2026-05-31', o)).toMatchObject({
      ok: false,
      field: 'date',
      reason: expect.stringMatching(/before the package took effect/),
    });
    expect(checkedReportWindow('2026-06-01', o).ok).toBe(true);
    expect(checkedReportWindow('2026-07-10', o).ok).toBe(true);
    expect(checkedReportWindow('2026-07-11', o)).toMatchObject({
      ok: false,
      field: 'date',
      reason: expect.stringMatching(/after today \(2026-07-10/),
    });
    expect(checkedReportWindow('2026-07-01', { ...o, cutoff: '7:00' })).toMatchObject({ ok: false, field: 'cutoff' });
  });
});

describe('daily report', () => {
  const violations: Violation[] = [
    // The day: two artillery incidents, one breaking two clauses (it counts once), one withdrawn (it does not count).
    vio({ time: D + 1 * HOUR, incidentId: 'inc-a' }),
    vio({ time: D + 1 * HOUR, incidentId: 'inc-a', prohibition: 'monitor-access', id: 'vio-a2' }),
    // ... and a third clause that holds the other party responsible: the incident counts once for each party.
    vio({ time: D + 1 * HOUR, incidentId: 'inc-a', prohibition: 'no-advance', id: 'vio-a3', party: 'UA' }),
    vio({ time: D + 2 * HOUR, region: 'UA-23' }),
    vio({ time: D + 3 * HOUR, status: 'withdrawn' }),
    // Heavy weapons: two tanks and an MLRS in the withdrawal zone, one of them unattributed.
    vio({
      time: D + 4 * HOUR,
      prohibition: 'heavy-weapons',
      activity: 'heavy-weapon-presence',
      weapons: ['tank'],
      zones: ['heavy-weapons'],
    }),
    vio({
      time: D + 5 * HOUR,
      prohibition: 'heavy-weapons',
      activity: 'heavy-weapon-presence',
      weapons: ['tank'],
      zones: ['heavy-weapons'],
      party: 'undetermined',
    }),
    vio({
      time: D + 6 * HOUR,
      prohibition: 'heavy-weapons',
      activity: 'heavy-weapon-presence',
      weapons: ['mlrs'],
      zones: ['heavy-weapons'],
    }),
    // Freedom of movement.
    vio({
      time: D + 7 * HOUR,
      prohibition: 'monitor-access',
      activity: 'denial-of-access',
      party: 'UA',
      operators: ['CMM'],
    }),
    vio({
      time: D + 8 * HOUR,
      prohibition: 'monitor-access',
      activity: 'jamming',
      lon: undefined,
      lat: undefined,
      region: 'UA-23',
    }),
    // The day before: one artillery, one jamming, one tank. Days 2-7 before: one artillery each.
    vio({ time: D - 1 * HOUR }),
    vio({ time: D - 2 * HOUR, prohibition: 'monitor-access', activity: 'jamming' }),
    vio({
      time: D - 3 * HOUR,
      prohibition: 'heavy-weapons',
      activity: 'heavy-weapon-presence',
      weapons: ['tank'],
      zones: ['heavy-weapons'],
    }),
    ...[2, 3, 4, 5, 6, 7].map((d) => vio({ time: D - d * 24 * HOUR + HOUR })),
    // After the cut-off, and more than 30 days before: ignored.
    vio({ time: D + 24 * HOUR }),
    vio({ time: D - 31 * 24 * HOUR }),
  ];

  function casework() {
    const clock = new ManualClock(Date.UTC(2026, 6, 8, 12));
    const cw = new MemoryCasework(casePlans(pkg), clock);
    // A: serious, nobody votes: the 48 h deadline declares it on the day at 12:00; its tasks start then.
    cw.open({ caseId: 'case-a', severity: 'serious', trigger: 'serious-violation', attributedTo: ['RU'] });
    clock.set(Date.UTC(2026, 6, 9, 9));
    // C: minor, dismissed by three votes on the day.
    cw.open({ caseId: 'case-c', severity: 'minor', trigger: 'access-denied', attributedTo: ['UA'] });
    clock.set(D + 6 * HOUR);
    // B: opened on the day; FR votes before the cut-off, UK after it.
    cw.open({ caseId: 'case-b', severity: 'minor', trigger: 'access-denied', attributedTo: ['RU'] });
    clock.set(D + 8 * HOUR);
    expect(cw.vote('case-b', { member: 'FR', choice: 'declare' }).ok).toBe(true);
    for (const m of ['FR', 'UK', 'DE']) expect(cw.vote('case-c', { member: m, choice: 'dismiss' }).ok).toBe(true);
    clock.set(D + 20 * HOUR);
    cw.tick();
    const a = cw.get('case-a')!;
    const cmm = a.tasks.find((t) => t.actor === 'CMM')!;
    expect(cw.deliver('case-a', cmm.id, 'CMM', { note: 'report published' }).ok).toBe(true);
    const atCutoff = cw.snapshot().files;
    // After the cut-off: more votes, deliveries and overdue tasks, which the report for the day must not see.
    clock.set(D + 30 * HOUR);
    cw.vote('case-b', { member: 'UK', choice: 'declare' });
    clock.set(D + 10 * 24 * HOUR);
    cw.tick();
    return { atCutoff, later: cw.snapshot().files };
  }

  const { atCutoff, later } = casework();
  const input = (o: Partial<ReportInput> = {}): ReportInput => ({
    pkg: rpkg,
    window: w,
    violations,
    cases: later,
    checkpoint: null,
    sustainment: { status: 'no-ledger' },
    ...o,
  });

  it('counts incidents by type and region with the previous day and the 7-day mean', () => {
    const r = dailyReport(input());
    const v = r.violations!;
    expect(v.total).toMatchObject({ count: 7, previous: 3, delta: 4, mean7: 1.29, deltaMean7: 5.71 });
    expect(v.byType.map((x) => [x.key, x.count, x.previous])).toEqual([
      ['heavy-weapon-presence', 3, 1],
      ['artillery-fire', 2, 1],
      ['jamming', 1, 1],
      ['denial-of-access', 1, 0],
    ]);
    expect(v.byType.find((x) => x.key === 'artillery-fire')).toMatchObject({ mean7: 1, deltaMean7: 1 });
    expect(v.byRegion.map((x) => [x.key, x.label, x.count])).toEqual([
      ['UA-14', 'Donetsk', 5],
      ['UA-23', 'Zaporizhzhia', 2],
    ]);
    expect(v.byProhibition!.find((x) => x.key === 'monitor-access')!.count).toBe(3);
    expect(Object.fromEntries(v.byParty!.map((x) => [x.key, x.count]))).toEqual({ RU: 5, UA: 2, undetermined: 1 });
    expect(v.daily.at(-1)).toEqual({ date: '2026-07-10', count: 7 });
    expect(v.daily.at(-2)).toEqual({ date: '2026-07-09', count: 3 });
    expect(v.daily[0]!.date).toBe('2026-06-11');
    expect(v.points).toHaveLength(6);
  });

  it('lists heavy weapons by class and zone, and denials of access and jamming as findings', () => {
    const r = dailyReport(input());
    expect(r.heavyWeapons!.byClassAndZone).toEqual([
      { weapon: 'tank', zone: 'heavy-weapons', count: 2 },
      { weapon: 'mlrs', zone: 'heavy-weapons', count: 1 },
    ]);
    expect(r.heavyWeapons).toMatchObject({ total: 3, previous: 1 });
    // An artillery incident that also breaks the access clause is not an access finding: findings go by activity.
    expect(r.access!.findings.map((f) => [f.activity, f.party, f.region])).toEqual([
      ['denial-of-access', 'UA', 'UA-14'],
      ['jamming', 'RU', 'UA-23'],
    ]);
    expect(r.access).toMatchObject({ total: 2, previous: 1 });
  });

  it('reads cases, votes and tasks as they stood at the cut-off, whatever happened since', () => {
    const r = dailyReport(input());
    expect(renderReportJson(r)).toBe(renderReportJson(dailyReport(input({ cases: atCutoff }))));
    const c = r.cases as CasesSection;
    expect(c.counts).toEqual({ new: 1, open: 1, declared: 1, dismissed: 1, lapsed: 0 });
    expect(c.open[0]).toMatchObject({
      id: 'case-b',
      status: 'open',
      tally: { declare: 1, dismiss: 0, abstain: 0 },
      timeLeft: 6 * HOUR + 48 * HOUR - 24 * HOUR,
    });
    expect(c.declared[0]).toMatchObject({ id: 'case-a', decidedAt: new Date(D + 12 * HOUR).toISOString() });
    expect(c.dismissed[0]!.id).toBe('case-c');
    // Recusal of the parties: the guarantors and the monitors vote; FR has voted on B.
    expect(r.votes!.byMember).toEqual(['CMM', 'DE', 'UK', 'US'].map((member) => ({ member, pending: ['case-b'] })));
    const resp = r.responses as ResponsesSection;
    const by = Object.fromEntries(
      resp.byActor.map((a) => [a.actor, [a.due.length, a.delivered.length, a.overdue.length]]),
    );
    // Declared at 12:00: CMM's 12 h public report delivered at 20:00; consultations and snapback still running.
    expect(by).toEqual({ CMM: [0, 1, 0], FR: [2, 0, 0], UK: [2, 0, 0], DE: [1, 0, 0], US: [1, 0, 0] });
    // Ten days on, the same files show the missed deadlines: A's consultations and snapback, and B's tasks (B was
    // declared at its deadline after the day's cut-off).
    const late = dailyReport(
      input({ window: { ...w, date: '2026-07-20', start: w.start + 10 * 24 * HOUR, end: w.end + 10 * 24 * HOUR } }),
    );
    const lateBy = Object.fromEntries(
      (late.responses as ResponsesSection).byActor.map((a) => [a.actor, a.overdue.length]),
    );
    expect(lateBy).toEqual({ FR: 3, UK: 3, DE: 2, US: 2, CMM: 1 });
  });

  it('keeps sections to those asked for, and the public variant to counts and declarations', () => {
    const only = dailyReport(input({ sections: ['votes'] }));
    expect(Object.keys(only)).toEqual([
      'type',
      'variant',
      'package',
      'date',
      'window',
      'sections',
      'votes',
      'checkpoint',
    ]);
    const pub = dailyReport(input({ public: true }));
    expect(pub.sections).toEqual(['violations', 'cases', 'responses']);
    expect(pub.cases).toEqual({
      counts: { declared: 1 },
      declared: [{ severity: 'serious', declaredAt: new Date(D + 12 * HOUR).toISOString() }],
    });
    const text = renderReportJson(pub);
    expect(text).not.toMatch(/"party"|"lon"|case-a|"RU"|operators|byParty/);
    expect(dailyReport(input()).sustainment).toEqual({ status: 'no-ledger' });
    expect(renderReportMarkdown(dailyReport(input()))).toMatch(/No ledger/);
  });

  it('is the same report for the records in any order', () => {
    const a = renderReportJson(dailyReport(input()));
    const b = renderReportJson(
      dailyReport(input({ violations: [...violations].reverse(), cases: [...later].reverse() })),
    );
    expect(b).toBe(a);
    const md = renderReportMarkdown(dailyReport(input()));
    expect(md).toMatch(/\*\*7\*\* incidents in violation \(previous day 3, change \+4/);
    expect(md).toMatch(/\| tank \| heavy-weapons \| 2 \|/);
  });
});
