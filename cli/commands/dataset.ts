// cartstream dataset: the main job (runDatasetJob): stream, snapshot, features, train/test Parquet,
// manifest, data card, then the validation gate.

import { SPLIT_METHODS } from "../../features/index.ts";
import { DATASET_JOB_DEFAULTS as D, runDatasetJob } from "../../jobs/index.ts";
import { UsageError } from "../../pipeline/errors/index.ts";
import { expectedEvents } from "../../pipeline/service/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { progressBar } from "../progress.ts";
import { BACKENDS, nameFlag, runName } from "../run-flags.ts";
import { SIM_FLAGS, simConfigFromFlags } from "../sim-config.ts";
import { printValidation } from "../validation-output.ts";

export const spec: CommandSpec = {
  name: "dataset",
  summary:
    "simulate, stream, snapshot, build features and write train/test Parquet + manifest + data card, then validate",
  usage:
    "cartstream dataset [--name NAME] [--backend embedded|kafka] [--config FILE] [--seed N] [--split user|time] [--profile P]",
  flags: {
    ...nameFlag("dataset", "written to data/datasets/NAME (the run is data/runs/NAME)"),
    backend: {
      type: "string",
      arg: BACKENDS.join("|"),
      help: "embedded: in-process log + PGlite (no servers); kafka: Kafka + PostgreSQL + Redis",
      default: D.backend,
    },
    ...SIM_FLAGS,
    "test-fraction": {
      type: "string",
      arg: "F",
      help: "share of sessions in test",
      default: String(D.testFraction),
    },
    split: {
      type: "string",
      arg: SPLIT_METHODS.join("|"),
      help: "user: no user in both splits, stratified by label; time: by start time",
      default: D.split,
    },
    profile: {
      type: "string",
      arg: "P",
      help: "validation profile (validation/profiles/P.json)",
      default: D.profile,
    },
    "skip-run": {
      type: "boolean",
      help: "reuse the run NAME already in the store (data/runs/NAME) instead of running it again",
    },
    "skip-baseline": { type: "boolean", help: "do not fit the baseline models before the gate" },
    "skip-validate": { type: "boolean", help: "do not run the validation gate at the end" },
    quiet: { type: "boolean", short: "q", help: "less output" },
  },
  details: `Outputs in data/datasets/NAME/: train.parquet, test.parquet, train/test_prediction_point.parquet,
sessions.parquet, events.parquet (ZSTD), manifest.json, DATASET.md (with the baseline model card),
baseline/report.{json,md,html}, validation/report.{json,md,html}.
Exit code: the validation gate's (0 pass, 1 warnings only, 2 failure, 3 could not run); before the gate,
2 for bad flags or config and 1 for a failed stage (missing store, empty table, service down).`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const testFraction = numberFlag(flags, "test-fraction", 0, 1, true);
  if (testFraction !== undefined && testFraction >= 1)
    throw new UsageError("--test-fraction: expected a number above 0 and below 1");
  const quiet = flags.quiet === true;
  const options = {
    name: runName(flags),
    backend: choiceFlag(flags, "backend", BACKENDS),
    split: choiceFlag(flags, "split", SPLIT_METHODS),
    testFraction,
    config: simConfigFromFlags(flags).config, // validates the config before any work
    profile: stringFlag(flags, "profile"),
    skipRun: flags["skip-run"] === true,
    skipValidate: flags["skip-validate"] === true,
    skipBaseline: flags["skip-baseline"] === true,
    quiet,
    command: `cartstream dataset ${argv.join(" ")}`.trim(),
  };
  const progress = progressBar("[run]", expectedEvents(options.config), quiet);
  const result = await runDatasetJob(options, {
    log: progress.write,
    onProgress: progress.onProgress,
  }).finally(() => progress.done());
  if (result.validation) printValidation(result.validation);
  process.stderr.write(`[dataset] done in ${result.elapsedS.toFixed(1)} s -> ${result.outDir}\n`);
  return result.exitCode;
}
