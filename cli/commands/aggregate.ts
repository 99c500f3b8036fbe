// cartstream aggregate: one aggregator process of a consumer group. Several may run at once; each
// partition is owned by one of them at a time. Offsets live in PostgreSQL with the session rows (one
// fenced transaction per flush); Kafka's own offset commits are informational only.
import { join } from "node:path";
import { FencedError } from "../../pipeline/errors/index.ts";
import { RedisLiveStore } from "../../pipeline/live/index.ts";
import { PipelineMetrics, periodicLog, startMetricsServer } from "../../pipeline/metrics/index.ts";
import { ArchiveWriter, PartitionProcessor } from "../../pipeline/runner/index.ts";
import { openStore } from "../../pipeline/store/index.ts";
import { KafkaTransport, produceDeadLetters, runGroupConsumer } from "../../pipeline/transport/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, intFlag, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { fmtInt } from "../progress.ts";
import { pgSchema } from "../store-flags.ts";
import { DEFAULT_TOPIC } from "./produce.ts";

export const spec: CommandSpec = {
  name: "aggregate",
  summary:
    "consume events from Kafka, sessionize, and commit sessions + offsets to PostgreSQL (one group member)",
  usage: "cartstream aggregate [--name NAME] [--group G] [--topic T] [--exit-when-done] [--metrics-port P]",
  flags: {
    name: {
      type: "string",
      arg: "NAME",
      help: "run name: PostgreSQL schema cs_NAME, archive data/runs/NAME/archive",
      default: "phase1",
    },
    group: {
      type: "string",
      arg: "G",
      help: "consumer group id (also the offsets' owner in stream_offsets)",
      default: "cartstream-aggregator",
    },
    topic: { type: "string", arg: "T", help: "events topic", default: DEFAULT_TOPIC },
    "dlq-topic": {
      type: "string",
      arg: "T",
      help: "dead-letter topic (reason in the 'reason' header)",
      default: `${DEFAULT_TOPIC}.dlq`,
    },
    timeout: { type: "string", arg: "S", help: "session inactivity timeout in seconds", default: "60" },
    lateness: { type: "string", arg: "S", help: "allowed lateness of events in seconds", default: "5" },
    "flush-events": { type: "string", arg: "N", help: "commit after this many events", default: "5000" },
    "flush-ms": { type: "string", arg: "MS", help: "...or this long after the last commit", default: "100" },
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
      default: "9464",
    },
    "log-every": {
      type: "string",
      arg: "S",
      help: "seconds between progress lines (throughput, lag, latency p50/p99)",
      default: "5",
    },
    "exit-when-done": {
      type: "boolean",
      help: "exit once every partition's end-of-stream marker is processed and committed",
    },
    "crash-after-commits": {
      type: "string",
      arg: "N",
      help: "testing hook: kill -9 this process right after the Nth commit",
    },
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
  const name = stringFlag(flags, "name") ?? "phase1";
  const group = stringFlag(flags, "group") ?? "cartstream-aggregator";
  const topic = stringFlag(flags, "topic") ?? DEFAULT_TOPIC;
  const dlqTopic = stringFlag(flags, "dlq-topic") ?? `${DEFAULT_TOPIC}.dlq`;
  const timeoutMs = Math.round((numberFlag(flags, "timeout", 0, 86_400, true) ?? 60) * 1000);
  const latenessMs = Math.round((numberFlag(flags, "lateness", 0, 86_400) ?? 5) * 1000);
  const flushEvents = intFlag(flags, "flush-events", 1, 10_000_000) ?? 5000;
  const flushMs = intFlag(flags, "flush-ms", 1, 3_600_000) ?? 100;
  const useRedis = (choiceFlag(flags, "redis", ["on", "off"] as const) ?? "on") === "on";
  const metricsPort = intFlag(flags, "metrics-port", -1, 65_535) ?? 9464;
  const logEveryS = numberFlag(flags, "log-every", 0, 86_400, true) ?? 5;
  const crashAfter = intFlag(flags, "crash-after-commits", 1, 1_000_000);
  const exitWhenDone = flags["exit-when-done"] === true;
  const log = (line: string) => process.stderr.write(`[aggregate ${process.pid}] ${line}\n`);

  const store = await openStore({ kind: "postgres", db: { schema: pgSchema(name) } });
  const transport = new KafkaTransport({});
  const metrics = new PipelineMetrics();
  let live: RedisLiveStore | null = null;
  if (useRedis) {
    try {
      live = await RedisLiveStore.connect({
        sessionTimeoutSeconds: timeoutMs / 1000,
        onFailure: () => metrics.redisFailure(),
      });
    } catch (err) {
      log(
        `warning: Redis unavailable, continuing without live state (it is only a cache): ${(err as Error).message}`,
      );
    }
  }
  await transport.createTopic(dlqTopic, 1);
  const archive = new ArchiveWriter(join("data", "runs", name, "archive"), `${group}-${process.pid}`);
  let commits = 0;
  const proc = new PartitionProcessor({
    group,
    topic,
    sink: store.sink,
    reader: store.reader,
    sessionizer: { timeoutMs, allowedLatenessMs: latenessMs },
    archive,
    live: live ? { publish: async (rows, keys) => void (await live!.safePublish(rows, keys)) } : undefined,
    observer: {
      committed: (producedAt, commitMs, r) => {
        metrics.observeCommit(producedAt, commitMs);
        metrics.committed();
        metrics.upserted(r.upserted);
      },
      deadLettered: (reason, n) => metrics.deadLettered(reason, n),
      fenced: () => metrics.fenced(),
    },
    deadLetterSink: (letters) =>
      produceDeadLetters(
        transport,
        dlqTopic,
        letters.map((d) => ({
          key: `${d.partition}:${d.offset}`,
          value: d.payload ?? "",
          headers: {
            reason: d.reason,
            source_topic: d.topic,
            source_partition: d.partition,
            source_offset: d.offset,
          },
        })),
      ),
  });

  // Every processor call goes through one chain: kafkajs callbacks and the flush timer never interleave.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => {});
    return next;
  };
  let consumerRef: { reload(partitions: readonly number[]): void } | null = null;
  const flush = () =>
    serial(async () => {
      const owned = proc.ownedPartitions();
      if (owned.length === 0) return;
      try {
        await proc.flush(false);
      } catch (err) {
        if (err instanceof FencedError) {
          // The previous owner committed after we loaded: reload our partitions from the store and
          // re-read from there (the processor already dropped its uncommitted work).
          log(`fenced, reloading partitions ${owned.join(",")}: ${err.message}`);
          consumerRef?.reload(owned);
          return;
        }
        throw err;
      }
      commits++;
      if (crashAfter !== undefined && commits >= crashAfter) {
        log(`--crash-after-commits ${crashAfter}: killing this process (SIGKILL)`);
        process.kill(process.pid, "SIGKILL");
      }
    });

  const stop = new AbortController();
  const metricsServer = metricsPort >= 0 ? await startMetricsServer(metrics, { port: metricsPort }) : null;
  if (metricsServer) log(`metrics on ${metricsServer.url}/metrics`);
  const ticker = periodicLog(metrics, { everyMs: logEveryS * 1000, log, label: "" });
  const consumer = await runGroupConsumer({
    groupId: group,
    topic,
    signal: stop.signal,
    log: (level, message) => (level === "warn" ? log(`kafka: ${message}`) : undefined),
    onAssigned: (parts) =>
      serial(async () => {
        const starts = await proc.assign(parts);
        log(`assigned partitions ${parts.join(",")} (start offsets ${[...starts.values()].join(",")})`);
        return starts;
      }),
    onBatch: (partition, messages, highWatermark) =>
      serial(async () => {
        const before = proc.counters.accepted;
        const dupBefore = proc.counters.duplicates;
        proc.process(partition, messages);
        metrics.consumed(messages.length);
        metrics.accepted(proc.counters.accepted - before);
        metrics.duplicates(proc.counters.duplicates - dupBefore);
        const next = proc.nextOffset(partition);
        if (next !== undefined) metrics.setLag(partition, Math.max(0, highWatermark - next));
        metrics.setOpenSessions(proc.openSessions());
      }).then(() => (proc.pending >= flushEvents ? flush() : undefined)),
    onRevoked: (parts) =>
      serial(async () => {
        const owned = proc.ownedPartitions();
        try {
          await proc.flush(false);
        } catch (err) {
          if (err instanceof FencedError) {
            // The fenced commit dropped every partition of this processor: reload the ones we keep.
            const kept = owned.filter((p) => !parts.includes(p));
            if (kept.length > 0) consumerRef?.reload(kept);
          } else log(`flush before revoke failed: ${(err as Error).message}`);
        }
        proc.revoke(parts);
        log(`revoked partitions ${parts.join(",")}`);
      }),
  });

  consumerRef = consumer;
  const timer = setInterval(() => {
    // Only when something arrived: the watermark (and so closing by timeout) moves only with events.
    if (proc.pending > 0) void flush().catch((err) => log(`flush failed: ${(err as Error).message}`));
  }, flushMs);
  const logTimer = setInterval(() => {
    ticker.tick();
    log(`  processor: owns [${proc.ownedPartitions().join(",")}], ${JSON.stringify(proc.counters)}`);
  }, logEveryS * 1000);
  const onSignal = () => stop.abort();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);

  let doneTimer: NodeJS.Timeout | undefined;
  if (exitWhenDone) {
    doneTimer = setInterval(() => {
      void (async () => {
        const [ends, offsets] = await Promise.all([
          transport.endOffsets(topic),
          store.reader.loadOffsets(group, topic),
        ]);
        // Done = every partition's end-of-stream marker was processed and its closing commit made
        // (being caught up is not enough: a live producer may still be sending).
        const done =
          ends.length > 0 &&
          ends.every((end, p) => {
            const o = offsets.get(p);
            return (
              o !== undefined &&
              o.nextOffset >= end &&
              (o.state as { ended?: boolean } | null)?.ended === true
            );
          });
        if (done) stop.abort();
      })().catch(() => {});
    }, 500);
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
  clearInterval(timer);
  clearInterval(logTimer);
  if (doneTimer) clearInterval(doneTimer);
  await consumer.stop().catch(() => {});
  await flush().catch(() => {});
  await serial(async () => {});
  const t = metrics.totals();
  log(
    `stopped (processor ${JSON.stringify(proc.counters)}): ${fmtInt(t.consumed)} messages, ${fmtInt(t.accepted)} accepted, ${fmtInt(t.deadLettered)} dead-lettered, ${fmtInt(t.commits)} commits, ${t.fencedCommits} fenced; event-to-commit latency ms ${JSON.stringify(metrics.latencyRun.snapshot())}`,
  );
  await metricsServer?.close();
  await live?.close();
  await transport.close();
  await store.close();
  return code;
}
