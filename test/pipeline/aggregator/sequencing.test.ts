import { describe, expect, it } from "vitest";
import {
  countSequenceViolations,
  findSequenceViolations,
  SEQUENCE_RULES as R,
} from "../../../pipeline/aggregator/index.ts";
import { FIXTURES, session, sortEvents } from "./helpers.ts";

type Steps = Parameters<typeof session>[0];
const rules = (steps: Steps) =>
  findSequenceViolations(session(steps)).map((v) => [v.index, ...v.rules] as const);

describe("sequencing rules", () => {
  it("a well-formed session has no violations", () => {
    expect(countSequenceViolations(FIXTURES["purchase path"]!)).toBe(0);
    expect(countSequenceViolations(FIXTURES["abandoned cart"]!)).toBe(0);
    expect(countSequenceViolations([])).toBe(0);
  });

  it("(a) session_start first: a different first event and a later session_start both violate", () => {
    expect(
      rules([
        ["page_view", 0],
        ["session_start", 1],
      ]),
    ).toEqual([
      [0, R.sessionStartFirst],
      [1, R.sessionStartFirst],
    ]);
    expect(
      rules([
        ["session_start", 0],
        ["page_view", 1],
        ["session_start", 2],
      ]),
    ).toEqual([[2, R.sessionStartFirst]]);
  });

  it("(b) add_to_cart needs an earlier product_view of the same product", () => {
    expect(
      rules([
        ["session_start", 0],
        ["product_view", 1, { product_id: "a" }],
        ["add_to_cart", 2, { product_id: "b" }],
        ["add_to_cart", 3, { product_id: "a" }],
        ["product_view", 4, { product_id: "b" }],
        ["add_to_cart", 5, { product_id: "b" }],
      ]),
    ).toEqual([[2, R.addAfterView]]);
  });

  it("(c) remove_from_cart needs the product in the cart (quantities, clamped at 0)", () => {
    expect(
      rules([
        ["session_start", 0],
        ["product_view", 1, { product_id: "a" }],
        ["remove_from_cart", 2, { product_id: "a" }], // nothing in cart
        ["add_to_cart", 3, { product_id: "a", quantity: 2 }],
        ["remove_from_cart", 4, { product_id: "a", quantity: 1 }], // 2 -> 1
        ["remove_from_cart", 5, { product_id: "a", quantity: 1 }], // 1 -> 0
        ["remove_from_cart", 6, { product_id: "a", quantity: 1 }], // 0: violation
        ["add_to_cart", 7, { product_id: "a", quantity: 1 }],
        ["remove_from_cart", 8, { product_id: "a", quantity: 5 }], // 1 -> 0 (clamped, not -4)
        ["add_to_cart", 9, { product_id: "a", quantity: 1 }], // 0 -> 1
        ["remove_from_cart", 10, { product_id: "a", quantity: 1 }], // fine thanks to the clamp
      ]),
    ).toEqual([
      [2, R.removeInCart],
      [6, R.removeInCart],
    ]);
  });

  it("(c) a purchase empties the cart", () => {
    expect(
      rules([
        ["session_start", 0],
        ["product_view", 1],
        ["add_to_cart", 2],
        ["checkout_initiated", 3],
        ["purchase", 4],
        ["remove_from_cart", 5],
      ]),
    ).toEqual([[5, R.removeInCart]]);
  });

  it("(d) checkout_initiated needs a non-empty cart", () => {
    expect(
      rules([
        ["session_start", 0],
        ["checkout_initiated", 1],
        ["product_view", 2],
        ["add_to_cart", 3],
        ["remove_from_cart", 4],
        ["checkout_initiated", 5],
        ["add_to_cart", 6],
        ["checkout_initiated", 7],
      ]),
    ).toEqual([
      [1, R.checkoutNonEmptyCart],
      [5, R.checkoutNonEmptyCart],
    ]);
  });

  it("(e) each purchase needs a checkout since the previous purchase", () => {
    expect(
      rules([
        ["session_start", 0],
        ["product_view", 1],
        ["add_to_cart", 2],
        ["purchase", 3], // no checkout yet
        ["add_to_cart", 4],
        ["checkout_initiated", 5],
        ["purchase", 6, { order_id: "o2" }],
        ["purchase", 7, { order_id: "o3" }], // no checkout since the previous purchase
      ]),
    ).toEqual([
      [3, R.purchaseAfterCheckout],
      [7, R.purchaseAfterCheckout],
    ]);
  });

  it("(f) nothing after session_end, including another session_end", () => {
    expect(
      rules([
        ["session_start", 0],
        ["session_end", 1],
        ["page_view", 2],
        ["session_end", 3],
      ]),
    ).toEqual([
      [2, R.nothingAfterEnd],
      [3, R.nothingAfterEnd],
    ]);
  });

  it("an event breaking several rules counts once", () => {
    const steps: Steps = [["add_to_cart", 0, { product_id: "z" }]];
    expect(rules(steps)).toEqual([[0, R.sessionStartFirst, R.addAfterView]]);
    expect(countSequenceViolations(session(steps))).toBe(1);
    expect(
      rules([
        ["session_start", 0],
        ["session_end", 1],
        ["session_start", 2],
      ]),
    ).toEqual([[2, R.sessionStartFirst, R.nothingAfterEnd]]);
  });

  it("the fixture exercising every rule has 8 violating events", () => {
    const found = findSequenceViolations(FIXTURES["every rule"]!);
    expect(found.map((v) => v.rules[0])).toEqual([
      R.sessionStartFirst,
      R.sessionStartFirst,
      R.addAfterView,
      R.removeInCart,
      R.checkoutNonEmptyCart,
      R.purchaseAfterCheckout,
      R.nothingAfterEnd,
      R.nothingAfterEnd,
    ]);
    expect(countSequenceViolations(FIXTURES["every rule"]!)).toBe(8);
  });

  it("uses (event_time, event_id) order for events at the same time", () => {
    const sorted = sortEvents(FIXTURES["ties by event_id"]!);
    expect(sorted.map((e) => e.event_id)).toEqual(["a", "b", "x1", "x10", "x2"]);
    expect(findSequenceViolations(sorted).map((v) => v.event_id)).toEqual(["a", "b", "x1"]);
  });
});
