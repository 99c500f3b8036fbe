// In-process partitioned log: the embedded stand-in for Kafka. One array per partition, messages kept as
// strings, each appended to the partition it names or to its key's (exactly like Kafka's default partitioner).
import { badInput, CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { ConsumedMessage, ConsumeResult, MessagePosition, ProducedMessage, Transport } from "./types.ts";
import { checkNewTopic, checkRead, targetPartition, topicExists } from "./validate.ts";

interface StoredMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
  timestamp: number;
}

export interface MemoryLogOptions {
  /** Clock for messages produced without a timestamp (ms since the epoch); tests pass a fixed one. */
  now?: () => number;
}

export class MemoryLog implements Transport {
  readonly #topics = new Map<string, StoredMessage[][]>();
  readonly #now: () => number;
  #closed = false;

  constructor(options: MemoryLogOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    this.#checkOpen();
    checkNewTopic(topic, partitions);
    const existing = this.#topics.get(topic);
    if (existing !== undefined) {
      if (existing.length !== partitions) throw topicExists(topic, existing.length, partitions);
      return;
    }
    this.#topics.set(
      topic,
      Array.from({ length: partitions }, () => []),
    );
  }

  async partitionCount(topic: string): Promise<number> {
    return this.#log(topic).length;
  }

  async produce(topic: string, messages: readonly ProducedMessage[]): Promise<MessagePosition[]> {
    const log = this.#log(topic);
    const positions: MessagePosition[] = [];
    for (const m of messages) {
      const partition = targetPartition(topic, m, log.length);
      const queue = log[partition]!;
      positions.push({ partition, offset: queue.length });
      queue.push({
        key: m.key,
        value: m.value,
        headers: m.headers === undefined ? {} : { ...m.headers },
        timestamp: m.timestamp ?? this.#now(),
      });
    }
    return positions;
  }

  async consume(topic: string, partition: number, from: number, max: number): Promise<ConsumeResult> {
    const log = this.#log(topic);
    checkRead(topic, partition, log.length, from, max);
    const queue = log[partition]!;
    const end = Math.min(queue.length, from + max);
    const messages: ConsumedMessage[] = [];
    for (let offset = from; offset < end; offset++) {
      const m = queue[offset]!;
      messages.push({
        offset,
        key: m.key,
        value: m.value,
        headers: { ...m.headers },
        timestamp: m.timestamp,
      });
    }
    return { messages, highWatermark: queue.length };
  }

  async endOffsets(topic: string): Promise<number[]> {
    return this.#log(topic).map((queue) => queue.length);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#topics.clear();
  }

  #checkOpen(): void {
    if (this.#closed) throw badInput("the in-process log was used after close(); create a new MemoryLog");
  }

  #log(topic: string): StoredMessage[][] {
    this.#checkOpen();
    const log = this.#topics.get(topic);
    if (log === undefined) {
      throw new CartstreamError(
        ERROR_CODES.NOT_FOUND,
        `topic ${topic} does not exist in the in-process log; call createTopic(${JSON.stringify(topic)}, partitions) first`,
      );
    }
    return log;
  }
}
