// Scores of a binary classifier on held-out rows: ROC AUC (ties count half), PR AUC as average precision
// (the step-wise area, as scikit-learn's average_precision_score), log loss, Brier score, the F1-maximising
// threshold, ROC curve points and a calibration table in ten equal-width probability bins.

export interface RocPoint {
  fpr: number;
  tpr: number;
}

export interface CalibrationBin {
  /** [low, high) of the predicted probability (the last bin includes 1). */
  low: number;
  high: number;
  rows: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

export interface Scores {
  rows: number;
  positives: number;
  rocAuc: number;
  prAuc: number;
  logLoss: number;
  brier: number;
  f1: { best: number; threshold: number; precision: number; recall: number };
  roc: RocPoint[];
  calibration: CalibrationBin[];
}

/** Row numbers ordered by score, highest first (ties in row order, so the result is deterministic). */
function byScoreDesc(p: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(p.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => p[b]! - p[a]! || a - b);
}

/** ROC AUC of `score` for `y` (Mann-Whitney: tied scores count half). NaN without both classes. */
export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const order = byScoreDesc(score);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]!;
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  let tp = 0;
  let area = 0;
  let k = 0;
  while (k < order.length) {
    const s = score[order[k]!]!;
    let dtp = 0;
    let dfp = 0;
    while (k < order.length && score[order[k]!] === s) {
      if (y[order[k]!] === 1) dtp++;
      else dfp++;
      k++;
    }
    area += dfp * (tp + dtp / 2);
    tp += dtp;
  }
  return area / (pos * neg);
}

const clamp = (p: number) => Math.min(Math.max(p, 1e-15), 1 - 1e-15);

export function scoreClassifier(y: Uint8Array, p: Float64Array, curvePoints = 101): Scores {
  const n = y.length;
  let pos = 0;
  for (const v of y) pos += v;
  const neg = n - pos;
  let logLoss = 0;
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const q = clamp(p[i]!);
    logLoss -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
    brier += (p[i]! - y[i]!) ** 2;
  }
  const order = byScoreDesc(p);
  // One pass over the distinct thresholds: ROC points, average precision, best F1.
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let area = 0;
  const roc: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let f1 = { best: 0, threshold: 1, precision: 0, recall: 0 };
  let k = 0;
  while (k < n) {
    const s = p[order[k]!]!;
    let dtp = 0;
    let dfp = 0;
    while (k < n && p[order[k]!] === s) {
      if (y[order[k]!] === 1) dtp++;
      else dfp++;
      k++;
    }
    area += dfp * (tp + dtp / 2);
    tp += dtp;
    fp += dfp;
    const precision = tp / (tp + fp);
    const recall = pos > 0 ? tp / pos : 0;
    if (pos > 0) ap += (dtp / pos) * precision;
    const f = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (f > f1.best) f1 = { best: f, threshold: s, precision, recall };
    roc.push({ fpr: neg > 0 ? fp / neg : 0, tpr: recall });
  }
  // Thin the curve to about curvePoints points (for the report), keeping both ends.
  const step = Math.max(1, Math.ceil(roc.length / curvePoints));
  const thin = roc.filter((_, i) => i % step === 0 || i === roc.length - 1);
  const calibration: CalibrationBin[] = [];
  for (let b = 0; b < 10; b++)
    calibration.push({ low: b / 10, high: (b + 1) / 10, rows: 0, meanPredicted: 0, observedRate: 0 });
  for (let i = 0; i < n; i++) {
    const bin = calibration[Math.min(9, Math.floor(p[i]! * 10))]!;
    bin.rows++;
    bin.meanPredicted! += p[i]!;
    bin.observedRate! += y[i]!;
  }
  for (const bin of calibration) {
    bin.meanPredicted = bin.rows > 0 ? bin.meanPredicted! / bin.rows : null;
    bin.observedRate = bin.rows > 0 ? bin.observedRate! / bin.rows : null;
  }
  return {
    rows: n,
    positives: pos,
    rocAuc: pos > 0 && neg > 0 ? area / (pos * neg) : Number.NaN,
    prAuc: ap,
    logLoss: n > 0 ? logLoss / n : Number.NaN,
    brier: n > 0 ? brier / n : Number.NaN,
    f1,
    roc: thin,
    calibration,
  };
}

/**
 * AUC of a single column as a score, oriented (>= 0.5): NULLs placed at whichever end separates better. One
 * sort of the non-NULL values; the NULL rows' pairs are counted directly for both placements.
 */
export function singleColumnAuc(y: Uint8Array, values: Float64Array): number {
  const keep: number[] = [];
  let posNull = 0;
  let negNull = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i]!)) keep.push(i);
    else if (y[i] === 1) posNull++;
    else negNull++;
  }
  const yv = Uint8Array.from(keep, (i) => y[i]!);
  const sv = Float64Array.from(keep, (i) => values[i]!);
  let posVal = 0;
  for (const v of yv) posVal += v;
  const negVal = yv.length - posVal;
  const pos = posVal + posNull;
  const neg = negVal + negNull;
  if (pos === 0 || neg === 0) return Number.NaN;
  const inner = posVal > 0 && negVal > 0 ? rocAuc(yv, sv) * posVal * negVal : 0;
  const ties = 0.5 * posNull * negNull;
  const low = (inner + posVal * negNull + ties) / (pos * neg);
  const high = (inner + posNull * negVal + ties) / (pos * neg);
  return Math.max(low, 1 - low, high, 1 - high);
}
