/**
 * Third-party presence on the ground: a peacekeeping or monitoring mission whose personnel stand where the agreement
 * is kept. Fortna (2003, 2004) finds that peacekeeping lengthens peace after interstate and civil wars, by raising the
 * cost of attack, reducing uncertainty and managing accidents, whether or not any guarantor's response stands behind
 * it; the simulation lowers the chance that the adversary launches an offensive by `peacekeeping` when the package has
 * such a presence (docs/simulation.md, "Third-party presence").
 *
 * Who counts: an actor outside the conflict (not bound by a prohibition, not protected, not a `party`, and none of
 * its contributors one) that polices, secures or monitors a zone (`control`), or operates a patrol or an inspection
 * team (`verification`): personnel on the ground, as in Fortna's definition of peacekeeping (international personnel
 * monitoring a ceasefire or interposed between the armies). Satellites, drones, radars and national intelligence are
 * detection, not presence; a joint body of the parties is not a third party.
 */
import type { Package } from '../spec/schema.js';
import { sidesOf } from '../spec/sides.js';
import { itemAt } from '../item-at.js';

const groundKinds: ReadonlySet<string> = new Set(['patrol', 'inspection-team']);

const asList = (x: string | string[] | undefined): string[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** The third-party actors with personnel on the ground, in file order (empty when there are none). */
export function thirdPartyPresence(pkg: Package): string[] {
  const s = sidesOf(pkg);
  const inside = new Set([
    ...s.bound,
    ...s.protected,
    ...Object.keys(pkg.actors).filter((a) => itemAt(pkg.actors, a).role === 'party'),
  ]);
  const outside = (a: string) =>
    pkg.actors[a] !== undefined &&
    !inside.has(a) &&
    !(itemAt(pkg.actors, a).contributors ?? []).some((c) => inside.has(c));
  const onGround = new Set<string>();
  for (const c of pkg.control) for (const a of [c.polices, c.secures, c.monitors].flatMap(asList)) onGround.add(a);
  for (const src of Object.values(pkg.verification)) if (groundKinds.has(src.kind)) onGround.add(src.operator);
  return Object.keys(pkg.actors).filter((a) => onGround.has(a) && outside(a));
}
