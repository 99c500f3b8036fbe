import { describe, expect, it } from "vitest";
import {
  ADD_RESULTS,
  type BaseState,
  type PartitionState,
  type PartitionStateChanges,
  type SegmentState,
  Sessionizer,
} from "../../../pipeline/aggregator/index.ts";
import type { LegacyPartitionState } from "../../../pipeline/aggregator/legacy-state.ts";
import { CartstreamError } from "../../../pipeline/errors/index.ts";
import { ev, FIXTURES, Sink } from "./helpers.ts";

const keys = (rows: { session_id: string }[]) => rows.map((r) => r.session_id).sort();

describe("Sessionizer: emission", () => {
  it("emits whole open rows on drain, only for sessions that changed", () => {
    const sz = new Sessionizer();
    expect(sz.add(ev("session_start", 0), 0)).toBe(ADD_RESULTS.accepted);
    expect(sz.add(ev("page_view", 1_000), 0)).toBe("accepted");
    expect(sz.add(ev("session_start", 500, { session_id: "s2" }), 0)).toBe("accepted");
    const first = sz.drain();
    expect(keys(first.upserts)).toEqual(["s1", "s2"]);
    expect(first.deletes).toEqual([]);
    const s1 = first.upserts.find((r) => r.session_id === "s1")!;
    expect(s1.ended_by).toBeNull();
    expect(s1.end_time).toBeNull();
    expect(s1.event_count).toBe(2);
    expect(s1.kafka_partition).toBe(0);
    expect(sz.drain()).toEqual({ upserts: [], deletes: [], violations: [] });
    sz.add(ev("page_view", 2_000), 0);
    const second = sz.drain();
    expect(keys(second.upserts)).toEqual(["s1"]);
    expect(second.upserts[0]!.event_count).toBe(3);
  });

  it("emits a session_end row at once but keeps the state for late events until the watermark passes", () => {
    const sz = new Sessionizer();
    sz.add(ev("session_start", 0), 0);
    sz.add(ev("session_end", 10_000), 0);
    const ended = sz.drain().upserts[0]!;
    expect(ended.ended_by).toBe("session_end");
    expect(ended.end_time).toBe("2025-10-20T12:00:10.000Z");
    expect(sz.counters(0).openSessions).toBe(1);
    // A late event still joins the segment (and counts as a violation: nothing after session_end).
    sz.add(ev("page_view", 20_000), 0);
    const again = sz.drain().upserts[0]!;
    expect(again.event_count).toBe(3);
    expect(again.sequence_violations).toBe(1);
    expect(again.ended_by).toBe("session_end");
    expect(again.end_time).toBe("2025-10-20T12:00:10.000Z");
  });

  it("closes a segment only when the watermark passes last activity + timeout", () => {
    const sz = new Sessionizer({ timeoutMs: 60_000, allowedLatenessMs: 5_000 });
    sz.add(ev("session_start", 0), 0);
    sz.drain();
    sz.add(ev("session_start", 65_000, { session_id: "s2" }), 0); // watermark 60 000 = last + timeout
    expect(sz.watermark(0)).toBe(T(60_000));
    expect(sz.drain().upserts.map((r) => [r.session_id, r.ended_by])).toEqual([["s2", null]]);
    sz.add(ev("page_view", 65_001, { session_id: "s2" }), 0); // watermark 60 001 > 60 000
    const out = sz.drain();
    const closed = out.upserts.find((r) => r.session_id === "s1")!;
    expect(closed.ended_by).toBe("timeout");
    expect(closed.end_time).toBe(closed.last_activity);
    expect(sz.counters(0)).toMatchObject({ closedSessions: 1, openSessions: 1 });
  });

  it("keeps watermarks per partition", () => {
    const sz = new Sessionizer();
    sz.add(ev("session_start", 0), 0);
    sz.add(ev("session_start", 1_000_000, { session_id: "s2" }), 1);
    expect(sz.drain().upserts.every((r) => r.ended_by === null)).toBe(true);
    expect(sz.watermark(0)).toBe(T(-5_000));
    expect(sz.watermark(1)).toBe(T(995_000));
    expect(sz.watermark(7)).toBeNull();
    expect(sz.partitions()).toEqual([0, 1]);
  });
});

function T(ms: number): number {
  return Date.UTC(2025, 9, 20, 12) + ms;
}

describe("Sessionizer: segments", () => {
  it("splits a gap > timeout into base and base~2, and a gap = timeout does not split", () => {
    const sz = new Sessionizer();
    const sink = new Sink();
    for (const e of FIXTURES["gap splits"]!) sz.add(e, 0);
    sink.apply(sz.drain());
    expect(keys(sink.sorted())).toEqual(["s6", "s6~2", "s6~3"]);
    sink.apply(sz.closeAll());
    const rows = sink.sorted();
    expect(rows.map((r) => [r.session_id, r.segment, r.event_count, r.ended_by])).toEqual([
      ["s6", 1, 2, "timeout"],
      ["s6~2", 2, 2, "timeout"],
      ["s6~3", 3, 1, "timeout"],
    ]);
    expect(rows.every((r) => r.base_session_id === "s6")).toBe(true);
  });

  it("continues numbering after a closed segment was evicted", () => {
    const sz = new Sessionizer();
    const sink = new Sink();
    sz.add(ev("session_start", 0), 0);
    sz.add(ev("page_view", 200_000, { session_id: "other" }), 0); // closes s1
    sink.apply(sz.drain());
    expect(sz.counters(0).closedSessions).toBe(1);
    const bases = sz.exportPartitionState(0).bases;
    expect(bases.map((b) => [b.base_session_id, b.closed, b.segments.length]).sort()).toEqual([
      ["other", 0, 1],
      ["s1", 1, 0],
    ]);
    sz.add(ev("page_view", 200_500), 0); // s1 again, long after: segment 2
    sink.apply(sz.drain());
    expect(keys(sink.sorted())).toEqual(["other", "s1", "s1~2"]);
    expect(sink.rows.get("s1~2")!.segment).toBe(2);
  });

  it("a late event that starts an earlier segment renumbers the later ones", () => {
    const sz = new Sessionizer({ timeoutMs: 1_000, allowedLatenessMs: 10_000 });
    const sink = new Sink();
    sz.add(ev("page_view", 5_000), 0);
    sink.apply(sz.drain());
    expect(sink.rows.get("s1")!.start_time).toBe("2025-10-20T12:00:05.000Z");
    sz.add(ev("session_start", 1_000), 0);
    const out = sz.drain();
    expect(out.deletes).toEqual([]);
    sink.apply(out);
    expect(sink.rows.get("s1")!.start_time).toBe("2025-10-20T12:00:01.000Z");
    expect(sink.rows.get("s1~2")!.start_time).toBe("2025-10-20T12:00:05.000Z");
    expect(sink.rows.get("s1~2")!.segment).toBe(2);
  });

  it("a late event that bridges two segments merges them and deletes the stale key", () => {
    const sz = new Sessionizer({ timeoutMs: 1_000, allowedLatenessMs: 10_000 });
    const sink = new Sink();
    sz.add(ev("session_start", 1_000), 0);
    sz.add(ev("page_view", 3_000), 0);
    sz.add(ev("page_view", 9_000), 0);
    sink.apply(sz.drain());
    expect(keys(sink.sorted())).toEqual(["s1", "s1~2", "s1~3"]);
    sz.add(ev("page_view", 2_000), 0); // 1000 -> 2000 -> 3000: one segment
    const out = sz.drain();
    expect(out.deletes).toEqual(["s1~3"]);
    sink.apply(out);
    expect(sink.sorted().map((r) => [r.session_id, r.event_count])).toEqual([
      ["s1", 3],
      ["s1~2", 1],
    ]);
    expect(sz.counters(0).openSessions).toBe(2);
  });

  it("inserts out-of-order events in (event_time, event_id) order", () => {
    const sz = new Sessionizer();
    const events = FIXTURES["ties by event_id"]!;
    for (const e of [...events].reverse()) sz.add(e, 0);
    const row = sz.closeAll().upserts[0]!;
    expect(row.sequence_violations).toBe(3);
    expect(row.cart_value).toBe(3);
  });
});

describe("Sessionizer: rejected events", () => {
  it("returns too-late events as too_late, counts them and does not apply them", () => {
    const sz = new Sessionizer({ allowedLatenessMs: 5_000 });
    sz.add(ev("session_start", 0), 0);
    sz.add(ev("page_view", 10_000), 0); // watermark 5 000
    const before = sz.drain().upserts[0]!;
    expect(sz.add(ev("page_view", 4_999, { session_id: "s2" }), 0)).toBe(ADD_RESULTS.tooLate);
    expect(sz.add(ev("page_view", 4_999), 0)).toBe("too_late");
    expect(sz.add(ev("page_view", 5_000), 0)).toBe("accepted"); // at the watermark is not late
    const after = sz.drain();
    expect(keys(after.upserts)).toEqual(["s1"]);
    expect(after.upserts[0]!.event_count).toBe(before.event_count + 1);
    expect(sz.counters(0)).toMatchObject({ accepted: 3, tooLate: 2, duplicates: 0 });
  });

  it("ignores and counts duplicates (same event_id at the same time in the same session)", () => {
    const sz = new Sessionizer();
    const e = ev("page_view", 1_000);
    sz.add(ev("session_start", 0), 0);
    sz.add(e, 0);
    sz.add(ev("page_view", 2_000), 0);
    expect(sz.add({ ...e }, 0)).toBe(ADD_RESULTS.duplicate); // out of order: found at its position
    expect(sz.add(ev("page_view", 2_000), 0)).toBe("duplicate"); // in order: the tail
    // The same id elsewhere is a different event (only redeliveries are deduplicated; the SQL does the same).
    expect(sz.add({ ...e, session_id: "s2" }, 0)).toBe("accepted");
    expect(sz.add({ ...e, event_time: "2025-10-20T12:00:01.500Z" }, 0)).toBe("accepted");
    const rows = sz.closeAll().upserts;
    expect(rows.find((r) => r.session_id === "s1")!.page_views).toBe(3);
    expect(sz.counters(0)).toMatchObject({ accepted: 5, duplicates: 2 });
  });

  it("rejects impossible event times", () => {
    const sz = new Sessionizer();
    expect(sz.add({ ...ev("page_view", 0), event_time: "2025-02-30T00:00:00.000Z" }, 0)).toBe("invalid_time");
    expect(sz.counters(0).invalidTime).toBe(1);
    expect(() => sz.add(ev("page_view", 0), -1)).toThrow(CartstreamError);
  });
});

describe("Sessionizer: closeAll and counters", () => {
  it("closes every open segment at the end of the stream", () => {
    const sz = new Sessionizer();
    const sink = new Sink();
    for (const e of FIXTURES["purchase path"]!) sz.add(e, 1);
    for (const e of FIXTURES["abandoned cart"]!) sz.add(e, 2);
    sink.apply(sz.drain());
    expect(sz.counters(1)).toMatchObject({ accepted: 10, openSessions: 1, closedSessions: 0 });
    const final = sz.closeAll();
    sink.apply(final);
    expect(keys(final.upserts)).toEqual(["s1", "s2"]);
    expect(sink.rows.get("s1")!.ended_by).toBe("session_end");
    expect(sink.rows.get("s2")!.ended_by).toBe("timeout");
    expect(sink.rows.get("s2")!.kafka_partition).toBe(2);
    expect(sz.allCounters().map((c) => [c.partition, c.openSessions, c.closedSessions])).toEqual([
      [1, 0, 1],
      [2, 0, 1],
    ]);
    expect(sz.closeAll()).toEqual({ upserts: [], deletes: [], violations: [] });
  });
});

describe("Sessionizer: state", () => {
  it("export / import (through JSON) continues exactly like an uninterrupted run", () => {
    const events = [
      ...FIXTURES["gap splits"]!,
      ...FIXTURES["every rule"]!,
      ...FIXTURES["purchase path"]!,
    ].sort((a, b) => (a.event_time < b.event_time ? -1 : a.event_time > b.event_time ? 1 : 0));
    const cut = Math.floor(events.length / 2);

    const whole = new Sessionizer();
    const wholeSink = new Sink();
    events.forEach((e, i) => {
      whole.add(e, 0);
      if (i % 3 === 0) wholeSink.apply(whole.drain());
    });
    wholeSink.apply(whole.closeAll());

    const first = new Sessionizer();
    const sink = new Sink();
    events.slice(0, cut).forEach((e, i) => {
      first.add(e, 0);
      if (i % 3 === 0) sink.apply(first.drain());
    });
    sink.apply(first.drain());
    const state = JSON.parse(JSON.stringify(first.exportPartitionState(0))) as PartitionState;
    const second = new Sessionizer();
    second.importPartitionState(0, state);
    expect(second.counters(0).openSessions).toBe(first.counters(0).openSessions);
    expect(second.add(events[0]!, 0)).not.toBe("accepted"); // state includes dedup / watermark
    events.slice(cut).forEach((e, i) => {
      second.add(e, 0);
      if (i % 3 === 0) sink.apply(second.drain());
    });
    sink.apply(second.closeAll());
    expect(sink.sorted()).toEqual(wholeSink.sorted());
  });

  it("state changes list each changed base whole: its closed count and open segments", () => {
    const sz = new Sessionizer({ timeoutMs: 1_000, allowedLatenessMs: 10_000 });
    sz.add(ev("session_start", 1_000), 0);
    sz.add(ev("page_view", 3_000), 0);
    sz.drain();
    const count = (s: SegmentState) => (s.acc?.count ?? 0) + s.tail.length;
    let changes = sz.exportStateChanges(0);
    expect(changes.bases.map((b) => [b.base_session_id, b.closed, b.segments.map(count)])).toEqual([
      ["s1", 0, [1, 1]],
    ]);
    expect(changes.maxEventTimeMs).toBe(T(3_000));
    expect(sz.exportStateChanges(0).bases).toEqual([]);

    sz.add(ev("page_view", 2_000), 0); // merge
    sz.drain();
    changes = sz.exportStateChanges(0);
    expect(
      changes.bases.map((b) => [b.base_session_id, b.segments.map((x) => [x.segment, count(x)])]),
    ).toEqual([["s1", [[1, 3]]]]);

    sz.add(ev("page_view", 20_000, { session_id: "s2" }), 0); // watermark 10 000 closes s1
    sz.drain();
    changes = sz.exportStateChanges(0);
    expect(changes.bases.map((b) => [b.base_session_id, b.closed, b.segments.length])).toEqual([
      ["s2", 0, 1],
      ["s1", 1, 0],
    ]);
  });

  it("keeps an open session's state compact: folded metrics plus the events within the lateness", () => {
    const sz = new Sessionizer({ timeoutMs: 60_000, allowedLatenessMs: 5_000 });
    const sizes: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      sz.add(ev(i === 0 ? "session_start" : "page_view", i * 1_000, { event_id: `e${i}` }), 0);
      if (i % 50 === 49) {
        sz.drain();
        sizes.push(JSON.stringify(sz.exportPartitionState(0)).length);
      }
    }
    const seg = sz.exportPartitionState(0).bases[0]!.segments[0]!;
    expect(seg.acc!.count + seg.tail.length).toBe(2_000);
    // Events at or after the watermark (max - 5 s) stay unfolded: late events may still sort before them.
    expect(seg.tail.map((e) => e.event_id)).toEqual(["e1994", "e1995", "e1996", "e1997", "e1998", "e1999"]);
    expect(Math.max(...sizes)).toBeLessThan(4_000);
    expect(sizes.at(-1)).toBeLessThanOrEqual(sizes[1]! + 50);
  });

  it("persisted state changes folded together import like a full export", () => {
    const sz = new Sessionizer({ timeoutMs: 1_000, allowedLatenessMs: 3_000 });
    const store = new Map<string, BaseState>();
    let maxEventTimeMs: number | null = null;
    const persist = (c: PartitionStateChanges) => {
      for (const b of c.bases) store.set(b.base_session_id, b);
      maxEventTimeMs = c.maxEventTimeMs;
    };
    const times = [0, 500, 4_000, 2_500, 7_000, 1_900, 9_000, 8_200, 12_000];
    times.forEach((t, i) => {
      sz.add(ev("page_view", t, { session_id: i % 2 === 0 ? "a" : "b", event_id: `e${i}` }), 0);
      sz.drain();
      persist(sz.exportStateChanges(0));
    });
    const folded: PartitionState = { version: 2, partition: 0, maxEventTimeMs, bases: [...store.values()] };
    const full = sz.exportPartitionState(0);
    const norm = (s: PartitionState) => ({
      ...s,
      bases: [...s.bases].sort((x, y) => (x.base_session_id < y.base_session_id ? -1 : 1)),
    });
    expect(norm(folded)).toEqual(norm(full));
  });

  it("rejects inconsistent state with a coded error", () => {
    const sz = new Sessionizer();
    const bad: LegacyPartitionState = {
      version: 1,
      partition: 0,
      maxEventTimeMs: null,
      segments: [{ key: "s1~2", base_session_id: "s1", segment: 2, events: [ev("page_view", 0)] }],
      closedCounts: [],
    };
    const legacy = (s: LegacyPartitionState) => s as unknown as PartitionState;
    expect(() => sz.importPartitionState(0, legacy(bad))).toThrow(/should be s1/);
    expect(() =>
      sz.importPartitionState(0, legacy({ ...bad, closedCounts: [{ base_session_id: "s1", closed: 1 }] })),
    ).not.toThrow();
  });
});

describe("Sessionizer: imported state is checked before it is trusted", () => {
  const at = (ms: number) => Date.parse(ev("page_view", ms).event_time);
  // Version 1 (whole event lists, as stored before the accumulator state) is still imported.
  const good = (): LegacyPartitionState => ({
    version: 1,
    partition: 0,
    maxEventTimeMs: at(2_000),
    segments: [
      { key: "s1", base_session_id: "s1", segment: 1, events: [ev("page_view", 0), ev("page_view", 1_000)] },
    ],
    closedCounts: [],
  });
  const importError = (state: unknown) => {
    try {
      new Sessionizer().importPartitionState(0, state as unknown as PartitionState);
    } catch (err) {
      return err as CartstreamError;
    }
    throw new Error("the import was accepted");
  };

  it("accepts what the core exports and continues from it", () => {
    const sz = new Sessionizer();
    sz.importPartitionState(0, good() as unknown as PartitionState);
    expect(sz.counters(0)).toMatchObject({ openSessions: 1, watermarkMs: at(2_000) - 5_000 });
    expect(sz.closeAll().upserts.map((r) => [r.session_id, r.event_count])).toEqual([["s1", 2]]);
  });

  it.each([
    [
      "an event time that does not parse (it would sort as NaN)",
      (s: LegacyPartitionState) => {
        s.segments[0]!.events[1] = { ...s.segments[0]!.events[1]!, event_time: "2025-13-40T99:00:00.000Z" };
      },
      /event_time "2025-13-40T99:00:00.000Z", not a valid time/,
    ],
    [
      "an event of another session",
      (s: LegacyPartitionState) => {
        s.segments[0]!.events[0] = { ...s.segments[0]!.events[0]!, session_id: "s2" };
      },
      /belongs to session "s2"/,
    ],
    [
      "events after the partition's maxEventTimeMs",
      (s: LegacyPartitionState) => {
        s.maxEventTimeMs = at(500);
      },
      /has events after maxEventTimeMs \d+/,
    ],
    [
      "a segment number that is not an integer",
      (s: LegacyPartitionState) => {
        s.segments[0]!.segment = Number.NaN;
      },
      /has number null, expected an integer >= 1/,
    ],
    [
      "a negative closed count",
      (s: LegacyPartitionState) => {
        s.closedCounts.push({ base_session_id: "s9", closed: -1 });
      },
      /closed count .* is not \{ base_session_id, closed >= 0 \}/,
    ],
    [
      "an event without an id",
      (s: LegacyPartitionState) => {
        s.segments[0]!.events[0] = { event_time: "2025-10-20T12:00:00.000Z" } as never;
      },
      /an event without a string event_id and event_time/,
    ],
  ])("rejects %s with CS_BAD_STATE", (_what, spoil, message) => {
    const state = good();
    spoil(state);
    const err = importError(state);
    expect(err).toBeInstanceOf(CartstreamError);
    expect(err.code).toBe("CS_BAD_STATE");
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(
      /^partition 0: cannot import sessionizer state: .*; expected the output of exportPartitionState/,
    );
  });
});

describe("Sessionizer: imported accumulator state is checked before it is trusted", () => {
  const exported = (): PartitionState => {
    const sz = new Sessionizer();
    for (let i = 0; i < 20; i++)
      sz.add(ev(i === 0 ? "session_start" : "page_view", i * 1_000, { event_id: `e${i}` }), 0);
    sz.drain();
    return JSON.parse(JSON.stringify(sz.exportPartitionState(0)));
  };
  const codeOf = (state: PartitionState) => {
    try {
      new Sessionizer().importPartitionState(0, state);
    } catch (err) {
      return [(err as CartstreamError).code, (err as Error).message];
    }
    return ["accepted", ""];
  };

  it("round-trips the exported accumulators", () => {
    const state = exported();
    const seg = state.bases[0]!.segments[0]!;
    expect(seg.acc!.count).toBeGreaterThan(0);
    expect(seg.tail.length).toBeGreaterThan(0);
    const sz = new Sessionizer();
    sz.importPartitionState(0, state);
    expect(sz.closeAll().upserts.map((r) => [r.session_id, r.event_count, r.page_views])).toEqual([
      ["s1", 20, 19],
    ]);
  });

  it.each([
    [
      "folded events at or after the watermark",
      (s: PartitionState) => {
        s.maxEventTimeMs = Date.parse(s.bases[0]!.segments[0]!.acc!.last) + 4_000;
      },
      /folded events at or after the watermark/,
    ],
    [
      "an accumulator with a missing count",
      (s: PartitionState) => {
        (s.bases[0]!.segments[0]!.acc as { counts: number[] }).counts = [1, 2];
      },
      /acc is not an accumulator/,
    ],
    [
      "unfolded events before the folded ones",
      (s: PartitionState) => {
        const seg = s.bases[0]!.segments[0]!;
        seg.tail[0] = ev("page_view", 0, { event_id: "early" });
      },
      /unfolded events before its folded ones/,
    ],
    [
      "a base listed twice",
      (s: PartitionState) => {
        s.bases.push(s.bases[0]!);
      },
      /base s1 is listed twice/,
    ],
  ])("rejects %s with CS_BAD_STATE", (_what, spoil, message) => {
    const state = exported();
    spoil(state);
    const [code, text] = codeOf(state);
    expect(code).toBe("CS_BAD_STATE");
    expect(text).toMatch(message);
  });
});

describe("Sessionizer: sequencing violations of closed sessions", () => {
  it("reports each violating event with its rules once, when its session closes, judged in event-time order", async () => {
    const { Sessionizer } = await import("../../../pipeline/aggregator/index.ts");
    const { ev } = await import("./helpers.ts");
    const sz = new Sessionizer({ timeoutMs: 60_000, allowedLatenessMs: 5_000 });
    // Delivered out of order: the product_view (t=2s) arrives after the add_to_cart (t=3s). Judged in
    // event-time order that is fine; the purchase without a checkout is not.
    sz.add(ev("session_start", 0), 0);
    sz.add(ev("add_to_cart", 3_000, { product_id: "p1", cart_value: 10 }), 0);
    sz.add(ev("product_view", 2_000, { product_id: "p1" }), 0);
    sz.add(ev("purchase", 4_000, { cart_value: 10 }), 0);
    expect(sz.drain().violations).toEqual([]); // still open: nothing reported yet
    const closed = sz.closeAll();
    expect(closed.violations).toHaveLength(1);
    expect(closed.violations[0]!.event.event_type).toBe("purchase");
    expect(closed.violations[0]!.session_id).toBe("s1");
    expect(closed.violations[0]!.rules.length).toBeGreaterThan(0);
    expect(closed.upserts[0]!.sequence_violations).toBe(1);
    expect(sz.closeAll().violations).toEqual([]);
  });
});
