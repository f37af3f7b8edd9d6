/** Crossing points and corridors as the public status runs them (the package's `crossings`, docs/language.md). */
import type { Package } from '../spec/schema.js';
import { HOUR } from '../spec/units.js';

/** Least to most restrictive. */
export const crossingStates = ['open', 'restricted', 'closed'] as const;
export type CrossingState = (typeof crossingStates)[number];

export interface CrossingPlan {
  id: string;
  name: string;
  kind: 'checkpoint' | 'corridor';
  zone: string;
  authority: readonly string[];
  restrictAfter: number;
  closeAfter: number;
  /** ms */
  window: number;
}

export const defaultCrossingWindow = 24 * HOUR;

export function crossingPlans(pkg: Package): CrossingPlan[] {
  return Object.entries(pkg.crossings ?? {})
    .map(([id, c]) => ({
      id,
      name: c.name,
      kind: c.kind,
      zone: c.zone,
      authority: c.authority ?? [],
      restrictAfter: c['restrict-after'],
      closeAfter: c['close-after'],
      window: c.window ?? defaultCrossingWindow,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whether `actor` may set the crossing's status: an actor the package names as its authority. */
export function mayAuthorise(plan: CrossingPlan, actor: string): boolean {
  return plan.authority.includes(actor);
}
