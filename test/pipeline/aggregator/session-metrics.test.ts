import { describe, expect, it } from "vitest";
import {
  avgTimePerPageCentis,
  computeSessionRow,
  parseEventTime,
  type SegmentInfo,
  toCents,
} from "../../../pipeline/aggregator/index.ts";
import type { ClickEvent } from "../../../pipeline/events/index.ts";
import { ev, FIXTURES, session, sortEvents } from "./helpers.ts";

const closed = (base: string): SegmentInfo => ({
  base_session_id: base,
  segment: 1,
  closed: true,
  kafka_partition: 2,
});
const row = (events: ClickEvent[], info: Partial<SegmentInfo> = {}) =>
  computeSessionRow(sortEvents(events), { ...closed(events[0]!.session_id), ...info });

describe("parseEventTime", () => {
  it("parses the schema's form exactly like Date.parse", () => {
    for (const s of [
      "2025-10-20T12:00:00.000Z",
      "2024-02-29T23:59:59.999Z",
      "1999-12-31T00:00:00.001Z",
      "2025-10-21T00:00:00.000Z",
      "2025-10-20T12:00:00.000Z",
    ]) {
      expect(parseEventTime(s)).toBe(Date.parse(s));
    }
  });

  it("returns NaN for impossible dates and times, and falls back to Date.parse for other forms", () => {
    for (const s of [
      "2025-02-29T00:00:00.000Z",
      "2025-13-01T00:00:00.000Z",
      "2025-10-20T24:00:00.000Z",
      "2025-10-20T12:60:00.000Z",
      "2025-1a-20T12:00:00.000Z",
      "not a time",
    ]) {
      expect(parseEventTime(s)).toBeNaN();
    }
    expect(parseEventTime("2025-10-20T12:00:00Z")).toBe(Date.UTC(2025, 9, 20, 12));
  });
});

describe("computeSessionRow", () => {
  it("computes every column of a purchase session", () => {
    expect(row(FIXTURES["purchase path"]!)).toEqual({
      session_id: "s1",
      user_id: "u1",
      start_time: "2025-10-20T12:00:00.000Z",
      end_time: "2025-10-20T12:01:30.500Z",
      last_activity: "2025-10-20T12:01:30.500Z",
      device_type: "desktop",
      browser: "Firefox",
      page_views: 1,
      products_viewed: 3,
      unique_products_viewed: 2,
      searches: 1,
      cart_additions: 1,
      cart_removals: 0,
      cart_value: 21.98,
      is_converted: true,
      purchase_value: 21.98,
      session_duration_seconds: 90,
      avg_time_per_page: 22.63, // 90.5 s / 4 views = 22.625 -> half up
      bounce: false,
      base_session_id: "s1",
      segment: 1,
      event_count: 10,
      checkouts: 1,
      purchases: 1,
      ended_by: "session_end",
      persona: "intent_buyer",
      intended_outcome: "purchase",
      abandonment_reason: null,
      sequence_violations: 0,
      kafka_partition: 2,
    });
  });

  it("takes cart_value and abandonment_reason from the last event that carries them", () => {
    const r = row(FIXTURES["abandoned cart"]!);
    expect(r.cart_value).toBe(11.75);
    expect(r.abandonment_reason).toBe("unexpected_shipping_costs");
    expect(r.is_converted).toBe(false);
    expect(r.purchase_value).toBe(0);
    expect([r.cart_additions, r.cart_removals, r.page_views, r.products_viewed]).toEqual([2, 1, 2, 2]);
    expect(r.ended_by).toBe("timeout");
    expect(r.end_time).toBe(r.last_activity);
    expect(r.session_duration_seconds).toBe(33);
    expect(r.avg_time_per_page).toBe(8.33);
  });

  it("open segments have no end_time / ended_by unless they saw session_end", () => {
    const open = row(FIXTURES["abandoned cart"]!, { closed: false });
    expect(open.end_time).toBeNull();
    expect(open.ended_by).toBeNull();
    const ended = row(FIXTURES["purchase path"]!, { closed: false });
    expect(ended.end_time).toBe("2025-10-20T12:01:30.500Z");
    expect(ended.ended_by).toBe("session_end");
  });

  it("end_time is the last session_end even when events follow it", () => {
    const r = row(
      session([
        ["session_start", 0],
        ["session_end", 1_000],
        ["page_view", 2_000],
        ["session_end", 3_000],
        ["page_view", 4_000],
      ]),
    );
    expect(r.end_time).toBe("2025-10-20T12:00:03.000Z");
    expect(r.last_activity).toBe("2025-10-20T12:00:04.000Z");
  });

  it("bounce = exactly one page or product view and nothing else", () => {
    expect(row(FIXTURES.bounce!).bounce).toBe(true);
    expect(row(FIXTURES["single event"]!).bounce).toBe(true);
    expect(
      row(
        session([
          ["session_start", 0],
          ["product_view", 1],
        ]),
      ).bounce,
    ).toBe(true);
    expect(
      row(
        session([
          ["session_start", 0],
          ["page_view", 1],
          ["page_view", 2],
        ]),
      ).bounce,
    ).toBe(false);
    expect(
      row(
        session([
          ["session_start", 0],
          ["page_view", 1],
          ["search", 2],
        ]),
      ).bounce,
    ).toBe(false);
    expect(row(FIXTURES["no views"]!).bounce).toBe(false);
  });

  it("avg_time_per_page is 0 without views and rounds half up in integers", () => {
    expect(row(FIXTURES["no views"]!).avg_time_per_page).toBe(0);
    expect(row(FIXTURES["avg time rounding"]!).avg_time_per_page).toBe(1.34);
    expect(avgTimePerPageCentis(0, 3)).toBe(0);
    expect(avgTimePerPageCentis(5, 1)).toBe(1); // 0.005 s -> 0.01
    expect(avgTimePerPageCentis(4, 1)).toBe(0); // 0.004 s -> 0.00
    expect(avgTimePerPageCentis(2_000, 3)).toBe(67); // 0.6667 -> 0.67
    expect(avgTimePerPageCentis(1_000, 3)).toBe(33);
  });

  it("duration floors to whole seconds", () => {
    expect(
      row(
        session([
          ["session_start", 0],
          ["page_view", 1_999],
        ]),
      ).session_duration_seconds,
    ).toBe(1);
    expect(row(FIXTURES["single event"]!).session_duration_seconds).toBe(0);
  });

  it("money is summed in cents with half-up rounding per value", () => {
    const r = row(FIXTURES["money rounding"]!);
    expect(r.purchase_value).toBe(1.4); // round(28.4999..) + round(111.5000..1) = 28 + 112 cents
    expect(r.cart_value).toBe(0.1);
    // value * 100 in binary floating point, then half up: the SQL cast rounds the same way (ground-truth tests)
    expect(toCents(1.005)).toBe(100); // 100.49999999999999
    expect(toCents(2.675)).toBe(268); // 267.5
    expect(toCents(0.145)).toBe(14); // 14.499999999999998
    expect(toCents(19.99)).toBe(1999); // 1998.9999999999998
  });

  it("counts distinct products over product_view only", () => {
    const r = row(
      session([
        ["session_start", 0],
        ["product_view", 1, { product_id: "a" }],
        ["product_view", 2, { product_id: "a" }],
        ["product_view", 3, { product_id: "b" }],
        ["add_to_cart", 4, { product_id: "c" }],
      ]),
    );
    expect([r.products_viewed, r.unique_products_viewed]).toEqual([3, 2]);
  });

  it("takes device, browser, persona and intended outcome from the first event that has them", () => {
    const r = row(FIXTURES["persona late"]!);
    expect(r.persona).toBe("cart_abandoner");
    expect(r.intended_outcome).toBe("browse");
    const mixed = row([
      ev("session_start", 0, { device_type: "tablet", browser: "Edge" }),
      ev("page_view", 1, { device_type: "mobile", browser: "Chrome" }),
    ]);
    expect([mixed.device_type, mixed.browser]).toEqual(["tablet", "Edge"]);
    expect(row(FIXTURES.bounce!).persona).toBeNull();
  });

  it("names segment rows base~n and counts every event", () => {
    const r = row(FIXTURES.bounce!, { segment: 3 });
    expect(r.session_id).toBe("s3~3");
    expect(r.base_session_id).toBe("s3");
    expect(r.segment).toBe(3);
    expect(r.event_count).toBe(2);
    expect(row(FIXTURES["every rule"]!).event_count).toBe(11);
  });
});
