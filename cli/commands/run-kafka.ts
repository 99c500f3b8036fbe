// cartstream run --backend kafka: the whole run on real services (runKafka): N aggregator processes, the
// simulation produced to Kafka, and the ground-truth check once every partition is drained and committed.
import { expectedEvents, KAFKA_RUN_DEFAULTS, runKafka } from "../../pipeline/service/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { progressBar } from "../progress.ts";
import { nameFlag, RUN_FLAGS, runOptionsFromFlags } from "../run-flags.ts";

export const spec: CommandSpec = {
  name: "run --backend kafka",
  summary: "the whole run on Kafka + PostgreSQL + Redis with N aggregator processes",
  usage:
    "cartstream run --backend kafka [--name NAME] [--workers N] [--partitions N] [--topic T] [simulator options]",
  flags: {
    ...nameFlag("run", "schema cs_NAME, data/runs/NAME"),
    topic: { type: "string", arg: "T", help: "events topic (default: ecommerce.events.NAME, recreated)" },
    ...RUN_FLAGS,
    "inject-bad": {
      type: "string",
      arg: "F",
      help: "fraction of bad messages to inject (fault test)",
      default: String(KAFKA_RUN_DEFAULTS.injectBad),
    },
    redis: {
      type: "string",
      arg: "on|off",
      help: "aggregators publish open sessions to Redis",
      default: "on",
    },
  },
  details: `Environment: KAFKA_BROKERS (127.0.0.1:9092), DATABASE_URL (postgres://postgres@127.0.0.1:5432/test), REDIS_URL.
A run always starts from scratch: the schema cs_NAME, the topic and data/runs/NAME are recreated.
Exit code: 0 when user_sessions equals the ground truth (or --skip-verify), 1 when it does not or a stage
failed, 2 for bad flags or config.`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const options = {
    ...runOptionsFromFlags(flags),
    topic: stringFlag(flags, "topic"),
    injectBad: numberFlag(flags, "inject-bad", 0, 0.5),
    redis: choiceFlag(flags, "redis", ["on", "off"] as const) !== "off",
  };
  const progress = progressBar("[produce]", expectedEvents(options.config), flags.quiet === true);
  const result = await runKafka(options, { log: progress.log, onProgress: progress.onProgress }).finally(() =>
    progress.done(),
  );
  console.log(
    JSON.stringify({
      name: result.name,
      backend: "kafka",
      topic: result.topic,
      sessions: result.sessions,
      events: result.events,
      injected: result.injected,
      elapsed_s: Number(result.elapsedS.toFixed(3)),
    }),
  );
  return result.verification?.equal === false ? 1 : 0;
}
