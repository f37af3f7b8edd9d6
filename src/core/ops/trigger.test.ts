import { describe, expect, it } from 'vitest';
import { EFFECTIVE, NOW, Runner, WEST, exampleModel, obs } from '../../../test/ops/harness.js';
import { prepareOps } from './model.js';
import { DAY, HOUR, MINUTE } from '../spec/units.js';
import { caseChanges, caseContent, caseId, qualifies, windowsFor, type CaseOpening } from './trigger.js';
import type { ObservationInput } from './observation.js';
import type { Violation } from './violation.js';
import type { ViolationQuery } from '../ports/ops-reader.js';
import { mulberry32 } from '../../../test/support/mulberry32.js';

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

describe('reading a window', () => {
  const model = exampleModel();
  const t = model.triggers.find((x) => x.id === 'serious-violation')!;
  const prohibitions = ['no-fire', 'heavy-weapons'];

  function violation(r: () => number, k: number, from: number, span: number): Violation {
    const time = from + Math.floor(r() * span);
    return {
      id: `vio-${String(k).padStart(5, '0')}`,
      revision: 1,
      status: 'active',
      prohibition: prohibitions[Math.floor(r() * 2)]!,
      incidentId: `inc-${k}`,
      activity: 'artillery-fire',
      weapons: [],
      party: r() < 0.8 ? 'RU' : 'UA',
      basis: 'impact-side',
      time,
      start: time,
      end: time,
      radius: 300,
      zones: [],
      confidence: r() < 0.7 ? 0.9 : 0.5,
      corroboration: r() < 0.7 ? 2 : 1,
      operators: [],
      observations: [{ source: 'radar', sourceId: `o${k}` }],
      detectedAt: NOW,
    };
  }

  /** What the store holds, read through the port; counts the rows it answers. */
  class Store {
    rows = 0;
    constructor(
      readonly violations: Map<string, Violation>,
      readonly cases: Map<string, CaseOpening>,
    ) {}
    existingCases(keys: readonly string[]) {
      return new Map(keys.flatMap((k) => (this.cases.has(k) ? [[k, this.cases.get(k)!] as const] : [])));
    }
    findViolations(queries: readonly ViolationQuery[]) {
      const out = [...this.violations.values()].filter(
        (v) =>
          v.status === 'active' &&
          queries.some(
            (q) => q.party === v.party && q.prohibitions.includes(v.prohibition) && v.time >= q.from && v.time < q.to,
          ),
      );
      this.rows += out.length;
      return out;
    }
  }

  /** Every case the set holds, each from its whole window (the definition, docs/operations/fusion.md). */
  function wholeRead(all: readonly Violation[]): Map<string, ReturnType<typeof caseContent>> {
    const out = new Map<string, ReturnType<typeof caseContent>>();
    for (const v of all)
      for (const w of windowsFor(model, t, v)) {
        if (out.has(w.key)) continue;
        const inWindow = all
          .filter(
            (x) =>
              x.party === w.party &&
              t.on.includes(x.prohibition) &&
              x.time >= w.start &&
              x.time < w.reach &&
              qualifies(t, x),
          )
          .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
        out.set(w.key, caseContent(w, inWindow));
      }
    return out;
  }

  /** Stored violations, their cases (whole reads), a batch of changes, and what caseChanges made of them. */
  async function batch(seed: number, n: number, spread: number, burst = 6 * HOUR) {
    const r = mulberry32(seed);
    const start = EFFECTIVE + 40 * DAY;
    const stored = new Map<string, Violation>();
    for (let k = 0; k < n; k++) {
      // Clusters so that runs start anywhere in a period.
      const v = violation(r, k, start + (r() < 0.3 ? Math.floor(r() * 3) * DAY : 0), r() < 0.5 ? spread : burst);
      stored.set(v.id, v);
    }
    const cases = new Map<string, CaseOpening>();
    for (const [key, c] of wholeRead([...stored.values()]))
      if (c)
        cases.set(key, {
          id: caseId(key),
          key,
          trigger: t.id,
          severity: t.severity,
          party: key.split('|')[1]!,
          ...c,
          openedAt: NOW,
          revision: 1,
        });
    // New violations, and stored ones revised, withdrawn or moved in time or to another party.
    const changes: Violation[] = [];
    const moved: Violation[] = [];
    for (let k = n; k < n + 5 + Math.floor(r() * 40); k++) changes.push(violation(r, k, start, spread));
    for (const v of stored.values()) {
      const x = r();
      if (x < 0.03) changes.push({ ...v, revision: 2, status: 'withdrawn' });
      else if (x < 0.06) changes.push({ ...v, revision: 2, time: v.time + Math.floor((r() - 0.5) * 2 * DAY) });
      else if (x < 0.08) changes.push({ ...v, revision: 2, corroboration: 3 - v.corroboration });
      else if (x < 0.09) changes.push({ ...v, revision: 2, party: v.party === 'RU' ? 'UA' : 'RU' });
      else continue;
      moved.push(v);
    }
    const store = new Store(stored, cases);
    const out = await caseChanges(model, changes, moved, store, NOW);
    return { stored, cases, changes, out, rows: store.rows };
  }

  it('settles each window as a whole read would, reading only as far as its content needs', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const n = seed % 4 === 0 ? 20 : 150 + (seed % 7) * 60;
      const { stored, cases, changes, out } = await batch(seed, n, 3 * DAY);
      const after = new Map(stored);
      for (const v of changes) after.set(v.id, v);
      const expected = wholeRead([...after.values()]);
      const got = new Map(cases);
      for (const c of [...out.openings, ...out.revisions]) got.set(c.key, c);
      for (const [key, content] of expected) {
        const c = got.get(key);
        if (!content) {
          // No run: a case an earlier batch opened stands, lapsed.
          if (c) expect(c.lapsed, `${seed} ${key}`).toBe(true);
          continue;
        }
        expect(c, `${seed} ${key}`).toBeDefined();
        const { lapsed, ...rest } = { ...content, lapsed: undefined };
        expect(lapsed).toBeUndefined();
        expect(
          {
            windowStart: c!.windowStart,
            windowEnd: c!.windowEnd,
            breachAt: c!.breachAt,
            evidence: c!.evidence,
            depth: c!.depth,
          },
          `${seed} ${key}`,
        ).toEqual({ depth: undefined, ...rest });
      }
    }
  });

  it('reads a dense window near its start only', async () => {
    // 6,000 violations over three days: each case's run and evidence lie in the first hours of its period, and a
    // batch that must read windows again reads them that far (a whole read takes every row of two periods a window).
    const { stored, rows } = await batch(7, 6000, 3 * DAY, 3 * DAY);
    expect(stored.size).toBe(6000);
    expect(rows).toBeLessThan(stored.size / 2);
  });
});
