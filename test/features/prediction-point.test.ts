// Prediction-point variant on a crafted fixture: features stop at the first add_to_cart (inclusive, in
// (event_time, event_id) order), sessions without one are left out, and no column comes from later.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDataset, type DatasetResult, PREDICTION_POINT_COLUMNS } from "../../features/index.ts";
import type { ClickEvent } from "../../pipeline/events/index.ts";
import { quoteString } from "../../pipeline/files/index.ts";
import { type EventSpec, loadFixture, openDb, rows, sessionEvents, tempDir } from "./helpers.ts";

const P1 = { id: "p1", category: "shoes", price: 5 };
const P2 = { id: "p2", category: "bags", price: 7 };
const P3 = { id: "p3", category: "hats", price: 10 };

// Up to and including the first add_to_cart (at 50 s, id X-06b).
const BEFORE = (s: string): EventSpec[] => [
  { id: `${s}-01`, type: "session_start", t: 0 },
  { id: `${s}-02`, type: "page_view", t: 10 },
  { id: `${s}-03`, type: "product_view", t: 20, product: P1 },
  { id: `${s}-04`, type: "search", t: 30 },
  { id: `${s}-05`, type: "product_view", t: 40, product: P2 },
  // same millisecond as the add, but earlier in event order (id sorts before): included
  { id: `${s}-06a`, type: "page_view", t: 50 },
  { id: `${s}-06b`, type: "add_to_cart", t: 50, product: P2, quantity: 2, cart: 14 },
];
const AFTER = (s: string): EventSpec[] => [
  // same millisecond, later in event order: excluded
  { id: `${s}-06c`, type: "page_view", t: 50 },
  { id: `${s}-07`, type: "product_view", t: 60, product: P3 },
  { id: `${s}-08`, type: "add_to_cart", t: 70, product: P3, quantity: 1, cart: 24 },
  { id: `${s}-09`, type: "search", t: 75 },
  { id: `${s}-10`, type: "remove_from_cart", t: 80, product: P2, quantity: 2, cart: 10 },
  { id: `${s}-11`, type: "checkout_initiated", t: 90, cart: 10 },
  { id: `${s}-12`, type: "purchase", t: 100, cart: 10, order: 10 },
  { id: `${s}-13`, type: "session_end", t: 110 },
];

const EVENTS: ClickEvent[] = [
  // P: buys after the prediction point
  ...sessionEvents("u1", "P", [...BEFORE("P"), ...AFTER("P")]),
  // T: exactly P's events up to the prediction point, then leaves (abandons the cart)
  ...sessionEvents("u2", "T", BEFORE("T")),
  // Q: never adds to the cart
  ...sessionEvents("u3", "Q", [
    { id: "Q-01", type: "session_start", t: 5 },
    { id: "Q-02", type: "product_view", t: 15, product: P1 },
    { id: "Q-03", type: "session_end", t: 25 },
  ]),
];

const PP_FEATURES = PREDICTION_POINT_COLUMNS.filter((c) => c.name.startsWith("pp_")).map((c) => c.name);

let db: Awaited<ReturnType<typeof openDb>>;
const tmp = tempDir("pp");
let result: DatasetResult;

beforeAll(async () => {
  db = await openDb();
  await loadFixture(db.con, EVENTS);
  result = await buildDataset(db.con, { outDir: tmp.dir, name: "pp", seed: 1, keepIntermediate: true });
});

afterAll(() => {
  db.close();
  tmp.cleanup();
});

describe("prediction-point variant", () => {
  it("computes features from events up to and including the first add_to_cart", async () => {
    const [p] = await rows(
      db.con,
      `SELECT ${PP_FEATURES.join(", ")} FROM dataset_prediction_point WHERE session_id = 'P'`,
    );
    expect(p).toEqual({
      pp_seconds_to_first_cart: 50,
      pp_browse_event_count: 6, // session_start is not a browse or cart event
      pp_page_views: 2,
      pp_products_viewed: 2,
      pp_unique_products_viewed: 2,
      pp_searches: 1,
      pp_distinct_categories_viewed: 2,
      pp_avg_price_viewed: 6,
      pp_search_share: 1 / 6,
      pp_browse_events_per_minute: (6 * 60) / 50,
      pp_first_cart_price: 7,
      pp_first_cart_quantity: 2,
      pp_cart_value: 14,
    });
  });

  it("ignores everything after the prediction point: P and its truncated copy T have equal features", async () => {
    const r = await rows(
      db.con,
      `SELECT session_id, ${PP_FEATURES.join(", ")}, is_converted, abandoned FROM dataset_prediction_point ORDER BY session_id`,
    );
    expect(r.map((x) => x.session_id)).toEqual(["P", "T"]);
    const strip = (x: Record<string, unknown>) => Object.fromEntries(PP_FEATURES.map((f) => [f, x[f]]));
    expect(strip(r[1]!)).toEqual(strip(r[0]!));
    // ... while the labels (from the whole session) differ
    expect([r[0]!.is_converted, r[0]!.abandoned]).toEqual([true, false]);
    expect([r[1]!.is_converted, r[1]!.abandoned]).toEqual([false, true]);
  });

  it("the full variant of the same session does see the later events", async () => {
    const [p] = await rows(
      db.con,
      "SELECT page_views, cart_additions, cart_removals, searches, max_cart_value, seconds_to_first_cart, checkout_reached FROM dataset WHERE session_id = 'P'",
    );
    expect(p).toEqual({
      page_views: 3,
      cart_additions: 2,
      cart_removals: 1,
      searches: 2,
      max_cart_value: 24,
      seconds_to_first_cart: 50,
      checkout_reached: true,
    });
  });

  it("leaves out sessions without add_to_cart and writes only pre-point columns to the files", async () => {
    expect(result.rows.trainPredictionPoint + result.rows.testPredictionPoint).toBe(2);
    expect(result.rows.train + result.rows.test).toBe(3);
    const manifest = JSON.parse(readFileSync(join(tmp.dir, "manifest.json"), "utf8"));
    const pp = manifest.variants.prediction_point;
    const names: string[] = pp.columns.map((c: { name: string }) => c.name);
    for (const after of [
      "cart_value",
      "cart_additions",
      "checkouts",
      "checkout_reached",
      "purchases",
      "session_duration_seconds",
      "event_count",
      "browse_event_count",
      "max_cart_value",
      "ended_by",
      "page_views",
    ]) {
      expect(names).not.toContain(after);
    }
    const features: string[] = pp.features;
    const allowed = new Set([
      ...PP_FEATURES,
      "device_type",
      "browser",
      "segment",
      "start_hour_utc",
      "start_weekday_utc",
    ]);
    for (const f of features) {
      if (!allowed.has(f))
        expect(f.startsWith("prior_") || f.endsWith("_at_start") || f.startsWith("seconds_since")).toBe(true);
    }
    const files = await rows(
      db.con,
      `SELECT session_id FROM read_parquet([${[
        "train_prediction_point.parquet",
        "test_prediction_point.parquet",
      ]
        .map((f) => quoteString(join(tmp.dir, f)))
        .join(", ")}]) ORDER BY session_id`,
    );
    expect(files.map((f) => f.session_id)).toEqual(["P", "T"]);
  });

  it("redelivered duplicate events change nothing", async () => {
    const all = `SELECT * FROM dataset ORDER BY session_id`;
    const allPp = `SELECT * FROM dataset_prediction_point ORDER BY session_id`;
    const before = [await rows(db.con, all), await rows(db.con, allPp)];
    await loadFixture(db.con, [...EVENTS, ...EVENTS.slice(3, 9), ...EVENTS.slice(0, 2)]);
    expect(Number((await rows(db.con, "SELECT count(*) AS n FROM events"))[0]!.n)).toBe(EVENTS.length + 8);
    const dup = tempDir("pp-dup");
    try {
      await buildDataset(db.con, { outDir: dup.dir, name: "pp", seed: 1, keepIntermediate: true });
      expect([await rows(db.con, all), await rows(db.con, allPp)]).toEqual(before);
    } finally {
      dup.cleanup();
      await loadFixture(db.con, EVENTS);
    }
  });
});
