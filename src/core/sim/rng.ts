/**
 * The simulation's random numbers: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47(4), 2021), 32-bit state words so the hot loop stays in small integers. Each run gets its own stream,
 * seeded from (seed, strategy, run) through SplitMix32, so a run's numbers never depend on which worker ran it or
 * on how the runs were split into chunks.
 */

/** The randomness a model consumes: uniform doubles in [0, 1). */
export interface Rng {
  next(): number;
}

/** SplitMix32 finaliser (the 32-bit variant of Steele, Lea & Flood's SplitMix mixing), for seeding. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

const TWO_POW_32 = 4294967296;

export class Xoshiro128 implements Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed = 1, stream = 0, index = 0) {
    this.reseed(seed, stream, index);
  }

  /** Reset to the stream of run `index` of `stream` under `seed`; allocation-free so one instance serves every run. */
  reseed(seed: number, stream: number, index: number): void {
    let h = mix32(seed >>> 0);
    h = mix32(h ^ (Math.floor(seed / TWO_POW_32) >>> 0));
    h = mix32(h ^ (stream >>> 0));
    h = mix32(h ^ (index >>> 0));
    this.a = mix32(h ^ 0x1);
    this.b = mix32(h ^ 0x2);
    this.c = mix32(h ^ 0x3);
    this.d = mix32(h ^ 0x4);
    // An all-zero state is the one fixed point of xoshiro; the mixed words cannot all be zero in practice, but be sure.
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result >>> 0;
  }

  /** A uniform double in [0, 1) with 32 bits of resolution: ample for probabilities stated to two decimals. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Standard normal variate (Box-Muller; one of the pair is discarded to stay stateless). */
export function normal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
