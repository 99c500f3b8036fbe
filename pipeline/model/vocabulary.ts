// The closed value sets of events and sessions. The event schema (pipeline/events), the column catalogue
// and validation's accepted-values checks all use these lists.

export const EVENT_TYPES = [
  "session_start",
  "page_view",
  "product_view",
  "search",
  "add_to_cart",
  "remove_from_cart",
  "checkout_initiated",
  "purchase",
  "session_end",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DEVICE_TYPES = ["mobile", "desktop", "tablet"] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const PERSONAS = ["window_shopper", "intent_buyer", "cart_abandoner"] as const;
export type Persona = (typeof PERSONAS)[number];

export const ABANDONMENT_REASONS = [
  "high_price",
  "unexpected_shipping_costs",
  "comparison_shopping",
  "found_better_deal",
  "just_browsing",
  "payment_concerns",
  "slow_checkout_process",
  "needed_more_time_to_decide",
] as const;
export type AbandonmentReason = (typeof ABANDONMENT_REASONS)[number];

/** The simulator's plan for a session: labelled ground truth, never a feature by default. */
export const INTENDED_OUTCOMES = ["purchase", "abandon", "browse"] as const;
export type IntendedOutcome = (typeof INTENDED_OUTCOMES)[number];

/** How a closed session ended. */
export const ENDED_BY = ["session_end", "timeout"] as const;
export type EndedBy = (typeof ENDED_BY)[number];
