// Dead letters as messages of a dead-letter topic, on any Transport (Kafka or the in-process log).
import type { ProducedMessage, Transport } from "./types.ts";

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
