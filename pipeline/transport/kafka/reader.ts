// A random-access read of one partition on kafkajs's public consumer API: kafkajs has no consumer.assign
// (tulios/kafkajs#373), so the read joins a consumer group of its own (a fresh group id, one member, so it
// is assigned every partition), pauses every other partition, seeks to the offset, returns the first batch
// that holds messages, then leaves and deletes the group. A group join per call: fine for tests, tools and
// inspecting a dead-letter topic; the aggregator reads through runGroupConsumer (consumer.ts).
import { randomUUID } from "node:crypto";
import type { Admin, Kafka } from "kafkajs";
import { CartstreamError, ERROR_CODES } from "../../errors/index.ts";
import type { ConsumedMessage, ConsumeResult } from "../types.ts";
import { toConsumedMessage } from "./client.ts";
import { kafkaError } from "./errors.ts";

export interface PartitionRead {
  topic: string;
  partition: number;
  fromOffset: number;
  maxMessages: number;
}

export interface ReaderSettings {
  clientId: string;
  brokers: readonly string[];
  /** Bytes fetched per partition per request. */
  fetchMaxBytes: number;
  /** Longest the whole read may take (join, seek, fetch) before it fails as retriable. */
  timeoutMs: number;
}

/** Low (log start) and high watermark of every partition, indexed by partition number. */
export async function fetchWatermarks(
  admin: Admin,
  topic: string,
  brokers: readonly string[],
): Promise<{ low: number; high: number }[]> {
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const out: { low: number; high: number }[] = [];
    for (const o of offsets) out[o.partition] = { low: Number(o.low), high: Number(o.high) };
    return out;
  } catch (err) {
    throw kafkaError(err, brokers, `watermarks of ${topic}`);
  }
}

/** Up to `maxMessages` messages of one partition from `fromOffset`; empty at or past the end. */
export async function readPartition(
  kafka: Kafka,
  admin: Admin,
  read: PartitionRead,
  settings: ReaderSettings,
): Promise<ConsumeResult> {
  const { topic, partition, fromOffset, maxMessages } = read;
  const w = (await fetchWatermarks(admin, topic, settings.brokers))[partition]!;
  if (fromOffset >= w.high) return { messages: [], highWatermark: w.high };
  if (fromOffset < w.low) {
    throw new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `topic ${topic} partition ${partition}: offset ${fromOffset} is no longer in the log (it starts at ${w.low}, retention deleted the rest); read from ${w.low} or re-produce the events`,
    );
  }
  const groupId = `${settings.clientId}-read-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: settings.fetchMaxBytes,
    allowAutoTopicCreation: false,
  });
  let settle!: (result: ConsumeResult | Error) => void;
  const settled = new Promise<ConsumeResult | Error>((resolve) => {
    settle = resolve;
  });
  let finished = false;
  const finish = (result: ConsumeResult | Error) => {
    if (finished) return;
    finished = true;
    settle(result);
  };
  // Emitted synchronously after every join, before the fetch loop runs: the place to pause and seek.
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    try {
      const others = (event.payload.memberAssignment[topic] ?? []).filter((p) => p !== partition);
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
      consumer.seek({ topic, partition, offset: String(fromOffset) });
    } catch (err) {
      finish(kafkaError(err, settings.brokers, `read ${topic}/${partition}`));
    }
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart)
      finish(kafkaError(event.payload.error, settings.brokers, `read ${topic}/${partition}`));
  });
  const timer = setTimeout(
    () =>
      finish(
        new CartstreamError(
          ERROR_CODES.SERVICE_UNAVAILABLE,
          `read ${topic}/${partition}@${fromOffset}: no batch within ${settings.timeoutMs} ms (log ends at ${w.high}); retry, or check the broker`,
          { retriable: true },
        ),
      ),
    settings.timeoutMs,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch }) => {
        if (finished || batch.partition !== partition) return;
        const messages: ConsumedMessage[] = [];
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset >= fromOffset && messages.length < maxMessages)
            messages.push(toConsumedMessage(m, offset));
        }
        // A batch of only transaction markers before the end holds no message: wait for the next one.
        if (messages.length > 0 || Number(batch.lastOffset()) + 1 >= w.high) {
          finish({ messages, highWatermark: Number(batch.highWatermark) });
        }
      },
    });
  } catch (err) {
    finish(kafkaError(err, settings.brokers, `read ${topic}/${partition}`));
  }
  try {
    const result = await settled;
    if (result instanceof Error) throw result;
    return result;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}
