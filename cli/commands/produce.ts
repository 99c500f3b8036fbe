// cartstream produce: simulate and send the events to Kafka.

import { Simulation } from "../../pipeline/simulator/index.ts";
import { KafkaTransport, produceSimulation } from "../../pipeline/transport/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, intFlag, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { fmtInt, Progress } from "../progress.ts";
import { SIM_FLAGS, simConfigFromFlags } from "../sim-config.ts";

export const DEFAULT_TOPIC = "ecommerce.events";

export const spec: CommandSpec = {
  name: "produce",
  summary: "simulate and send the events to Kafka ($KAFKA_BROKERS, default 127.0.0.1:9092)",
  usage:
    "cartstream produce [--topic T] [--partitions N] [--clock virtual|real] [--inject-bad F] [simulator options]",
  flags: {
    ...SIM_FLAGS,
    topic: { type: "string", arg: "T", help: "events topic (created if missing)", default: DEFAULT_TOPIC },
    partitions: { type: "string", arg: "N", help: "partitions when the topic is created", default: "5" },
    clock: {
      type: "string",
      arg: "virtual|real",
      help: "virtual: as fast as possible; real: live, at the configured rate",
      default: "virtual",
    },
    speed: { type: "string", arg: "X", help: "real clock: simulated seconds per wall second", default: "1" },
    "inject-bad": {
      type: "string",
      arg: "F",
      help: "add this fraction of bad messages (malformed JSON, schema-invalid, rule-breaking) for fault tests",
      default: "0",
    },
    "no-end-marker": {
      type: "boolean",
      help: "do not append the end-of-stream marker to each partition (an open-ended stream)",
    },
    quiet: { type: "boolean", short: "q", help: "no progress output" },
  },
  details: `Messages: key = user_id, value = the event JSON, header produced_at = send time in ms (for latency).
At the end an end-of-stream marker goes to every partition, so aggregators close the remaining sessions.`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const { config } = simConfigFromFlags(flags);
  const topic = stringFlag(flags, "topic") ?? DEFAULT_TOPIC;
  const partitions = intFlag(flags, "partitions", 1, 1000) ?? 5;
  const clock = choiceFlag(flags, "clock", ["virtual", "real"] as const) ?? "virtual";
  const speed = numberFlag(flags, "speed", 0, 1_000_000, true) ?? 1;
  const injectBad = numberFlag(flags, "inject-bad", 0, 0.5) ?? 0;
  const quiet = flags.quiet === true;
  const transport = new KafkaTransport({});
  try {
    await transport.createTopic(topic, partitions);
    const actual = await transport.partitionCount(topic);
    const sim = new Simulation(
      config,
      clock === "real" && stringFlag(flags, "start-time") === undefined ? Date.now() : undefined,
    );
    const progress = new Progress({
      label: "[produce]",
      total: Math.round(config.rate * config.duration_s),
      unit: "events",
      quiet,
    });
    const t0 = performance.now();
    const r = await produceSimulation({
      transport,
      topic,
      partitions: actual,
      sim,
      clock,
      speed,
      injectBad,
      endMarker: flags["no-end-marker"] !== true,
      onProgress: (n) => progress.update(n),
    });
    progress.done();
    const s = (performance.now() - t0) / 1000;
    if (!quiet) {
      process.stderr.write(
        `[produce] ${fmtInt(r.events)} events (+${r.injected.malformed_json + r.injected.schema_invalid + r.injected.rule_breaking} injected bad) to ${topic} (${actual} partitions) in ${s.toFixed(2)} s, ${fmtInt(r.events / Math.max(s, 1e-9))} events/s\n`,
      );
    }
    console.log(
      JSON.stringify({
        topic,
        partitions: actual,
        events: r.events,
        messages: r.messages,
        injected: r.injected,
        elapsed_s: Number(s.toFixed(3)),
      }),
    );
  } finally {
    await transport.close();
  }
  return 0;
}
