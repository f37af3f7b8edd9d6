/**
 * Sides: whom a package's guarantee protects, and against whom. One derivation for the analysis and the simulation,
 * so that both name the same adversary and neither lets a response "protect" the side that violated.
 *
 * - **Protected**: the actors with role `protected`. A package with none is either reciprocal (two or more parties
 *   are bound: each is protected against the others, as in a bilateral ceasefire) or collective (one bound party
 *   stands for an outside attacker: the guarantors who answer are the ones protected, as in NATO Art. 5).
 * - **Adversary**: an actor bound by a prohibition and opposed to a protected one. Opposition is read from the
 *   package where it says so: two actors holding the two sides of a line (`zones.*.sides`). A bound `party` is
 *   preferred to a bound actor of another role (a guarantor that also binds itself, as in the Budapest Memorandum).
 *   When the text cannot tell the candidates apart, the first one in file order stands in, and `basis` says so: it is
 *   a default, not something the package states.
 * - **Whom a response protects against a violator**: the protected actors other than the violator. A response that
 *   protects only A is not set off by A's own violations; in a reciprocal package the others are still protected.
 */
import type { Package } from './schema.js';
import { itemAt } from '../item-at.js';

/** How the protected set was found. */
export type ProtectedBasis = 'role' | 'reciprocal' | 'collective' | 'none';

/** How the adversary was found: stated by the caller, read from the package, or a default standing in. */
export type AdversaryBasis = 'named' | 'opposed-on-line' | 'only-candidate' | 'first-candidate' | 'none';

export interface Sides {
  /** Protected actors, in file order. */
  protected: string[];
  protectedBasis: ProtectedBasis;
  /** Actors bound by at least one prohibition, in file order (groups such as `parties` expanded). */
  bound: string[];
}

export interface AdversaryChoice {
  adversary?: string;
  basis: AdversaryBasis;
  /** The bound actors that could have been the adversary, best first. */
  candidates: string[];
}

/** Actor ids a reference names: an actor, or a group (`parties`, `guarantors`, `monitors`, `members`). */
export function expandActors(pkg: Package, ref: string): string[] {
  const ids = Object.keys(pkg.actors);
  const ofRole = (role: string) => ids.filter((a) => itemAt(pkg.actors, a).role === role);
  switch (ref) {
    case 'parties':
      return ofRole('party');
    case 'guarantors':
      return ofRole('guarantor');
    case 'monitors':
      return ofRole('monitor');
    case 'members':
      return pkg.judgment
        ? [...new Set(pkg.judgment.members.filter((m) => m !== 'members').flatMap((m) => expandActors(pkg, m)))]
        : [];
    default:
      return pkg.actors[ref] ? [ref] : [];
  }
}

/** The actors a prohibition binds, groups expanded. */
export function boundBy(pkg: Package, prohibition: string): string[] {
  const pr = pkg.prohibitions[prohibition];
  return pr ? [...new Set(pr.binds.flatMap((b) => expandActors(pkg, b)))] : [];
}

export function sidesOf(pkg: Package): Sides {
  const ids = Object.keys(pkg.actors);
  const boundSet = new Set(Object.keys(pkg.prohibitions).flatMap((p) => boundBy(pkg, p)));
  const bound = ids.filter((a) => boundSet.has(a));
  const role = ids.filter((a) => itemAt(pkg.actors, a).role === 'protected');
  if (role.length) return { protected: role, protectedBasis: 'role', bound };
  const boundParties = bound.filter((a) => itemAt(pkg.actors, a).role === 'party');
  if (boundParties.length >= 2) return { protected: boundParties, protectedBasis: 'reciprocal', bound };
  const guarantors = ids.filter((a) => itemAt(pkg.actors, a).role === 'guarantor' && !boundSet.has(a));
  if (guarantors.length) return { protected: guarantors, protectedBasis: 'collective', bound };
  return { protected: [], protectedBasis: 'none', bound };
}

/** Whether two actors hold the two sides of some line of the package. */
export function opposedOnLine(pkg: Package, a: string, b: string): boolean {
  for (const z of Object.values(pkg.zones)) {
    if (z.kind !== 'line' || !z.sides) continue;
    const { left, right } = z.sides;
    if ((left === a && right === b) || (left === b && right === a)) return true;
  }
  return false;
}

/**
 * The adversary of the guarantee: `named` when the caller names one (a scenario), else derived. For a reciprocal
 * package every bound party is protected, so the candidates are the bound parties themselves.
 */
export function adversaryOf(pkg: Package, named?: string): AdversaryChoice {
  const s = sidesOf(pkg);
  const prot = new Set(s.protected);
  const others = s.protectedBasis === 'reciprocal' ? s.bound : s.bound.filter((a) => !prot.has(a));
  const parties = others.filter((a) => itemAt(pkg.actors, a).role === 'party');
  const pool = parties.length ? parties : others;
  const opposed = pool.filter((a) => s.protected.some((p) => p !== a && opposedOnLine(pkg, a, p)));
  const candidates = [...opposed, ...pool.filter((a) => !opposed.includes(a))];
  if (named !== undefined) return { adversary: named, basis: 'named', candidates };
  if (candidates.length === 0) return { basis: 'none', candidates };
  if (candidates.length === 1) return { adversary: candidates[0], basis: 'only-candidate', candidates };
  // Opposition read from a line settles it only when it singles one candidate out.
  if (opposed.length === 1) return { adversary: opposed[0], basis: 'opposed-on-line', candidates };
  return { adversary: candidates[0], basis: 'first-candidate', candidates };
}

/**
 * Whom the guarantee protects against acts by `violator`: the protected actors other than the violator. Empty when
 * the violator is the only protected actor: the responses that protect it are not set off by its own violations.
 */
export function protectedAgainst(pkg: Package, violator: string): string[] {
  return sidesOf(pkg).protected.filter((p) => p !== violator);
}
