// cartstream run: the whole streaming pipeline in one process. Embedded by default (in-process log +
// PGlite); the same processors and sink as production. Ends with the ground-truth check.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CartstreamError, ERROR_CODES, UsageError } from "../../pipeline/errors/index.ts";
import { compareSessions, groundTruthSessions } from "../../pipeline/ground-truth/index.ts";
import { ArchiveWriter, compactArchive, PartitionProcessor, runStream } from "../../pipeline/runner/index.ts";
import { paceRealTime, Simulation, virtualBatches } from "../../pipeline/simulator/index.ts";
import { MemoryLog } from "../../pipeline/transport/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, intFlag, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { fmtInt, Progress } from "../progress.ts";
import { SIM_FLAGS, simConfigFromFlags } from "../sim-config.ts";
import { openRunStore, STORE_FLAGS, STORE_KINDS } from "../store-flags.ts";

export const spec: CommandSpec = {
  name: "run",
  summary: "simulate and stream events through the sessionizer into the session store",
  usage:
    "cartstream run [--name NAME] [--partitions N] [--workers N] [--resume] [--store pglite|postgres] [simulator options]",
  flags: {
    name: {
      type: "string",
      arg: "NAME",
      help: "run name: data/runs/NAME, data/pglite/NAME",
      default: "phase1",
    },
    backend: {
      type: "string",
      arg: "embedded|kafka",
      help: "embedded: in-process log + PGlite; kafka: Kafka + PostgreSQL + Redis with N aggregator processes",
      default: "embedded",
    },
    partitions: { type: "string", arg: "N", help: "partitions of the events topic", default: "5" },
    workers: {
      type: "string",
      arg: "N",
      help: "aggregator workers (each owns partitions p % N)",
      default: "2",
    },
    resume: {
      type: "boolean",
      help: "continue an interrupted run from the committed offsets (same config and seed)",
    },
    ...STORE_FLAGS,
    ...SIM_FLAGS,
    clock: {
      type: "string",
      arg: "virtual|real",
      help: "virtual: as fast as possible; real: paced by the wall clock",
      default: "virtual",
    },
    speed: { type: "string", arg: "X", help: "real clock: simulated seconds per wall second", default: "1" },
    "flush-events": {
      type: "string",
      arg: "N",
      help: "commit after this many events per worker",
      default: "5000",
    },
    "flush-ms": { type: "string", arg: "MS", help: "...or this long after the last commit", default: "500" },
    "skip-verify": { type: "boolean", help: "skip the row-for-row check against the DuckDB ground truth" },
    "crash-after-commits": {
      type: "string",
      arg: "N",
      help: "testing hook: kill -9 this process right after the Nth commit",
    },
    quiet: { type: "boolean", short: "q", help: "no progress output" },
  },
  details: `Outputs: data/runs/NAME/run.json (config), data/runs/NAME/archive/*.ndjson (accepted raw events),
data/runs/NAME/events.parquet (the archive compacted, ZSTD) and the user_sessions table in the store.
A run without --resume starts from scratch (the run's previous store data and archive are removed).`,
};

/** The value of --backend in argv (either form), before the flags are parsed: the backends take different flags. */
function backendOf(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--backend") return argv[i + 1] ?? "";
    if (a.startsWith("--backend=")) return a.slice("--backend=".length);
  }
  return "embedded";
}

export async function run(argv: string[]): Promise<number> {
  if (backendOf(argv) === "kafka") {
    const kafka = await import("./run-kafka.ts");
    return kafka.run(
      argv.filter(
        (a, i) =>
          !(
            a === "--backend" ||
            a.startsWith("--backend=") ||
            (argv[i - 1] === "--backend" && a === "kafka")
          ),
      ),
    );
  }
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  choiceFlag(flags, "backend", ["embedded", "kafka"] as const);
  const name = stringFlag(flags, "name") ?? "phase1";
  if (!/^[A-Za-z0-9_.-]{1,60}$/.test(name))
    throw new UsageError(`--name: '${name}' must be 1-60 letters, digits, _ . -`);
  const partitions = intFlag(flags, "partitions", 1, 1000) ?? 5;
  const workers = intFlag(flags, "workers", 1, 64) ?? 2;
  const storeKind = choiceFlag(flags, "store", STORE_KINDS) ?? "pglite";
  const clock = choiceFlag(flags, "clock", ["virtual", "real"] as const) ?? "virtual";
  const speed = numberFlag(flags, "speed", 0, 1_000_000, true) ?? 1;
  const flushEvents = intFlag(flags, "flush-events", 1, 10_000_000) ?? 5000;
  const flushMs = intFlag(flags, "flush-ms", 1, 3_600_000) ?? 500;
  const crashAfter = intFlag(flags, "crash-after-commits", 1, 1_000_000);
  const resume = flags.resume === true;
  const quiet = flags.quiet === true;
  const { config, path } = simConfigFromFlags(flags);

  const runDir = join("data", "runs", name);
  const runFile = join(runDir, "run.json");
  const archiveDir = join(runDir, "archive");
  const recorded = { name, config, partitions, store: storeKind };
  if (resume) {
    if (!existsSync(runFile)) {
      throw new CartstreamError(
        ERROR_CODES.NOT_FOUND,
        `--resume: no run named '${name}' (${runFile} is missing); start it without --resume`,
      );
    }
    const before = JSON.parse(readFileSync(runFile, "utf8"));
    if (JSON.stringify(before) !== JSON.stringify(recorded)) {
      throw new UsageError(
        `--resume: the config, partitions or store differ from the interrupted run recorded in ${runFile}; pass the same options (or run without --resume to start over)`,
      );
    }
  } else {
    rmSync(runDir, { recursive: true, force: true });
  }
  mkdirSync(runDir, { recursive: true });
  writeFileSync(runFile, `${JSON.stringify(recorded, null, 2)}\n`);

  const log = quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  log(
    `[run] ${resume ? "resuming" : "starting"} '${name}': seed ${config.seed}, ${partitions} partitions, ${workers} workers, store ${storeKind}, clock ${clock}`,
  );
  const store = await openRunStore(storeKind, name, !resume);
  const transport = new MemoryLog();
  const topic = "ecommerce.events";
  const timeoutMs = Math.round(config.session_timeout_s * 1000);
  const archive = new ArchiveWriter(archiveDir, `embedded-${process.pid}`);
  const processors = Array.from(
    { length: workers },
    () =>
      new PartitionProcessor({
        group: `embedded:${name}`,
        topic,
        sink: store.sink,
        reader: store.reader,
        sessionizer: { timeoutMs },
        archive,
      }),
  );
  const sim = new Simulation(
    config,
    clock === "real" && stringFlag(flags, "start-time") === undefined ? Date.now() : undefined,
  );
  const source =
    clock === "real"
      ? paceRealTime(sim.events(), { startTimeMs: sim.startTimeMs, speed })
      : virtualBatches(sim, 4096);
  const progress = new Progress({
    label: "[run]",
    total: Math.round(config.rate * config.duration_s),
    unit: "events",
    quiet,
  });
  let result: Awaited<ReturnType<typeof runStream>>;
  try {
    result = await runStream({
      transport,
      topic,
      partitions,
      source,
      processors,
      flushEvents,
      flushMs,
      onProgress: (p) =>
        progress.update(
          p.processed,
          `| ${fmtInt(p.commits)} commits, ${fmtInt(p.openSessions)} open sessions`,
        ),
      afterCommit: (n) => {
        if (crashAfter !== undefined && n >= crashAfter) {
          process.stderr.write(`[run] --crash-after-commits ${crashAfter}: killing this process (SIGKILL)\n`);
          process.kill(process.pid, "SIGKILL");
        }
      },
    });
  } catch (err) {
    progress.done();
    await store.close().catch(() => {});
    throw err;
  }
  progress.done();
  const eventsParquet = join(runDir, "events.parquet");
  const archived = await compactArchive(archiveDir, eventsParquet);
  const sessions = await store.reader.countSessions();
  const resumedFrom = [...result.startOffsets.values()].reduce((a, b) => a + b, 0);
  log(
    `[run] done: ${fmtInt(result.processed)} events processed${resume ? ` (resumed after ${fmtInt(resumedFrom)} committed)` : ""}, ${fmtInt(sessions)} sessions in user_sessions, ` +
      `${fmtInt(result.commits)} commits, ${fmtInt(result.deadLetters)} dead letters, ${result.elapsedS.toFixed(2)} s (${fmtInt(result.processed / Math.max(result.elapsedS, 1e-9))} events/s)`,
  );
  log(`[run] archive: ${fmtInt(archived)} events -> ${eventsParquet}`);
  let code = 0;
  if (flags["skip-verify"] !== true) {
    const t = performance.now();
    const expected = await groundTruthSessions({ parquet: eventsParquet }, { timeoutMs });
    const actual = await store.reader.readSessions();
    const cmp = await compareSessions(expected, actual);
    const secs = ((performance.now() - t) / 1000).toFixed(2);
    if (cmp.equal)
      log(
        `[run] ground truth: user_sessions equals the DuckDB batch sessions row for row (${fmtInt(cmp.expectedCount)} rows, ${secs} s)`,
      );
    else {
      log(
        `[run] ground truth MISMATCH: ${cmp.onlyInExpected.count} rows only in the ground truth, ${cmp.onlyInActual.count} only in user_sessions; samples:\n` +
          JSON.stringify(
            {
              onlyInExpected: cmp.onlyInExpected.samples.slice(0, 3),
              onlyInActual: cmp.onlyInActual.samples.slice(0, 3),
            },
            null,
            2,
          ),
      );
      code = 1;
    }
  }
  await store.close();
  console.log(
    JSON.stringify({
      name,
      sessions,
      events: result.processed,
      elapsed_s: Number(result.elapsedS.toFixed(3)),
      config: path,
    }),
  );
  return code;
}
