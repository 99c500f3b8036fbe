// What one aggregator does with the group consumer's callbacks: assignment loads the partitions from the
// store, batches go through the processor, commits happen on size or time, and a fenced commit reloads.
// Every processor call goes through one chain, so kafkajs callbacks and the flush timer never interleave.
import { CartstreamError, FencedError } from "../errors/index.ts";
import type { PipelineMetrics } from "../metrics/index.ts";
import type { PartitionProcessor } from "../runner/index.ts";
import type { ConsumedMessage } from "../transport/index.ts";

export interface AggregatorLoopOptions {
  processor: PartitionProcessor;
  metrics: PipelineMetrics;
  /** Commit once this many events are pending. */
  flushEvents: number;
  log(line: string): void;
  afterCommit?(commits: number): void;
  /** Resolves once the store answers again (after a failed commit); default: at once. */
  storeReady?(): Promise<void>;
}

/** The consumer's part the loop needs: reloading partitions from the store after a fenced commit. */
export interface Reloader {
  reload(partitions: readonly number[]): void;
}

export class AggregatorLoop {
  private chain: Promise<unknown> = Promise.resolve();
  private commits = 0;
  /** Set once the group consumer runs (it is created with this loop's callbacks). */
  consumer: Reloader | null = null;

  constructor(private readonly o: AggregatorLoopOptions) {}

  /** Runs `fn` after everything queued before it, whether that failed or not. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }

  /** Commits what the processor holds; a fenced commit reloads the partitions and re-reads from there. */
  flush(): Promise<void> {
    return this.serial(async () => {
      const proc = this.o.processor;
      const owned = proc.ownedPartitions();
      if (owned.length === 0) return;
      try {
        await proc.flush(false);
      } catch (err) {
        if (err instanceof FencedError) {
          // The previous owner committed after we loaded: the processor already dropped its uncommitted work.
          this.o.log(`fenced, reloading partitions ${owned.join(",")}: ${err.message}`);
          this.consumer?.reload(owned);
          return;
        }
        // Not fenced, failed (PostgreSQL restarting, the dead-letter topic away): the processor dropped
        // the partitions too, since what it drained for this commit is gone; reload them from the last
        // commit once the store answers again. Until then their messages are ignored, then re-read.
        this.o.log(
          `commit failed, reloading partitions ${owned.join(",")} once the store answers: ${(err as Error).message}`,
        );
        this.reloadWhenReady(owned);
        return;
      }
      this.commits++;
      this.o.afterCommit?.(this.commits);
    });
  }

  onAssigned(partitions: number[]): Promise<ReadonlyMap<number, number>> {
    return this.serial(async () => {
      const starts = await this.assignWhenReady(partitions);
      this.o.log(
        `assigned partitions ${partitions.join(",")} (start offsets ${[...starts.values()].join(",")})`,
      );
      return starts;
    });
  }

  async onBatch(partition: number, messages: ConsumedMessage[], highWatermark: number): Promise<void> {
    const { processor: proc, metrics } = this.o;
    await this.serial(async () => {
      const before = proc.counters.accepted;
      const dupBefore = proc.counters.duplicates;
      proc.process(partition, messages);
      metrics.consumed(messages.length);
      metrics.accepted(proc.counters.accepted - before);
      metrics.duplicates(proc.counters.duplicates - dupBefore);
      const next = proc.nextOffset(partition);
      if (next !== undefined) metrics.setLag(partition, Math.max(0, highWatermark - next));
      metrics.setOpenSessions(proc.openSessions());
    });
    if (proc.pending >= this.o.flushEvents) await this.flush();
  }

  onRevoked(partitions: number[]): Promise<void> {
    return this.serial(async () => {
      const proc = this.o.processor;
      const owned = proc.ownedPartitions();
      try {
        await proc.flush(false);
      } catch (err) {
        // A failed commit, fenced or not, dropped every partition of this processor: reload the ones we keep.
        const kept = owned.filter((p) => !partitions.includes(p));
        if (err instanceof FencedError) {
          if (kept.length > 0) this.consumer?.reload(kept);
        } else {
          this.o.log(`flush before revoke failed: ${(err as Error).message}`);
          if (kept.length > 0) this.reloadWhenReady(kept);
        }
      }
      proc.revoke(partitions);
      this.o.log(`revoked partitions ${partitions.join(",")}`);
    });
  }

  /** Loads partitions from the store; while the store is away (retriable), waits for it and tries again. */
  private async assignWhenReady(partitions: number[]): Promise<ReadonlyMap<number, number>> {
    for (;;) {
      try {
        return await this.o.processor.assign(partitions);
      } catch (err) {
        if (!(err instanceof CartstreamError && err.retriable) || !this.o.storeReady) throw err;
        this.o.log(
          `loading partitions ${partitions.join(",")} failed, retrying once the store answers: ${err.message}`,
        );
        await this.o.storeReady();
      }
    }
  }

  private reloadWhenReady(partitions: readonly number[]): void {
    void (this.o.storeReady?.() ?? Promise.resolve()).then(
      () => this.consumer?.reload(partitions),
      (err: unknown) => this.o.log(`the store did not come back: ${(err as Error).message}`),
    );
  }

  /** Resolves once everything queued so far has run. */
  idle(): Promise<void> {
    return this.serial(async () => {});
  }
}

/**
 * Done = every partition's end-of-stream marker was processed and its closing commit made (being caught
 * up is not enough: a live producer may still be sending).
 */
export function streamFinished(
  endOffsets: readonly number[],
  stored: ReadonlyMap<number, { nextOffset: number; state: unknown }>,
): boolean {
  return (
    endOffsets.length > 0 &&
    endOffsets.every((end, p) => {
      const o = stored.get(p);
      return (
        o !== undefined && o.nextOffset >= end && (o.state as { ended?: boolean } | null)?.ended === true
      );
    })
  );
}
