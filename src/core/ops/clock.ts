/**
 * Time reaches the operations core only through a `Clock`: the server passes the system clock, tests pass a
 * `ManualClock` and run months of a ceasefire in milliseconds. Instants are epoch milliseconds (UTC).
 */

export interface Clock {
  /** The current instant, epoch milliseconds UTC. */
  now(): number;
}

/** A clock that moves only when told to; it never goes backwards. */
export class ManualClock implements Clock {
  #t: number;

  constructor(start: number) {
    if (!Number.isFinite(start)) throw new RangeError(`a clock starts at a finite instant, got ${start}`);
    this.#t = start;
  }

  now(): number {
    return this.#t;
  }

  /** Moves forward by `ms` (>= 0) and returns the new instant. */
  advance(ms: number): number {
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new RangeError(`a clock advances by a finite, non-negative duration, got ${ms}`);
    this.#t += ms;
    return this.#t;
  }

  /** Moves to `t`, which must not be earlier than now. */
  set(t: number): number {
    if (!Number.isFinite(t) || t < this.#t) throw new RangeError(`a clock cannot go back from ${this.#t} to ${t}`);
    this.#t = t;
    return this.#t;
  }
}
