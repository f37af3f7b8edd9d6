import { describe, expect, it } from 'vitest';
import type { Activity } from '../core/spec/vocabulary.js';
import type { IncidentProbe } from '../core/ports/ops-reader.js';
import { groupPointProbes, matcher } from './probe-plan.js';

const point = (activity: Activity, lon: number, lat: number, from: number, to: number): IncidentProbe => ({
  activity,
  from,
  to,
  minLon: lon - 0.1,
  minLat: lat - 0.1,
  maxLon: lon + 0.1,
  maxLat: lat + 0.1,
});

describe('groupPointProbes', () => {
  it('groups overlapping point probes of one activity under their union, and keeps the rest apart', () => {
    const a = point('artillery-fire', 30, 48, 0, 10);
    const b = point('artillery-fire', 30.15, 48.05, 5, 20); // overlaps a in place and time
    const c = point('artillery-fire', 30.15, 48.05, 30, 40); // same place, later
    const d = point('mortar-fire', 30, 48, 0, 10); // other activity
    const e = point('artillery-fire', 31, 48, 0, 10); // elsewhere
    const r: IncidentProbe = { activity: 'artillery-fire', from: 0, to: 10, region: 'UA-14' };
    const groups = groupPointProbes([a, b, c, d, e, r]);
    expect(groups.map((g) => g.members)).toEqual([[a, b], [c], [d], [e]]);
    expect(groups[0]!.union).toEqual({
      activity: 'artillery-fire',
      from: 0,
      to: 20,
      minLon: 29.9,
      minLat: 47.9,
      maxLon: 30.25,
      maxLat: 48.15,
    });
  });

  it('answers through its union what each member answers: every incident a member asks for, tested exactly', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const probes = Array.from({ length: 60 }, () =>
      point('artillery-fire', 30 + rnd(), 48 + rnd(), rnd() * 100, 100 + rnd() * 50),
    );
    const groups = groupPointProbes(probes);
    expect(groups.flatMap((g) => g.members)).toHaveLength(probes.length);
    for (let k = 0; k < 2_000; k++) {
      const lon = 29.8 + rnd() * 1.4;
      const lat = 47.8 + rnd() * 1.4;
      const start = rnd() * 200;
      const i = { activity: 'artillery-fire', start, end: start + rnd() * 20, box: [lon, lat, lon + 0.05, lat + 0.05] };
      const inUnion = groups.some((g) => matcher([g.union])(i));
      const asked = matcher(probes)(i);
      if (asked) expect(inUnion).toBe(true); // the union's query finds it
      expect(groups.some((g) => matcher([g.union])(i) && matcher(g.members)(i))).toBe(asked);
    }
  });
});
