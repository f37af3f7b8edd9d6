/**
 * A synthetic but plausible observation stream for the example package, for benchmarks and load tests: events
 * along the contact line, each seen by one to three sources with jitter in time and place, some reports late.
 * Seeded, so every run sends the same stream.
 */
import type { ObservationInput } from '../../src/core/ops/index.js';
import { mulberry32 } from '../support/mulberry32.js';

const mix: [ObservationInput['activity'], number, string[]][] = [
  ['artillery-fire', 0.55, ['radar', 'acoustic', 'uav']],
  ['mortar-fire', 0.15, ['radar', 'uav']],
  ['heavy-weapon-presence', 0.12, ['sat', 'eu-sat', 'uav', 'patrol']],
  ['ground-advance', 0.05, ['sat', 'eu-sat', 'uav']],
  ['drone-strike', 0.06, ['radar', 'air-track', 'uav']],
  ['denial-of-access', 0.04, ['patrol']],
  ['overflight', 0.03, ['air-track']],
];
const weapons = ['artillery-100mm-plus', 'mlrs', 'tank', 'armoured-vehicle'] as const;

/** `count` observations starting at `start` (epoch ms), around the given line vertices. */
export function workload(count: number, line: number[][], start: number, seed = 1): ObservationInput[] {
  const rnd = mulberry32(seed);
  const out: ObservationInput[] = [];
  const late: { due: number; o: ObservationInput }[] = [];
  let t = start;
  let n = 0;
  while (out.length < count) {
    t += Math.floor(rnd() * 40_000);
    let r = rnd();
    let kind = mix[0]!;
    for (const m of mix) {
      if (r < m[1]) {
        kind = m;
        break;
      }
      r -= m[1];
    }
    const v = line[Math.floor(rnd() * line.length)]!;
    const lon = v[0]! + (rnd() - 0.5) * 0.8;
    const lat = v[1]! + (rnd() - 0.5) * 0.3;
    const reports = 1 + Math.floor(rnd() * Math.min(3, kind[2].length));
    const sources = [...kind[2]].sort(() => rnd() - 0.5).slice(0, reports);
    const weapon = kind[0] === 'heavy-weapon-presence' ? weapons[Math.floor(rnd() * weapons.length)] : undefined;
    for (const source of sources) {
      const o: ObservationInput = {
        source,
        sourceId: `w${seed}-${++n}`,
        activity: kind[0],
        time: new Date(t + Math.floor((rnd() - 0.5) * 120_000)).toISOString(),
        location: {
          lon: lon + (rnd() - 0.5) * 0.004,
          lat: lat + (rnd() - 0.5) * 0.003,
          radius: 200 + Math.floor(rnd() * 1300),
        },
        confidence: 0.6 + rnd() * 0.35,
      };
      if (weapon) o.weapon = weapon;
      if (rnd() < 0.1) late.push({ due: out.length + Math.floor(rnd() * 2000), o });
      else out.push(o);
    }
    for (let i = late.length - 1; i >= 0; i--)
      if (late[i]!.due <= out.length) {
        out.push(late[i]!.o);
        late.splice(i, 1);
      }
  }
  return out.slice(0, count);
}
