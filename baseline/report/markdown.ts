// baseline/report.md: the metrics table, the leak rule per model, the top features and the calibration tables.
import type { BaselineReport, LabelResult } from "../types.ts";
import { fmt, int, METRIC_HEADER, MODEL_LABELS, metricRow, stratumText } from "./format.ts";

const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

export function metricsTable(report: BaselineReport): string {
  return table(
    METRIC_HEADER,
    report.results.flatMap((r) => r.models.map((m) => metricRow(r, m))),
  );
}

function labelSection(r: LabelResult, threshold: number): string {
  const lines = [`### ${r.label} (${r.variant})`, ""];
  lines.push(
    `Train ${int(r.train.rows)} rows (${int(r.train.positives)} positive) from \`${r.train.file}\`; test ${int(r.test.rows)} rows (${int(r.test.positives)} positive) from \`${r.test.file}\`; ${r.features.length} features.`,
    "",
  );
  for (const m of r.models) {
    lines.push(`- **${MODEL_LABELS[m.model]}**: ${stratumText(m, threshold)}.`);
    lines.push(
      `  Permutation importance (AUC drop): ${m.permutationImportance
        .slice(0, 5)
        .map((i) => `${i.feature} ${fmt(i.aucDrop)}`)
        .join(", ")}.`,
    );
    if (m.dropColumnImportance)
      lines.push(
        `  Drop-column importance (refit without the feature): ${m.dropColumnImportance
          .map((i) => `${i.feature} ${fmt(i.aucDrop)} (AUC ${fmt(i.aucWithout)} without it)`)
          .join(", ")}.`,
      );
  }
  const strong = r.univariate.filter((u) => u.rocAuc >= 0.8).slice(0, 5);
  lines.push(
    "",
    `Single-column test AUC, highest: ${r.univariate
      .slice(0, 5)
      .map(
        (u) =>
          `${u.feature} ${fmt(u.rocAuc)}${u.stratumAuc !== null ? ` (${fmt(u.stratumAuc)} in the stratum)` : ""}`,
      )
      .join(", ")}${strong.length === 0 ? " (none at 0.8 or above)" : ""}.`,
    "",
    table(
      ["predicted", ...r.models.map((m) => `${MODEL_LABELS[m.model]}: rows, mean predicted, observed`)],
      r.models[0]!.test.calibration.map((b, k) => [
        `${b.low.toFixed(1)}-${b.high.toFixed(1)}`,
        ...r.models.map((m) => {
          const c = m.test.calibration[k]!;
          return c.rows === 0 ? "0" : `${int(c.rows)}, ${fmt(c.meanPredicted)}, ${fmt(c.observedRate)}`;
        }),
      ]),
    ),
    "",
  );
  return lines.join("\n");
}

export function renderBaselineMarkdown(report: BaselineReport): string {
  const o = report.options;
  return [
    `# Baseline models: ${report.dataset}`,
    "",
    `Seed ${report.seed}. Logistic regression (standardised numeric features, NULL indicators, one-hot categories, L2 ${o.logistic.l2}, Newton) and gradient-boosted trees (${o.boosting.trees} trees, depth ${o.boosting.maxDepth}, learning rate ${o.boosting.learningRate}, ${o.boosting.bins} bins; fitted on at most ${int(o.boosting.maxTrainRows)} train rows, a seeded sample) for each label and variant, trained on train and scored on test.`,
    "",
    "## Test metrics",
    "",
    metricsTable(report),
    "",
    `Leak rule: a model at test ROC AUC >= ${o.leak.auc} makes the label derivable from the features; where a funnel stratum is configured (${o.leak.strata.map((s) => `${s.variant} ${s.label}: ${s.column} > ${s.above}`).join("; ") || "none"}), the AUC among the stratum's rows must reach it too, because the funnel step alone ranks the label almost perfectly when few sessions take it.`,
    "",
    "## Per label",
    "",
    ...report.results.map((r) => labelSection(r, o.leak.auc)),
    `Inputs: ${report.inputs.map((i) => `\`${i.file}\` (sha256 ${i.sha256.slice(0, 12)})`).join(", ")}. Generated ${report.generatedAt} in ${(report.durationMs / 1000).toFixed(1)} s.`,
    "",
  ].join("\n");
}
