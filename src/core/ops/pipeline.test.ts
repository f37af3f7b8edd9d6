import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EAST, EFFECTIVE, exampleModel, Runner, WEST } from '../../../test/ops/harness.js';
import { orderFreeState } from '../../../test/support/ops-state.js';
import { DAY, MINUTE } from '../spec/units.js';
import type { ObservationInput } from './observation.js';

const sources = ['radar', 'acoustic', 'uav', 'sat', 'eu-sat', 'patrol', 'air-track'];
const activities = [
  'artillery-fire',
  'mortar-fire',
  'heavy-weapon-presence',
  'ground-advance',
  'denial-of-access',
] as const;

const observation = fc.record({
  source: fc.constantFrom(...sources),
  activity: fc.constantFrom(...activities),
  minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  dx: fc.integer({ min: -40, max: 40 }),
  radius: fc.integer({ min: 0, max: 3000 }),
  confidence: fc.double({ min: 0.5, max: 1, noNaN: true }),
  weapon: fc.constantFrom(undefined, 'tank', 'mlrs'),
});

/**
 * Dense fire near the line on both sides: most reports cohere with several others, so arrival order matters to a
 * greedy fusion, incidents regroup when an earlier report arrives late, and runs of three corroborated violations
 * within 24 h open serious-violation cases whose evidence late reports extend. Some reports name a party, so
 * attribution changes (and violations move between parties) as incidents regroup.
 */
const dense = fc.record({
  source: fc.constantFrom('radar', 'acoustic', 'uav', 'acoustic'),
  activity: fc.constant('artillery-fire' as const),
  minute: fc.integer({ min: 0, max: 12 * 60 }),
  dx: fc.integer({ min: -4, max: 4 }),
  radius: fc.integer({ min: 100, max: 1500 }),
  confidence: fc.double({ min: 0.6, max: 1, noNaN: true }),
  weapon: fc.constant(undefined),
  side: fc.constantFrom('west', 'east'),
  party: fc.constantFrom(undefined, undefined, undefined, 'RU', 'UA'),
});

/**
 * Reports strung along 40 km and three days, some covering intervals of up to two days: chains of coherent reports
 * reach beyond what a batch's own probes load, so a late report's effect must be followed into incidents loaded
 * round by round (the replay's `probes`), and long reports cohere with many.
 */
const strung = fc.record({
  source: fc.constantFrom('radar', 'acoustic', 'uav', 'sat'),
  activity: fc.constantFrom('artillery-fire' as const, 'heavy-weapon-presence' as const),
  minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  span: fc.constantFrom(0, 0, 0, 0, 0, 20, 90, 600, 2 * 24 * 60),
  step: fc.integer({ min: 0, max: 20 }),
  radius: fc.integer({ min: 100, max: 1500 }),
  confidence: fc.double({ min: 0.6, max: 1, noNaN: true }),
});

type Strung = typeof strung extends fc.Arbitrary<infer T> ? T : never;

function strungInputs(xs: Strung[]): ObservationInput[] {
  return xs.map((x, i) => {
    const start = EFFECTIVE + 20 * DAY + x.minute * MINUTE;
    const o: ObservationInput = {
      source: x.source,
      sourceId: `s${i}`,
      activity: x.activity,
      time: new Date(start).toISOString(),
      location: { lon: WEST.lon + x.step * 0.027, lat: WEST.lat, radius: x.radius },
      confidence: x.confidence,
    };
    if (x.span) o.until = new Date(start + x.span * MINUTE).toISOString();
    return o;
  });
}

type Generated = typeof observation extends fc.Arbitrary<infer T> ? T : never;
type Dense = typeof dense extends fc.Arbitrary<infer T> ? T : never;

function denseInputs(xs: Dense[]): ObservationInput[] {
  return xs.map((x, i) => {
    const at = x.side === 'west' ? WEST : EAST;
    const o: ObservationInput = {
      source: x.source,
      sourceId: `d${i}`,
      activity: x.activity,
      time: new Date(EFFECTIVE + 20 * DAY + x.minute * MINUTE).toISOString(),
      location: { lon: at.lon + x.dx * 0.005, lat: at.lat, radius: x.radius },
      confidence: x.confidence,
    };
    if (x.party) o.attribution = { party: x.party, basis: 'claimed' };
    return o;
  });
}

function toInputs(xs: Generated[]): ObservationInput[] {
  return xs.map((x, i) => {
    const o: ObservationInput = {
      source: x.source,
      sourceId: `p${i}`,
      activity: x.activity,
      time: new Date(EFFECTIVE + 20 * DAY + x.minute * MINUTE).toISOString(),
      location: { lon: WEST.lon + x.dx * 0.01, lat: WEST.lat, radius: x.radius },
      confidence: x.confidence,
    };
    if (x.weapon) o.weapon = x.weapon as 'tank';
    return o;
  });
}

// Every field but what records the arrival (test/support/ops-state.ts).
const state = (r: Runner) =>
  orderFreeState(r.reader.incidents.values(), r.reader.violations.values(), r.reader.cases.values());

/** The items cut into batches at the given positions. */
function cutAt<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const at = [...new Set(cuts)].filter((k) => k > 0 && k < items.length);
  at.sort((a, b) => a - b);
  const out: T[][] = [];
  let from = 0;
  for (const k of [...at, items.length]) {
    out.push(items.slice(from, k));
    from = k;
  }
  return out;
}

/** Shuffles (Fisher-Yates on the stream's numbers). */
function shuffled<T>(items: readonly T[], seeds: fc.Stream<number>): T[] {
  const order = [...items];
  const it = seeds[Symbol.iterator]();
  for (let i = order.length - 1; i > 0; i--) {
    const j = (it.next().value as number) % (i + 1);
    const x = order[i] as T;
    order[i] = order[j] as T;
    order[j] = x;
  }
  return order;
}

/** The property: one run of the whole set in its generated order against random orders cut into random batches. */
const orderFree = (items: fc.Arbitrary<ObservationInput[]>) =>
  fc.asyncProperty(
    items,
    fc.array(fc.integer({ min: 1, max: 149 }), { minLength: 1, maxLength: 12 }),
    fc.infiniteStream(fc.nat()),
    async (items, cuts, seeds) => {
      const whole = new Runner();
      await whole.run(items);
      const cut = new Runner();
      const order = shuffled(items, seeds);
      for (const batch of cutAt(order, cuts)) {
        await cut.run(batch);
        // A retry of the batch just stored changes nothing.
        const again = await cut.run(batch);
        expect(again.incidentRevisions).toEqual([]);
        expect(again.caseOpenings).toEqual([]);
        expect(again.caseRevisions).toEqual([]);
      }
      expect(state(cut)).toEqual(state(whole));
    },
  );

describe('processBatch', () => {
  it('gives the same incidents, violations and cases for a set of observations, whatever its order and batch cuts, and nothing more on a retry', async () => {
    await fc.assert(orderFree(fc.array(observation, { minLength: 1, maxLength: 120 }).map(toInputs)), { numRuns: 60 });
  });

  it('does so on dense fire near the line, where incidents regroup and late violations join open cases', async () => {
    await fc.assert(orderFree(fc.array(dense, { minLength: 20, maxLength: 150, size: 'max' }).map(denseInputs)), {
      numRuns: 100,
    });
  });

  it('does so on reports strung out in space and time, some over long intervals, loaded round by round', async () => {
    await fc.assert(orderFree(fc.array(strung, { minLength: 20, maxLength: 150, size: 'max' }).map(strungInputs)), {
      numRuns: 100,
    });
  });
});

describe('the late-arrival window', () => {
  it('stores a report that ended beyond it as context: not fused, changing no incident, violation or case', async () => {
    const model = { ...exampleModel(), maxLateness: 7 * DAY };
    const r = new Runner(model, EFFECTIVE + 30 * DAY);
    const at = (days: number, source: string, id: string): ObservationInput => ({
      source,
      sourceId: id,
      activity: 'artillery-fire',
      time: new Date(EFFECTIVE + 30 * DAY - days * DAY).toISOString(),
      location: { ...WEST, radius: 300 },
      confidence: 0.9,
    });
    const onTime = await r.run([at(6, 'radar', 'a')]);
    expect(onTime).toMatchObject({ late: 0 });
    expect(onTime.incidentRevisions).toHaveLength(1);
    // The acoustic report of the same event, but 8 days late by the clock: beyond the window.
    const late = await r.run([at(8, 'acoustic', 'b'), at(8, 'uav', 'c')]);
    expect(late).toMatchObject({ late: 2, incidentRevisions: [], violations: [], caseOpenings: [], caseRevisions: [] });
    // Within the window it would have fused.
    const inside = new Runner({ ...model, maxLateness: 9 * DAY }, EFFECTIVE + 30 * DAY);
    await inside.run([at(6, 'radar', 'a')]);
    const fused = await inside.run([at(6, 'acoustic', 'b')]);
    expect(fused.incidentRevisions.filter((i) => i.status === 'open').map((i) => i.members.length)).toEqual([2]);
  });
});
