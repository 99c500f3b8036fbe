// In-process partitioned log: the embedded stand-in for Kafka. One array per partition, messages kept as
// strings, keyed messages partitioned exactly like Kafka's default partitioner.
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import { partitionForKey } from "./partitioner.ts";
import type { ConsumedMessage, ConsumeResult, MessagePosition, ProducedMessage, Transport } from "./types.ts";

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
    if (topic.length === 0) throw badInput("topic name must not be empty");
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw badInput(`topic ${topic}: partitions must be a positive integer, got ${partitions}`);
    }
    const existing = this.#topics.get(topic);
    if (existing !== undefined) {
      if (existing.length !== partitions) {
        throw badInput(
          `topic ${topic} already exists with ${existing.length} partitions, asked for ${partitions}; use a new topic name`,
        );
      }
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
      const partition = partitionForKey(m.key, log.length);
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

  async consume(
    topic: string,
    partition: number,
    fromOffset: number,
    maxMessages: number,
  ): Promise<ConsumeResult> {
    const queue = this.#partition(topic, partition);
    if (!Number.isSafeInteger(fromOffset) || fromOffset < 0) {
      throw badInput(
        `topic ${topic} partition ${partition}: fromOffset must be an integer >= 0, got ${fromOffset}`,
      );
    }
    if (!Number.isInteger(maxMessages) || maxMessages < 1) {
      throw badInput(`maxMessages must be a positive integer, got ${maxMessages}`);
    }
    const end = Math.min(queue.length, fromOffset + maxMessages);
    const messages: ConsumedMessage[] = [];
    for (let offset = fromOffset; offset < end; offset++) {
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

  #partition(topic: string, partition: number): StoredMessage[] {
    const log = this.#log(topic);
    const queue = Number.isInteger(partition) ? log[partition] : undefined;
    if (queue === undefined) {
      throw badInput(`topic ${topic} has partitions 0..${log.length - 1}, got partition ${partition}`);
    }
    return queue;
  }
}

function badInput(message: string): CartstreamError {
  return new CartstreamError(ERROR_CODES.BAD_INPUT, message);
}
