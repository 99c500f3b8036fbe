// The whole run on real services: a fresh schema and topic, N aggregator processes (runAggregator), the
// simulation produced to Kafka with an end-of-stream marker per partition, then, once every aggregator has
// drained and committed, the archive compacted and user_sessions (PostgreSQL) checked against the ground truth.
import { spawn } from "node:child_process";
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { Verification } from "../ground-truth/index.ts";
import { Simulation } from "../simulator/index.ts";
import { openStore } from "../store/index.ts";
import { KafkaTransport, produceSimulation } from "../transport/index.ts";
import { aggregatorWorkerArgs } from "./aggregator-worker.ts";
import { fmtInt } from "./format.ts";
import {
  DEFAULT_TOPIC,
  KAFKA_RUN_DEFAULTS,
  type KafkaRunOptions,
  type ServiceHooks,
  withDefaults,
} from "./options.ts";
import { runPaths, startRunFolder } from "./run-files.ts";
import { collectRun, verifyRun } from "./run-outcome.ts";
import { dropRunSchema, pgSchema, withStore } from "./run-store.ts";
import { expectedEvents } from "./simulation-source.ts";

export type KafkaRunInput = Partial<KafkaRunOptions> & Pick<KafkaRunOptions, "config">;

export interface KafkaRunResult {
  name: string;
  topic: string;
  /** Simulated events produced (bad messages and end markers not counted). */
  events: number;
  injected: { malformed_json: number; schema_invalid: number; rule_breaking: number };
  sessions: number;
  archived: number;
  eventsParquet: string;
  /** Produce start to the last aggregator's exit. */
  elapsedS: number;
  verification: Verification | null;
}

export async function runKafka(input: KafkaRunInput, hooks: ServiceHooks = {}): Promise<KafkaRunResult> {
  const o = withDefaults<KafkaRunOptions>(KAFKA_RUN_DEFAULTS, input);
  const log = hooks.log ?? (() => {});
  const paths = runPaths(o.name);
  const topic = o.topic ?? `${DEFAULT_TOPIC}.${o.name}`;
  const schema = pgSchema(o.name);
  // Fresh run: new schema, new topic, new archive.
  startRunFolder(
    paths,
    { name: o.name, backend: "kafka", topic, config: o.config, partitions: o.partitions },
    false,
  );
  await dropRunSchema(o.name);
  await (await openStore({ kind: "postgres", db: { schema } })).close();
  const transport = new KafkaTransport({});
  const t0 = performance.now();
  try {
    await transport.deleteTopics([topic, `${topic}.dlq`]).catch(() => {});
    await transport.createTopic(topic, o.partitions);
    log(
      `[run] kafka backend '${o.name}': topic ${topic} (${o.partitions} partitions), ${o.workers} aggregator processes, schema ${schema}`,
    );
    const exits = Array.from({ length: o.workers }, (_, i) =>
      startAggregatorProcess(
        {
          name: o.name,
          group: `cartstream-${o.name}`,
          topic,
          dlqTopic: `${topic}.dlq`,
          timeoutMs: Math.round(o.config.session_timeout_s * 1000),
          metricsPort: i === 0 || o.metricsPort < 0 ? o.metricsPort : 0,
          redis: o.redis,
          exitWhenDone: true,
          logEveryS: 10,
        },
        hooks.log === undefined,
      ),
    );
    const total = expectedEvents(o.config);
    const produced = await produceSimulation({
      transport,
      topic,
      partitions: o.partitions,
      sim: new Simulation(o.config, o.startTimeMs),
      clock: o.clock,
      speed: o.speed,
      injectBad: o.injectBad,
      endMarker: true,
      onProgress: (n) => hooks.onProgress?.(n, total, ""),
    });
    log(
      `[run] produced ${fmtInt(produced.events)} events (+${fmtInt(produced.messages - produced.events - o.partitions)} injected) in ${((performance.now() - t0) / 1000).toFixed(1)} s; waiting for the aggregators to drain`,
    );
    const codes = await Promise.all(exits);
    if (codes.some((c) => c !== 0)) {
      throw new CartstreamError(
        ERROR_CODES.STORE,
        `aggregator processes exited with codes ${codes.join(", ")}; see their output above`,
      );
    }
    const elapsedS = (performance.now() - t0) / 1000;
    const store = await openStore({ kind: "postgres", db: { schema } });
    return await withStore(store, async () => {
      const { archived, sessions } = await collectRun(store, paths);
      log(
        `[run] done: ${fmtInt(produced.events)} events, ${fmtInt(sessions)} sessions in ${schema}.user_sessions, ${elapsedS.toFixed(2)} s end to end (${fmtInt(produced.events / elapsedS)} events/s); archive ${fmtInt(archived)} events`,
      );
      const timeoutMs = Math.round(o.config.session_timeout_s * 1000);
      const verification = o.verify ? await verifyRun(store, paths, timeoutMs, log) : null;
      return {
        name: o.name,
        topic,
        events: produced.events,
        injected: produced.injected,
        sessions,
        archived,
        eventsParquet: paths.eventsParquet,
        elapsedS,
        verification,
      };
    });
  } finally {
    await transport.close();
  }
}

/** Starts one aggregator process (its log on stderr unless quiet); resolves with its exit code (128 when killed by a signal). */
function startAggregatorProcess(
  options: Parameters<typeof aggregatorWorkerArgs>[0],
  quiet: boolean,
): Promise<number> {
  const child = spawn(process.execPath, aggregatorWorkerArgs(options), {
    stdio: ["ignore", "inherit", quiet ? "ignore" : "inherit"],
  });
  return new Promise<number>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
}
