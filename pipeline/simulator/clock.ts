// Clocks. virtual: events as fast as the consumer takes them. real: each event is released when the
// wall clock reaches its event time (scaled by `speed`), so a live run streams at the configured rate.
// Both see the same event sequence; only the release time differs.

export type ClockName = "virtual" | "real";
export const CLOCKS = ["virtual", "real"] as const satisfies readonly ClockName[];

export interface PaceOptions {
  /** Event time (ms) that maps to the wall-clock start. */
  startTimeMs: number;
  /** Simulated seconds per wall-clock second (1 = live). */
  speed: number;
  /** Injectable for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

/** A timer that an abort ends early, so that a stop request does not wait for the next event's time. */
function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Yields batches of events whose time has come on the wall clock. */
export async function* paceRealTime<T extends { event_time: string }>(
  events: Iterable<T>,
  opts: PaceOptions,
): AsyncGenerator<T[], void, void> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => sleepUnlessAborted(ms, opts.signal));
  const wallStart = now();
  let batch: T[] = [];
  for (const e of events) {
    if (opts.signal?.aborted) return;
    const due = wallStart + (Date.parse(e.event_time) - opts.startTimeMs) / opts.speed;
    const wait = due - now();
    if (wait > 1) {
      if (batch.length) {
        yield batch;
        batch = [];
      }
      await sleep(wait);
    }
    // Aborted while waiting: this event's time has not come, so it is not released.
    if (opts.signal?.aborted) return;
    batch.push(e);
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Virtual clock: batches as fast as the consumer takes them. */
export function* virtualBatches<T>(
  source: { nextBatch(max: number): T[] },
  size: number,
): Generator<T[], void, void> {
  for (;;) {
    const batch = source.nextBatch(size);
    if (batch.length === 0) return;
    yield batch;
  }
}
