// cartstream baseline: fit the reference models on a dataset's train files and score them on test
// (runBaseline), write baseline/report.{json,md,html} and the model card in DATASET.md.
import {
  BASELINE_LABELS,
  BASELINE_VARIANTS,
  runBaseline,
  writeBaselineReports,
} from "../../baseline/index.ts";
import { UsageError } from "../../pipeline/errors/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, intFlag, parseFlags } from "../args.ts";

export const spec: CommandSpec = {
  name: "baseline",
  summary: "fit baseline models on a dataset's train files, score them on test, write baseline/report.*",
  usage: `cartstream baseline [--label ${BASELINE_LABELS.join("|")}] [--variant ${BASELINE_VARIANTS.join("|")}] [--seed S] [--quiet] DATASET_DIR`,
  flags: {
    label: { type: "string", arg: BASELINE_LABELS.join("|"), help: "one label only (default: every label)" },
    variant: {
      type: "string",
      arg: BASELINE_VARIANTS.join("|"),
      help: "one variant only (default: every variant)",
    },
    seed: {
      type: "string",
      arg: "S",
      help: "seed of the samples and permutations (default: the dataset's seed)",
    },
    quiet: { type: "boolean", short: "q", help: "no progress and no summary" },
  },
  positionals: true,
  details: `For each label and variant: a logistic regression and gradient-boosted trees, trained on train and scored
on test (ROC AUC, PR AUC, log loss, Brier, best F1, calibration, permutation importance). Writes
DATASET_DIR/baseline/report.json, report.md, report.html and a model card section in DATASET.md.
Exit codes: 0 done; 1 a missing or broken dataset (no manifest, a missing or unreadable Parquet file, a
label with one class); 2 bad usage.`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, positionals, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      `expected exactly one DATASET_DIR, got ${positionals.length === 0 ? "none" : positionals.join(" ")}\nusage: ${spec.usage}`,
    );
  const label = choiceFlag(flags, "label", BASELINE_LABELS);
  const variant = choiceFlag(flags, "variant", BASELINE_VARIANTS);
  const seed = intFlag(flags, "seed", 0, 2 ** 31 - 1);
  const quiet = flags.quiet === true;
  const tty = process.stderr.isTTY === true;
  const t0 = performance.now();
  const report = await runBaseline(
    positionals[0]!,
    {
      ...(label ? { labels: [label] } : {}),
      ...(variant ? { variants: [variant] } : {}),
      ...(seed !== undefined ? { seed } : {}),
    },
    {
      onStep: quiet
        ? undefined
        : ({ index, total, what }) => {
            const line = `[baseline ${index}/${total}] ${what} (${((performance.now() - t0) / 1000).toFixed(0)} s)`;
            process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
          },
    },
  );
  if (!quiet && tty) process.stderr.write("\r\x1b[2K");
  const paths = await writeBaselineReports(positionals[0]!, report);
  if (!quiet) {
    for (const r of report.results)
      for (const m of r.models)
        console.log(
          `${r.variant.padEnd(16)} ${r.label.padEnd(12)} ${m.model.padEnd(19)} ROC AUC ${m.test.rocAuc.toFixed(3)}  PR AUC ${m.test.prAuc.toFixed(3)}  log loss ${m.test.logLoss.toFixed(3)}${m.derivable ? "  (derivable: a leak?)" : ""}`,
        );
    console.log(`reports: ${paths.markdown}\n         ${paths.html}\n         ${paths.json}`);
    if (paths.dataCard) console.log(`model card: ${paths.dataCard}`);
    process.stderr.write(`[baseline] done in ${(report.durationMs / 1000).toFixed(1)} s\n`);
  }
  return 0;
}
