// kafkajs errors as coded CartstreamErrors: an unreachable broker is SERVICE_UNAVAILABLE (retriable, with
// how to start one), an unknown topic NOT_FOUND, anything else keeps kafkajs's message and retriable flag.
import { CartstreamError, ERROR_CODES, serviceUnavailable } from "../../errors/index.ts";

export const KAFKA_HINT = "start one with `make infra-up` (or bash scripts/kafka/kafka.sh up)";

/** kafkajs error names (public: KafkaJSError subclasses) that mean "no usable connection". */
const CONNECTION_ERRORS = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSBrokerNotFound",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSRequestTimeoutError",
]);

/** The error and its causes (kafkajs wraps retried failures in `cause` or `originalError`). */
function causeChain(err: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = err;
  while (current instanceof Error && chain.length < 10) {
    chain.push(current);
    const next = (current as { cause?: unknown; originalError?: unknown }).cause;
    current = next ?? (current as { originalError?: unknown }).originalError;
  }
  return chain;
}

/** Maps a kafkajs error to a CartstreamError naming the operation (`what`) and the brokers. */
export function kafkaError(err: unknown, brokers: readonly string[], what: string): CartstreamError {
  if (err instanceof CartstreamError) return err;
  const url = brokers.join(",");
  const chain = causeChain(err);
  if (chain.some((e) => CONNECTION_ERRORS.has(e.name))) {
    return serviceUnavailable("Kafka", url, chain[chain.length - 1] ?? err, KAFKA_HINT);
  }
  const unknownTopic = chain.find((e) => (e as { type?: string }).type === "UNKNOWN_TOPIC_OR_PARTITION");
  if (unknownTopic !== undefined) {
    return new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `${what}: the topic does not exist on Kafka at ${url} (auto-creation is off); create it first (createTopic)`,
      { cause: err },
    );
  }
  const last = chain[chain.length - 1];
  const retriable = chain.some((e) => (e as { retriable?: boolean }).retriable === true);
  return new CartstreamError(
    ERROR_CODES.SERVICE_UNAVAILABLE,
    `${what} failed on Kafka at ${url}: ${last?.message ?? String(err)}`,
    { retriable, cause: err },
  );
}

export function topicNotFound(topic: string): CartstreamError {
  return new CartstreamError(
    ERROR_CODES.NOT_FOUND,
    `topic ${topic} does not exist on Kafka (auto-creation is off); call createTopic(${JSON.stringify(topic)}, partitions) first`,
  );
}

export function notAcknowledged(message: string): CartstreamError {
  return new CartstreamError(ERROR_CODES.SERVICE_UNAVAILABLE, message, { retriable: true });
}
