/**
 * Inspections against acts that are over in minutes. An inspection (an `inspection-team`, or any source that looks by
 * `quota` or `on-request`) whose fastest look is longer than such an act lasts cannot catch it, whatever `detects`
 * claims: the analysis does not count it as a detector of that act (package-view.ts), and `slow-inspection` says why.
 */
import type { Source } from '../spec/schema.js';
import type { Activity } from '../spec/vocabulary.js';
import { duration } from './wording.js';

export const transientActs: ReadonlySet<Activity> = new Set<Activity>([
  'artillery-fire',
  'mortar-fire',
  'small-arms-fire',
  'missile-strike',
  'drone-strike',
  'air-strike',
  'naval-strike',
  'overflight',
  'jamming',
  'radar-emission',
  'nuclear-use',
]);

/** How long a transient act lasts (assumption, a design choice). */
export const transientLasts = 3_600_000;

export const isInspection = (s: Source): boolean =>
  s.kind === 'inspection-team' || s.quota !== undefined || s['on-request'] !== undefined;

/** The soonest an inspection can look after an act: its revisit, quota interval or on-request delay. */
export function lookInterval(s: Source): { ms: number; how: string } | undefined {
  const xs: { ms: number; how: string }[] = [];
  if (s.revisit !== undefined) xs.push({ ms: s.revisit, how: `every ${duration(s.revisit)}` });
  if (s.quota)
    xs.push({
      ms: s.quota.per / s.quota.count,
      how: `${s.quota.count} time${s.quota.count === 1 ? '' : 's'} every ${duration(s.quota.per)}`,
    });
  if (s['on-request'] !== undefined)
    xs.push({ ms: s['on-request'], how: `within ${duration(s['on-request'])} of a request` });
  return xs.sort((a, b) => a.ms - b.ms)[0];
}

export function inspectsTooSlowly(s: Source, a: Activity): boolean {
  if (!isInspection(s) || !transientActs.has(a)) return false;
  const look = lookInterval(s);
  return look !== undefined && look.ms > transientLasts;
}
