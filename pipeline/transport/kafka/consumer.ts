// Consumer-group runner for the aggregator on kafkajs 2.2.4's public API. The application owns the offsets
// (PostgreSQL, in the same transaction as the sessions); Kafka's committed offsets are informational only.
//
// kafkajs has no rebalance listener (tulios/kafkajs#1088): the assignment is learnt from the GROUP_JOIN
// instrumentation event, which kafkajs emits synchronously right after SyncGroup and before the fetch loop
// restarts. In that synchronous listener new partitions are paused and kept partitions are re-seeked; then
// onAssigned runs, the app's offsets are seeked and the partitions resumed. kafkajs can still hand over
// batches fetched at other positions (a new generation starts from the Kafka-committed offset; batches of a
// previous generation or of revoked partitions can arrive late, tulios/kafkajs#1046, #1097), so every batch
// goes through a guard: only partitions this member owns, only offsets >= the next expected one, and a
// re-seek when a batch starts beyond our position. Correctness therefore does not rest on kafkajs's
// rebalance behaviour; fencing in the store still decides who may commit.
import type { Admin, Batch, Consumer } from "kafkajs";
import { parseOptions } from "../../config/index.ts";
import { CartstreamError, ERROR_CODES } from "../../errors/index.ts";
import type { ConsumedMessage } from "../types.ts";
import { createKafkaClient, toConsumedMessage } from "./client.ts";
import { kafkaError } from "./errors.ts";
import {
  GROUP_CONSUMER_DEFAULTS,
  type GroupConsumerSettings,
  groupConsumerOptionsSchema,
  pickKafkaOptions,
  type ResolvedKafkaOptions,
  resolveKafkaOptions,
} from "./options.ts";
import { fetchWatermarks } from "./reader.ts";
import type { GroupConsumer, GroupConsumerOptions, GroupConsumerStats } from "./types.ts";

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
  const parsed = parseOptions(groupConsumerOptionsSchema, data, "group consumer options");
  const kafkaOptions = resolveKafkaOptions(pickKafkaOptions(parsed), "group consumer options");
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

type RunnerSettings = Required<GroupConsumerSettings>;

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

  /**
   * The topic's watermarks for an assignment. A broker that is away (restarting) is waited for, up to a
   * minute, instead of failing the consumer: kafkajs rejoins by itself, and so must a reload in flight.
   */
  async #watermarks(): Promise<Map<number, { low: number; high: number }>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const w = await fetchWatermarks(this.#admin, this.topic, this.#kafkaOptions.brokers);
        return new Map(w.map((x, p) => [p, x]));
      } catch (err) {
        if (this.#stopping !== undefined || attempt >= 60) throw err;
        this.#log(
          "warn",
          `watermarks of ${this.topic} (attempt ${attempt}): ${(err as Error).message}; retrying in 1 s`,
        );
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
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
    // The first offset of the batch (transaction markers included): beyond our position, kafkajs fetched
    // from ahead of us (its own committed offset): re-seek once. If the same comes back from a fetch at our
    // offset, the gap is real (no records there) and is skipped.
    const firstOffset = Number(batch.firstOffset() ?? Number.NaN);
    if (firstOffset > state.next) {
      if (state.reseekedAt !== state.next) {
        state.reseekedAt = state.next;
        this.stats.reseeks++;
        this.stats.dropped += batch.messages.length;
        this.#consumer.seek({ topic: this.topic, partition: p, offset: String(state.next) });
        return;
      }
      this.#log(
        "warn",
        `${this.topic}/${p}: no records between ${state.next} and ${firstOffset}; skipping the gap`,
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

function defaultLog(level: "info" | "warn", message: string): void {
  if (level === "warn") console.warn(`[kafka-consumer] ${message}`);
}
