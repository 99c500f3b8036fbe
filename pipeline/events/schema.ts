// The event schema, defined once. Everything else (types, validation, the exported JSON Schema file)
// derives from the zod objects here; the closed vocabularies and which event types need which fields come
// from the data model (pipeline/model).
import { z } from "zod";
import {
  ABANDONMENT_REASONS,
  DEVICE_TYPES,
  EVENT_TYPES,
  type EventColumn,
  INTENDED_OUTCOMES,
  PERSONAS,
  REQUIRED_BY_EVENT_TYPE,
} from "../model/index.ts";

export const SCHEMA_VERSION = 1 as const;

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
    for (const field of REQUIRED_BY_EVENT_TYPE[e.event_type] ?? []) {
      if (e[field] === undefined) {
        ctx.addIssue({ code: "custom", path: [field], message: `required on ${e.event_type} events` });
      }
    }
  });

export type ClickEvent = z.infer<typeof eventSchema>;

// The schema and the column catalogue (pipeline/model/event-columns.ts) name the same fields.
const _sameFields: [never, never] = [] as unknown as [
  Exclude<keyof ClickEvent, EventColumn>,
  Exclude<EventColumn, keyof ClickEvent>,
];
void _sameFields;

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
