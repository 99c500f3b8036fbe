// cartstream run: the whole streaming pipeline in one process (runEmbedded), or on Kafka + PostgreSQL +
// Redis with --backend kafka (run-kafka.ts: the backends take different flags).
import {
  EMBEDDED_RUN_DEFAULTS,
  expectedEvents,
  runEmbedded,
  STORE_KINDS,
} from "../../pipeline/service/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, intFlag, parseFlags } from "../args.ts";
import { progressBar } from "../progress.ts";
import { BACKENDS, CRASH_FLAG, crashHook, nameFlag, RUN_FLAGS, runOptionsFromFlags } from "../run-flags.ts";

export const spec: CommandSpec = {
  name: "run",
  summary: "simulate and stream events through the sessionizer into the session store",
  usage:
    "cartstream run [--name NAME] [--partitions N] [--workers N] [--resume] [--store pglite|postgres] [simulator options]",
  flags: {
    ...nameFlag("run", "data/runs/NAME, data/pglite/NAME"),
    backend: {
      type: "string",
      arg: BACKENDS.join("|"),
      help: "embedded: in-process log + PGlite; kafka: Kafka + PostgreSQL + Redis with N aggregator processes (cartstream run --backend kafka --help)",
      default: "embedded",
    },
    resume: {
      type: "boolean",
      help: "continue an interrupted run from the committed offsets (same config and seed)",
    },
    store: {
      type: "string",
      arg: STORE_KINDS.join("|"),
      help: "pglite: embedded, file-backed under data/pglite/NAME; postgres: the server at $DATABASE_URL, schema cs_NAME",
      default: EMBEDDED_RUN_DEFAULTS.store,
    },
    ...RUN_FLAGS,
    "flush-events": {
      type: "string",
      arg: "N",
      help: "commit after this many events per worker",
      default: String(EMBEDDED_RUN_DEFAULTS.flushEvents),
    },
    "flush-ms": {
      type: "string",
      arg: "MS",
      help: "...or this long after the last commit",
      default: String(EMBEDDED_RUN_DEFAULTS.flushMs),
    },
    ...CRASH_FLAG,
  },
  details: `Outputs: data/runs/NAME/run.json (config), data/runs/NAME/archive/*.ndjson (accepted raw events),
data/runs/NAME/events.parquet (the archive compacted, ZSTD) and the user_sessions table in the store.
A run without --resume starts from scratch (the run's previous store data and archive are removed).
Exit code: 0 when user_sessions equals the ground truth (or --skip-verify), 1 when it does not or a stage
failed, 2 for bad flags or config.`,
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
    return kafka.run(argv.filter((a, i) => !(a.startsWith("--backend") || argv[i - 1] === "--backend")));
  }
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  choiceFlag(flags, "backend", BACKENDS);
  const options = {
    ...runOptionsFromFlags(flags),
    store: choiceFlag(flags, "store", STORE_KINDS),
    resume: flags.resume === true,
    flushEvents: intFlag(flags, "flush-events", 1, 10_000_000),
    flushMs: intFlag(flags, "flush-ms", 1, 3_600_000),
  };
  const quiet = flags.quiet === true;
  const progress = progressBar("[run]", expectedEvents(options.config), quiet);
  const result = await runEmbedded(options, {
    log: progress.log,
    onProgress: progress.onProgress,
    afterCommit: crashHook(flags, (line) => process.stderr.write(`[run] ${line}\n`)),
  }).finally(() => progress.done());
  console.log(
    JSON.stringify({
      name: result.name,
      sessions: result.sessions,
      events: result.events,
      elapsed_s: Number(result.elapsedS.toFixed(3)),
      config: flags.config,
    }),
  );
  return result.verification?.equal === false ? 1 : 0;
}
