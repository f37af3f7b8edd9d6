/**
 * What an adversary strategy may read and do on one simulated ceasefire: the engine implements it, and strategies
 * are written against this interface alone, so they cannot reach the engine's bookkeeping (and the engine's module
 * does not depend on the strategies').
 */
import type { Xoshiro128 } from './rng.js';

export interface Battlefield {
  /** The run's random stream (strategies draw from it so a seed fixes the whole run). */
  readonly rng: Xoshiro128;
  /** The adversary's boldness: grows with unpunished violations, falls with material responses. */
  readonly bold: number;
  /** Unpunished deliberate violations the adversary has learned of. */
  readonly unpunished: number;
  /** Timely material responses the adversary has suffered. */
  readonly deterred: number;
  /** Whether an offensive is under way. */
  readonly offensiveActive: boolean;
  /** Deny access and jam until `until`: access-dependent sources see less. */
  blind(until: number): void;
  /**
   * One prohibited act at time `t` (days) of kind `k`. `deniable` acts meet no trigger unless attributed.
   * For an offensive, `depthKm` is the ground it will gain, `rate` its speed and `lifetime` how long it lasts.
   */
  commit(
    k: number,
    t: number,
    deliberate: boolean,
    deniable: boolean,
    depthKm?: number,
    rate?: number,
    lifetime?: number,
  ): void;
  /**
   * Whether an adversary whose strategy calls for an offensive on day `t` goes ahead (a deniable one weighs the chance
   * that it is attributed in time).
   */
  decidesToAttack(t: number, deniable?: boolean): boolean;
  /** Launch an offensive at `t`. */
  launchOffensive(t: number, deniable: boolean): void;
  /** Ground taken by creeping below a depth trigger. */
  addGround(km: number): void;
}
