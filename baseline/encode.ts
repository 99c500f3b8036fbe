// The logistic regression's design matrix: numeric features standardised with the train mean and standard
// deviation (NULL imputed to the mean, plus a 0/1 "is NULL" column when train has NULLs), categorical features
// one-hot over the train levels (an unseen level is all zeros). Fitted on train only, applied to both splits.
import type { FeatureSpec, Frame } from "./frame.ts";

export interface LinearColumn {
  /** Column name in the design: the feature, `<feature>=<level>` or `<feature> is NULL`. */
  name: string;
  /** The source feature (drop-column and permutation importance act on whole features). */
  feature: string;
  kind: "numeric" | "missing" | "level";
  mean: number;
  sd: number;
  level: string | null;
}

export interface LinearEncoder {
  columns: LinearColumn[];
}

export interface Design {
  rows: number;
  width: number;
  /** Row-major rows x width (Float32 halves the memory of a 1M-row design; sums are accumulated in doubles). */
  x: Float32Array;
}

function meanSd(values: Float64Array): { mean: number; sd: number; nulls: number } {
  let n = 0;
  let sum = 0;
  for (const v of values)
    if (!Number.isNaN(v)) {
      n++;
      sum += v;
    }
  const mean = n > 0 ? sum / n : 0;
  let ss = 0;
  for (const v of values) if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
  return { mean, sd: n > 1 ? Math.sqrt(ss / n) : 0, nulls: values.length - n };
}

export function fitLinearEncoder(train: Frame, features: readonly FeatureSpec[]): LinearEncoder {
  const columns: LinearColumn[] = [];
  for (const f of features) {
    if (f.kind === "numeric") {
      const { mean, sd, nulls } = meanSd(train.numeric.get(f.name)!);
      // A constant column carries nothing and would make the Hessian singular without the penalty.
      if (sd > 0) columns.push({ name: f.name, feature: f.name, kind: "numeric", mean, sd, level: null });
      if (nulls > 0 && nulls < train.rows) {
        const share = nulls / train.rows;
        columns.push({
          name: `${f.name} is NULL`,
          feature: f.name,
          kind: "missing",
          mean: share,
          sd: Math.sqrt(share * (1 - share)),
          level: null,
        });
      }
    } else {
      const levels = [...new Set(train.categorical.get(f.name)!.map((v) => v ?? "(NULL)"))].sort();
      if (levels.length < 2) continue;
      for (const level of levels)
        columns.push({ name: `${f.name}=${level}`, feature: f.name, kind: "level", mean: 0, sd: 1, level });
    }
  }
  return { columns };
}

export function encodeLinear(enc: LinearEncoder, frame: Frame): Design {
  const width = enc.columns.length;
  const x = new Float32Array(frame.rows * width);
  enc.columns.forEach((c, j) => {
    if (c.kind === "level") {
      const col = frame.categorical.get(c.feature)!;
      for (let i = 0; i < frame.rows; i++) if ((col[i] ?? "(NULL)") === c.level) x[i * width + j] = 1;
      return;
    }
    const col = frame.numeric.get(c.feature)!;
    for (let i = 0; i < frame.rows; i++) {
      const v = col[i]!;
      const raw = c.kind === "missing" ? (Number.isNaN(v) ? 1 : 0) : Number.isNaN(v) ? c.mean : v;
      x[i * width + j] = (raw - c.mean) / c.sd;
    }
  });
  return { rows: frame.rows, width, x };
}
