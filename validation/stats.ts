// Statistics the validator needs, written out so they can be tested against known values: the regularized
// incomplete gamma function (chi-square survival), Wilson score intervals, and cluster-robust ratio variances.
import { badInput } from "../pipeline/errors/index.ts";

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, about 15 significant digits). */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw badInput(`lnGamma: x must be > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the approximation accurate near 0.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-15;
const MAX_ITER = 10_000;

/** Lower regularized gamma P(a, x) by its series; converges fast for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let sum = 1 / a;
  let term = sum;
  let ap = a;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Upper regularized gamma Q(a, x) by its continued fraction (modified Lentz); for x >= a + 1. */
function gammaQContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Upper regularized incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x >= 0. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw badInput(`regularizedGammaQ: a must be > 0, got ${a}`);
  if (Number.isNaN(x) || x < 0) throw badInput(`regularizedGammaQ: x must be >= 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return Math.min(1, Math.max(0, 1 - gammaPSeries(a, x)));
  return Math.min(1, Math.max(0, gammaQContinuedFraction(a, x)));
}

/** P(X >= x) for X ~ chi-square with `df` degrees of freedom: the p-value of a chi-square statistic. */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw badInput(`chiSquareSurvival: df must be > 0, got ${df}`);
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for a proportion p observed on n trials (z = 1.959964 for 95%). */
export function wilsonInterval(p: number, n: number, z = 1.959963984540054): Interval | null {
  if (!(n > 0) || !Number.isFinite(p) || p < 0 || p > 1) return null;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Sums over clusters (users) of a ratio metric sum(y) / sum(x): enough for the ratio and its
 * linearized (Taylor) variance without a second pass over the data.
 */
export interface ClusterSums {
  /** Σ y_u */
  y: number;
  /** Σ x_u */
  x: number;
  /** number of clusters */
  clusters: number;
  /** Σ y_u² */
  yy: number;
  /** Σ x_u y_u */
  xy: number;
  /** Σ x_u² */
  xx: number;
}

export interface RatioEstimate {
  value: number | null;
  /** Denominator: the number of trials (events or sessions). */
  n: number;
  /** Cluster-robust variance / binomial variance, at least 1 (we never narrow an interval below binomial). */
  designEffect: number;
  /** n / designEffect: the sample size the Wilson interval uses. */
  nEffective: number;
  ci: Interval | null;
}

/**
 * The ratio Σy/Σx with a Wilson 95% interval on the effective sample size n / deff, where deff compares the
 * cluster-robust (linearized) variance with the binomial one. Events of one user are not independent trials
 * (a user's persona drives their whole clickstream), so a plain binomial interval on event counts is too narrow.
 */
export function ratioEstimate(s: ClusterSums): RatioEstimate {
  if (!(s.x > 0)) return { value: null, n: 0, designEffect: 1, nEffective: 0, ci: null };
  const p = s.y / s.x;
  let deff = 1;
  if (s.clusters > 1 && p > 0 && p < 1) {
    const ss = Math.max(0, s.yy - 2 * p * s.xy + p * p * s.xx);
    const robust = ((s.clusters / (s.clusters - 1)) * ss) / (s.x * s.x);
    const binomial = (p * (1 - p)) / s.x;
    deff = Math.max(1, robust / binomial);
  }
  const nEffective = s.x / deff;
  return { value: p, n: s.x, designEffect: deff, nEffective, ci: wilsonInterval(p, nEffective) };
}

export interface ChiSquareResult {
  /** Pearson X² on the raw counts. */
  statistic: number;
  /** X² divided by the correction factor (Rao-Scott mean design effect, times reference noise). */
  corrected: number;
  df: number;
  pValue: number;
  /** Rao-Scott first-order mean design effect δ̄ (>= 1). */
  meanDesignEffect: number;
  /** 1 + N / N_ref when the expected shares were estimated from a reference sample of N_ref trials. */
  referenceFactor: number;
}

/**
 * Chi-square goodness of fit of `observed` counts against `expected` shares (renormalised to 1), with the
 * first-order Rao-Scott correction X²/δ̄ for clustered samples (δ̄ = Σ (1 - π_k) d_k / (K - 1)) and, when the
 * expected shares come from a reference sample of `referenceN` trials, the extra factor 1 + N/N_ref for the
 * reference's own sampling noise.
 */
export function chiSquareGoodnessOfFit(
  observed: Record<string, number>,
  expected: Record<string, number>,
  options: { designEffects?: Record<string, number>; referenceN?: number } = {},
): ChiSquareResult {
  const keys = [...new Set([...Object.keys(observed), ...Object.keys(expected)])];
  const n = keys.reduce((s, k) => s + (observed[k] ?? 0), 0);
  const totalExpected = keys.reduce((s, k) => s + (expected[k] ?? 0), 0);
  if (!(n > 0) || !(totalExpected > 0)) {
    return { statistic: 0, corrected: 0, df: 0, pValue: 1, meanDesignEffect: 1, referenceFactor: 1 };
  }
  let statistic = 0;
  let categories = 0;
  let deffSum = 0;
  for (const k of keys) {
    const pi = (expected[k] ?? 0) / totalExpected;
    const o = observed[k] ?? 0;
    if (pi === 0) {
      // Observed where nothing was expected: no finite statistic can describe it.
      if (o > 0) statistic = Infinity;
      continue;
    }
    categories++;
    const e = n * pi;
    statistic += ((o - e) * (o - e)) / e;
    deffSum += (1 - pi) * Math.max(1, options.designEffects?.[k] ?? 1);
  }
  const df = categories - 1;
  if (df < 1)
    return { statistic, corrected: statistic, df: 0, pValue: 1, meanDesignEffect: 1, referenceFactor: 1 };
  const meanDesignEffect = Math.max(1, deffSum / df);
  const referenceFactor = options.referenceN && options.referenceN > 0 ? 1 + n / options.referenceN : 1;
  const corrected = statistic / (meanDesignEffect * referenceFactor);
  const pValue = corrected === Infinity ? 0 : chiSquareSurvival(corrected, df);
  return { statistic, corrected, df, pValue, meanDesignEffect, referenceFactor };
}
