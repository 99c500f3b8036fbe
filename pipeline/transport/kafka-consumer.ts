// Consumer-group runner for the aggregator on kafkajs 2.2.4. The application owns the offsets (PostgreSQL, in
// the same transaction as the sessions); Kafka's committed offsets are informational only.
//
// kafkajs has no rebalance listener (tulios/kafkajs#1088): the assignment is learnt from the GROUP_JOIN
// instrumentation event, which kafkajs emits synchronously right after SyncGroup and before the fetch loop
// restarts. In that synchronous listener new partitions are paused and kept partitions are re-seeked; then
// onAssigned runs, the app's offsets are seeked and the partitions resumed. kafkajs can still hand over
// batches fetched at other positions (a new generation starts from the Kafka-committed offset; batches of a
// previous generation or of revoked partitions can arrive late, tulios/kafkajs#1046, #1097), so every batch
// goes through a guard: only partitions this member owns, only offsets >= the next expected one, and a
// re-seek when kafkajs's position is ahead of ours. Correctness therefore does not rest on kafkajs's
// rebalance behaviour; fencing in the store still decides who may commit.
import type { Admin, Batch, Consumer, KafkaMessage } from "kafkajs";
import { z } from "zod";
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import {
  createKafkaClient,
  type KafkaOptions,
  kafkaError,
  parseWith,
  type ResolvedKafkaOptions,
  resolveKafkaOptions,
} from "./kafka-transport.ts";
import type { ConsumedMessage, ProducedMessage, Transport } from "./types.ts";

export interface GroupConsumerOptions extends KafkaOptions {
  groupId: string;
  topic: string;
  /**
   * Newly assigned partitions. Resolve with the next offset to read for each (the app's committed position);
   * a partition missing from the map starts at the log start. Nothing of these partitions is delivered
   * before this resolves.
   */
  onAssigned(partitions: number[]): Promise<ReadonlyMap<number, number>>;
  /**
   * Messages of one owned partition, contiguous from the expected offset, in offset order. The next batch
   * of that partition starts after the last message of this one. A throw stops the consumer (done rejects).
   */
  onBatch(partition: number, messages: ConsumedMessage[], highWatermark: number): Promise<void>;
  /** Partitions this member no longer owns (rebalance or stop); no onBatch for them follows. */
  onRevoked(partitions: number[]): Promise<void>;
  /** Aborting it stops the consumer gracefully (like stop()). */
  signal?: AbortSignal;
  /** Session timeout in ms (default 10000; a crashed member's partitions move after this). */
  sessionTimeoutMs?: number;
  /** Heartbeat interval in ms (default 1000). */
  heartbeatIntervalMs?: number;
  /** Rebalance timeout in ms (default 30000). */
  rebalanceTimeoutMs?: number;
  /** Longest a fetch waits for new data, in ms (default 250; kafkajs's 5000 would delay stop and latency). */
  maxWaitTimeMs?: number;
  /** Bytes fetched per partition per request (default 1048576). */
  maxBytesPerPartition?: number;
  /** Receives rebalance and crash notices (default: warnings to console.warn, info dropped). */
  log?: (level: "info" | "warn", message: string) => void;
}

export interface GroupConsumerStats {
  /** onBatch calls. */
  batches: number;
  /** Messages passed to onBatch. */
  delivered: number;
  /** Messages dropped by the guard (below the expected offset, or of a partition not owned or not ready). */
  dropped: number;
  /** Seeks issued because kafkajs's fetch position was ahead of the expected offset. */
  reseeks: number;
  /** GROUP_JOIN events seen. */
  joins: number;
}

export interface GroupConsumer {
  readonly groupId: string;
  readonly topic: string;
  /** Partitions handed to onAssigned and not revoked since, ascending. */
  assignment(): number[];
  /** Next offset to deliver for each owned, ready partition. */
  positions(): Map<number, number>;
  readonly stats: Readonly<GroupConsumerStats>;
  /**
   * Commits `nextOffset` for `partition` to Kafka, for monitoring tools only (lag in kafka-consumer-groups).
   * Call it after the app's own transaction committed. Never throws; false when not owned or refused.
   */
  commitInformational(partition: number, nextOffset: number): Promise<boolean>;
  /**
   * Asks the app again where owned partitions start: they are paused, onAssigned is called for them (after
   * the callbacks already queued), and delivery resumes from the offsets it returns. For an app whose
   * store refused a commit (fencing: it loaded its offsets before the previous owner's last commit).
   */
  reload(partitions: readonly number[]): void;
  /** Graceful stop: waits for the running callback, calls onRevoked, leaves the group, disconnects. */
  stop(): Promise<void>;
  /** Resolves after a graceful stop; rejects with the error that stopped the consumer. */
  readonly done: Promise<void>;
}

const groupConsumerDataSchema = z
  .object({
    brokers: z.unknown().optional(),
    clientId: z.unknown().optional(),
    connectionTimeoutMs: z.unknown().optional(),
    requestTimeoutMs: z.unknown().optional(),
    retries: z.unknown().optional(),
    logLevel: z.unknown().optional(),
    groupId: z.string().min(1).max(255),
    topic: z.string().min(1).max(249),
    sessionTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
    heartbeatIntervalMs: z.number().int().min(50).max(60_000).optional(),
    rebalanceTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
    maxWaitTimeMs: z.number().int().min(0).max(60_000).optional(),
    maxBytesPerPartition: z.number().int().min(1_024).max(100_000_000).optional(),
  })
  .strict();

export const GROUP_CONSUMER_DEFAULTS = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 30_000,
  maxWaitTimeMs: 250,
  maxBytesPerPartition: 1_048_576,
} as const;

type PartitionState =
  | { kind: "pending" }
  | { kind: "ready"; next: number; reseekedAt: number }
  | { kind: "failed" };

/**
 * Joins `groupId` on `topic` and delivers batches of the partitions this member owns, from the offsets the
 * app returns in onAssigned. Resolves once the member joined the group for the first time.
 */
export async function runGroupConsumer(options: GroupConsumerOptions): Promise<GroupConsumer> {
  const { onAssigned, onBatch, onRevoked, signal, log: logOption, ...data } = options;
  for (const [name, fn] of [
    ["onAssigned", onAssigned],
    ["onBatch", onBatch],
    ["onRevoked", onRevoked],
  ] as const) {
    if (typeof fn !== "function") {
      throw new CartstreamError(ERROR_CODES.BAD_CONFIG, `group consumer option ${name} must be a function`);
    }
  }
  const parsed = parseWith(groupConsumerDataSchema, data, "group consumer options");
  const kafkaOptions = resolveKafkaOptions(
    {
      ...(options.brokers === undefined ? {} : { brokers: options.brokers }),
      ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
      ...(options.connectionTimeoutMs === undefined
        ? {}
        : { connectionTimeoutMs: options.connectionTimeoutMs }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.retries === undefined ? {} : { retries: options.retries }),
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    },
    "group consumer options",
  );
  const runner = new GroupRunner(
    kafkaOptions,
    {
      groupId: parsed.groupId,
      topic: parsed.topic,
      sessionTimeoutMs: parsed.sessionTimeoutMs ?? GROUP_CONSUMER_DEFAULTS.sessionTimeoutMs,
      heartbeatIntervalMs: parsed.heartbeatIntervalMs ?? GROUP_CONSUMER_DEFAULTS.heartbeatIntervalMs,
      rebalanceTimeoutMs: parsed.rebalanceTimeoutMs ?? GROUP_CONSUMER_DEFAULTS.rebalanceTimeoutMs,
      maxWaitTimeMs: parsed.maxWaitTimeMs ?? GROUP_CONSUMER_DEFAULTS.maxWaitTimeMs,
      maxBytesPerPartition: parsed.maxBytesPerPartition ?? GROUP_CONSUMER_DEFAULTS.maxBytesPerPartition,
    },
    { onAssigned, onBatch, onRevoked },
    logOption ?? defaultLog,
  );
  await runner.start(signal);
  return runner;
}

interface RunnerSettings {
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  maxWaitTimeMs: number;
  maxBytesPerPartition: number;
}

type Callbacks = Pick<GroupConsumerOptions, "onAssigned" | "onBatch" | "onRevoked">;

class GroupRunner implements GroupConsumer {
  readonly groupId: string;
  readonly topic: string;
  readonly stats: GroupConsumerStats = { batches: 0, delivered: 0, dropped: 0, reseeks: 0, joins: 0 };
  readonly done: Promise<void>;
  readonly #kafkaOptions: ResolvedKafkaOptions;
  readonly #settings: RunnerSettings;
  readonly #callbacks: Callbacks;
  readonly #log: (level: "info" | "warn", message: string) => void;
  readonly #consumer: Consumer;
  readonly #admin: Admin;
  /** Partitions of the current assignment, by state. Only "ready" ones are delivered. */
  readonly #owned = new Map<number, PartitionState>();
  /** Partitions reported to the app through onAssigned and not yet through onRevoked. */
  readonly #announced = new Set<number>();
  /** Every app callback runs through this chain: onAssigned, onBatch and onRevoked never overlap. */
  #chain: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | undefined;
  #fatal: unknown;
  #resolveDone!: () => void;
  #rejectDone!: (err: unknown) => void;

  constructor(
    kafkaOptions: ResolvedKafkaOptions,
    settings: RunnerSettings,
    callbacks: Callbacks,
    log: (level: "info" | "warn", message: string) => void,
  ) {
    this.groupId = settings.groupId;
    this.topic = settings.topic;
    this.#kafkaOptions = kafkaOptions;
    this.#settings = settings;
    this.#callbacks = callbacks;
    this.#log = log;
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    // An unobserved rejection of `done` must not crash the process; callers that care await it.
    this.done.catch(() => {});
    const kafka = createKafkaClient(kafkaOptions);
    this.#admin = kafka.admin();
    this.#consumer = kafka.consumer({
      groupId: settings.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
      maxWaitTimeInMs: settings.maxWaitTimeMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      allowAutoTopicCreation: false,
    });
  }

  async start(signal: AbortSignal | undefined): Promise<void> {
    const { topic } = this;
    const c = this.#consumer;
    c.on(c.events.GROUP_JOIN, (event) => {
      // kafkajs calls this inside joinAndSync: a throw here would crash its join, so it becomes ours.
      try {
        this.#onGroupJoin(event.payload.memberAssignment[topic] ?? []);
      } catch (err) {
        this.#fail(err);
      }
    });
    c.on(c.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.#log(
        "warn",
        `kafka consumer ${this.groupId} crashed (${error.message}); kafkajs restarts it: ${restart}`,
      );
      if (!restart)
        this.#fail(kafkaError(error, this.#kafkaOptions.brokers, `consumer group ${this.groupId}`));
    });
    try {
      await Promise.all([this.#admin.connect(), c.connect()]);
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.#eachBatch(payload),
      });
    } catch (err) {
      await Promise.allSettled([c.disconnect(), this.#admin.disconnect()]);
      const e = kafkaError(
        err,
        this.#kafkaOptions.brokers,
        `join consumer group ${this.groupId} on ${topic}`,
      );
      this.#rejectDone(e);
      throw e;
    }
    if (signal !== undefined) {
      if (signal.aborted) void this.stop();
      else signal.addEventListener("abort", () => void this.stop(), { once: true });
    }
  }

  assignment(): number[] {
    return [...this.#announced].sort((a, b) => a - b);
  }

  positions(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [p, s] of [...this.#owned].sort((a, b) => a[0] - b[0]))
      if (s.kind === "ready") out.set(p, s.next);
    return out;
  }

  async commitInformational(partition: number, nextOffset: number): Promise<boolean> {
    if (this.#stopping !== undefined || this.#owned.get(partition)?.kind !== "ready") return false;
    try {
      await this.#consumer.commitOffsets([{ topic: this.topic, partition, offset: String(nextOffset) }]);
      return true;
    } catch (err) {
      this.#log(
        "info",
        `informational offset commit ${this.topic}/${partition}@${nextOffset} refused: ${(err as Error).message}`,
      );
      return false;
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  // ---- rebalance ----

  reload(partitions: readonly number[]): void {
    // Queued behind whatever runs now (an assignment in flight, a batch): by the time it runs, the
    // partitions' state is settled, and no batch can interleave with the re-assignment.
    void this.#serial(async () => {
      if (this.#stopping !== undefined) return;
      const mine = partitions.filter((p) => this.#owned.has(p));
      if (mine.length === 0) return;
      for (const p of mine) this.#owned.set(p, { kind: "pending" });
      this.#consumer.pause([{ topic: this.topic, partitions: mine }]);
      this.#log(
        "info",
        `consumer group ${this.groupId}: reloading [${mine.join(",")}] from the app's offsets`,
      );
      await this.#assign(mine);
    });
  }

  /** Runs synchronously inside kafkajs's joinAndSync, before the next fetch. */
  #onGroupJoin(assigned: number[]): void {
    this.stats.joins++;
    if (this.#stopping !== undefined) return;
    const now = new Set(assigned);
    const revoked = [...this.#owned.keys()].filter((p) => !now.has(p));
    const added = assigned.filter((p) => !this.#owned.has(p));
    for (const p of revoked) this.#owned.delete(p);
    const toPause: number[] = [];
    for (const p of assigned) {
      const state = this.#owned.get(p);
      if (state === undefined) {
        this.#owned.set(p, { kind: "pending" });
        toPause.push(p);
      } else if (state.kind === "ready") {
        // A new generation resumes from Kafka's committed offset; ours is authoritative.
        this.#consumer.seek({ topic: this.topic, partition: p, offset: String(state.next) });
      } else {
        // Still pending (or failed): kafkajs may have restarted with a fresh subscription state.
        toPause.push(p);
      }
    }
    if (toPause.length > 0) this.#consumer.pause([{ topic: this.topic, partitions: toPause }]);
    this.#log(
      "info",
      `consumer group ${this.groupId}: assigned [${assigned.join(",")}], added [${added.join(",")}], revoked [${revoked.join(",")}]`,
    );
    this.#serial(async () => {
      const gone = revoked.filter((p) => this.#announced.has(p));
      if (gone.length > 0) {
        for (const p of gone) this.#announced.delete(p);
        await this.#callbacks.onRevoked(gone);
      }
      // Partitions revoked again before this task ran are dropped here.
      const fresh = added.filter((p) => this.#owned.get(p)?.kind === "pending");
      if (fresh.length > 0) await this.#assign(fresh);
    });
  }

  async #assign(partitions: number[]): Promise<void> {
    for (const p of partitions) this.#announced.add(p);
    const starts = await this.#callbacks.onAssigned([...partitions]);
    const watermarks = await this.#watermarks();
    const ready: number[] = [];
    for (const p of partitions) {
      const w = watermarks.get(p);
      if (w === undefined) throw this.#badStart(`partition ${p} is not in the topic's metadata`);
      const asked = starts.get(p);
      const next = asked ?? w.low;
      if (!Number.isSafeInteger(next) || next < 0) {
        throw this.#badStart(
          `onAssigned returned offset ${String(asked)} for partition ${p}; expected an integer >= 0`,
        );
      }
      if (next > w.high) {
        throw this.#badStart(
          `partition ${p}: the app's offset ${next} is beyond the log end ${w.high}; the topic was probably recreated, so reset the app's stored offsets`,
        );
      }
      if (next < w.low) {
        throw this.#badStart(
          `partition ${p}: the app's offset ${next} is below the log start ${w.low}; retention deleted events the app never processed`,
        );
      }
      const state = this.#owned.get(p);
      // Revoked while onAssigned ran: leave it to the next GROUP_JOIN.
      if (state?.kind !== "pending") continue;
      this.#owned.set(p, { kind: "ready", next, reseekedAt: -1 });
      this.#consumer.seek({ topic: this.topic, partition: p, offset: String(next) });
      ready.push(p);
    }
    if (ready.length > 0) this.#consumer.resume([{ topic: this.topic, partitions: ready }]);
  }

  async #watermarks(): Promise<Map<number, { low: number; high: number }>> {
    try {
      const offsets = await this.#admin.fetchTopicOffsets(this.topic);
      return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
    } catch (err) {
      throw kafkaError(err, this.#kafkaOptions.brokers, `watermarks of ${this.topic}`);
    }
  }

  #badStart(message: string): CartstreamError {
    return new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `consumer group ${this.groupId} on ${this.topic}: ${message}`,
    );
  }

  // ---- delivery ----

  async #eachBatch(payload: {
    batch: Batch;
    resolveOffset(offset: string): void;
    heartbeat(): Promise<void>;
    isStale(): boolean;
  }): Promise<void> {
    await this.#serial(() => this.#withHeartbeat(payload.heartbeat, () => this.#deliver(payload)));
  }

  async #deliver(payload: {
    batch: Batch;
    resolveOffset(offset: string): void;
    isStale(): boolean;
  }): Promise<void> {
    const { batch } = payload;
    const p = batch.partition;
    const state = this.#owned.get(p);
    if (this.#stopping !== undefined || state?.kind !== "ready" || payload.isStale()) {
      this.stats.dropped += batch.messages.length;
      return;
    }
    const fetchedOffset = Number((batch as Batch & { fetchedOffset?: string }).fetchedOffset ?? Number.NaN);
    if (fetchedOffset > state.next) {
      // kafkajs read from ahead of our position (its own committed offset): re-seek once. If the same
      // position comes back from a fetch at our offset, the gap is real (no records there) and is skipped.
      if (state.reseekedAt !== state.next) {
        state.reseekedAt = state.next;
        this.stats.reseeks++;
        this.stats.dropped += batch.messages.length;
        this.#consumer.seek({ topic: this.topic, partition: p, offset: String(state.next) });
        return;
      }
      this.#log(
        "warn",
        `${this.topic}/${p}: no records between ${state.next} and ${fetchedOffset}; skipping the gap`,
      );
    }
    const messages: ConsumedMessage[] = [];
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      if (offset < state.next) continue;
      messages.push(toConsumedMessage(m, offset));
    }
    this.stats.dropped += batch.messages.length - messages.length;
    if (messages.length === 0) {
      // Only stale offsets: move kafkajs to our position so it does not fetch them again.
      payload.resolveOffset(String(state.next - 1));
      return;
    }
    await this.#callbacks.onBatch(p, messages, Number(batch.highWatermark));
    this.stats.batches++;
    this.stats.delivered += messages.length;
    const last = messages[messages.length - 1]!.offset;
    state.next = last + 1;
    state.reseekedAt = -1;
    // Still ours after the callback? (A rebalance may have revoked it meanwhile.)
    if (this.#owned.get(p) === state) payload.resolveOffset(String(last));
  }

  async #withHeartbeat<T>(heartbeat: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
    // Long callbacks (a slow database commit) must not cost the group membership.
    const timer = setInterval(() => void heartbeat().catch(() => {}), this.#settings.heartbeatIntervalMs);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }

  /** Queues an app callback; a throw is fatal: the consumer stops and `done` rejects. */
  #serial(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(async () => {
      if (this.#fatal !== undefined) return;
      try {
        await task();
      } catch (err) {
        this.#fail(err);
      }
    });
    this.#chain = run;
    return run;
  }

  #fail(err: unknown): void {
    if (this.#fatal !== undefined) return;
    this.#fatal = err;
    for (const [p] of this.#owned) this.#owned.set(p, { kind: "failed" });
    this.#log(
      "warn",
      `consumer group ${this.groupId} stops after an error: ${(err as Error).message ?? String(err)}`,
    );
    void this.stop();
  }

  async #shutdown(): Promise<void> {
    // The last callback finishes, then the app hears about the revocation (unless a callback failed:
    // its state is unknown and it reloads from the store anyway), then the member leaves the group.
    await this.#chain;
    if (this.#fatal === undefined) {
      const gone = this.assignment();
      this.#announced.clear();
      this.#owned.clear();
      if (gone.length > 0) {
        try {
          await this.#callbacks.onRevoked(gone);
        } catch (err) {
          this.#fatal = err;
        }
      }
    }
    this.#owned.clear();
    await Promise.allSettled([this.#consumer.disconnect(), this.#admin.disconnect()]);
    if (this.#fatal === undefined) this.#resolveDone();
    else this.#rejectDone(this.#fatal);
  }
}

function toConsumedMessage(m: KafkaMessage, offset: number): ConsumedMessage {
  const headers: Record<string, string> = {};
  if (m.headers !== undefined) {
    for (const [k, v] of Object.entries(m.headers)) {
      const b = Array.isArray(v) ? v[v.length - 1] : v;
      if (b !== undefined) headers[k] = typeof b === "string" ? b : b.toString("utf8");
    }
  }
  return {
    offset,
    key: m.key === null || m.key === undefined ? "" : m.key.toString("utf8"),
    value: m.value === null ? "" : m.value.toString("utf8"),
    headers,
    timestamp: Number(m.timestamp),
  };
}

function defaultLog(level: "info" | "warn", message: string): void {
  if (level === "warn") console.warn(`[kafka-consumer] ${message}`);
}

// ---- dead letters ----

/** Why an event went to the dead-letter topic, and where it came from. */
export interface DeadLetterRecord {
  key: string;
  value: string;
  headers: {
    reason: string;
    source_topic: string;
    source_partition: number;
    source_offset: number;
  } & Record<string, string | number>;
}

/**
 * Appends dead letters to `topic` through any Transport (Kafka or the in-process log), keyed like the source
 * event so a user's dead letters keep their order. Header values are sent as strings.
 */
export async function produceDeadLetters(
  transport: Transport,
  topic: string,
  records: readonly DeadLetterRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const messages: ProducedMessage[] = records.map((r) => ({
    key: r.key,
    value: r.value,
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)])),
  }));
  await transport.produce(topic, messages);
}
