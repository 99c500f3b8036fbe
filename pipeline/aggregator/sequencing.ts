// Sequencing rules (SPEC section 2) checked over one segment's events in (event_time, event_id) order.
// A violating event still counts in every metric and still changes the cart; violations are only counted.
import type { ClickEvent } from "../events/index.ts";

export const SEQUENCE_RULES = {
  /** (a) the first event is not session_start, or a session_start that is not the first event. */
  sessionStartFirst: "session_start_first",
  /** (b) add_to_cart of a product without an earlier product_view in the segment. */
  addAfterView: "add_after_view",
  /** (c) remove_from_cart of a product whose quantity in the cart is 0. */
  removeInCart: "remove_in_cart",
  /** (d) checkout_initiated with an empty cart. */
  checkoutNonEmptyCart: "checkout_non_empty_cart",
  /** (e) purchase without a checkout_initiated since the previous purchase (or the segment start). */
  purchaseAfterCheckout: "purchase_after_checkout",
  /** (f) any event after a session_end. */
  nothingAfterEnd: "nothing_after_end",
} as const;
export type SequenceRule = (typeof SEQUENCE_RULES)[keyof typeof SEQUENCE_RULES];

export interface SequenceViolation {
  /** Position of the event in the sorted segment (0-based). */
  index: number;
  event_id: string;
  event_type: ClickEvent["event_type"];
  /** Every rule the event breaks (it counts once however many it breaks). */
  rules: SequenceRule[];
}

/**
 * Walks the events once. The cart is a multiset of product quantities: add_to_cart adds `quantity`
 * (default 1), remove_from_cart subtracts it but never below 0, purchase empties the cart.
 * `onViolation` (optional) receives each violating event; the return value is the number of violating events.
 */
const RULE_BITS: readonly SequenceRule[] = [
  SEQUENCE_RULES.sessionStartFirst,
  SEQUENCE_RULES.addAfterView,
  SEQUENCE_RULES.removeInCart,
  SEQUENCE_RULES.checkoutNonEmptyCart,
  SEQUENCE_RULES.purchaseAfterCheckout,
  SEQUENCE_RULES.nothingAfterEnd,
];
const A = 1;
const B = 2;
const C = 4;
const D = 8;
const E = 16;
const F = 32;

function walk(
  events: readonly ClickEvent[],
  onViolation?: (index: number, event: ClickEvent, rules: SequenceRule[]) => void,
): number {
  let violations = 0;
  // Allocated lazily: most segments never view a product or touch the cart.
  let viewed: Set<string | undefined> | null = null;
  let cart: Map<string | undefined, number> | null = null;
  let cartTotal = 0;
  let checkoutSincePurchase = false;
  let ended = false;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const type = e.event_type;
    let bits = 0;
    if (i === 0 ? type !== "session_start" : type === "session_start") bits |= A;
    if (ended) bits |= F;
    switch (type) {
      case "product_view":
        viewed ??= new Set();
        viewed.add(e.product_id);
        break;
      case "add_to_cart": {
        if (viewed === null || !viewed.has(e.product_id)) bits |= B;
        const q = e.quantity ?? 1;
        cart ??= new Map();
        cart.set(e.product_id, (cart.get(e.product_id) ?? 0) + q);
        cartTotal += q;
        break;
      }
      case "remove_from_cart": {
        const have = cart === null ? 0 : (cart.get(e.product_id) ?? 0);
        if (have <= 0) {
          bits |= C;
        } else {
          const left = Math.max(0, have - (e.quantity ?? 1));
          cart!.set(e.product_id, left);
          cartTotal -= have - left;
        }
        break;
      }
      case "checkout_initiated":
        if (cartTotal <= 0) bits |= D;
        checkoutSincePurchase = true;
        break;
      case "purchase":
        if (!checkoutSincePurchase) bits |= E;
        checkoutSincePurchase = false;
        cart?.clear();
        cartTotal = 0;
        break;
      case "session_end":
        ended = true;
        break;
      default:
        break;
    }
    if (bits !== 0) {
      violations++;
      if (onViolation) {
        onViolation(
          i,
          e,
          RULE_BITS.filter((_, k) => (bits & (1 << k)) !== 0),
        );
      }
    }
  }
  return violations;
}

/** Number of events in the (sorted) segment that break at least one sequencing rule. */
export function countSequenceViolations(events: readonly ClickEvent[]): number {
  return walk(events);
}

/** Every violating event with the rules it breaks, for diagnostics and tests. */
export function findSequenceViolations(events: readonly ClickEvent[]): SequenceViolation[] {
  const out: SequenceViolation[] = [];
  walk(events, (index, e, rules) => {
    out.push({ index, event_id: e.event_id, event_type: e.event_type, rules });
  });
  return out;
}
