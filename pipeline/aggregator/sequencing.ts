// The sequencing rules (the simulator must never break them; the aggregator counts violations), checked
// over one segment's events in (event_time, event_id) order.
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

const RULE_BITS: readonly SequenceRule[] = [
  SEQUENCE_RULES.sessionStartFirst,
  SEQUENCE_RULES.addAfterView,
  SEQUENCE_RULES.removeInCart,
  SEQUENCE_RULES.checkoutNonEmptyCart,
  SEQUENCE_RULES.purchaseAfterCheckout,
  SEQUENCE_RULES.nothingAfterEnd,
];
/** One bit per rule, in RULE_BITS order. */
const [A, B, C, D, E, F] = RULE_BITS.map((_, k) => 1 << k) as [
  number,
  number,
  number,
  number,
  number,
  number,
];

/** The rules broken, from the bit mask SequenceChecker.step() returns. */
export function rulesOf(bits: number): SequenceRule[] {
  return RULE_BITS.filter((_, k) => (bits & (1 << k)) !== 0);
}

/** A SequenceChecker as JSON: what the rules need to judge the events that follow. */
export interface SequenceState {
  violations: number;
  position: number;
  viewed: (string | null)[] | null;
  cart: [string | null, number][] | null;
  cartTotal: number;
  checkout: boolean;
  ended: boolean;
}

/**
 * Checks the rules incrementally: feed a segment's events in (event_time, event_id) order to step().
 * The cart is a multiset of product quantities: add_to_cart adds `quantity` (default 1), remove_from_cart
 * subtracts it but never below 0, purchase empties the cart. The sessionizer keeps one checker per segment
 * while events arrive in order, so a drain never rescans them.
 */
export class SequenceChecker {
  /** Events that broke at least one rule so far. */
  violations = 0;
  private position = 0;
  // Allocated lazily: many segments never view a product or touch the cart.
  private viewed: Set<string | undefined> | null = null;
  private cart: Map<string | undefined, number> | null = null;
  private cartTotal = 0;
  private checkoutSincePurchase = false;
  private ended = false;

  /** Applies the next event; returns the bit mask of the rules it breaks (0 when none). */
  step(e: ClickEvent): number {
    const type = e.event_type;
    let bits = 0;
    if (this.position++ === 0 ? type !== "session_start" : type === "session_start") bits |= A;
    if (this.ended) bits |= F;
    switch (type) {
      case "product_view":
        this.viewed ??= new Set();
        this.viewed.add(e.product_id);
        break;
      case "add_to_cart": {
        if (this.viewed === null || !this.viewed.has(e.product_id)) bits |= B;
        const q = e.quantity ?? 1;
        this.cart ??= new Map();
        this.cart.set(e.product_id, (this.cart.get(e.product_id) ?? 0) + q);
        this.cartTotal += q;
        break;
      }
      case "remove_from_cart": {
        const have = this.cart === null ? 0 : (this.cart.get(e.product_id) ?? 0);
        if (have <= 0) {
          bits |= C;
        } else {
          const left = Math.max(0, have - (e.quantity ?? 1));
          this.cart!.set(e.product_id, left);
          this.cartTotal -= have - left;
        }
        break;
      }
      case "checkout_initiated":
        if (this.cartTotal <= 0) bits |= D;
        this.checkoutSincePurchase = true;
        break;
      case "purchase":
        if (!this.checkoutSincePurchase) bits |= E;
        this.checkoutSincePurchase = false;
        this.cart?.clear();
        this.cartTotal = 0;
        break;
      case "session_end":
        this.ended = true;
        break;
      default:
        break;
    }
    if (bits !== 0) this.violations++;
    return bits;
  }

  /** A copy that continues independently (a row of an open segment folds its unfrozen events into one). */
  clone(): SequenceChecker {
    const c = new SequenceChecker();
    c.violations = this.violations;
    c.position = this.position;
    c.viewed = this.viewed === null ? null : new Set(this.viewed);
    c.cart = this.cart === null ? null : new Map(this.cart);
    c.cartTotal = this.cartTotal;
    c.checkoutSincePurchase = this.checkoutSincePurchase;
    c.ended = this.ended;
    return c;
  }

  /** JSON form (an undefined product_id is written as null). */
  toState(): SequenceState {
    return {
      violations: this.violations,
      position: this.position,
      viewed: this.viewed === null ? null : [...this.viewed].map((id) => id ?? null),
      cart: this.cart === null ? null : [...this.cart].map(([id, q]) => [id ?? null, q]),
      cartTotal: this.cartTotal,
      checkout: this.checkoutSincePurchase,
      ended: this.ended,
    };
  }

  /** The checker toState() described; the caller has checked the shape (aggregator/accumulator-state.ts). */
  static fromState(s: SequenceState): SequenceChecker {
    const c = new SequenceChecker();
    c.violations = s.violations;
    c.position = s.position;
    c.viewed = s.viewed === null ? null : new Set(s.viewed.map((id) => id ?? undefined));
    c.cart = s.cart === null ? null : new Map(s.cart.map(([id, q]) => [id ?? undefined, q]));
    c.cartTotal = s.cartTotal;
    c.checkoutSincePurchase = s.checkout;
    c.ended = s.ended;
    return c;
  }

  /** Distinct product_id values (defined ones) seen on product_view events so far. */
  distinctViewedProducts(): number {
    const viewed = this.viewed;
    if (viewed === null) return 0;
    return viewed.has(undefined) ? viewed.size - 1 : viewed.size;
  }
}

/** Number of events in the (sorted) segment that break at least one sequencing rule. */
export function countSequenceViolations(events: readonly ClickEvent[]): number {
  const checker = new SequenceChecker();
  for (let i = 0; i < events.length; i++) checker.step(events[i]!);
  return checker.violations;
}

/** Every violating event with the rules it breaks, for diagnostics and tests. */
export function findSequenceViolations(events: readonly ClickEvent[]): SequenceViolation[] {
  const out: SequenceViolation[] = [];
  const checker = new SequenceChecker();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const bits = checker.step(e);
    if (bits !== 0)
      out.push({ index: i, event_id: e.event_id, event_type: e.event_type, rules: rulesOf(bits) });
  }
  return out;
}
