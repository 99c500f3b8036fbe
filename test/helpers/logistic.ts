// A small L2-regularised logistic regression (Newton / IRLS on standardised features) and ROC AUC, for the
// learnability tests: "what does a plain model an ML engineer would try first learn from this dataset?".
// Hand-written on purpose: the npm options (ml-logistic-regression, js-regression) fit by fixed-step gradient
// descent without a penalty or standardisation, so their result depends on a learning rate and an iteration
// count; Newton's method on this strictly convex objective converges to the one optimum in a few steps.
// sklearn's LogisticRegression() default (C = 1, L2, unpenalised intercept) is the same objective.

export interface LogisticOptions {
  /** L2 penalty on the standardised weights (not the intercept); sklearn's C = 1 / l2. Default 1. */
  l2?: number;
  maxIterations?: number;
  /** Stop when the largest Newton step is below this. */
  tolerance?: number;
}

export interface LogisticModel {
  intercept: number;
  /** Weights on the standardised features. */
  weights: number[];
  /** Train mean and standard deviation per feature (a constant feature gets scale 1 and weight 0). */
  mean: number[];
  scale: number[];
  iterations: number;
  /** Linear score (log-odds) of one raw feature vector. */
  score(x: readonly number[]): number;
  /** P(y = 1 | x). */
  predict(x: readonly number[]): number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solves A x = b for a symmetric positive-definite A (Cholesky); A is d x d, row-major. */
function solveSpd(a: number[][], b: number[]): number[] {
  const d = b.length;
  const l = a.map(() => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (s <= 0) throw new Error(`Hessian is not positive definite at ${i} (${s})`);
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  const y = new Array<number>(d).fill(0);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(d).fill(0);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/** Fits P(y = 1 | x) = sigmoid(b + w . z(x)), z the train-standardised x, minimising log-loss + l2/2 |w|^2. */
export function fitLogistic(
  rows: readonly (readonly number[])[],
  labels: readonly boolean[],
  options: LogisticOptions = {},
): LogisticModel {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  const n = rows.length;
  if (n === 0 || n !== labels.length) throw new Error(`need rows and labels of equal length > 0`);
  const p = rows[0]!.length;
  const mean = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(0);
  for (const r of rows) for (let j = 0; j < p; j++) mean[j]! += r[j]! / n;
  for (const r of rows) for (let j = 0; j < p; j++) scale[j]! += (r[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < p; j++) scale[j] = scale[j]! > 0 ? Math.sqrt(scale[j]!) : 1;
  // Design matrix with a leading 1 for the intercept.
  const z = rows.map((r) => [1, ...r.map((v, j) => (v - mean[j]!) / scale[j]!)]);
  const d = p + 1;
  const beta = new Array<number>(d).fill(0);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++) {
      const zi = z[i]!;
      let eta = 0;
      for (let j = 0; j < d; j++) eta += beta[j]! * zi[j]!;
      const mu = sigmoid(eta);
      const w = mu * (1 - mu);
      const r = mu - (labels[i] ? 1 : 0);
      for (let j = 0; j < d; j++) {
        grad[j]! += r * zi[j]!;
        const wz = w * zi[j]!;
        for (let k = 0; k <= j; k++) hess[j]![k]! += wz * zi[k]!;
      }
    }
    for (let j = 1; j < d; j++) {
      grad[j]! += l2 * beta[j]!;
      hess[j]![j]! += l2;
    }
    for (let j = 0; j < d; j++) for (let k = j + 1; k < d; k++) hess[j]![k] = hess[k]![j]!;
    const step = solveSpd(hess, grad);
    let largest = 0;
    for (let j = 0; j < d; j++) {
      beta[j]! -= step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    if (largest < tolerance) {
      iterations++;
      break;
    }
  }
  const intercept = beta[0]!;
  const weights = beta.slice(1);
  const score = (x: readonly number[]) => {
    let s = intercept;
    for (let j = 0; j < p; j++) s += (weights[j]! * (x[j]! - mean[j]!)) / scale[j]!;
    return s;
  };
  return { intercept, weights, mean, scale, iterations, score, predict: (x) => sigmoid(score(x)) };
}

/**
 * ROC AUC = P(score of a random positive > score of a random negative), ties counting one half: the
 * Mann-Whitney U statistic from mid-ranks, O(n log n).
 */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores.map((s, i) => ({ s, y: labels[i]! })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]!.s === order[i]!.s) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1 .. j share their mean
    for (let k = i; k < j; k++) {
      if (order[k]!.y) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) throw new Error("AUC needs both classes");
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
