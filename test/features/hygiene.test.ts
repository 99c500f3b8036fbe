// Feature hygiene: no feature reads its own session's checkout_initiated or purchase events, declared (every
// feature says what it reads) and shown (adding a checkout and a purchase to a session changes none of its
// feature values, only its labels and metadata); per-label feature lists leave out what defines the label.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildDataset,
  CART_EVENTS,
  DATASET_COLUMNS,
  type DatasetManifest,
  featuresFor,
  LABEL_DEFINITIONS,
  OUTCOME_EVENTS,
  PREDICTION_POINT_COLUMNS,
  VARIANTS,
} from "../../features/index.ts";
import { EVENT_TYPES } from "../../pipeline/model/index.ts";
import { type EventSpec, loadFixture, openDb, rows, sessionEvents, tempDir } from "./helpers.ts";

const P1 = { id: "p1", category: "shoes", price: 5 };
const P2 = { id: "p2", category: "bags", price: 7 };

const browse = (s: string): EventSpec[] => [
  { id: `${s}-01`, type: "session_start", t: 0 },
  { id: `${s}-02`, type: "page_view", t: 12 },
  { id: `${s}-03`, type: "product_view", t: 31, product: P1 },
  { id: `${s}-04`, type: "search", t: 40 },
  { id: `${s}-05`, type: "product_view", t: 55, product: P2 },
  { id: `${s}-06`, type: "add_to_cart", t: 70, product: P2, quantity: 2, cart: 14 },
  { id: `${s}-07`, type: "add_to_cart", t: 85, product: P1, quantity: 1, cart: 19 },
  { id: `${s}-08`, type: "remove_from_cart", t: 99, product: P1, quantity: 1, cart: 14 },
];

// B buys: a checkout and a purchase after the same browsing, then ends later. A (another user, so no
// history differs) does exactly the same browsing and leaves without them.
const EVENTS = [
  ...sessionEvents("u1", "B", [
    ...browse("B"),
    { id: "B-09", type: "checkout_initiated", t: 130, cart: 14 },
    { id: "B-10", type: "purchase", t: 175, cart: 14, order: 14 },
    { id: "B-11", type: "session_end", t: 190 },
  ]),
  ...sessionEvents("u2", "A", [...browse("A"), { id: "A-09", type: "session_end", t: 110 }]),
];

const VALID_TOKENS = new Set<string>([
  ...EVENT_TYPES,
  "first_event",
  "earlier:times",
  ...EVENT_TYPES.map((t) => `earlier:${t}`),
]);

describe("declared reads", () => {
  for (const [name, v] of Object.entries(VARIANTS)) {
    it(`${name}: every feature and label says what it reads, and no feature reads checkout or purchase`, () => {
      for (const c of v.columns) {
        if (c.role !== "feature" && c.role !== "label") continue;
        expect(c.reads.length, c.name).toBeGreaterThan(0);
        for (const r of c.reads) expect(VALID_TOKENS.has(r), `${c.name}: ${r}`).toBe(true);
        if (c.role === "feature") {
          for (const bad of OUTCOME_EVENTS) expect(c.reads, c.name).not.toContain(bad);
        }
      }
    });
  }

  it("labels are defined by the events that decide them", () => {
    expect(LABEL_DEFINITIONS.is_converted.events).toEqual(["purchase"]);
    expect(LABEL_DEFINITIONS.purchase_value.events).toEqual(["purchase"]);
    expect([...LABEL_DEFINITIONS.abandoned.events].sort()).toEqual(
      ["add_to_cart", "checkout_initiated", "purchase", "remove_from_cart"].sort(),
    );
  });

  it("a session-end abandoned model gets no feature that reads a cart event; prediction point keeps all", () => {
    const fullFeatures = DATASET_COLUMNS.flatMap((c) => (c.role === "feature" ? [c] : []));
    const abandoned = featuresFor("full", "abandoned");
    for (const c of fullFeatures) {
      const readsCart = c.reads.some((r) => (CART_EVENTS as readonly string[]).includes(r));
      expect(abandoned.includes(c.name), c.name).toBe(!readsCart);
    }
    expect(abandoned).toEqual(expect.arrayContaining(["page_views", "searches", "prior_abandoned_carts"]));
    expect(abandoned).not.toContain("cart_additions");
    expect(abandoned).not.toContain("max_cart_value");
    expect(featuresFor("full", "is_converted")).toEqual(fullFeatures.map((c) => c.name));
    const ppFeatures = PREDICTION_POINT_COLUMNS.filter((c) => c.role === "feature").map((c) => c.name);
    for (const label of ["is_converted", "purchase_value", "abandoned"] as const) {
      expect(featuresFor("prediction_point", label)).toEqual(ppFeatures);
    }
  });

  it("the outcome-reading session columns are metadata, with the reason in their meaning", () => {
    const byName = new Map(DATASET_COLUMNS.map((c) => [c.name, c]));
    for (const name of [
      "event_count",
      "session_duration_seconds",
      "avg_time_per_page",
      "bounce",
      "cart_value",
    ]) {
      expect(byName.get(name)?.role, name).toBe("metadata");
    }
    expect(byName.get("event_count")!.meaning).toMatch(/^events in the segment\. .*browse_event_count/);
  });
});

describe("features do not see checkout or purchase events", () => {
  let db: Awaited<ReturnType<typeof openDb>>;
  const tmp = tempDir("hygiene");
  let manifest: DatasetManifest;

  beforeAll(async () => {
    db = await openDb();
    await loadFixture(db.con, EVENTS);
    await buildDataset(db.con, { outDir: tmp.dir, name: "hygiene", seed: 1, keepIntermediate: true });
    manifest = JSON.parse(readFileSync(join(tmp.dir, "manifest.json"), "utf8"));
  });

  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  for (const [name, v] of Object.entries(VARIANTS)) {
    it(`${name}: the buying session and its copy without checkout and purchase have equal features`, async () => {
      const features = v.columns.filter((c) => c.role === "feature").map((c) => c.name);
      const r = await rows(
        db.con,
        `SELECT session_id, ${features.join(", ")}, is_converted, abandoned FROM ${v.table} ORDER BY session_id`,
      );
      expect(r.map((x) => x.session_id)).toEqual(["A", "B"]);
      const pick = (x: Record<string, unknown>) => Object.fromEntries(features.map((f) => [f, x[f]]));
      expect(pick(r[1]!)).toEqual(pick(r[0]!));
      expect([r[0]!.is_converted, r[0]!.abandoned]).toEqual([false, true]);
      expect([r[1]!.is_converted, r[1]!.abandoned]).toEqual([true, false]);
    });
  }

  it("computes the browse features from browse and cart events only", async () => {
    const [b] = await rows(
      db.con,
      "SELECT browse_event_count, browse_seconds, browse_seconds_per_page, browse_events_per_minute, search_share, single_view, max_cart_value, event_count, session_duration_seconds FROM dataset WHERE session_id = 'B'",
    );
    expect(b).toEqual({
      browse_event_count: 7,
      browse_seconds: 99,
      browse_seconds_per_page: 99 / 3,
      browse_events_per_minute: (7 * 60) / 99,
      search_share: 1 / 7,
      single_view: false,
      max_cart_value: 19,
      // metadata keeps the whole-session values
      event_count: 11,
      session_duration_seconds: 190,
    });
  });

  it("the manifest states reads per column, the label definitions and the per-label feature lists", () => {
    const full = manifest.variants.full;
    const col = (n: string) => full.columns.find((c) => c.name === n)!;
    expect(col("browse_event_count").reads).toEqual([
      "page_view",
      "product_view",
      "search",
      "add_to_cart",
      "remove_from_cart",
    ]);
    expect(col("prior_purchases").reads).toEqual(["earlier:times", "earlier:purchase"]);
    expect(col("session_id").reads).toBeNull();
    expect(manifest.label_definitions.is_converted.events).toEqual(["purchase"]);
    expect(full.features_by_label.abandoned).toEqual(featuresFor("full", "abandoned"));
    expect(manifest.variants.prediction_point.features_by_label.abandoned).toEqual(
      manifest.variants.prediction_point.features,
    );
    expect(manifest.feature_rule).toMatch(/checkout_initiated or purchase/);
    const card = readFileSync(join(tmp.dir, "DATASET.md"), "utf8");
    expect(card).toContain("## Feature hygiene: what each feature reads");
    expect(card).toMatch(/`abandoned`: \d+ of \d+ features; left out: .*`cart_additions`/);
    expect(card).toContain(
      "| `browse_seconds` | DOUBLE | feature | first_event, page_view, product_view, search, add_to_cart, remove_from_cart |",
    );
    expect(card).toContain("Defined by the session's purchase events.");
  });
});
