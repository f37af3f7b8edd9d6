import { describe, expect, it } from 'vitest';
import { HOUR } from '../spec/units.js';
import { ActiveViolations, type StatusViolation } from './active-violations.js';
import { publicStatus, type StatusInput } from './area-status.js';
import type { CrossingPlan } from './crossings.js';
import { mulberry32 } from '../../../test/support/mulberry32.js';

const DAY = 24 * HOUR;
const regions = ['R1', 'R2', 'R3', 'R4'].map((code) => ({ code, name: code }));
const zones = ['z1', 'z2', 'z3'].map((code) => ({ code, name: code }));
const crossing = (id: string, zone: string, window: number): CrossingPlan => ({
  id,
  name: id,
  kind: 'checkpoint',
  zone,
  authority: ['M'],
  restrictAfter: 1,
  closeAfter: 3,
  window,
});
const crossings = [crossing('gate', 'z1', DAY), crossing('corridor', 'z3', 10 * DAY)];
const WINDOW = 7 * DAY;
const LONGEST = 10 * DAY;

/** The counts as the status pass read them before the index: every active violation tested one by one. */
function bruteCount(list: readonly StatusViolation[], test: (v: StatusViolation) => boolean, from: number, to: number) {
  let n = 0;
  let last: number | undefined;
  for (const v of list)
    if (v.time >= from && v.time <= to && test(v)) {
      n++;
      last = Math.max(last ?? -Infinity, v.time);
    }
  return n ? { n, last } : { n };
}

describe('active violations kept change by change', () => {
  it('count exactly what a scan of the active violations counts, after random changes, withdrawals and prunes', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const r = mulberry32(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
      const bucket = pick([HOUR, 7 * HOUR, DAY]);
      const index = new ActiveViolations(
        crossings.map((c) => c.zone),
        bucket,
      );
      const current = new Map<string, StatusViolation>();
      // Times on whole hours (and half hours), so that ranges often start or end exactly at a violation.
      const step = () => (r() < 0.5 ? HOUR : HOUR / 2);
      let now = 1_800_000_000_000 + Math.floor(r() * 24) * HOUR;
      for (let i = 0; i < 400; i++) {
        const id = `v${Math.floor(r() * 150)}`;
        if (r() < 0.2) {
          index.set(id, undefined); // withdrawn
          current.delete(id);
        } else {
          // Late, on time or ahead of the clock; a region, zones (sometimes the same zone twice), or neither.
          const v: StatusViolation = {
            time: now - Math.floor(r() * 12 * 24) * step() + (r() < 0.1 ? Math.floor(r() * 24) * HOUR : 0),
            zones: Array.from({ length: Math.floor(r() * 3) }, () => pick(zones).code),
            ...(r() < 0.8 ? { region: pick(regions).code } : {}),
          };
          index.set(id, v);
          current.set(id, v);
        }
        if (r() < 0.1) {
          now += Math.floor(r() * 48) * step();
          index.prune(now - LONGEST);
        }
        if (i % 20 !== 0) continue;
        // Only what the status may ask: ranges ending at now, starting no earlier than the longest window.
        const list = [...current.values()];
        const to = now;
        const from = now - Math.floor(r() * 10 * 24) * step();
        for (const g of regions)
          expect(index.region(g.code, from, to)).toEqual(bruteCount(list, (v) => v.region === g.code, from, to));
        for (const z of zones) {
          const each = bruteCount(list, (v) => v.zones.includes(z.code), from, to);
          // A zone named twice by one violation counts twice in the zone's figure (as the scan did), once for a crossing.
          const twice = list.filter(
            (v) => v.time >= from && v.time <= to && v.zones.filter((x) => x === z.code).length > 1,
          );
          expect(index.zone(z.code, from, to)).toEqual({ ...each, n: each.n + twice.length });
          if (crossings.some((c) => c.zone === z.code)) expect(index.crossing(z.code, from, to)).toEqual(each);
        }
        // The whole status: the index kept by changes against one built from the current violations.
        const input: StatusInput = {
          now,
          window: WINDOW,
          regions,
          zones,
          crossings,
          violations: list.filter((v) => v.time >= now - LONGEST),
          cases: [],
          settings: new Map([['corridor', { crossing: 'corridor', state: 'open', at: now - 2 * DAY, by: 'M' }]]),
          previous: new Map(),
        };
        expect(publicStatus({ ...input, violations: index })).toEqual(publicStatus(input));
      }
    }
  });

  it('forgets what it pruned, and a violation older than the floor is not held', () => {
    const index = new ActiveViolations([], HOUR);
    index.set('a', { region: 'R1', zones: [], time: 10 * HOUR });
    index.set('b', { region: 'R1', zones: [], time: 30 * HOUR });
    index.prune(20 * HOUR);
    expect(index.size).toBe(1);
    expect(index.region('R1', 0, 40 * HOUR)).toEqual({ n: 1, last: 30 * HOUR });
    index.set('c', { region: 'R1', zones: [], time: 15 * HOUR });
    expect(index.size).toBe(1);
    index.set('b', undefined);
    expect(index.region('R1', 0, 40 * HOUR)).toEqual({ n: 0 });
  });
});
