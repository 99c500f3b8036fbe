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
  // Integer mixing (murmur3-style finaliser) over the inputs: cheap enough to run once per session.
  let h = (seed ^ 0x85ebca6b) >>> 0;
  for (const v of [a, b, c]) {
    h = Math.imul(h ^ (v >>> 0), 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    h = Math.imul(h, 0x1b873593);
    h ^= h >>> 13;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Gamma variate with shape k and scale 1 (Marsaglia-Tsang; boosted for k < 1). */
function gamma(next: () => number, normal: () => number, k: number): number {
  if (k < 1) return gamma(next, normal, k + 1) * (1 - next()) ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - next();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function createRng(seed: number): Rng {
  const sm = splitmix32(seed);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  // Box-Muller gives two normals per pair of uniforms; the second is kept for the next call.
  let spare = Number.NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = Number.NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    exp: (mean) => -Math.log(1 - next()) * mean,
    normal,
    logNormal: (median, sigma) => median * Math.exp(sigma * normal()),
    beta: (mean, concentration) => {
      const x = gamma(next, normal, mean * concentration);
      const y = gamma(next, normal, (1 - mean) * concentration);
      return x / (x + y);
    },
    weighted: (table) => {
      const r = next() * table.total;
      const cum = table.cumulative;
      for (let i = 0; i < cum.length - 1; i++) if (r < cum[i]!) return table.keys[i]!;
      return table.keys[cum.length - 1]!;
    },
    pick: (items) => items[Math.floor(next() * items.length)]!,
    fork: (label) => createRng((seed ^ hashLabel(label)) >>> 0),
  };
  return rng;
}
