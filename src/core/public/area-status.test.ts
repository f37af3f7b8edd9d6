import { describe, expect, it } from 'vitest';
import type { CaseFile } from '../ops/casework.js';
import { HOUR } from '../spec/units.js';
import { areaStates, casePhase, publicStatus, statusChanges, type StatusInput } from './area-status.js';
import type { CrossingPlan } from './crossings.js';

const NOW = 1_800_000_000_000;
const gate: CrossingPlan = {
  id: 'gate',
  name: 'Gate',
  kind: 'checkpoint',
  zone: 'z1',
  authority: ['M'],
  restrictAfter: 1,
  closeAfter: 3,
  window: 24 * HOUR,
};

const input = (over: Partial<StatusInput> = {}): StatusInput => ({
  now: NOW,
  window: 7 * 24 * HOUR,
  regions: [
    { code: 'UA-14', name: 'Donetsk' },
    { code: 'UA-09', name: 'Luhansk' },
    { code: 'UA-63', name: 'Kharkiv' },
  ],
  zones: [{ code: 'z1', name: 'z1' }],
  crossings: [gate],
  violations: [],
  cases: [],
  settings: new Map(),
  previous: new Map(),
  ...over,
});

const file = (over: Partial<CaseFile> & { outcome?: CaseFile['judgment']['outcome']; statuses?: string[] }): CaseFile =>
  ({
    version: 1,
    caseId: 'c',
    severity: 'serious',
    openedAt: 0,
    judgment: { outcome: over.outcome },
    tasks: (over.statuses ?? []).map((status, i) => ({ id: `t${i}`, status })),
  }) as unknown as CaseFile;

describe('public status', () => {
  it('is calm everywhere with nothing reported, regions in code order, compact string one digit each', () => {
    const s = publicStatus(input());
    expect(s.regions.map((r) => r.code)).toEqual(['UA-09', 'UA-14', 'UA-63']);
    expect(s.compact).toBe('000');
    expect(s.crossings[0]).toMatchObject({ state: 'open', cause: 'package' });
  });

  it('takes the most serious state: violations < case < breach < response', () => {
    const s = publicStatus(
      input({
        violations: [
          { region: 'UA-14', zones: ['z1'], time: NOW - HOUR },
          { region: 'UA-09', zones: [], time: NOW - 8 * 24 * HOUR }, // outside the window
          { region: 'UA-63', zones: [], time: NOW - 2 * HOUR },
        ],
        cases: [
          { caseId: 'a', phase: 'open', regions: ['UA-14'], zones: [] },
          { caseId: 'b', phase: 'response', regions: ['UA-09'], zones: [] },
          { caseId: 'c', phase: 'dismissed', regions: ['UA-63'], zones: [] },
        ],
      }),
    );
    expect(s.regions.map((r) => `${r.code}:${r.state}:${r.violations}:${r.cases}`)).toEqual([
      'UA-09:response:0:1',
      'UA-14:case:1:1',
      'UA-63:violations:1:0',
    ]);
    expect(s.compact).toBe(['response', 'case', 'violations'].map((x) => areaStates.indexOf(x as never)).join(''));
  });

  it('keeps `since` while a state holds and moves it when the state changes', () => {
    const previous = new Map([
      ['region:UA-14', { state: 'calm', since: 5 }],
      ['region:UA-09', { state: 'calm', since: 6 }],
    ]);
    const s = publicStatus(input({ previous, violations: [{ region: 'UA-14', zones: [], time: NOW }] }));
    expect(s.regions.find((r) => r.code === 'UA-09')!.since).toBe(6);
    expect(s.regions.find((r) => r.code === 'UA-14')!.since).toBe(NOW);
    const changes = statusChanges(s, previous).map((c) => `${c.key}:${c.from ?? '-'}>${c.area.state}`);
    expect(changes).toEqual([
      'region:UA-14:calm>violations',
      'region:UA-63:->calm',
      'zone:z1:->calm',
      'crossing:gate:->open',
    ]);
  });

  it('restricts and closes a crossing from the violations in its zone, and an authority overrules only older ones', () => {
    const v = (h: number) => ({ zones: ['z1'], time: NOW - h * HOUR });
    expect(publicStatus(input({ violations: [v(1)] })).crossings[0]).toMatchObject({
      state: 'restricted',
      cause: 'violations',
      violations: 1,
    });
    expect(publicStatus(input({ violations: [v(1), v(2), v(3)] })).crossings[0]).toMatchObject({
      state: 'closed',
      cause: 'violations',
    });
    expect(publicStatus(input({ violations: [v(30), v(31), v(32)] })).crossings[0]).toMatchObject({ state: 'open' }); // outside its 24h window
    // The authority reopens after three violations: open, until a new violation restricts it again.
    const settings = new Map([
      ['gate', { crossing: 'gate', state: 'open' as const, at: NOW - 30 * 60_000, by: 'M', reason: 'cleared' }],
    ]);
    expect(publicStatus(input({ violations: [v(1), v(2), v(3)], settings })).crossings[0]).toMatchObject({
      state: 'open',
      cause: 'authority',
      by: 'M',
      reason: 'cleared',
    });
    expect(publicStatus(input({ violations: [v(1), v(2), v(0.1)], settings })).crossings[0]).toMatchObject({
      state: 'restricted',
      cause: 'violations',
      violations: 1,
    });
    // Closed by the authority stays closed whatever the violations.
    const closed = new Map([['gate', { crossing: 'gate', state: 'closed' as const, at: NOW - 60_000, by: 'M' }]]);
    expect(publicStatus(input({ settings: closed })).crossings[0]).toMatchObject({
      state: 'closed',
      cause: 'authority',
    });
  });

  it('gives a case its public phase from the judgment and the tasks', () => {
    expect(casePhase(file({}))).toBe('open');
    expect(casePhase(file({ outcome: { effect: 'dismiss' } as never }))).toBe('dismissed');
    expect(casePhase(file({ outcome: { effect: 'none' } as never }))).toBe('lapsed');
    expect(casePhase(file({ outcome: { effect: 'declare' } as never, statuses: ['open', 'open'] }))).toBe('declared');
    expect(casePhase(file({ outcome: { effect: 'declare' } as never, statuses: ['acknowledged', 'open'] }))).toBe(
      'response',
    );
    expect(casePhase(file({ outcome: { effect: 'declare' } as never, statuses: ['delivered', 'delivered'] }))).toBe(
      'resolved',
    );
  });
});
