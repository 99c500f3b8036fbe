// The model card section of DATASET.md: what the baselines are, what they reach on test, and their caveats.
// It sits between two markers and is replaced on every run; manifest.json's sha256 and size of DATASET.md are
// updated to match, so the manifest keeps describing the files as they are.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST_FILE, sha256File } from "./load.ts";
import { fmt, MODEL_LABELS } from "./report/format.ts";
import { metricsTable } from "./report/markdown.ts";
import type { BaselineReport } from "./types.ts";

export const DATA_CARD_FILE = "DATASET.md";
const BEGIN = "<!-- cartstream baseline: begin (written by `cartstream baseline`) -->";
const END = "<!-- cartstream baseline: end -->";

export function renderModelCard(report: BaselineReport): string {
  const o = report.options;
  const derivable = report.results.flatMap((r) =>
    r.models
      .filter((m) => m.derivable)
      .map((m) => `${r.variant} ${r.label} (${MODEL_LABELS[m.model]}, AUC ${fmt(m.test.rocAuc)})`),
  );
  // At or above the threshold overall but not inside the funnel stratum: the funnel's structure, said so.
  const structural = report.results.flatMap((r) =>
    r.models
      .filter((m) => !m.derivable && m.stratum && m.test.rocAuc >= o.leak.auc)
      .map(
        (m) =>
          `${r.variant} ${r.label} (${MODEL_LABELS[m.model]}, AUC ${fmt(m.test.rocAuc)}, ${fmt(m.stratum!.rocAuc)} among sessions with ${m.stratum!.column} > ${m.stratum!.above})`,
      ),
  );
  return [
    BEGIN,
    "## Baseline models (model card)",
    "",
    "- **What**: reference models for the labels, not products: a logistic regression (standardised numeric features with NULL indicators, one-hot categories, L2 penalty, Newton's method) and gradient-boosted trees (histogram-based, log loss), each trained on the variant's train file and scored on its test file with the default feature list of `manifest.json`.",
    `- **Reproduce**: \`cartstream baseline ${report.dataset === "" ? "DATASET" : `data/datasets/${report.dataset}`} --seed ${report.seed}\` (same seed, same figures); details in \`baseline/report.md\`, charts in \`baseline/report.html\`.`,
    `- **Training rows**: the logistic regression sees all train rows; the trees see at most ${o.boosting.maxTrainRows.toLocaleString("en-US")} (a seeded sample), as the table's "fitted on" column says.`,
    "",
    metricsTable(report),
    "",
    "- **Intended use**: a yardstick for your own models and a check that the labels are learnable but not given away. Test ROC AUC at or above " +
      `${o.leak.auc} means the label is derivable from the features (a leak); ` +
      (derivable.length > 0 ? `**here: ${derivable.join("; ")}**.` : "no label is derivable here.") +
      (structural.length > 0
        ? ` Above the threshold overall but not among the sessions that took the funnel step every positive needs (the funnel's structure, not a leak): ${structural.join("; ")}.`
        : ""),
    "- **Caveats**: the sessions are simulated, so what the models learn is the simulator's behaviour model; probabilities reflect this dataset's class balance (calibrate before reading them as real-world rates); the `full` variant describes whole sessions (a post-session model), the `prediction_point` variant only what was known at the first add-to-cart.",
    END,
  ].join("\n");
}

/** Writes (or replaces) the model card in DATASET.md and refreshes its entry in manifest.json. No-op without DATASET.md. */
export async function writeModelCard(dir: string, report: BaselineReport): Promise<string | null> {
  const path = join(dir, DATA_CARD_FILE);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, "utf8");
  const card = renderModelCard(report);
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${text.slice(0, start)}${card}${text.slice(end + END.length)}`
      : `${text.replace(/\n*$/, "\n\n")}${card}\n`;
  writeFileSync(path, next);
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    files?: { path: string; bytes: number; sha256: string }[];
  };
  const entry = manifest.files?.find((f) => f.path === DATA_CARD_FILE);
  if (entry) {
    entry.bytes = statSync(path).size;
    entry.sha256 = await sha256File(path);
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return path;
}
