// cartstream dataset: the main job. Simulate and stream (embedded by default), snapshot user_sessions and
// the raw events into DuckDB, build features, split, write Parquet + manifest + data card, validate.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { buildDataset, loadEventsParquet, snapshotSessions } from "../../features/index.ts";
import { CartstreamError, ERROR_CODES, UsageError } from "../../pipeline/errors/index.ts";
import type { PgliteDb } from "../../pipeline/store/index.ts";
import { DEFAULT_DATABASE_URL, openStore, servePglite } from "../../pipeline/store/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { fmtInt } from "../progress.ts";
import { SIM_FLAGS, simConfigFromFlags } from "../sim-config.ts";
import { pgliteDir, pgSchema } from "../store-flags.ts";

export const spec: CommandSpec = {
  name: "dataset",
  summary:
    "simulate, stream, snapshot, build features and write train/test Parquet + manifest + data card, then validate",
  usage:
    "cartstream dataset [--name NAME] [--backend embedded|kafka] [--config FILE] [--seed N] [--split user|time] [--profile P]",
  flags: {
    name: {
      type: "string",
      arg: "NAME",
      help: "dataset name: written to data/datasets/NAME",
      default: "phase1",
    },
    backend: {
      type: "string",
      arg: "embedded|kafka",
      help: "embedded: in-process log + PGlite (no servers); kafka: Kafka + PostgreSQL + Redis",
      default: "embedded",
    },
    ...SIM_FLAGS,
    "test-fraction": { type: "string", arg: "F", help: "share of sessions in test", default: "0.2" },
    split: {
      type: "string",
      arg: "user|time",
      help: "user: no user in both splits, stratified by label; time: by start time",
      default: "user",
    },
    profile: {
      type: "string",
      arg: "P",
      help: "validation profile (validation/profiles/P.json)",
      default: "phase1",
    },
    "skip-run": {
      type: "boolean",
      help: "reuse the run NAME already in the store (data/runs/NAME) instead of running it again",
    },
    "skip-validate": { type: "boolean", help: "do not run the validation gate at the end" },
    quiet: { type: "boolean", short: "q", help: "less output" },
  },
  details: `Outputs in data/datasets/NAME/: train.parquet, test.parquet, train/test_prediction_point.parquet,
sessions.parquet, events.parquet (ZSTD), manifest.json, DATASET.md, validation/report.{json,md,html}.
Exit code: the validation gate's (0 pass, 1 warnings only, 2 failure, 3 could not run); before the gate,
2 for bad flags or config and 1 for a failed stage (missing store, empty table, service down).`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const t0 = performance.now();
  const name = stringFlag(flags, "name") ?? "phase1";
  if (!/^[A-Za-z0-9_.-]{1,60}$/.test(name))
    throw new UsageError(`--name: '${name}' must be 1-60 letters, digits, _ . -`);
  const backend = choiceFlag(flags, "backend", ["embedded", "kafka"] as const) ?? "embedded";
  const split = choiceFlag(flags, "split", ["user", "time"] as const) ?? "user";
  const testFraction = numberFlag(flags, "test-fraction", 0, 1, true) ?? 0.2;
  if (testFraction >= 1) throw new UsageError("--test-fraction: expected a number above 0 and below 1");
  const { config } = simConfigFromFlags(flags); // validates the config before any work
  const quiet = flags.quiet === true;
  const stage = (n: number, what: string) => process.stderr.write(`[dataset ${n}/5] ${what}\n`);
  const runDir = join("data", "runs", name);
  const outDir = join("data", "datasets", name);

  // 1. simulate + stream through the sessionizer into the store (the run command does it).
  if (flags["skip-run"] !== true) {
    stage(1, `simulate and stream (${backend})`);
    const passThrough = ["config", "seed", "users", "rate", "duration", "end", "start-time"].flatMap((f) => {
      const v = stringFlag(flags, f);
      return v === undefined ? [] : [`--${f}`, v];
    });
    const { run: runPipeline } = await import("./run.ts");
    const code = await runPipeline([
      "--name",
      name,
      "--backend",
      backend,
      ...passThrough,
      ...(quiet ? ["--quiet"] : []),
    ]);
    if (code !== 0)
      throw new CartstreamError(
        ERROR_CODES.STORE,
        `the streaming run failed (exit ${code}); nothing was written to ${outDir}`,
      );
  } else {
    stage(1, `reuse run '${name}' (--skip-run)`);
  }
  const eventsParquet = join(runDir, "events.parquet");
  if (!existsSync(eventsParquet)) {
    throw new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `no raw event archive at ${eventsParquet}: run 'cartstream run --name ${name}' first (or drop --skip-run)`,
    );
  }

  // 2. snapshot user_sessions through pg (PGlite is served on a loopback port for it).
  stage(2, "snapshot user_sessions and the raw events into DuckDB");
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    let sessions: number;
    if (backend === "embedded") {
      const dir = pgliteDir(name);
      if (!existsSync(dir))
        throw new CartstreamError(
          ERROR_CODES.NOT_FOUND,
          `no embedded store at ${dir}: run 'cartstream run --name ${name}' first`,
        );
      const store = await openStore({ kind: "pglite", db: { dataDir: dir } });
      const server = await servePglite(store.db as PgliteDb);
      try {
        sessions = await snapshotSessions(con, { url: server.url, schema: null });
      } finally {
        await server.stop();
        await store.close();
      }
    } else {
      sessions = await snapshotSessions(con, {
        url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
        schema: pgSchema(name),
      });
    }
    const events = await loadEventsParquet(con, eventsParquet);
    if (!quiet) process.stderr.write(`  ${fmtInt(sessions)} sessions, ${fmtInt(events)} events\n`);

    // 3-4. features, split, Parquet, manifest, data card.
    stage(3, "features (SQL steps), split, Parquet, manifest and data card");
    const result = await buildDataset(con, {
      outDir,
      name,
      seed: config.seed,
      testFraction,
      split,
      timeoutMs: Math.round(config.session_timeout_s * 1000),
      config,
      command: `cartstream dataset ${argv.join(" ")}`.trim(),
      onProgress: quiet
        ? undefined
        : (p) => process.stderr.write(`  [${p.index}/${p.total}] ${p.step} (${p.ms.toFixed(0)} ms)\n`),
    });
    stage(4, `dataset written to ${outDir}`);
    const r = result.rows;
    process.stderr.write(
      `  train ${fmtInt(r.train)} rows, test ${fmtInt(r.test)} rows (prediction point: ${fmtInt(r.trainPredictionPoint)} / ${fmtInt(r.testPredictionPoint)})\n`,
    );
    for (const [what, path] of Object.entries(result.paths))
      process.stderr.write(`  ${what.padEnd(20)} ${path}\n`);
  } finally {
    con.closeSync();
    instance.closeSync();
  }

  // 5. validation gate.
  let code = 0;
  if (flags["skip-validate"] !== true) {
    stage(5, `validate against profile ${stringFlag(flags, "profile") ?? "phase1"}`);
    const { run: validate } = await import("../../validation/cli.ts");
    code = await validate(["--profile", stringFlag(flags, "profile") ?? "phase1", outDir]);
  } else {
    stage(5, "validation skipped (--skip-validate)");
  }
  process.stderr.write(`[dataset] done in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${outDir}\n`);
  return code;
}
