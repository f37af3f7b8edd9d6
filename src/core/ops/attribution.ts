/**
 * Attribution: which party an incident is held against, and on what basis. "Undetermined" is a legitimate answer
 * (OSCE SMM reports mostly said "the SMM could not determine"); a weak basis is recorded as such, for the judgment
 * body to weigh, rather than hidden.
 *
 * Order: what the reports say (when every attributing report names the same party; the strongest basis among them
 * is kept; disagreement is `undetermined` with basis `conflicting`), otherwise an inference from the contact line:
 * fire that lands on one side of a line with `sides` is taken as coming from the party holding the other side
 * (`impact-side`), within the reach of the weapon, and only when the whole uncertainty disc lies on that side (a
 * report located to 25 km says nothing about the side of a line 10 km away). Inference never overrides a report.
 */
import type { Activity } from '../spec/vocabulary.js';
import type { Incident } from './incident.js';
import type { LineLocation, OpsModel, ZoneLocation } from './model.js';
import { attributionBases, type AttributionBasis } from './observation.js';
import { valueAt } from '../item-at.js';

export const UNDETERMINED = 'undetermined';

export type Basis = AttributionBasis | 'conflicting' | 'none';

export interface Attribution {
  /** An actor id, or `undetermined`. */
  party: string;
  basis: Basis;
}

/**
 * How far from the line fire can have come from the other side (metres): tube artillery and MLRS reach about
 * 40 km, mortars under 10 km, small arms 2 km. Strikes by missiles, drones and aircraft have no such bound.
 */
export const fireReach: Partial<Record<Activity, number>> = {
  'artillery-fire': 40_000,
  'mortar-fire': 10_000,
  'small-arms-fire': 2_000,
  'missile-strike': Infinity,
  'drone-strike': Infinity,
  'air-strike': Infinity,
  'naval-strike': Infinity,
};

const strength = new Map<AttributionBasis, number>(attributionBases.map((b, i) => [b, i]));

/** What the members report. */
export function reportedAttribution(incident: Incident): Attribution | undefined {
  let party: string | undefined;
  let basis: AttributionBasis | undefined;
  for (const m of incident.members) {
    const a = m.attribution;
    if (!a) continue;
    if (party !== undefined && a.party !== party) return { party: UNDETERMINED, basis: 'conflicting' };
    party = a.party;
    if (basis === undefined || valueAt(strength, a.basis) < valueAt(strength, basis)) basis = a.basis;
  }
  return party === undefined || basis === undefined ? undefined : { party, basis };
}

/** The holder of the side opposite the one `line` puts the point on, if the package names both. */
export function oppositeHolder(model: OpsModel, line: LineLocation): string | undefined {
  const sides = model.sides.get(line.zone);
  if (!sides || line.side === 'on') return undefined;
  const here = sides[line.side];
  const there = sides[line.side === 'left' ? 'right' : 'left'];
  return there !== undefined && there !== here ? there : undefined;
}

/** The nearest line whose sides the package names. */
export function nearestSidedLine(model: OpsModel, loc: ZoneLocation | undefined): LineLocation | undefined {
  let best: LineLocation | undefined;
  if (!loc) return undefined;
  for (const l of loc.lines) if (model.sides.has(l.zone) && (!best || l.distance < best.distance)) best = l;
  return best;
}

export function attribute(model: OpsModel, incident: Incident, loc: ZoneLocation | undefined): Attribution {
  const reported = reportedAttribution(incident);
  if (reported) return reported;
  const reach = fireReach[incident.activity];
  if (reach !== undefined) {
    const line = nearestSidedLine(model, loc);
    if (line && line.distance <= reach && line.distance > incident.radius) {
      const party = oppositeHolder(model, line);
      if (party !== undefined) return { party, basis: 'impact-side' };
    }
  }
  return { party: UNDETERMINED, basis: 'none' };
}
