// One session as a random walk over page types (home, category, search, product, cart) with a per-page
// exit probability, so its length is a walk, not a drawn range. Carting, removing, checking out and buying
// are logistic decisions along the walk that depend on the latent state (session intent, price
// sensitivity, preferred categories) and on what happened so far (views of the product, cart size and
// value, prices seen): outcomes emerge and the classes overlap. The walk never breaks a sequencing rule:
// session_start first; add_to_cart only after a view of that product; remove_from_cart only for a product
// in the cart; checkout only with a non-empty cart; purchase only right after checkout_initiated; nothing
// after session_end.
import type { AbandonmentReason, EventType, IntendedOutcome, Persona } from "../events/index.ts";
import { PERSONAS } from "../events/index.ts";
import { Cart } from "./cart.ts";
import type { Catalog, Product } from "./catalog.ts";
import { pickProduct, searchQuery } from "./catalog.ts";
import type { DwellSampler } from "./dwell.ts";
import type { SessionLatent, User } from "./latent.ts";
import type { DwellKind, PageState, SimulatorConfig } from "./options.ts";
import { PAGE_STATES } from "./options.ts";
import type { Rng, WeightTable } from "./rng.ts";
import { weightTable } from "./rng.ts";

export interface Action {
  type: EventType;
  /** Milliseconds after the session's first event. */
  at: number;
  product?: Product;
  quantity?: number;
  /** Cart value in cents after this action (cart events, checkout, purchase: the value bought). */
  cartCents?: number;
  searchQuery?: string;
  reason?: AbandonmentReason;
  /** This action comes after an idle gap longer than the session timeout (an intended split). */
  afterIdle?: boolean;
}

export interface SessionPlan {
  actions: Action[];
  /** What the walk reached: purchase, abandon (cart left with items) or browse. */
  outcome: IntendedOutcome;
  /** Time of the last action (ms after the first). */
  durationMs: number;
}

interface PersonaTables {
  entry: WeightTable<PageState>;
  /** Next page while the cart holds items, and while it is empty (cart weight dropped). */
  next: Record<PageState, WeightTable<PageState>>;
  nextEmpty: Record<PageState, WeightTable<PageState>>;
}

export interface WalkContext {
  config: SimulatorConfig;
  catalog: Catalog;
  dwell: DwellSampler;
  tables: Record<Persona, PersonaTables>;
  categories: WeightTable<string>;
  reasons: { browsing: WeightTable<AbandonmentReason>; checkout: WeightTable<AbandonmentReason> };
  /** Reused by every walk (walks run one at a time): no cart or set to allocate per session. */
  cart: Cart;
  viewed: Set<string>;
}

export function walkContext(config: SimulatorConfig, catalog: Catalog, dwell: DwellSampler): WalkContext {
  const tables = {} as Record<Persona, PersonaTables>;
  for (const p of PERSONAS) {
    const pc = config.personas[p];
    const next = {} as PersonaTables["next"];
    const nextEmpty = {} as PersonaTables["nextEmpty"];
    for (const s of PAGE_STATES) {
      next[s] = weightTable(pc.transitions[s]);
      const empty = { ...pc.transitions[s], cart: 0 };
      // A row that only leads to the cart falls back to product pages while the cart is empty.
      if (Object.values(empty).every((v) => v <= 0)) empty.product = 1;
      nextEmpty[s] = weightTable(empty);
    }
    tables[p] = { entry: weightTable(pc.entry), next, nextEmpty };
  }
  return {
    config,
    catalog,
    dwell,
    tables,
    categories: weightTable(
      Object.fromEntries(catalog.categories.map((c) => [c, config.catalog.categories[c]!.weight])),
    ),
    reasons: {
      browsing: weightTable(config.abandonment_reasons.browsing),
      checkout: weightTable(config.abandonment_reasons.checkout),
    },
    cart: new Cart(),
    viewed: new Set(),
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export interface WalkOptions {
  /**
   * Warm start: the session is already in progress and only its events from this index on are seen. The
   * event at this index becomes session_start and the in-session state (views, cart, checkout) starts
   * empty there, so the visible part keeps every sequencing rule.
   */
  resetAt?: number;
  /** Allow the intended idle split (walk.resume_after_idle). */
  idleSplits?: boolean;
}

/** Walks one session of `user` with latent state `latent`; all randomness from `rng`. */
export function walkSession(
  ctx: WalkContext,
  user: User,
  latent: SessionLatent,
  rng: Rng,
  opts: WalkOptions = {},
): SessionPlan {
  const { config, catalog, dwell } = ctx;
  const pc = config.personas[user.persona];
  const w = config.walk;
  const fx = config.decision_effects;
  const tables = ctx.tables[user.persona];
  const resetAt = opts.resetAt ?? -1;
  const intent = latent.intent;
  const sensitivity = user.priceSensitivity;
  const actions: Action[] = [];
  const cart = ctx.cart;
  const viewed = ctx.viewed;
  cart.clear();
  viewed.clear();
  let at = 0;
  let kind: DwellKind = "session_start";
  let pages = 0;
  let purchased = false;
  let declinedWithCart = false;
  let category: string | undefined;
  let justAdded = false;

  /**
   * Appends an event after the dwell on the previous page (or `gapKind`), then the user is on `next`;
   * false when warm start turned the event into session_start.
   */
  const push = (a: Action, next: DwellKind, gapKind?: DwellKind): boolean => {
    if (actions.length > 0) at += dwell.sample(gapKind ?? kind, rng);
    kind = next;
    if (actions.length === resetAt) {
      cart.clear();
      viewed.clear();
      purchased = false;
      declinedWithCart = false;
      actions.push({ type: "session_start", at });
      return false;
    }
    a.at = at;
    actions.push(a);
    return true;
  };
  const freshCategory = (): string =>
    rng.chance(w.preferred_category) ? rng.pick(user.preferred) : rng.weighted(ctx.categories);

  const viewProduct = (): void => {
    if (category === undefined || !rng.chance(w.stay_in_category)) category = freshCategory();
    const product = pickProduct(rng, catalog.byCategory.get(category)!);
    const seenBefore = viewed.has(product.product_id);
    pages++;
    if (!push({ type: "product_view", at: 0, product }, "product")) return;
    viewed.add(product.product_id);
    const x =
      pc.decisions.add_to_cart +
      fx.intent.add_to_cart * intent -
      fx.price.add_to_cart * sensitivity * Math.log(product.priceCents / 100 / fx.reference_price) +
      (user.preferred.includes(product.category) ? fx.preferred_category : 0) +
      fx.per_cart_line * cart.size +
      (seenBefore ? fx.viewed_again : 0);
    if (!rng.chance(sigmoid(x))) return;
    const quantity = w.max_quantity > 1 && rng.chance(w.multi_quantity) ? rng.int(2, w.max_quantity) : 1;
    const cartCents = cart.cents + product.priceCents * quantity;
    if (push({ type: "add_to_cart", at: 0, product, quantity, cartCents }, "cart_action")) {
      cart.add(product, quantity);
      declinedWithCart = false;
      justAdded = true;
    }
  };

  const cartValueTerm = () => Math.log(Math.max(cart.cents, 1) / 100 / fx.reference_cart_value);

  /** The cart page: removals, then perhaps checkout and purchase. */
  const visitCart = (): "purchased" | "declined" | "none" => {
    pages++;
    push({ type: "page_view", at: 0 }, "cart");
    for (const product of cart.products()) {
      if (!cart.has(product.product_id)) continue;
      const x =
        pc.decisions.remove_from_cart +
        fx.intent.remove_from_cart * intent +
        fx.price.remove_from_cart * sensitivity * Math.log(product.priceCents / 100 / fx.reference_price);
      if (!rng.chance(sigmoid(x))) continue;
      const quantity = cart.quantityOf(product.product_id);
      const cartCents = cart.cents - product.priceCents * quantity;
      if (push({ type: "remove_from_cart", at: 0, product, quantity, cartCents }, "cart_action")) {
        cart.remove(product.product_id);
      }
    }
    if (cart.size === 0) return "none";
    const checkout =
      pc.decisions.checkout + fx.intent.checkout * intent - fx.price.checkout * sensitivity * cartValueTerm();
    if (!rng.chance(sigmoid(checkout))) return "none";
    // The click from the cart page to checkout has its own (short) dwell; then the user is on the form.
    if (!push({ type: "checkout_initiated", at: 0, cartCents: cart.cents }, "purchase", "checkout")) {
      return "none";
    }
    const buy =
      pc.decisions.purchase + fx.intent.purchase * intent - fx.price.purchase * sensitivity * cartValueTerm();
    if (!rng.chance(sigmoid(buy))) {
      declinedWithCart = true;
      return "declined";
    }
    if (!push({ type: "purchase", at: 0, cartCents: cart.cents }, "purchase")) return "none";
    cart.clear();
    purchased = true;
    return "purchased";
  };

  push({ type: "session_start", at: 0 }, "session_start");
  const exitScale = (latent.deep ? w.deep_exit_factor : 1) / user.engagement ** w.engagement_exit_power;
  const bounce = rng.chance(pc.bounce);
  let state: PageState = rng.weighted(tables.entry);
  for (;;) {
    let exit =
      pc.exit[state] *
      exitScale *
      (cart.size > 0 ? w.cart_exit_factor : 1) *
      (pages < w.early_exit_factors.length ? w.early_exit_factors[pages]! : 1);
    if (state === "home" || state === "category") {
      pages++;
      if (state === "category") category = freshCategory();
      push({ type: "page_view", at: 0 }, state);
    } else if (state === "search") {
      category = freshCategory();
      push({ type: "search", at: 0, searchQuery: searchQuery(rng, category) }, "search");
    } else if (state === "product") {
      justAdded = false;
      viewProduct();
    } else {
      const result = visitCart();
      if (result === "purchased") exit = w.exit_after_purchase;
      else if (result === "declined") exit = w.exit_after_checkout_decline;
    }
    if ((bounce && pages >= 1) || pages >= w.max_pages || rng.chance(exit)) break;
    if (justAdded && cart.size > 0 && rng.chance(pc.cart_after_add)) state = "cart";
    else state = rng.weighted(cart.size > 0 ? tables.next[state] : tables.nextEmpty[state]);
  }
  if (rng.chance(w.explicit_end)) push({ type: "session_end", at: 0 }, "session_start");

  let reason: AbandonmentReason | undefined;
  if (cart.size > 0) {
    reason = rng.weighted(declinedWithCart ? ctx.reasons.checkout : ctx.reasons.browsing);
    actions[actions.length - 1]!.reason = reason;
  }
  if (opts.idleSplits !== false && w.resume_after_idle > 0 && actions.length > 3) {
    if (rng.chance(w.resume_after_idle)) {
      const from = rng.int(2, actions.length - 1);
      const gap = Math.round(
        w.idle_gap_s.min * 1000 + rng.next() * (w.idle_gap_s.max - w.idle_gap_s.min) * 1000,
      );
      actions[from]!.afterIdle = true;
      for (let i = from; i < actions.length; i++) actions[i]!.at += gap;
    }
  }
  const outcome: IntendedOutcome = purchased ? "purchase" : cart.size > 0 ? "abandon" : "browse";
  return { actions, outcome, durationMs: actions[actions.length - 1]!.at };
}
