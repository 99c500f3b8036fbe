// The validator's own sequencing SQL (validation/sql/sequencing.sql) against hand-made fixtures and, on random
// streams, against the ground truth's sequence_violations column (an independent implementation of the rules).
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClickEvent } from "../../pipeline/events/index.ts";
import { loadEvents, sessionsSqlText } from "../../pipeline/ground-truth/index.ts";
import { countSequenceViolations } from "../../validation/checks/sequencing.ts";
import { FIXTURES, streamArb } from "../pipeline/aggregator/helpers.ts";

// Validation of a full dataset costs several CPU seconds (ground truth, sequencing SQL); CI machines are shared.
const HEAVY_MS = 300_000;

const TIMEOUT_MS = 60_000;
let instance: DuckDBInstance;
let con: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  con = await instance.connect();
}, HEAVY_MS);

afterAll(() => {
  con.closeSync();
  instance.closeSync();
});

/** Loads events into `events` and the ground-truth rows into `sessions`, then counts with the validator's SQL. */
async function count(events: readonly ClickEvent[]) {
  await loadEvents(con, { events });
  await con.run(`CREATE OR REPLACE TABLE sessions AS ${sessionsSqlText()}`, {
    timeout_ms: BigInt(TIMEOUT_MS),
  });
  return countSequenceViolations(con, TIMEOUT_MS);
}

describe("validation sequencing SQL", { timeout: HEAVY_MS }, () => {
  it("counts each rule on the fixture that breaks every rule", async () => {
    const v = await count(FIXTURES["every rule"]!);
    expect(v.byRule).toEqual({
      session_start_first: 2,
      add_after_view: 1,
      remove_in_cart: 1,
      checkout_with_cart: 1,
      purchase_after_checkout: 1,
      nothing_after_end: 2,
    });
    expect(v.anyRule).toBe(8);
    expect(v.sessionsColumnSum).toBe(8);
    expect(v.samples.add_after_view).toEqual(["s7-2000-add_to_cart"]);
    expect(v.samples.nothing_after_end).toEqual(["s7-9000-page_view", "s7-10000-session_end"]);
  });

  it("orders ties by event_id", async () => {
    const v = await count(FIXTURES["ties by event_id"]!);
    expect(v.byRule.session_start_first).toBe(2);
    expect(v.byRule.add_after_view).toBe(1);
    expect(v.samples.add_after_view).toEqual(["x1"]);
    expect(v.anyRule).toBe(v.sessionsColumnSum);
  });

  it("finds nothing on clean sessions and restarts the rules in a new segment after the timeout", async () => {
    const clean = await count([
      ...FIXTURES["purchase path"]!,
      ...FIXTURES["abandoned cart"]!,
      ...FIXTURES.bounce!,
    ]);
    expect(clean.anyRule).toBe(0);
    // "gap splits": the segment after a gap > timeout starts with a page_view, not session_start.
    const split = await count(FIXTURES["gap splits"]!);
    expect(split.byRule.session_start_first).toBe(2);
    expect(split.anyRule).toBe(split.sessionsColumnSum);
  });

  it("all fixtures in one stream agree with the ground truth's sequence_violations", async () => {
    const v = await count(Object.values(FIXTURES).flat());
    expect(v.anyRule).toBe(v.sessionsColumnSum);
    expect(v.anyRule).toBeGreaterThan(0);
  });

  it("random streams: events breaking a rule = sum of the ground truth's sequence_violations", async () => {
    await fc.assert(
      fc.asyncProperty(streamArb(TIMEOUT_MS, 8), async (events) => {
        const v = await count(events);
        expect(v.anyRule).toBe(v.sessionsColumnSum);
        const perRule = Object.values(v.byRule).reduce((a, b) => a + b, 0);
        expect(perRule).toBeGreaterThanOrEqual(v.anyRule);
      }),
      { numRuns: 25, seed: 20251020 },
    );
  });
});
