import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance, quotedString } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sessionizer } from "../../../pipeline/aggregator/index.ts";
import type { ClickEvent } from "../../../pipeline/events/index.ts";
import {
  compareSessions,
  groundTruthSessions,
  loadEvents,
  runSessionsSql,
} from "../../../pipeline/ground-truth/index.ts";
import type { SessionRow } from "../../../pipeline/model/index.ts";
import { ev, FIXTURES, Sink, sortEvents, withoutPartition } from "../aggregator/helpers.ts";

function coreRows(events: readonly ClickEvent[], timeoutMs = 60_000): SessionRow[] {
  const sz = new Sessionizer({ timeoutMs });
  const sink = new Sink();
  for (const e of events) {
    if (sz.add(e, 0) === "too_late") throw new Error(`fixture event ${e.event_id} is too late`);
  }
  sink.apply(sz.drain());
  sink.apply(sz.closeAll());
  return sink.sorted();
}

// In time order: the fixtures overlap in time, and the core would find later fixtures too late otherwise.
const ALL = sortEvents(Object.values(FIXTURES).flat());

let instance: DuckDBInstance;
let con: DuckDBConnection;
// A directory whose name needs quoting in SQL.
const dir = join(tmpdir(), `cartstream-gt-'q-${randomUUID()}`);

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  con = await instance.connect();
  mkdirSync(dir, { recursive: true });
});

afterAll(() => {
  con.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe("ground truth = core on hand-made event lists", () => {
  it.each(Object.keys(FIXTURES))("%s", async (name) => {
    const events = FIXTURES[name]!;
    const expected = withoutPartition(coreRows(events));
    const actual = await groundTruthSessions({ events }, { connection: con });
    expect(actual).toEqual(expected);
  });

  it("all fixtures in one stream, in a fresh database, compared in DuckDB", async () => {
    const core = coreRows(ALL);
    const gt = await groundTruthSessions({ events: ALL });
    expect(gt.length).toBe(13);
    const cmp = await compareSessions(gt, core);
    expect(cmp).toMatchObject({ equal: true, expectedCount: 13, actualCount: 13 });
    expect(cmp.onlyInExpected).toEqual({ count: 0, samples: [] });
  });

  it("uses the given timeout", async () => {
    const events = FIXTURES["gap splits"]!;
    const gt = await groundTruthSessions({ events }, { timeoutMs: 200_000, connection: con });
    expect(gt.map((r) => [r.session_id, r.event_count])).toEqual([
      ["s6", 4],
      ["s6~2", 1],
    ]);
    expect(gt).toEqual(withoutPartition(coreRows(events, 200_000)));
  });

  it("drops redelivered duplicates (same event_id)", async () => {
    const events = FIXTURES["purchase path"]!;
    const gt = await groundTruthSessions({ events: [...events, ...events.slice(2, 6)] }, { connection: con });
    expect(gt).toEqual(withoutPartition(coreRows(events)));
  });
});

describe("event sources", () => {
  it("reads Parquet (event_time as TIMESTAMP or text) and NDJSON like the in-memory list", async () => {
    const expected = await groundTruthSessions({ events: ALL }, { connection: con });
    await loadEvents(con, { events: ALL });
    const parquet = join(dir, "events.parquet");
    await con.run(`COPY events TO ${quotedString(parquet)} (FORMAT parquet)`);
    const parquetText = join(dir, "events-text.parquet");
    await con.run(
      `COPY (SELECT * REPLACE (strftime(event_time, '%Y-%m-%dT%H:%M:%S.%gZ') AS event_time) FROM events) TO ${quotedString(parquetText)} (FORMAT parquet)`,
    );
    const ndjson = join(dir, "events.ndjson");
    writeFileSync(ndjson, `${ALL.map((e) => JSON.stringify(e)).join("\n")}\n`);

    expect(await groundTruthSessions({ parquet }, { connection: con })).toEqual(expected);
    expect(await groundTruthSessions({ parquet: parquetText }, { connection: con })).toEqual(expected);
    expect(await groundTruthSessions({ ndjson }, { connection: con })).toEqual(expected);
  });

  it("fills columns a Parquet file lacks with NULL", async () => {
    const events = FIXTURES["persona late"]!;
    await loadEvents(con, { events });
    const parquet = join(dir, "narrow.parquet");
    await con.run(
      `COPY (SELECT * EXCLUDE (persona, intended_outcome) FROM events) TO ${quotedString(parquet)} (FORMAT parquet)`,
    );
    const rows = await groundTruthSessions({ parquet }, { connection: con });
    expect(rows[0]!.persona).toBeNull();
    expect(rows[0]!.event_count).toBe(3);
  });

  it("reports an unreadable file with a coded error", async () => {
    await expect(groundTruthSessions({ parquet: join(dir, "missing.parquet") })).rejects.toMatchObject({
      code: "CS_BAD_INPUT",
    });
  });

  it("runSessionsSql works on an events table the caller loaded", async () => {
    await loadEvents(con, { events: FIXTURES.bounce! });
    const rows = await runSessionsSql(con);
    expect(rows.map((r) => [r.session_id, r.bounce, r.ended_by])).toEqual([["s3", true, "timeout"]]);
  });
});

describe("compareSessions", () => {
  it("reports differences both ways with counts and samples", async () => {
    const expected = coreRows(ALL);
    const actual = expected.map((r) => ({ ...r }));
    actual[0] = { ...actual[0]!, page_views: actual[0]!.page_views + 1 }; // changed
    const missing = actual.splice(1, 1)[0]!; // missing
    actual.push({ ...missing, session_id: "zz-extra", base_session_id: "zz-extra" }); // extra
    const cmp = await compareSessions(expected, actual, { sampleSize: 1, connection: con });
    expect(cmp.equal).toBe(false);
    expect(cmp.expectedCount).toBe(13);
    expect(cmp.actualCount).toBe(13);
    expect(cmp.onlyInExpected.count).toBe(2);
    expect(cmp.onlyInActual.count).toBe(2);
    expect(cmp.onlyInExpected.samples).toHaveLength(1);
    const { kafka_partition: _p, ...firstExpected } = expected[0]!;
    expect(cmp.onlyInExpected.samples[0]).toEqual(firstExpected);
    expect(cmp.onlyInActual.samples[0]!.page_views).toBe(expected[0]!.page_views + 1);
  });

  it("accepts rows as a store returns them (Date, numeric strings, bigint)", async () => {
    const expected = coreRows(ALL);
    const fromStore = expected.map((r) => ({
      ...r,
      start_time: new Date(r.start_time),
      end_time: r.end_time === null ? null : new Date(r.end_time),
      last_activity: new Date(r.last_activity),
      cart_value: r.cart_value.toFixed(2),
      purchase_value: r.purchase_value.toFixed(2),
      avg_time_per_page: r.avg_time_per_page.toFixed(2),
      event_count: BigInt(r.event_count),
    }));
    const cmp = await compareSessions(expected, fromStore);
    expect(cmp.equal).toBe(true);
  });

  it("does not confuse a timeout end with an open session", async () => {
    const closed = coreRows([ev("session_start", 0)]);
    const open = closed.map((r) => ({ ...r, end_time: null, ended_by: null }));
    const cmp = await compareSessions(closed, open, { connection: con });
    expect(cmp.onlyInExpected.count).toBe(1);
    expect(cmp.onlyInActual.samples[0]!.ended_by).toBeNull();
  });
});
