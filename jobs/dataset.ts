// The main job (`cartstream dataset`, `make dataset`): stream the simulation into the store (embedded or
// Kafka), snapshot user_sessions and the raw events into DuckDB, build the features, split, write Parquet,
// the manifest and the data card, fit the baseline models (their report and the model card), then run the
// validation gate, which reuses the baseline figures for its learnability checks.
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { type BaselineReport, runBaseline, writeBaselineReports } from "../baseline/index.ts";
import type { DatasetResult, SplitMethod } from "../features/index.ts";
import { buildDataset, DEFAULT_BUILD_OPTIONS } from "../features/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
import type { Verification } from "../pipeline/ground-truth/index.ts";
import type { ServiceHooks } from "../pipeline/service/index.ts";
import { fmtInt, RUN_DEFAULTS, runEmbedded, runKafka, withDefaults } from "../pipeline/service/index.ts";
import type { SimulatorConfig } from "../pipeline/simulator/index.ts";
import type { ValidationResult } from "../validation/index.ts";
import { DEFAULT_OPTIONS, validateDataset } from "../validation/index.ts";
import { type RunBackend, snapshotRun } from "./snapshot-run.ts";

export interface DatasetJobOptions {
  /** Dataset and run name: data/datasets/NAME, data/runs/NAME. */
  name: string;
  backend: RunBackend;
  config: SimulatorConfig;
  testFraction: number;
  split: SplitMethod;
  /** Validation profile (a name from validation/profiles, or a file). */
  profile: string;
  /** Reuse the run NAME already in the store instead of running it again. */
  skipRun: boolean;
  skipValidate: boolean;
  /** Skip the baseline models (validate then fits them itself unless it is skipped too). */
  skipBaseline: boolean;
  /** Fewer lines (the run's own log and the build steps are left out). */
  quiet: boolean;
  /** The command line, recorded in the data card. */
  command?: string;
}

export const DATASET_JOB_DEFAULTS = {
  name: RUN_DEFAULTS.name,
  backend: "embedded",
  testFraction: DEFAULT_BUILD_OPTIONS.testFraction,
  split: DEFAULT_BUILD_OPTIONS.split,
  profile: DEFAULT_OPTIONS.profile,
  skipRun: false,
  skipValidate: false,
  skipBaseline: false,
  quiet: false,
} as const satisfies Partial<DatasetJobOptions>;

export interface DatasetJobResult {
  outDir: string;
  dataset: DatasetResult;
  /** null with skipRun. */
  verification: Verification | null;
  /** null with skipBaseline. */
  baseline: BaselineReport | null;
  /** null with skipValidate. */
  validation: ValidationResult | null;
  /** The gate's exit code (0 pass, 1 warnings only, 2 failure, 3 could not run); 0 when skipped. */
  exitCode: number;
  elapsedS: number;
}

export async function runDatasetJob(
  input: Partial<DatasetJobOptions> & Pick<DatasetJobOptions, "config">,
  hooks: Pick<ServiceHooks, "log" | "onProgress"> = {},
): Promise<DatasetJobResult> {
  const o = withDefaults<DatasetJobOptions>(DATASET_JOB_DEFAULTS, input);
  const t0 = performance.now();
  const log = hooks.log ?? (() => {});
  const detail = o.quiet ? () => {} : log;
  const stage = (n: number, what: string) => log(`[dataset ${n}/6] ${what}`);
  const outDir = join("data", "datasets", o.name);

  let verification: Verification | null = null;
  if (!o.skipRun) {
    stage(1, `simulate and stream (${o.backend})`);
    const runHooks = { log: o.quiet ? undefined : log, onProgress: hooks.onProgress };
    const run = o.backend === "kafka" ? runKafka : runEmbedded;
    verification = (await run({ name: o.name, config: o.config }, runHooks)).verification;
    if (verification && !verification.equal) {
      throw new CartstreamError(
        ERROR_CODES.STORE,
        `the streaming run's user_sessions differ from the ground truth (see above); nothing was written to ${outDir}`,
      );
    }
  } else {
    stage(1, `reuse run '${o.name}' (--skip-run)`);
  }

  stage(2, "snapshot user_sessions and the raw events into DuckDB");
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  let dataset: DatasetResult;
  try {
    const counts = await snapshotRun(con, o.name, o.backend);
    detail(`  ${fmtInt(counts.sessions)} sessions, ${fmtInt(counts.events)} events`);
    stage(3, "features (SQL steps), split, Parquet, manifest and data card");
    dataset = await buildDataset(con, {
      outDir,
      name: o.name,
      seed: o.config.seed,
      testFraction: o.testFraction,
      split: o.split,
      timeoutMs: Math.round(o.config.session_timeout_s * 1000),
      config: o.config,
      command: o.command,
      onProgress: (p) => detail(`  [${p.index}/${p.total}] ${p.step} (${p.ms.toFixed(0)} ms)`),
    });
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  stage(4, `dataset written to ${outDir}`);
  const r = dataset.rows;
  log(
    `  train ${fmtInt(r.train)} rows, test ${fmtInt(r.test)} rows (prediction point: ${fmtInt(r.trainPredictionPoint)} / ${fmtInt(r.testPredictionPoint)})`,
  );
  for (const [what, path] of Object.entries(dataset.paths)) log(`  ${what.padEnd(20)} ${path}`);

  let baseline: BaselineReport | null = null;
  if (!o.skipBaseline) {
    stage(5, "baseline models (train -> test)");
    baseline = await runBaseline(
      outDir,
      {},
      { onStep: (s) => detail(`  [${s.index}/${s.total}] ${s.what}`) },
    );
    const paths = await writeBaselineReports(outDir, baseline);
    for (const r of baseline.results)
      log(
        `  ${r.variant} ${r.label}: ${r.models.map((m) => `${m.model} AUC ${m.test.rocAuc.toFixed(3)}`).join(", ")}`,
      );
    log(`  baseline report   ${paths.markdown}`);
  } else {
    stage(5, "baseline skipped (--skip-baseline)");
  }

  let validation: ValidationResult | null = null;
  if (!o.skipValidate) {
    stage(6, `validate against profile ${o.profile}`);
    validation = await validateDataset(outDir, { profile: o.profile });
  } else {
    stage(6, "validation skipped (--skip-validate)");
  }
  return {
    outDir,
    dataset,
    verification,
    baseline,
    validation,
    exitCode: validation?.exitCode ?? 0,
    elapsedS: (performance.now() - t0) / 1000,
  };
}
