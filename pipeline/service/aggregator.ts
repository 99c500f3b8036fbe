// One aggregator of a consumer group: Kafka -> sessionizer -> PostgreSQL (+ Redis live state). Several may
// run at once; each partition is owned by one of them at a time. Offsets live in PostgreSQL with the
// session rows (one fenced transaction per flush); Kafka's own offset commits are informational only.
import { RedisLiveStore } from "../live/index.ts";
import { PipelineMetrics, periodicLog, startMetricsServer } from "../metrics/index.ts";
import { ArchiveWriter, PartitionProcessor } from "../runner/index.ts";
import type { DeadLetter } from "../store/index.ts";
import { openStore } from "../store/index.ts";
import { KafkaTransport, produceDeadLetters, runGroupConsumer } from "../transport/index.ts";
import { AggregatorLoop, streamFinished } from "./aggregator-loop.ts";
import { fmtInt } from "./format.ts";
import { AGGREGATOR_DEFAULTS, type AggregatorOptions, type ServiceHooks, withDefaults } from "./options.ts";
import { runPaths } from "./run-files.ts";
import { pgSchema } from "./run-store.ts";

export interface AggregatorResult {
  /** 0 when the consumer stopped cleanly, 1 when it failed. */
  code: number;
  consumed: number;
  accepted: number;
  deadLettered: number;
  commits: number;
  fencedCommits: number;
}

/** Runs until `hooks.signal` aborts, the consumer fails, or (exitWhenDone) the stream is finished. */
export async function runAggregator(
  input: Partial<AggregatorOptions> = {},
  hooks: ServiceHooks = {},
): Promise<AggregatorResult> {
  const o = withDefaults<AggregatorOptions>(AGGREGATOR_DEFAULTS, input);
  const log = (line: string) => hooks.log?.(`[aggregate ${process.pid}] ${line}`);
  const paths = runPaths(o.name);
  const store = await openStore({ kind: "postgres", db: { schema: pgSchema(o.name) } });
  const transport = new KafkaTransport({});
  const metrics = new PipelineMetrics();
  const live = o.redis ? await connectLive(o, metrics, log) : null;
  await transport.createTopic(o.dlqTopic, 1);
  const proc = new PartitionProcessor({
    group: o.group,
    topic: o.topic,
    sink: store.sink,
    reader: store.reader,
    sessionizer: { timeoutMs: o.timeoutMs, allowedLatenessMs: o.latenessMs },
    archive: new ArchiveWriter(paths.archiveDir, `${o.group}-${process.pid}`),
    live: live ? { publish: async (rows, keys) => void (await live.safePublish(rows, keys)) } : undefined,
    observer: {
      committed: (producedAt, commitMs, r) => {
        metrics.observeCommit(producedAt, commitMs);
        metrics.committed();
        metrics.upserted(r.upserted);
      },
      deadLettered: (reason, n) => metrics.deadLettered(reason, n),
      fenced: () => metrics.fenced(),
    },
    deadLetterSink: (letters) => produceDeadLetters(transport, o.dlqTopic, letters.map(deadLetterRecord)),
  });
  const stop = new AbortController();
  const loop = new AggregatorLoop({
    processor: proc,
    metrics,
    flushEvents: o.flushEvents,
    log,
    afterCommit: hooks.afterCommit,
    // After a failed commit: the offsets query that reloading a partition starts with, until it answers.
    storeReady: async () => {
      while (!stop.signal.aborted) {
        if (
          await store.reader.loadOffsets(o.group, o.topic).then(
            () => true,
            () => false,
          )
        )
          return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      throw new Error("stopped while waiting for the store");
    },
  });

  hooks.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  const metricsServer =
    o.metricsPort >= 0 ? await startMetricsServer(metrics, { port: o.metricsPort }) : null;
  if (metricsServer) log(`metrics on ${metricsServer.url}/metrics`);
  const ticker = periodicLog(metrics, { everyMs: o.logEveryS * 1000, log, label: "" });
  const consumer = await runGroupConsumer({
    groupId: o.group,
    topic: o.topic,
    signal: stop.signal,
    log: (level, message) => (level === "warn" ? log(`kafka: ${message}`) : undefined),
    onAssigned: (parts) => loop.onAssigned(parts),
    onBatch: (partition, messages, highWatermark) => loop.onBatch(partition, messages, highWatermark),
    onRevoked: (parts) => loop.onRevoked(parts),
  });
  loop.consumer = consumer;
  const timers = [
    // Only when something arrived: the watermark (and so closing by timeout) moves only with events.
    setInterval(() => {
      if (proc.pending > 0) void loop.flush().catch((err) => log(`flush failed: ${(err as Error).message}`));
    }, o.flushMs),
    setInterval(
      () => log(`  processor: owns [${proc.ownedPartitions().join(",")}], ${JSON.stringify(proc.counters)}`),
      o.logEveryS * 1000,
    ),
  ];
  if (o.exitWhenDone) {
    timers.push(
      setInterval(() => {
        void Promise.all([transport.endOffsets(o.topic), store.reader.loadOffsets(o.group, o.topic)])
          .then(([ends, offsets]) => (streamFinished(ends, offsets) ? stop.abort() : undefined))
          .catch(() => {});
      }, 500),
    );
  }

  let code = 0;
  try {
    await Promise.race([
      consumer.done,
      new Promise((resolve) => stop.signal.addEventListener("abort", resolve)),
    ]);
  } catch (err) {
    log(`consumer failed: ${(err as Error).message}`);
    code = 1;
  }
  for (const t of timers) clearInterval(t);
  ticker.stop();
  await consumer.stop().catch(() => {});
  await loop.flush().catch(() => {});
  await loop.idle();
  const t = metrics.totals();
  log(
    `stopped (processor ${JSON.stringify(proc.counters)}): ${fmtInt(t.consumed)} messages, ${fmtInt(t.accepted)} accepted, ${fmtInt(t.deadLettered)} dead-lettered, ${fmtInt(t.commits)} commits, ${t.fencedCommits} fenced; event-to-commit latency ms ${JSON.stringify(metrics.latencyRun.snapshot())}`,
  );
  await metricsServer?.close();
  await live?.close();
  await transport.close();
  await store.close();
  return {
    code,
    consumed: t.consumed,
    accepted: t.accepted,
    deadLettered: t.deadLettered,
    commits: t.commits,
    fencedCommits: t.fencedCommits,
  };
}

/**
 * Redis is only a cache: when it is down the aggregator continues without live state, and keeps
 * reconnecting in the background so that publishing resumes when Redis is back.
 */
async function connectLive(
  o: AggregatorOptions,
  metrics: PipelineMetrics,
  log: (line: string) => void,
): Promise<RedisLiveStore> {
  const options = { sessionTimeoutSeconds: o.timeoutMs / 1000, onFailure: () => metrics.redisFailure() };
  try {
    return await RedisLiveStore.connect(options);
  } catch (err) {
    log(
      `warning: Redis unavailable, continuing without live state until it is back (it is only a cache): ${(err as Error).message}`,
    );
    return RedisLiveStore.connectInBackground(options);
  }
}

/** A dead letter as a message of the dead-letter topic: keyed by its source position, reason in a header. */
function deadLetterRecord(d: DeadLetter) {
  return {
    key: `${d.partition}:${d.offset}`,
    value: d.payload ?? "",
    headers: {
      reason: d.reason,
      source_topic: d.topic,
      source_partition: d.partition,
      source_offset: d.offset,
    },
  };
}
