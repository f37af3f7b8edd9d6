import { describe, expect, it } from 'vitest';
import { EFFECTIVE, EAST, Runner, WEST, exampleModel, obs } from '../../../test/ops/harness.js';
import { incidentId } from './fusion.js';
import { defaultFusionOptions } from './incident.js';
import { violationId } from './violation.js';
import { MINUTE, DAY } from '../spec/units.js';

const T = EFFECTIVE + 30 * DAY + 10 * 3_600_000;
const near = (dLonMetres: number) => ({
  lon: WEST.lon + dLonMetres / (111_195 * Math.cos((WEST.lat * Math.PI) / 180)),
  lat: WEST.lat,
});

describe('fusion', () => {
  it('fuses reports of one event from two operators and combines their confidence', async () => {
    const r = new Runner();
    const out = await r.run([
      obs({ source: 'radar', sourceId: 'a', at: T, confidence: 0.9, location: { ...WEST, radius: 500 } }),
      obs({
        source: 'acoustic',
        sourceId: 'b',
        at: T + 5 * MINUTE,
        confidence: 0.8,
        location: { ...near(1500), radius: 300 },
      }),
    ]);
    // One revision per batch: the second report joined before anything was stored.
    expect(out.incidentRevisions.map((i) => [i.reason, i.revision])).toEqual([['created', 1]]);
    const inc = out.incidentRevisions[0]!;
    expect(inc.id).toBe(incidentId('radar', 'a', T));
    expect(inc.corroboration).toBe(2);
    expect(inc.operators).toEqual(['CMM', 'DE']);
    expect(inc.confidence).toBeCloseTo(1 - 0.1 * 0.2, 12);
    expect(inc.members.map((m) => m.sourceId)).toEqual(['a', 'b']);
    expect(inc.radius).toBe(300);
    // Weighted towards the better-located report.
    expect(inc.lon!).toBeGreaterThan(WEST.lon + (1500 / (111_195 * Math.cos((WEST.lat * Math.PI) / 180))) * 0.5);
    expect(inc.start).toBe(T);
    expect(inc.end).toBe(T + 5 * MINUTE);
    expect(r.reader.incidents.size).toBe(1);
  });

  it('counts operators, not reports: two sources of one operator corroborate nothing', async () => {
    const r = new Runner();
    const out = await r.run([
      obs({ source: 'radar', sourceId: 'a', at: T, confidence: 0.6 }),
      obs({ source: 'uav', sourceId: 'b', at: T + MINUTE, confidence: 0.7 }),
    ]);
    const inc = out.incidentRevisions.at(-1)!;
    expect(inc.members.length).toBe(2);
    expect(inc.corroboration).toBe(1);
    expect(inc.confidence).toBeCloseTo(0.7, 12);
  });

  it('keeps apart what is too far apart in space or time, and two reports of one source', async () => {
    const r = new Runner();
    await r.run([
      obs({ source: 'radar', sourceId: 'a', at: T }),
      obs({ source: 'radar', sourceId: 'b', at: T }),
      obs({ source: 'acoustic', sourceId: 'c', at: T, location: { ...near(3000), radius: 500 } }),
      obs({ source: 'uav', sourceId: 'd', at: T + 40 * MINUTE }),
      obs({ source: 'sat', sourceId: 'e', at: T, activity: 'ground-advance' }),
    ]);
    // radar a/b are distinct events; acoustic c is 3 km off (> 500 + 500 + 1000); uav d is 40 min later (> 30 min).
    const ids = [...r.reader.incidents.values()].map((i) => i.members.map((m) => m.sourceId).join('+')).sort();
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('joins within the distance r1 + r2 + slack and not beyond', async () => {
    const r = new Runner();
    await r.run([
      obs({ source: 'radar', sourceId: 'a', at: T, location: { ...WEST, radius: 500 } }),
      obs({ source: 'acoustic', sourceId: 'b', at: T, location: { ...near(1990), radius: 500 } }),
    ]);
    expect(r.reader.incidents.size).toBe(1);
    const r2 = new Runner();
    await r2.run([
      obs({ source: 'radar', sourceId: 'a', at: T, location: { ...WEST, radius: 500 } }),
      obs({ source: 'acoustic', sourceId: 'b', at: T, location: { ...near(2030), radius: 500 } }),
    ]);
    expect(r2.reader.incidents.size).toBe(2);
  });

  it('lets a late report join an incident across batches (founding it when it comes first), and ignores a retried batch', async () => {
    const r = new Runner();
    const first = [obs({ source: 'radar', sourceId: 'a', at: T })];
    await r.run(first);
    const late = await r.run([
      obs({ source: 'acoustic', sourceId: 'b', at: T - 10 * MINUTE, location: { ...near(800), radius: 200 } }),
    ]);
    // b happened first: in canonical order it founds the incident and a joins it, as if both had come at once; a's
    // incident is dissolved into it.
    const byId = new Map(late.incidentRevisions.map((i) => [i.id, i]));
    expect(byId.get(incidentId('acoustic', 'b', T - 10 * MINUTE))).toMatchObject({
      revision: 1,
      reason: 'created',
      start: T - 10 * MINUTE,
      members: [expect.objectContaining({ sourceId: 'b' }), expect.objectContaining({ sourceId: 'a' })],
    });
    expect(byId.get(incidentId('radar', 'a', T))).toMatchObject({
      revision: 2,
      status: 'merged',
      reason: 'merged-into',
      mergedInto: incidentId('acoustic', 'b', T - 10 * MINUTE),
    });
    expect(late.incidentRevisions).toHaveLength(2);
    // A report later in canonical order joins, and the incident keeps its id.
    const later = await r.run([obs({ source: 'uav', sourceId: 'c', at: T + 5 * MINUTE })]);
    expect(later.incidentRevisions.map((i) => [i.id, i.revision, i.reason])).toEqual([
      [incidentId('acoustic', 'b', T - 10 * MINUTE), 2, 'joined'],
    ]);
    const retry = await r.run(first);
    expect(retry).toMatchObject({ incidentRevisions: [], violations: [], caseOpenings: [], duplicates: 1 });
  });

  it('fuses region-level reports of one region, not with points', async () => {
    const r = new Runner();
    await r.run([
      obs({ source: 'air-track', sourceId: 'a', activity: 'overflight', at: T, location: { region: 'UA-14' } }),
      obs({ source: 'sat', sourceId: 'b', activity: 'overflight', at: T, location: { region: 'UA-14' } }),
      obs({ source: 'uav', sourceId: 'c', activity: 'overflight', at: T, location: { region: 'UA-09' } }),
      obs({ source: 'radar', sourceId: 'd', activity: 'overflight', at: T, location: { ...EAST, radius: 0 } }),
    ]);
    const groups = [...r.reader.incidents.values()].map((i) => i.members.map((m) => m.sourceId).join('+')).sort();
    expect(groups).toEqual(['a+b', 'c', 'd']);
  });

  it('applies wider rules (a new package version) to what it decides afresh, not to stored decisions', async () => {
    const items = () => [
      obs({ source: 'radar', sourceId: 'a', at: T }),
      obs({ source: 'acoustic', sourceId: 'b', at: T + 45 * MINUTE }),
      obs({ source: 'uav', sourceId: 'c', at: T + 20 * MINUTE }),
    ];
    const narrow = new Runner();
    await narrow.run(items().slice(0, 2));
    expect(narrow.reader.incidents.size).toBe(2);
    // A package version with a two-hour window for artillery: the stored incidents are now mutually coherent.
    const wide = {
      ...exampleModel(),
      fusion: { ...defaultFusionOptions, windows: { ...defaultFusionOptions.windows, 'artillery-fire': 120 * MINUTE } },
    };
    const r = new Runner(wide);
    for (const rev of narrow.reader.revisions)
      r.reader.apply({
        incidentRevisions: [rev],
        violations: [],
        caseOpenings: [],
        caseRevisions: [],
        duplicates: 0,
        late: 0,
      });
    const out = await r.run([obs({ source: 'uav', sourceId: 'c', at: T + 20 * MINUTE })]);
    // c (T+20) joins a's incident under the two-hour window; b's incident, decided under the old rules and not
    // touched by the change, stands (replaying the feed re-fuses everything under the new rules).
    const a = incidentId('radar', 'a', T);
    expect(out.incidentRevisions.map((i) => [i.id, i.revision, i.status, i.reason])).toEqual([
      [a, 2, 'open', 'joined'],
    ]);
    expect(out.incidentRevisions[0]!.members.map((m) => m.sourceId)).toEqual(['a', 'c']);
    const replay = new Runner(wide);
    await replay.run(items());
    const groups = [...replay.reader.incidents.values()]
      .filter((i) => i.status === 'open')
      .map((i) => i.members.map((m) => m.sourceId).join('+'));
    expect(groups).toEqual(['a+c+b']);
  });

  it('gives the same incidents whatever the batch size; revisions count batches', async () => {
    const items = Array.from({ length: 300 }, (_, k) =>
      obs({
        source: ['radar', 'acoustic', 'uav', 'patrol'][k % 4]!,
        sourceId: `s${k}`,
        at: T + Math.floor(k / 7) * 20 * MINUTE,
        location: { ...near((k % 5) * 700), radius: 400 },
      }),
    );
    const whole = new Runner();
    await whole.run(items);
    const split = new Runner();
    for (let i = 0; i < items.length; i += 17) await split.run(items.slice(i, i + 17));
    // A cut inside reports of one minute may found an incident that a report earlier in canonical order (the same
    // time, a smaller key) dissolves: only the open incidents are the result.
    const snap = (r: Runner) =>
      [...r.reader.incidents.values()]
        .filter((i) => i.status === 'open')
        .map((i) => ({ ...i, createdAt: 0, updatedAt: 0, revision: 0, reason: '' }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(snap(split)).toEqual(snap(whole));
    // In one batch every incident is made in one revision; split, one per batch that changed it.
    expect([...whole.reader.incidents.values()].every((i) => i.revision === 1 && i.reason === 'created')).toBe(true);
    expect(whole.reader.revisions).toHaveLength(whole.reader.incidents.size);
    expect([...split.reader.incidents.values()].some((i) => i.revision > 1 && i.reason !== 'created')).toBe(true);
    expect(whole.reader.incidents.size).toBeGreaterThan(20);
    expect(whole.reader.incidents.size).toBeLessThan(300);
  });
});

describe('incident and violation ids', () => {
  it('are a function of the founding report, and sort by its time', () => {
    expect(incidentId('radar', 'a', T)).toBe(incidentId('radar', 'a', T));
    expect(incidentId('radar', 'a', T)).not.toBe(incidentId('radar', 'b', T));
    expect(incidentId('radar', 'a', Date.UTC(2026, 6, 1, 12, 3, 4, 567))).toMatch(
      /^inc-20260701T120304Z-[0-9a-f]{16}$/,
    );
    const times = [
      Date.UTC(1999, 11, 31, 23, 59, 59),
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 0, 1, 0, 0, 1),
      Date.UTC(2026, 10, 26, 9),
    ];
    const ids = times.map((t, i) => incidentId('uav', `z${9 - i}`, t));
    expect([...ids].sort()).toEqual(ids);
    const v = ids.map((id) => violationId(id, 'no-fire'));
    expect([...v].sort()).toEqual(v);
    expect(v[1]).toMatch(/^vio-20260101T000000Z-[0-9a-f]{16}$/);
    expect(violationId(ids[1]!, 'no-fire')).not.toBe(violationId(ids[1]!, 'no-heavy-weapons'));
  });
});
