// The session state machine: given a persona and an intended outcome, plans the ordered actions of one
// session. Plans never break a sequencing rule: session_start first; add_to_cart only after a view of
// that product; remove_from_cart only for a product in the cart; checkout only with a non-empty cart;
// purchase only right after checkout_initiated; nothing after session_end.
import type { AbandonmentReason, EventType, IntendedOutcome, Persona } from "../events/index.ts";
import type { Catalog, Product } from "./catalog.ts";
import { pickProduct, searchQuery } from "./catalog.ts";
import type { SimulatorConfig } from "./options.ts";
import type { Rng, WeightTable } from "./rng.ts";
import { weightTable } from "./rng.ts";

export interface Action {
  type: EventType;
  product?: Product;
  quantity?: number;
  /** Cart value in cents after this action (cart events, checkout, purchase: the value bought). */
  cartCents?: number;
  searchQuery?: string;
  reason?: AbandonmentReason;
  /** This action comes after an idle gap longer than the session timeout (an intended split). */
  afterIdle?: boolean;
}

export interface PlanTables {
  outcomes: Record<Persona, WeightTable<IntendedOutcome>>;
  steps: Record<Persona, WeightTable<"page_view" | "product_view" | "search">>;
  reasons: WeightTable<AbandonmentReason>;
}

export function planTables(config: SimulatorConfig): PlanTables {
  const outcomes = {} as PlanTables["outcomes"];
  const steps = {} as PlanTables["steps"];
  for (const [p, pc] of Object.entries(config.personas) as [
    Persona,
    SimulatorConfig["personas"][Persona],
  ][]) {
    outcomes[p] = weightTable(pc.outcomes);
    steps[p] = weightTable(pc.step_mix);
  }
  return { outcomes, steps, reasons: weightTable(config.abandonment_reasons) };
}

class Cart {
  private readonly lines = new Map<string, { product: Product; quantity: number }>();
  cents = 0;
  get size(): number {
    return this.lines.size;
  }
  add(product: Product, quantity: number): void {
    const line = this.lines.get(product.product_id);
    if (line) line.quantity += quantity;
    else this.lines.set(product.product_id, { product, quantity });
    this.cents += product.priceCents * quantity;
  }
  /** Removes a whole line; returns the quantity removed. */
  remove(productId: string): number {
    const line = this.lines.get(productId)!;
    this.lines.delete(productId);
    this.cents -= line.product.priceCents * line.quantity;
    return line.quantity;
  }
  products(): Product[] {
    return [...this.lines.values()].map((l) => l.product);
  }
  clear(): void {
    this.lines.clear();
    this.cents = 0;
  }
}

export function planSession(
  persona: Persona,
  config: SimulatorConfig,
  tables: PlanTables,
  catalog: Catalog,
  rng: Rng,
): { outcome: IntendedOutcome; actions: Action[] } {
  const pc = config.personas[persona];
  const s = config.session;
  const outcome = rng.weighted(tables.outcomes[persona]);
  const actions: Action[] = [{ type: "session_start" }, { type: "page_view" }];
  const cart = new Cart();
  let lastCategory: string | undefined;

  const viewProduct = (): Product => {
    const list =
      lastCategory !== undefined && rng.chance(0.7)
        ? catalog.byCategory.get(lastCategory)!
        : catalog.byCategory.get(rng.pick(catalog.categories))!;
    const product = pickProduct(rng, list);
    actions.push({ type: "product_view", product });
    return product;
  };
  const browse = (n: number) => {
    for (let i = 0; i < n; i++) {
      const step = rng.weighted(tables.steps[persona]);
      if (step === "product_view") viewProduct();
      else if (step === "search") {
        lastCategory = rng.pick(catalog.categories);
        actions.push({ type: "search", searchQuery: searchQuery(rng, lastCategory) });
      } else actions.push({ type: "page_view" });
    }
  };
  const addItems = (n: number) => {
    for (let i = 0; i < n; i++) {
      if (i > 0 && rng.chance(s.page_between_items)) actions.push({ type: "page_view" });
      const product = viewProduct();
      const quantity = rng.chance(s.multi_quantity) ? rng.int(2, Math.max(2, s.max_quantity)) : 1;
      cart.add(product, quantity);
      actions.push({ type: "add_to_cart", product, quantity, cartCents: cart.cents });
    }
  };
  const removeLine = (product: Product) => {
    const quantity = cart.remove(product.product_id);
    actions.push({ type: "remove_from_cart", product, quantity, cartCents: cart.cents });
  };
  const checkoutAndBuy = () => {
    actions.push({ type: "checkout_initiated", cartCents: cart.cents });
    actions.push({ type: "purchase", cartCents: cart.cents });
    cart.clear();
  };

  browse(rng.int(pc.browse_steps[outcome].min, pc.browse_steps[outcome].max));
  const itemCount = rng.int(pc.cart_items.min, pc.cart_items.max);
  let reason: AbandonmentReason | undefined;
  if (outcome === "purchase") {
    addItems(itemCount);
    checkoutAndBuy();
    if (rng.chance(s.repeat_purchase)) {
      addItems(rng.int(1, 2));
      checkoutAndBuy();
    }
  } else if (outcome === "abandon") {
    addItems(itemCount);
    // Remove some extra lines, never the last one: an abandoned cart is never empty.
    for (const product of cart.products().slice(1)) {
      if (rng.chance(s.remove_item)) removeLine(product);
    }
    if (rng.chance(s.abandon_at_checkout))
      actions.push({ type: "checkout_initiated", cartCents: cart.cents });
    reason = rng.weighted(tables.reasons);
  } else if (rng.chance(s.browse_cart)) {
    // Browsing with a change of mind: items go in and all come out again.
    addItems(Math.min(itemCount, 2));
    for (const product of cart.products()) removeLine(product);
  }
  browse(rng.int(s.steps_after.min, s.steps_after.max));
  if (rng.chance(s.explicit_end)) actions.push({ type: "session_end" });
  if (reason !== undefined) actions[actions.length - 1]!.reason = reason;
  if (s.resume_after_idle > 0 && actions.length > 3 && rng.chance(s.resume_after_idle)) {
    actions[rng.int(2, actions.length - 1)]!.afterIdle = true;
  }
  return { outcome, actions };
}
