/**
 * The active violations the public status counts, kept up to date change by change (docs/operations/public.md,
 * "The status pass"): the projector applies each violation it reads from the log, and asks per place how many fall
 * in a time range and the latest of them. Reading every violation of the window at every pass instead cost a time
 * that grew with the data (issue 22).
 *
 * Per place, times sit in buckets of `bucket` ms: a count walks the buckets the range covers and looks inside only
 * the two at its ends, so a pass costs the window's length in buckets per place, whatever the number of violations.
 */
/** What the status needs of an active violation. */
export interface StatusViolation {
  region?: string | undefined;
  zones: readonly string[];
  time: number;
}

/** How many active violations of a place fall in [from, to], and the latest of those times. */
export interface ViolationCount {
  n: number;
  last?: number;
}

/** What the status reads of the violations: counts per region, per zone, and per crossing's zone. */
export interface ViolationCounts {
  /** Region: each violation located in it. */
  region(code: string, from: number, to: number): ViolationCount;
  /** Zone: each occurrence of the zone among a violation's zones. */
  zone(code: string, from: number, to: number): ViolationCount;
  /** A crossing's zone: each violation whose zones include it, once. */
  crossing(zone: string, from: number, to: number): ViolationCount;
}

export const defaultBucket = 3_600_000;

/** One place's times, by bucket; unsorted within a bucket. */
class PlaceTimes {
  readonly buckets = new Map<number, number[]>();

  add(t: number, b: number): void {
    const xs = this.buckets.get(b);
    if (xs) xs.push(t);
    else this.buckets.set(b, [t]);
  }

  remove(t: number, b: number): void {
    const xs = this.buckets.get(b);
    const i = xs ? xs.indexOf(t) : -1;
    if (!xs || i < 0) return;
    xs[i] = xs[xs.length - 1] ?? t;
    xs.pop();
    if (!xs.length) this.buckets.delete(b);
  }

  count(from: number, to: number, size: number): ViolationCount {
    const out: ViolationCount = { n: 0 };
    if (to < from || !this.buckets.size) return out;
    const first = Math.floor(from / size);
    const top = Math.floor(to / size);
    // From the latest bucket down: the first time in range met is in the highest bucket holding one, so lower
    // buckets only add to the count; inner buckets lie wholly in range. A range longer than the held buckets (or
    // open-ended) walks the held ones instead.
    const walk =
      top - first < 2 * this.buckets.size
        ? Array.from({ length: top - first + 1 }, (_, i) => top - i)
        : [...this.buckets.keys()].filter((b) => b >= first && b <= top).sort((a, b) => b - a);
    for (const b of walk) {
      const xs = this.buckets.get(b);
      if (!xs) continue;
      const inner = b > first && b < top;
      if (inner && out.last !== undefined) {
        out.n += xs.length;
        continue;
      }
      for (const t of xs)
        if (inner || (t >= from && t <= to)) {
          out.n++;
          if (out.last === undefined || t > out.last) out.last = t;
        }
    }
    return out;
  }
}

/**
 * Active violations by id, and their times per place. `set` applies a violation's current state (undefined when it
 * is withdrawn or gone); `prune` forgets those older than a bound the caller will never count again.
 */
export class ActiveViolations implements ViolationCounts {
  readonly #byId = new Map<string, StatusViolation>();
  /** Ids by their time's bucket, for `prune`. */
  readonly #byBucket = new Map<number, Set<string>>();
  readonly #places = new Map<string, PlaceTimes>();
  readonly #crossingZones: ReadonlySet<string>;
  readonly #size: number;
  #floor = -Infinity;

  constructor(crossingZones: Iterable<string> = [], bucket = defaultBucket) {
    this.#crossingZones = new Set(crossingZones);
    this.#size = bucket;
  }

  /** An index of these violations (a full recomputation: what the incremental one must equal). */
  static of(
    violations: readonly StatusViolation[],
    crossingZones: Iterable<string> = [],
    bucket = defaultBucket,
  ): ActiveViolations {
    const a = new ActiveViolations(crossingZones, bucket);
    violations.forEach((v, i) => a.set(String(i), v));
    return a;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** Nothing before this time is counted (what `prune` gave up). */
  get floor(): number {
    return this.#floor;
  }

  set(id: string, v: StatusViolation | undefined): void {
    const old = this.#byId.get(id);
    if (old) {
      const b = Math.floor(old.time / this.#size);
      this.#byBucket.get(b)?.delete(id);
      this.#place(old, (p) => p.remove(old.time, b));
      this.#byId.delete(id);
    }
    if (!v || v.time < this.#floor) return;
    const held: StatusViolation = { region: v.region, zones: [...v.zones], time: v.time };
    const b = Math.floor(held.time / this.#size);
    this.#byId.set(id, held);
    let ids = this.#byBucket.get(b);
    if (!ids) this.#byBucket.set(b, (ids = new Set()));
    ids.add(id);
    this.#place(held, (p) => p.add(held.time, b));
  }

  /**
   * Counts from `before` on stay exact; earlier violations are no longer counted, and are forgotten once their
   * whole bucket lies before it.
   */
  prune(before: number): void {
    if (before <= this.#floor) return;
    this.#floor = before;
    const b = Math.floor(before / this.#size);
    const gone: string[] = [];
    for (const [k, ids] of this.#byBucket) if (k < b) gone.push(...ids);
    for (const id of gone) this.set(id, undefined);
    for (const [k, ids] of this.#byBucket) if (!ids.size) this.#byBucket.delete(k);
  }

  region(code: string, from: number, to: number): ViolationCount {
    return this.#count(`r:${code}`, from, to);
  }

  zone(code: string, from: number, to: number): ViolationCount {
    return this.#count(`z:${code}`, from, to);
  }

  crossing(zone: string, from: number, to: number): ViolationCount {
    return this.#count(`x:${zone}`, from, to);
  }

  #count(key: string, from: number, to: number): ViolationCount {
    return this.#places.get(key)?.count(Math.max(from, this.#floor), to, this.#size) ?? { n: 0 };
  }

  #place(v: StatusViolation, f: (p: PlaceTimes) => void): void {
    const at = (key: string) => {
      let p = this.#places.get(key);
      if (!p) this.#places.set(key, (p = new PlaceTimes()));
      f(p);
    };
    if (v.region !== undefined) at(`r:${v.region}`);
    for (const z of v.zones) at(`z:${z}`);
    for (const z of new Set(v.zones)) if (this.#crossingZones.has(z)) at(`x:${z}`);
  }
}
