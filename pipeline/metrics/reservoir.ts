// Exact-ish latency percentiles for benchmark tables. Prometheus histograms are bucketed (p99 of "somewhere
// between 50 and 100 ms"), so the pipeline also keeps the samples themselves: exact while a window holds at
// most `capacity` samples, a uniform random sample of the window (Algorithm R, seeded) beyond that.
// Count, min, max and mean are always exact.
import { badInput } from "../errors/index.ts";

export interface LatencySnapshot {
  /** Values seen in the window. */
  count: number;
  /** Values kept (= count while exact). */
  sampled: number;
  /** true while every value of the window is kept. */
  exact: boolean;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentile of ascending-sorted values: the smallest value with at least q of the values <= it. */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw badInput(`percentile must be in [0, 1], got ${q}`);
  const rank = Math.max(1, Math.ceil(q * n));
  return sorted[Math.min(n, rank) - 1]!;
}

/** Nearest-rank percentiles of unsorted values (the input is not modified). */
export function percentiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return qs.map((q) => percentileOfSorted(sorted, q));
}

export class LatencyReservoir {
  readonly capacity: number;
  #samples: Float64Array;
  #size = 0;
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;
  #state: number;

  constructor(capacity = 100_000, seed = 0x9e3779b9) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw badInput(`reservoir capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    // Grows on demand up to capacity, so many small windows stay cheap.
    this.#samples = new Float64Array(Math.min(capacity, 1_024));
    this.#state = seed >>> 0 || 1;
  }

  get count(): number {
    return this.#count;
  }

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    if (this.#size < this.capacity) {
      if (this.#size === this.#samples.length) {
        const grown = new Float64Array(Math.min(this.capacity, this.#samples.length * 2));
        grown.set(this.#samples);
        this.#samples = grown;
      }
      this.#samples[this.#size++] = value;
      return;
    }
    // Algorithm R: keep the new value with probability capacity / count.
    const j = Math.floor(this.#random() * this.#count);
    if (j < this.capacity) this.#samples[j] = value;
  }

  addMany(values: Iterable<number>): void {
    for (const v of values) this.add(v);
  }

  percentile(q: number): number {
    return percentileOfSorted(this.#sorted(), q);
  }

  snapshot(): LatencySnapshot {
    const sorted = this.#sorted();
    const empty = this.#count === 0;
    return {
      count: this.#count,
      sampled: this.#size,
      exact: this.#count === this.#size,
      min: empty ? Number.NaN : this.#min,
      max: empty ? Number.NaN : this.#max,
      mean: empty ? Number.NaN : this.#sum / this.#count,
      p50: percentileOfSorted(sorted, 0.5),
      p95: percentileOfSorted(sorted, 0.95),
      p99: percentileOfSorted(sorted, 0.99),
    };
  }

  /** Starts a new window (the sample buffer is kept). */
  reset(): void {
    this.#size = 0;
    this.#count = 0;
    this.#sum = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = Number.NEGATIVE_INFINITY;
  }

  #sorted(): Float64Array {
    return this.#samples.slice(0, this.#size).sort();
  }

  /** xorshift32 in [0, 1): seeded, so a benchmark's sampled percentiles are reproducible. */
  #random(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 4_294_967_296;
  }
}
