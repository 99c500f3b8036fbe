// cartstream produce: simulate and send the events to Kafka (produceToKafka).
import {
  PRODUCE_DEFAULTS as D,
  expectedEvents,
  fmtInt,
  produceToKafka,
} from "../../pipeline/service/index.ts";
import type { CommandSpec } from "../args.ts";
import { helpText, intFlag, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { progressBar } from "../progress.ts";
import { CLOCK_FLAGS, clockFromFlags, SIM_FLAGS, simConfigFromFlags } from "../sim-config.ts";

export const spec: CommandSpec = {
  name: "produce",
  summary: "simulate and send the events to Kafka ($KAFKA_BROKERS, default 127.0.0.1:9092)",
  usage:
    "cartstream produce [--topic T] [--partitions N] [--clock virtual|real] [--inject-bad F] [simulator options]",
  flags: {
    ...SIM_FLAGS,
    topic: { type: "string", arg: "T", help: "events topic (created if missing)", default: D.topic },
    partitions: {
      type: "string",
      arg: "N",
      help: "partitions when the topic is created",
      default: String(D.partitions),
    },
    ...CLOCK_FLAGS,
    "inject-bad": {
      type: "string",
      arg: "F",
      help: "add this fraction of bad messages (malformed JSON, schema-invalid, rule-breaking) for fault tests",
      default: String(D.injectBad),
    },
    "no-end-marker": {
      type: "boolean",
      help: "do not append the end-of-stream marker to each partition (an open-ended stream)",
    },
    quiet: { type: "boolean", short: "q", help: "no progress output" },
  },
  details: `Messages: key = user_id, value = the event JSON, header produced_at = send time in ms (for latency).
At a normal end an end-of-stream marker goes to every partition, so aggregators close the remaining sessions.
SIGINT or SIGTERM stops the run cleanly: the batch being sent is acknowledged by the broker, nothing more is
sent, and NO end-of-stream marker is written (the aggregators keep the sessions open, as for a live stream
that pauses); the summary line says "interrupted": true and the exit code is 0. A second signal kills at once.`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const { config } = simConfigFromFlags(flags);
  const options = {
    config,
    topic: stringFlag(flags, "topic"),
    partitions: intFlag(flags, "partitions", 1, 1000),
    ...clockFromFlags(flags),
    injectBad: numberFlag(flags, "inject-bad", 0, 0.5),
    endMarker: flags["no-end-marker"] !== true,
  };
  const quiet = flags.quiet === true;
  const progress = progressBar("[produce]", expectedEvents(config), quiet);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const r = await produceToKafka(options, { ...progress, signal: stop.signal }).finally(() => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    progress.done();
  });
  const bad = r.injected.malformed_json + r.injected.schema_invalid + r.injected.rule_breaking;
  progress.log?.(
    `[produce] ${fmtInt(r.events)} events (+${bad} injected bad) to ${r.topic} (${r.partitions} partitions) in ${r.elapsedS.toFixed(2)} s, ${fmtInt(r.events / Math.max(r.elapsedS, 1e-9))} events/s${r.interrupted ? `; stopped by ${String(stop.signal.reason)}, no end-of-stream marker` : ""}`,
  );
  const { topic, partitions, events, messages, injected, interrupted } = r;
  console.log(
    JSON.stringify({
      topic,
      partitions,
      events,
      messages,
      injected,
      interrupted,
      elapsed_s: Number(r.elapsedS.toFixed(3)),
    }),
  );
  return 0;
}
