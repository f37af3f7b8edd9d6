import { describe, expect, it } from 'vitest';
import { EFFECTIVE, NOW, Runner, WEST, exampleModel, obs } from '../../../test/ops/harness.js';
import { prepareOps } from './model.js';
import { DAY, HOUR, MINUTE } from '../spec/units.js';
import { caseId } from './trigger.js';
import type { ObservationInput } from './observation.js';

const DAY30 = EFFECTIVE + 30 * DAY;
// Places west of WEST: all on the Ukrainian-held side, within artillery reach of the line.
const at = (offset: number) => ({ lon: WEST.lon - offset * 0.2, lat: WEST.lat, radius: 300 });

/** One shelling seen by radar (CMM) and acoustic sensors (DE): two independent operators. */
function shelling(id: string, t: number, place = 0, conf = 0.9): ObservationInput[] {
  return [
    obs({ source: 'radar', sourceId: `${id}r`, at: t, confidence: conf, location: at(place) }),
    obs({ source: 'acoustic', sourceId: `${id}a`, at: t + MINUTE, confidence: conf, location: at(place) }),
  ];
}

describe('triggers to cases', () => {
  it('opens a serious case at the third corroborated violation in a 24-hour window, once', async () => {
    const r = new Runner();
    const first = await r.run([...shelling('a', DAY30 + HOUR), ...shelling('b', DAY30 + 5 * HOUR, 0.1)]);
    expect(first.caseOpenings).toEqual([]);
    const third = await r.run(shelling('c', DAY30 + 9 * HOUR, 0.2));
    expect(third.caseOpenings).toHaveLength(1);
    const c = third.caseOpenings[0]!;
    const key = `serious-violation|RU|${DAY30}`;
    // The key names the period the run starts in; the window is the run's own 24 hours.
    expect(c).toMatchObject({
      id: caseId(key),
      key,
      trigger: 'serious-violation',
      severity: 'serious',
      party: 'RU',
      windowStart: DAY30 + HOUR,
      windowEnd: DAY30 + HOUR + DAY,
      breachAt: DAY30 + 9 * HOUR,
      openedAt: NOW,
    });
    expect(c.evidence.map((e) => e.time)).toEqual([DAY30 + HOUR, DAY30 + 5 * HOUR, DAY30 + 9 * HOUR]);
    expect(c.evidence[0]!.observations).toEqual([
      { source: 'radar', sourceId: 'ar' },
      { source: 'acoustic', sourceId: 'aa' },
    ]);
    // A fourth in the same window, and a replay of everything, open nothing more.
    expect((await r.run(shelling('d', DAY30 + 10 * HOUR, 0.3))).caseOpenings).toEqual([]);
    expect(
      (await r.run([...shelling('a', DAY30 + HOUR), ...shelling('c', DAY30 + 9 * HOUR, 0.2)])).caseOpenings,
    ).toEqual([]);
    expect(r.reader.cases.size).toBe(1);
  });

  it('does not count what lacks independent corroboration or confidence, or falls in another window', async () => {
    const r = new Runner();
    await r.run([
      ...shelling('a', DAY30 + HOUR),
      ...shelling('b', DAY30 + 2 * HOUR, 0.1, 0.5), // 1 - 0.5^2 = 0.75 < 0.8
      obs({ source: 'radar', sourceId: 'c', at: DAY30 + 3 * HOUR, location: at(0.2) }), // one operator
      obs({ source: 'uav', sourceId: 'c2', at: DAY30 + 3 * HOUR, location: at(0.2) }), // same operator (CMM)
      ...shelling('d', DAY30 + DAY + HOUR, 0.3), // next window
      ...shelling('e', DAY30 + 4 * HOUR, 0.4, 0.9),
    ]);
    expect(r.reader.cases.size).toBe(0);
    // One more in the first window completes it: a, e and f.
    const out = await r.run(shelling('f', DAY30 + 20 * HOUR, 0.5));
    expect(out.caseOpenings.map((c) => c.evidence.length)).toEqual([3]);
  });

  it('opens a case as late corroboration lifts violations over the evidence threshold', async () => {
    const r = new Runner();
    await r.run(
      [0, 1, 2].map((k) => obs({ source: 'radar', sourceId: `r${k}`, at: DAY30 + k * HOUR, location: at(k * 0.1) })),
    );
    expect(r.reader.cases.size).toBe(0);
    const out = await r.run(
      [0, 1, 2].map((k) => obs({ source: 'acoustic', sourceId: `s${k}`, at: DAY30 + k * HOUR, location: at(k * 0.1) })),
    );
    expect(out.caseOpenings).toHaveLength(1);
    expect(out.caseOpenings[0]!.breachAt).toBe(DAY30 + 2 * HOUR);
  });

  it('opens an armed-attack case on an advance deeper than 2 km seen by two operators', async () => {
    const r = new Runner();
    const adv = (src: string, id: string, location: { lon: number; lat: number }, conf = 0.95) =>
      obs({ source: src, sourceId: id, activity: 'ground-advance', at: DAY30, location, confidence: conf });
    // 13.5 km beyond the line on the Ukrainian-held side.
    const out = await r.run([adv('sat', 's1', WEST), adv('eu-sat', 'e1', WEST)]);
    expect(out.caseOpenings).toHaveLength(1);
    expect(out.caseOpenings[0]).toMatchObject({ trigger: 'armed-attack', severity: 'armed-attack', party: 'RU' });
    expect(out.caseOpenings[0]!.depth!).toBeGreaterThan(13_000);
    // 1 km beyond: a violation, not an armed attack.
    // 1 km west of a vertex of the line south of Pokrovsk.
    const shallow = { lon: 37.2749 - 1000 / (111_195 * Math.cos((47.99531 * Math.PI) / 180)), lat: 47.99531 };
    const r2 = new Runner();
    const out2 = await r2.run([adv('sat', 's1', shallow), adv('eu-sat', 'e1', shallow)]);
    const depth = out2.violations[0]!.depth!;
    expect(out2.violations).toHaveLength(1);
    expect(out2.violations[0]).toMatchObject({ prohibition: 'no-advance', party: 'RU' });
    expect(depth).toBeGreaterThan(300);
    expect(depth).toBeLessThanOrEqual(1000);
    expect(out2.caseOpenings).toEqual([]);
  });

  it('counts access denials over a week with a single source, by party', async () => {
    const r = new Runner();
    const deny = (k: number, party?: string) =>
      obs({
        source: 'patrol',
        sourceId: `p${k}${party ?? ''}`,
        activity: 'denial-of-access',
        at: DAY30 + k * DAY,
        confidence: 1,
        location: at(k * 0.3),
        ...(party ? { attribution: { party, basis: 'observed' as const } } : {}),
      });
    const out = await r.run([deny(0, 'RU'), deny(1, 'RU'), deny(2, 'UA'), deny(3, 'RU')]);
    // Periods of 7 days from the effective time: the run starts on day 30, in [28, 35).
    expect(out.caseOpenings.map((c) => [c.trigger, c.party, c.evidence.length])).toEqual([['access-denied', 'RU', 3]]);
    expect(out.caseOpenings[0]!.key).toBe(`access-denied|RU|${EFFECTIVE + 28 * DAY}`);
    expect(out.caseOpenings[0]!.windowStart).toBe(DAY30);
  });

  it('catches a run that straddles a period boundary, whatever order its reports arrive in', async () => {
    // Three corroborated shellings in 6 hours, across the midnight that ends day 30's period: fixed windows would
    // count two in one and one in the next, and open nothing.
    const times = [DAY30 + 20 * HOUR, DAY30 + 23 * HOUR, DAY30 + 26 * HOUR];
    const keys: string[][] = [];
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
    ]) {
      const r = new Runner();
      for (const k of order) await r.run(shelling(`s${k}`, times[k]!, k * 0.1));
      keys.push([...r.reader.cases.keys()]);
      const c = [...r.reader.cases.values()][0]!;
      expect(c.breachAt).toBe(DAY30 + 26 * HOUR);
      expect(c.windowStart).toBe(DAY30 + 20 * HOUR);
    }
    expect(keys).toEqual([
      [`serious-violation|RU|${DAY30}`],
      [`serious-violation|RU|${DAY30}`],
      [`serious-violation|RU|${DAY30}`],
    ]);
    // Three spread over more than 24 hours are no breach.
    const r = new Runner();
    await r.run([
      ...shelling('x', DAY30 + 2 * HOUR),
      ...shelling('y', DAY30 + 14 * HOUR, 0.1),
      ...shelling('z', DAY30 + 26 * HOUR, 0.2),
    ]);
    expect(r.reader.cases.size).toBe(0);
  });

  it('opens at most one case per period for a sustained campaign', async () => {
    const r = new Runner();
    // A corroborated shelling every 3 hours for 3 days from day 30.
    for (let k = 0; k < 24; k++) await r.run(shelling(`c${k}`, DAY30 + k * 3 * HOUR, (k % 5) * 0.1));
    expect([...r.reader.cases.keys()].sort()).toEqual([0, 1, 2].map((d) => `serious-violation|RU|${DAY30 + d * DAY}`));
  });

  it('opens one case per qualifying overflight (no count, no window)', async () => {
    const r = new Runner();
    const fly = (id: string, t: number, lon: number) =>
      obs({
        source: 'air-track',
        sourceId: id,
        activity: 'overflight',
        at: t,
        location: { lon, lat: 48.3 },
        confidence: 0.9,
      });
    const out = await r.run([fly('f1', DAY30, 37.5), fly('f2', DAY30 + HOUR, 37.55)]);
    expect(out.caseOpenings.map((c) => c.trigger)).toEqual(['overflight', 'overflight']);
    expect(new Set(out.caseOpenings.map((c) => c.key)).size).toBe(2);
  });
});

describe('dormant triggers in operations (issue 20)', () => {
  /** The example package with `serious-violation` made dormant by `wakes`. */
  function dormant(wakes: Record<string, unknown>) {
    const base = exampleModel();
    const pkg = structuredClone(base.pkg);
    (pkg.triggers['serious-violation'] as { wakes?: unknown }).wakes = wakes;
    return prepareOps(pkg, { locator: base.locator, regions: base.rules.regions });
  }
  const serious = (m: ReturnType<typeof dormant>) => m.triggers.find((t) => t.id === 'serious-violation')!;

  it('counts nothing before the ceasefire has held the time it waits for, and opens the case after', async () => {
    const m = dormant({ held: 60 * DAY });
    expect(serious(m)).toMatchObject({ activeFrom: EFFECTIVE + 60 * DAY });
    const r = new Runner(m);
    const before = await r.run([
      ...shelling('a', DAY30),
      ...shelling('b', DAY30 + HOUR),
      ...shelling('c', DAY30 + 2 * HOUR),
    ]);
    expect(before.caseOpenings).toEqual([]);
    const woke = EFFECTIVE + 61 * DAY;
    const after = await r.run([
      ...shelling('d', woke),
      ...shelling('e', woke + HOUR),
      ...shelling('f', woke + 2 * HOUR),
    ]);
    expect(after.caseOpenings.map((c) => c.trigger)).toEqual(['serious-violation']);
    // The woken window holds only what happened after it woke.
    expect(after.caseOpenings[0]!.evidence.every((e) => e.time >= EFFECTIVE + 60 * DAY)).toBe(true);
  });

  it('wakes on a date, and never when the prohibition it waits for has no `until`', () => {
    expect(
      serious(dormant({ at: { at: { start: EFFECTIVE + 10 * DAY, end: EFFECTIVE + 11 * DAY } } })).activeFrom,
    ).toBe(EFFECTIVE + 10 * DAY);
    const never = serious(dormant({ 'on-lapse-of': 'no-fire' }));
    expect(never.activeFrom).toBe(Infinity);
    expect(never.wakes).toBe('when prohibition no-fire lapses');
    expect(serious(exampleModel()).activeFrom).toBe(EFFECTIVE);
  });
});
