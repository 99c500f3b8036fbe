// A table in memory as typed columns: numeric features as Float64Array (NaN for NULL), categorical ones as
// strings (null for NULL), labels as 0/1. Row sampling and column permutation for the models and importances.
import type { Rng } from "../pipeline/simulator/index.ts";

export type FeatureKind = "numeric" | "categorical";

export interface FeatureSpec {
  name: string;
  kind: FeatureKind;
}

export interface Frame {
  rows: number;
  numeric: Map<string, Float64Array>;
  categorical: Map<string, (string | null)[]>;
  labels: Map<string, Uint8Array>;
}

/** The rows `index` of `frame`, in that order. */
export function takeRows(frame: Frame, index: Uint32Array): Frame {
  const numeric = new Map<string, Float64Array>();
  for (const [k, col] of frame.numeric) {
    const out = new Float64Array(index.length);
    for (let i = 0; i < index.length; i++) out[i] = col[index[i]!]!;
    numeric.set(k, out);
  }
  const categorical = new Map<string, (string | null)[]>();
  for (const [k, col] of frame.categorical)
    categorical.set(
      k,
      Array.from(index, (i) => col[i] ?? null),
    );
  const labels = new Map<string, Uint8Array>();
  for (const [k, col] of frame.labels) {
    const out = new Uint8Array(index.length);
    for (let i = 0; i < index.length; i++) out[i] = col[index[i]!]!;
    labels.set(k, out);
  }
  return { rows: index.length, numeric, categorical, labels };
}

/** `k` distinct row numbers of `n`, drawn from `rng` (partial Fisher-Yates), in ascending order; all when k >= n. */
export function sampleRows(n: number, k: number, rng: Rng): Uint32Array {
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  if (k >= n) return all;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    const t = all[i]!;
    all[i] = all[j]!;
    all[j] = t;
  }
  return all.slice(0, k).sort();
}

/** A permutation of 0..n-1 drawn from `rng`. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** `frame` with feature `name`'s values shuffled by `perm` (the other columns shared, not copied). */
export function withPermuted(frame: Frame, name: string, perm: Uint32Array): Frame {
  const numeric = new Map(frame.numeric);
  const categorical = new Map(frame.categorical);
  const num = frame.numeric.get(name);
  if (num)
    numeric.set(
      name,
      Float64Array.from(perm, (i) => num[i]!),
    );
  const cat = frame.categorical.get(name);
  if (cat)
    categorical.set(
      name,
      Array.from(perm, (i) => cat[i] ?? null),
    );
  return { ...frame, numeric, categorical };
}

/** The label column, or a clear error naming what the frame has. */
export function labelOf(frame: Frame, label: string): Uint8Array {
  const y = frame.labels.get(label);
  if (!y) throw new Error(`label ${label} was not loaded (loaded: ${[...frame.labels.keys()].join(", ")})`);
  return y;
}
