// cartstream aggregate: one aggregator process of a consumer group (runAggregator). Several may run at once;
// each partition is owned by one of them at a time. SIGTERM / SIGINT stop it after a last commit.
import { AGGREGATOR_DEFAULTS as D, runAggregator } from "../../pipeline/service/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, intFlag, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { CRASH_FLAG, crashHook, nameFlag, runName } from "../run-flags.ts";

export const spec: CommandSpec = {
  name: "aggregate",
  summary:
    "consume events from Kafka, sessionize, and commit sessions + offsets to PostgreSQL (one group member)",
  usage: "cartstream aggregate [--name NAME] [--group G] [--topic T] [--exit-when-done] [--metrics-port P]",
  flags: {
    ...nameFlag("run", "PostgreSQL schema cs_NAME, archive data/runs/NAME/archive"),
    group: {
      type: "string",
      arg: "G",
      help: "consumer group id (also the offsets' owner in stream_offsets)",
      default: D.group,
    },
    topic: { type: "string", arg: "T", help: "events topic", default: D.topic },
    "dlq-topic": {
      type: "string",
      arg: "T",
      help: "dead-letter topic (reason in the 'reason' header)",
      default: D.dlqTopic,
    },
    timeout: {
      type: "string",
      arg: "S",
      help: "session inactivity timeout in seconds",
      default: String(D.timeoutMs / 1000),
    },
    lateness: {
      type: "string",
      arg: "S",
      help: "allowed lateness of events in seconds",
      default: String(D.latenessMs / 1000),
    },
    "flush-events": {
      type: "string",
      arg: "N",
      help: "commit after this many events",
      default: String(D.flushEvents),
    },
    "flush-ms": {
      type: "string",
      arg: "MS",
      help: "...or this long after the last commit",
      default: String(D.flushMs),
    },
    redis: {
      type: "string",
      arg: "on|off",
      help: "publish open sessions to Redis ($REDIS_URL); a cache, never required",
      default: "on",
    },
    "metrics-port": {
      type: "string",
      arg: "P",
      help: "Prometheus /metrics on 127.0.0.1:P (0: any free port, -1: off)",
      default: String(D.metricsPort),
    },
    "log-every": {
      type: "string",
      arg: "S",
      help: "seconds between progress lines (throughput, lag, latency p50/p99)",
      default: String(D.logEveryS),
    },
    "exit-when-done": {
      type: "boolean",
      help: "exit once every partition's end-of-stream marker is processed and committed",
    },
    ...CRASH_FLAG,
  },
  details: `Environment: KAFKA_BROKERS (127.0.0.1:9092), DATABASE_URL (postgres://postgres@127.0.0.1:5432/test), REDIS_URL.
On assignment a partition's next offset and open sessions are loaded from PostgreSQL and the consumer seeks
there; a commit whose expected offset no longer matches (another member took over) rolls back.`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const seconds = (name: string, exclusiveMin: boolean) => {
    const s = numberFlag(flags, name, 0, 86_400, exclusiveMin);
    return s === undefined ? undefined : Math.round(s * 1000);
  };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const stop = new AbortController();
  const options = {
    name: runName(flags),
    group: stringFlag(flags, "group"),
    topic: stringFlag(flags, "topic"),
    dlqTopic: stringFlag(flags, "dlq-topic"),
    timeoutMs: seconds("timeout", true),
    latenessMs: seconds("lateness", false),
    flushEvents: intFlag(flags, "flush-events", 1, 10_000_000),
    flushMs: intFlag(flags, "flush-ms", 1, 3_600_000),
    redis: choiceFlag(flags, "redis", ["on", "off"] as const) !== "off",
    metricsPort: intFlag(flags, "metrics-port", -1, 65_535),
    logEveryS: numberFlag(flags, "log-every", 0, 86_400, true),
    exitWhenDone: flags["exit-when-done"] === true,
  };
  const afterCommit = crashHook(flags, (line) => log(`[aggregate ${process.pid}] ${line}`));
  process.once("SIGTERM", () => stop.abort());
  process.once("SIGINT", () => stop.abort());
  const result = await runAggregator(options, { log, afterCommit, signal: stop.signal });
  return result.code;
}
