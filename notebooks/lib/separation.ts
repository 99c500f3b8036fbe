// How well one column separates a binary label on its own: the ROC AUC of the column used as a score. A default
// feature that separates the label almost perfectly is more likely a leak than a discovery.

/** ROC AUC of `scores` for `labels` (Mann-Whitney U with average ranks for ties); NaN if a class is empty. */
export function auc(scores: readonly number[], labels: readonly boolean[]): number {
  const n = scores.length;
  const order = [...scores.keys()].sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1; // average 1-based rank of the tie group i..j
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface Separation {
  /** ROC AUC of the column as a score, oriented so that it is >= 0.5. */
  auc: number;
  /** "numeric" (raw values) or "category" (each value scored by its positive rate in these rows). */
  kind: "numeric" | "category";
  /** Rows whose value is NULL (numeric columns: scored at whichever end separates better). */
  nulls: number;
}

/**
 * Single-column separation of `labels` by `values`. Numbers are used as scores; NULLs go to the end that
 * separates better (for a column such as seconds_to_first_cart, NULL means "never"). Strings and booleans are
 * scored by their category's positive rate (in-sample, so slightly optimistic for many small categories).
 */
export function separation(values: readonly unknown[], labels: readonly boolean[]): Separation {
  const nulls = values.filter((v) => v === null || v === undefined).length;
  const numeric = values.every((v) => v === null || v === undefined || typeof v === "number");
  if (numeric) {
    const finite = values.filter((v): v is number => typeof v === "number");
    const low = Math.min(...finite, 0) - 1;
    const high = Math.max(...finite, 0) + 1;
    const at = (fill: number) =>
      auc(
        values.map((v) => (typeof v === "number" ? v : fill)),
        labels,
      );
    const candidates = nulls > 0 ? [at(low), at(high)] : [at(0)];
    const best = Math.max(...candidates.map((a) => Math.max(a, 1 - a)));
    return { auc: best, kind: "numeric", nulls };
  }
  const stats = new Map<string, { n: number; pos: number }>();
  values.forEach((v, i) => {
    const key = String(v);
    const s = stats.get(key) ?? { n: 0, pos: 0 };
    s.n++;
    if (labels[i]) s.pos++;
    stats.set(key, s);
  });
  const a = auc(
    values.map((v) => {
      const s = stats.get(String(v))!;
      return s.pos / s.n;
    }),
    labels,
  );
  return { auc: Math.max(a, 1 - a), kind: "category", nulls };
}

/** AUC thresholds of leakFlag. */
export const LEAK_THRESHOLDS = { suspicious: 0.95, strong: 0.9 } as const;

/**
 * Verdict on a separation: one column that separates the label almost perfectly is a leak until shown otherwise
 * ("suspicious"); a strong one deserves a look at when its value is known ("strong").
 */
export function leakFlag(aucValue: number): "suspicious" | "strong" | "ok" {
  if (aucValue >= LEAK_THRESHOLDS.suspicious) return "suspicious";
  if (aucValue >= LEAK_THRESHOLDS.strong) return "strong";
  return "ok";
}
