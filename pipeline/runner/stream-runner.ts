// Drives one in-process streaming run: event batches are produced to a transport, the processors consume
// their partitions from their committed offsets, and flush on size or time. The same processors run
// against Kafka in runAggregator (pipeline/service); here the loop pulls from any Transport.
import type { ClickEvent } from "../events/index.ts";
import { eventToNdjson } from "../simulator/index.ts";
import type { ProducedMessage, Transport } from "../transport/index.ts";
import type { FlushResult, PartitionProcessor } from "./processor.ts";

export interface StreamRunOptions {
  transport: Transport;
  topic: string;
  partitions: number;
  /** Event batches in event-time order (virtual or real clock). */
  source: AsyncIterable<ClickEvent[]> | Iterable<ClickEvent[]>;
  /** Partitions are dealt round-robin: partition p goes to processor p % processors.length. */
  processors: PartitionProcessor[];
  /** Flush a processor after this many processed events... */
  flushEvents: number;
  /** ...or this long after its last flush. */
  flushMs: number;
  onProgress?(progress: StreamProgress): void;
  /** Called after every commit with the running commit count (tests use it to crash at a known point). */
  afterCommit?(commits: number, result: FlushResult): void;
}

export interface StreamProgress {
  produced: number;
  processed: number;
  commits: number;
  openSessions: number;
}

export interface StreamRunResult extends StreamProgress {
  /** Offsets the run started from, per partition (non-zero on resume). */
  startOffsets: Map<number, number>;
  upserts: number;
  deadLetters: number;
  elapsedS: number;
}

export async function runStream(opts: StreamRunOptions): Promise<StreamRunResult> {
  const t0 = performance.now();
  const { transport, topic, processors } = opts;
  await transport.createTopic(topic, opts.partitions);
  const positions = new Map<number, number>();
  const owner = new Map<number, PartitionProcessor>();
  for (let i = 0; i < processors.length; i++) {
    const mine = [];
    for (let p = i; p < opts.partitions; p += processors.length) mine.push(p);
    const starts = await processors[i]!.assign(mine);
    for (const [p, off] of starts) {
      positions.set(p, off);
      owner.set(p, processors[i]!);
    }
  }
  const startOffsets = new Map(positions);
  const lastFlush = new Map(processors.map((p) => [p, performance.now()]));
  let produced = 0;
  let processed = 0;
  let commits = 0;
  let upserts = 0;
  let deadLetters = 0;

  const flush = async (proc: PartitionProcessor, final: boolean) => {
    const r = await proc.flush(final);
    lastFlush.set(proc, performance.now());
    commits++;
    upserts += r.upserted;
    deadLetters += r.deadLetters;
    opts.afterCommit?.(commits, r);
  };

  const pump = async () => {
    for (const [p, proc] of owner) {
      for (;;) {
        const from = positions.get(p)!;
        const { messages } = await transport.consume(topic, p, from, 10_000);
        if (messages.length === 0) break;
        proc.process(p, messages);
        positions.set(p, messages[messages.length - 1]!.offset + 1);
        processed += messages.length;
      }
    }
    const now = performance.now();
    for (const proc of processors) {
      if (
        proc.pending >= opts.flushEvents ||
        (proc.pending > 0 && now - lastFlush.get(proc)! >= opts.flushMs)
      ) {
        await flush(proc, false);
      }
    }
    opts.onProgress?.({
      produced,
      processed,
      commits,
      openSessions: processors.reduce((s, x) => s + x.openSessions(), 0),
    });
  };

  for await (const batch of opts.source) {
    const now = Date.now();
    const messages: ProducedMessage[] = batch.map((e) => ({
      key: e.user_id,
      value: eventToNdjson(e),
      headers: { produced_at: String(now) },
      timestamp: now,
    }));
    await transport.produce(topic, messages);
    produced += messages.length;
    await pump();
  }
  await pump();
  for (const proc of processors) await flush(proc, true);
  return {
    produced,
    processed,
    commits,
    openSessions: 0,
    startOffsets,
    upserts,
    deadLetters,
    elapsedS: (performance.now() - t0) / 1000,
  };
}
