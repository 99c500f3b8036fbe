// Seeded random source (sfc32, seeded through splitmix32). Stands in for the global random source everywhere:
// the same seed gives the same stream on every machine.

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** true with probability p. */
  chance(p: number): boolean;
  /** Exponential variate with the given mean. */
  exp(mean: number): number;
  /** Standard normal variate (Box-Muller). */
  normal(): number;
  /** Log-normal variate with the given median and log-scale sigma. */
  logNormal(median: number, sigma: number): number;
  /** Beta variate with the given mean (0..1) and concentration (alpha + beta). */
  beta(mean: number, concentration: number): number;
  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(table: WeightTable<K>): K;
  /** Picks one element uniformly. */
  pick<T>(items: readonly T[]): T;
  /** An independent stream derived from this seed and a label (for side computations). */
  fork(label: string): Rng;
}

/** Cumulative weights, built once so sampling is a short linear scan. */
export interface WeightTable<K extends string> {
  keys: readonly K[];
  cumulative: Float64Array;
  total: number;
}

export function weightTable<K extends string>(weights: Readonly<Record<K, number>>): WeightTable<K> {
  const keys = Object.keys(weights) as K[];
  const cumulative = new Float64Array(keys.length);
  let total = 0;
  keys.forEach((k, i) => {
    total += weights[k];
    cumulative[i] = total;
  });
  return { keys, cumulative, total };
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seed for an independent stream, derived from a base seed and up to three integers (user, session...). */
export function deriveSeed(seed: number, a: number, b = 0, c = 0): number {
  // Integer mixing (murmur3-style rounds and finaliser) over the inputs: cheap enough for every session.
  let h = (seed ^ 0x85ebca6b) >>> 0;
  h = mixRound(h, a);
  h = mixRound(h, b);
  h = mixRound(h, c);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mixRound(h: number, v: number): number {
  let x = Math.imul(h ^ (v >>> 0), 0xcc9e2d51);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, 0x1b873593);
  return x ^ (x >>> 13);
}

/** Gamma variate with shape k and scale 1 (Marsaglia-Tsang; boosted for k < 1). */
function gamma(rng: Rng, k: number): number {
  if (k < 1) return gamma(rng, k + 1) * (1 - rng.next()) ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * sfc32 as a class: one is made per user and per session, so its methods live on the prototype instead of
 * being fresh closures for every stream.
 */
class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box-Muller gives two normals per pair of uniforms; the second is kept for the next call. */
  private spare = Number.NaN;

  constructor(private readonly seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.next()));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  beta(mean: number, concentration: number): number {
    const x = gamma(this, mean * concentration);
    const y = gamma(this, (1 - mean) * concentration);
    return x / (x + y);
  }

  weighted<K extends string>(table: WeightTable<K>): K {
    const r = this.next() * table.total;
    const cum = table.cumulative;
    for (let i = 0; i < cum.length - 1; i++) if (r < cum[i]!) return table.keys[i]!;
    return table.keys[cum.length - 1]!;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  fork(label: string): Rng {
    return new Sfc32((this.seed ^ hashLabel(label)) >>> 0);
  }
}

export function createRng(seed: number): Rng {
  return new Sfc32(seed);
}
