// Number formatting and the labels the three report formats share.
import type { ModelKind } from "../options.ts";
import type { LabelResult, ModelResult } from "../types.ts";

export const MODEL_LABELS: Record<ModelKind, string> = {
  logistic_regression: "logistic regression",
  gradient_boosting: "gradient-boosted trees",
};

export const fmt = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined || Number.isNaN(v) ? "-" : v.toFixed(digits);

export const pct = (v: number, digits = 1): string => `${(100 * v).toFixed(digits)}%`;

export const int = (v: number): string => v.toLocaleString("en-US");

/** The columns of the metrics table, one row per variant x label x model. */
export const METRIC_HEADER = [
  "variant",
  "label",
  "model",
  "fitted on",
  "test rows",
  "test positives",
  "ROC AUC",
  "PR AUC",
  "log loss",
  "Brier",
  "best F1 (threshold)",
];

export function metricRow(r: LabelResult, m: ModelResult): string[] {
  const t = m.test;
  return [
    r.variant,
    r.label,
    MODEL_LABELS[m.model],
    `${int(m.fit.trainRows)} of ${int(r.train.rows)}`,
    int(t.rows),
    `${int(t.positives)} (${pct(t.positives / t.rows)})`,
    fmt(t.rocAuc),
    fmt(t.prAuc),
    fmt(t.logLoss),
    fmt(t.brier),
    `${fmt(t.f1.best)} (${fmt(t.f1.threshold)})`,
  ];
}

/** One sentence on the funnel stratum and the leak rule for a model. */
export function stratumText(m: ModelResult, threshold: number): string {
  const s = m.stratum;
  const head = m.derivable
    ? `test AUC ${fmt(m.test.rocAuc)} >= ${threshold}: the label is derivable from the features`
    : `test AUC ${fmt(m.test.rocAuc)}`;
  if (!s) return head;
  return `${head}; among test rows with ${s.column} > ${s.above} (${int(s.rows)} rows, ${int(s.positives)} positives, ${int(s.positivesOutside)} outside): AUC ${fmt(s.rocAuc)}; that indicator alone: AUC ${fmt(s.indicatorAuc)}`;
}
