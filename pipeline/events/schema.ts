// The event schema, defined once. Everything else (types, validation, the exported JSON Schema file)
// derives from the zod objects here.
import { z } from "zod";

export const SCHEMA_VERSION = 1 as const;

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

const isoUtcMillis = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    "UTC ISO-8601 with milliseconds, e.g. 2025-10-20T12:00:00.000Z",
  );
const money = z.number().nonnegative().finite();
const id = z.string().min(1).max(50);

export const eventSchema = z
  .object({
    event_id: id,
    event_type: z.enum(EVENT_TYPES),
    event_time: isoUtcMillis,
    user_id: id,
    session_id: id,
    device_type: z.enum(DEVICE_TYPES),
    browser: z.string().min(1).max(50),
    schema_version: z.literal(SCHEMA_VERSION),
    product_id: id.optional(),
    category: z.string().min(1).max(50).optional(),
    price: money.optional(),
    quantity: z.number().int().positive().optional(),
    cart_value: money.optional(),
    search_query: z.string().min(1).max(200).optional(),
    order_id: id.optional(),
    order_value: money.optional(),
    abandonment_reason: z.enum(ABANDONMENT_REASONS).optional(),
    persona: z.enum(PERSONAS).optional(),
    intended_outcome: z.enum(INTENDED_OUTCOMES).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const need = (field: keyof typeof e) => {
      if (e[field] === undefined) {
        ctx.addIssue({ code: "custom", path: [field], message: `required on ${e.event_type} events` });
      }
    };
    switch (e.event_type) {
      case "product_view":
        need("product_id");
        need("category");
        need("price");
        break;
      case "add_to_cart":
      case "remove_from_cart":
        need("product_id");
        need("category");
        need("price");
        need("quantity");
        need("cart_value");
        break;
      case "checkout_initiated":
        need("cart_value");
        break;
      case "purchase":
        need("cart_value");
        need("order_id");
        need("order_value");
        break;
      case "search":
        need("search_query");
        break;
      default:
        break;
    }
  });

export type ClickEvent = z.infer<typeof eventSchema>;

/** JSON Schema (draft 2020-12) of one event, written to event.schema.json by `cartstream schema`. */
export function eventJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(eventSchema, { target: "draft-2020-12" }) as Record<string, unknown>;
  return {
    ...schema,
    $id: "https://cartstream.dev/schemas/event.schema.json",
    title: "cartstream click event",
    description:
      "One e-commerce clickstream event (one Kafka message, key = user_id). Type-specific fields: product_id/category/price on product_view, add_to_cart, remove_from_cart; quantity and cart_value on cart events; cart_value on checkout_initiated and purchase; order_id/order_value on purchase; search_query on search; abandonment_reason where a cart is left behind. persona and intended_outcome are the simulator's latent ground truth, not features.",
  };
}
