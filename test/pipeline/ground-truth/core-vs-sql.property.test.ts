// Property: after closeAll, the streaming core's rows equal the DuckDB ground truth over the accepted
// events, row for row (random streams, out-of-order delivery including too-late events, fixed seeds).
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sessionizer, type SessionizerOptions } from "../../../pipeline/aggregator/index.ts";
import { groundTruthSessions } from "../../../pipeline/ground-truth/index.ts";
import {
  bridgingGapArb,
  deliveryOrder,
  feed,
  gapArb,
  Sink,
  streamArb,
  withoutPartition,
} from "../aggregator/helpers.ts";

let instance: DuckDBInstance;
let con: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  con = await instance.connect();
});

afterAll(() => {
  con.closeSync();
  instance.closeSync();
});

const CONFIGS: [string, SessionizerOptions, "mixed" | "bridging"][] = [
  ["defaults", { timeoutMs: 60_000, allowedLatenessMs: 5_000 }, "mixed"],
  ["lateness > timeout", { timeoutMs: 10_000, allowedLatenessMs: 30_000 }, "mixed"],
  ["bridging gaps", { timeoutMs: 10_000, allowedLatenessMs: 30_000 }, "bridging"],
];

describe.each(CONFIGS)("core = DuckDB ground truth: %s", (_name, options, gaps) => {
  it("final rows equal the ground truth over the accepted events", async () => {
    const streams = streamArb(
      options.timeoutMs,
      12,
      gaps === "bridging" ? bridgingGapArb(options.timeoutMs) : gapArb(options.timeoutMs),
    );
    let tooLate = 0;
    await fc.assert(
      fc.asyncProperty(
        streams,
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.integer({ min: 1, max: 20 }),
        // Up to twice the allowed lateness: some events arrive too late and must be left out.
        fc.constantFrom(0, 1, 2),
        async (events, seed, drainEvery, spread) => {
          const sz = new Sessionizer(options);
          const sink = new Sink();
          const delivered = deliveryOrder(events, seed, spread * options.allowedLatenessMs);
          const fed = feed(sz, sink, delivered, drainEvery);
          sink.apply(sz.closeAll());
          tooLate += fed.tooLate.length;
          const truth = await groundTruthSessions(
            { events: fed.accepted },
            { timeoutMs: options.timeoutMs, connection: con },
          );
          expect(withoutPartition(sink.sorted())).toEqual(truth);
        },
      ),
      // A failure shrinks against DuckDB; bound the time so the counterexample is reported before the test timeout.
      { numRuns: 80, seed: 4242, interruptAfterTimeLimit: 240_000, markInterruptAsFailure: true },
    );
    expect(tooLate).toBeGreaterThan(0);
  });
});
