// Simulate and send to Kafka (`cartstream produce`): the topic is created if missing, messages are keyed
// by user_id with the send time in a header, and an end-of-stream marker goes to every partition at a normal
// end. A stop request (`hooks.signal`, the CLI's SIGINT/SIGTERM) lets the batch in flight be acknowledged,
// then ends without the marker, so that aggregators treat the stream as open (it can be continued).

import type { ClockName, SimulatorConfig } from "../simulator/index.ts";
import { Simulation } from "../simulator/index.ts";
import { KafkaTransport, produceSimulation } from "../transport/index.ts";
import { DEFAULT_TOPIC, RUN_DEFAULTS, type ServiceHooks, withDefaults } from "./options.ts";
import { expectedEvents } from "./simulation-source.ts";

export interface ProduceOptions {
  config: SimulatorConfig;
  topic: string;
  /** Partitions when the topic is created (an existing topic keeps its own). */
  partitions: number;
  clock: ClockName;
  speed: number;
  startTimeMs?: number;
  /** Fraction of bad messages to add (malformed JSON, schema-invalid, rule-breaking), 0..0.5. */
  injectBad: number;
  /** Append the end-of-stream marker to each partition (false: an open-ended stream). */
  endMarker: boolean;
}

export const PRODUCE_DEFAULTS = {
  topic: DEFAULT_TOPIC,
  partitions: RUN_DEFAULTS.partitions,
  clock: RUN_DEFAULTS.clock,
  speed: RUN_DEFAULTS.speed,
  injectBad: 0,
  endMarker: true,
} as const satisfies Partial<ProduceOptions>;

export interface ProduceResult {
  topic: string;
  /** Partitions of the topic as it is on the broker. */
  partitions: number;
  events: number;
  messages: number;
  injected: { malformed_json: number; schema_invalid: number; rule_breaking: number };
  elapsedS: number;
  /** True when `hooks.signal` stopped the run early: the events sent are on the broker, no end marker. */
  interrupted: boolean;
}

export async function produceToKafka(
  input: Partial<ProduceOptions> & Pick<ProduceOptions, "config">,
  hooks: Pick<ServiceHooks, "onProgress" | "signal"> = {},
): Promise<ProduceResult> {
  const o = withDefaults<ProduceOptions>(PRODUCE_DEFAULTS, input);
  const transport = new KafkaTransport({});
  try {
    await transport.createTopic(o.topic, o.partitions);
    const partitions = await transport.partitionCount(o.topic);
    const total = expectedEvents(o.config);
    const t0 = performance.now();
    const r = await produceSimulation({
      transport,
      topic: o.topic,
      partitions,
      sim: new Simulation(o.config, o.startTimeMs),
      clock: o.clock,
      speed: o.speed,
      injectBad: o.injectBad,
      endMarker: o.endMarker,
      onProgress: (n) => hooks.onProgress?.(n, total, ""),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
    });
    return { topic: o.topic, partitions, ...r, elapsedS: (performance.now() - t0) / 1000 };
  } finally {
    await transport.close();
  }
}
