// Simulator configuration: one strict schema, defaults in one place (DEFAULT_CONFIG = the phase-1
// calibration). A config file is deep-merged over the defaults, then validated; unknown keys are
// rejected and every error names its key path and what is allowed.
import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { ABANDONMENT_REASONS, DEVICE_TYPES, PERSONAS } from "../events/index.ts";

const prob = z.number().min(0).max(1);
const weight = z.number().min(0).finite();
const range = (min: number) =>
  z
    .object({ min: z.number().min(min).finite(), max: z.number().min(min).finite() })
    .strict()
    .refine((r) => r.max >= r.min, { message: "max must be >= min" });
const intRange = z
  .object({ min: z.number().int().min(0), max: z.number().int().min(0) })
  .strict()
  .refine((r) => r.max >= r.min, { message: "max must be >= min" });

const outcomeWeights = z.object({ purchase: weight, abandon: weight, browse: weight }).strict();
const stepMix = z.object({ page_view: weight, product_view: weight, search: weight }).strict();

const personaSchema = z
  .object({
    /** Share of users with this persona (shares are normalised over personas). */
    share: weight,
    /** Probability of each intended session outcome. */
    outcomes: outcomeWeights,
    /** Browsing steps before cart activity, per intended outcome. */
    browse_steps: z.object({ purchase: intRange, abandon: intRange, browse: intRange }).strict(),
    /** What one browsing step is. */
    step_mix: stepMix,
    /** Distinct products put in the cart (purchase and abandon sessions). */
    cart_items: intRange,
  })
  .strict();

const deviceSchema = z
  .object({ share: weight, browsers: z.record(z.string().min(1).max(50), weight) })
  .strict()
  .refine((d) => Object.keys(d.browsers).length > 0, { message: "needs at least one browser" });

const categorySchema = z.object({ weight, price: range(0.01) }).strict();

export const simulatorConfigSchema = z
  .object({
    /** Free text shown in summaries and data cards. */
    description: z.string().optional(),
    seed: z.number().int().min(0).max(0xffffffff),
    users: z.number().int().min(1).max(10_000_000),
    /** Target events per second (simulated time). */
    rate: z.number().positive().max(10_000_000),
    /** Length of the arrival window in seconds. */
    duration_s: z.number().positive().max(31_536_000),
    /** Event time of the first arrival (virtual clock; the real clock starts at the wall clock). */
    start_time: z.iso.datetime({ precision: 3 }),
    /** drain: sessions started before the end of the window run to completion; cut: stop at the end. */
    end: z.enum(["drain", "cut"]),
    /** Inactivity timeout the sessionizer uses; think times must stay below it. */
    session_timeout_s: z.number().positive(),
    personas: z
      .object(
        Object.fromEntries(PERSONAS.map((p) => [p, personaSchema])) as Record<
          (typeof PERSONAS)[number],
          typeof personaSchema
        >,
      )
      .strict(),
    session: z
      .object({
        /** Seconds between two events of a session (uniform, millisecond resolution). */
        think_time_s: range(0.001),
        /** Probability that a session ends with an explicit session_end (otherwise it times out). */
        explicit_end: prob,
        /** Browse sessions that put something in the cart and take it all out again. */
        browse_cart: prob,
        /** Probability that a page_view sits between two cart items. */
        page_between_items: prob,
        /** Per extra cart item (abandon sessions), probability it is removed again. */
        remove_item: prob,
        /** Purchase sessions: probability of another round of items + checkout + purchase. */
        repeat_purchase: prob,
        /** Abandon sessions: probability the cart reaches checkout before it is left. */
        abandon_at_checkout: prob,
        /** Browsing steps after the last cart action (uniform). */
        steps_after: intRange,
        /** Probability the quantity of a cart line is above 1 (then 2..max_quantity). */
        multi_quantity: prob,
        max_quantity: z.number().int().min(1).max(100),
        /** A session that goes idle longer than the timeout and comes back with the same session_id. */
        resume_after_idle: prob,
        idle_gap_s: range(0.001),
      })
      .strict(),
    devices: z
      .object(
        Object.fromEntries(DEVICE_TYPES.map((d) => [d, deviceSchema])) as Record<
          (typeof DEVICE_TYPES)[number],
          typeof deviceSchema
        >,
      )
      .strict(),
    catalog: z
      .object({
        products: z.number().int().min(1).max(1_000_000),
        categories: z
          .record(z.string().min(1).max(50), categorySchema)
          .refine((c) => Object.keys(c).length > 0, { message: "needs at least one category" }),
      })
      .strict(),
    abandonment_reasons: z
      .object(
        Object.fromEntries(ABANDONMENT_REASONS.map((r) => [r, weight])) as Record<
          (typeof ABANDONMENT_REASONS)[number],
          typeof weight
        >,
      )
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.session.think_time_s.max >= c.session_timeout_s) {
      ctx.addIssue({
        code: "custom",
        path: ["session", "think_time_s", "max"],
        message: `must be below session_timeout_s (${c.session_timeout_s}) or sessions split unintentionally`,
      });
    }
    if (c.session.resume_after_idle > 0 && c.session.idle_gap_s.min <= c.session_timeout_s) {
      ctx.addIssue({
        code: "custom",
        path: ["session", "idle_gap_s", "min"],
        message: `must be above session_timeout_s (${c.session_timeout_s}) to split the session`,
      });
    }
    const shares = PERSONAS.reduce((s, p) => s + c.personas[p].share, 0);
    if (shares <= 0) ctx.addIssue({ code: "custom", path: ["personas"], message: "persona shares sum to 0" });
    for (const p of PERSONAS) {
      const o = c.personas[p].outcomes;
      if (o.purchase + o.abandon + o.browse <= 0) {
        ctx.addIssue({ code: "custom", path: ["personas", p, "outcomes"], message: "weights sum to 0" });
      }
      const m = c.personas[p].step_mix;
      if (m.page_view + m.product_view + m.search <= 0) {
        ctx.addIssue({ code: "custom", path: ["personas", p, "step_mix"], message: "weights sum to 0" });
      }
      if (c.personas[p].cart_items.min < 1) {
        ctx.addIssue({ code: "custom", path: ["personas", p, "cart_items", "min"], message: "must be >= 1" });
      }
    }
  });

export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;
export type PersonaConfig = SimulatorConfig["personas"]["window_shopper"];

/** The phase-1 defaults (SPEC section 3), calibrated so the phase-1 ranges of SPEC section 6 hold together. */
export const DEFAULT_CONFIG = {
  description: "phase-1 defaults: 400 users, 40 events/s, 1,500 s, 60 s timeout",
  seed: 42,
  users: 400,
  rate: 40,
  duration_s: 1500,
  start_time: "2025-10-20T12:00:00.000Z",
  end: "drain",
  session_timeout_s: 60,
  personas: {
    window_shopper: {
      share: 0.6,
      outcomes: { purchase: 0.08, abandon: 0.18, browse: 0.74 },
      browse_steps: { purchase: { min: 1, max: 4 }, abandon: { min: 1, max: 4 }, browse: { min: 0, max: 6 } },
      step_mix: { page_view: 0.39, product_view: 0.4, search: 0.21 },
      cart_items: { min: 1, max: 2 },
    },
    intent_buyer: {
      share: 0.25,
      outcomes: { purchase: 0.45, abandon: 0.4, browse: 0.15 },
      browse_steps: { purchase: { min: 0, max: 2 }, abandon: { min: 0, max: 2 }, browse: { min: 0, max: 3 } },
      step_mix: { page_view: 0.38, product_view: 0.42, search: 0.2 },
      cart_items: { min: 1, max: 3 },
    },
    cart_abandoner: {
      share: 0.15,
      outcomes: { purchase: 0.03, abandon: 0.8, browse: 0.17 },
      browse_steps: { purchase: { min: 0, max: 3 }, abandon: { min: 0, max: 3 }, browse: { min: 0, max: 4 } },
      step_mix: { page_view: 0.4, product_view: 0.45, search: 0.15 },
      cart_items: { min: 1, max: 3 },
    },
  },
  session: {
    think_time_s: { min: 30, max: 59 },
    explicit_end: 0.55,
    browse_cart: 0.2,
    page_between_items: 0.5,
    remove_item: 0.6,
    repeat_purchase: 0.4,
    abandon_at_checkout: 0.17,
    steps_after: { min: 0, max: 1 },
    multi_quantity: 0.15,
    max_quantity: 3,
    resume_after_idle: 0,
    idle_gap_s: { min: 90, max: 300 },
  },
  devices: {
    mobile: {
      share: 0.575,
      browsers: { Chrome: 0.62, Safari: 0.3, "Samsung Internet": 0.05, Firefox: 0.03 },
    },
    desktop: { share: 0.33, browsers: { Chrome: 0.65, Safari: 0.12, Edge: 0.15, Firefox: 0.08 } },
    tablet: { share: 0.095, browsers: { Safari: 0.6, Chrome: 0.35, "Samsung Internet": 0.05 } },
  },
  catalog: {
    products: 500,
    categories: {
      electronics: { weight: 0.15, price: { min: 15, max: 400 } },
      clothing: { weight: 0.2, price: { min: 8, max: 120 } },
      home_kitchen: { weight: 0.15, price: { min: 6, max: 150 } },
      beauty: { weight: 0.12, price: { min: 4, max: 60 } },
      sports_outdoors: { weight: 0.1, price: { min: 8, max: 200 } },
      books: { weight: 0.1, price: { min: 5, max: 40 } },
      toys_games: { weight: 0.08, price: { min: 5, max: 80 } },
      grocery: { weight: 0.1, price: { min: 2, max: 30 } },
    },
  },
  abandonment_reasons: {
    high_price: 0.16,
    unexpected_shipping_costs: 0.2,
    comparison_shopping: 0.14,
    found_better_deal: 0.1,
    just_browsing: 0.14,
    payment_concerns: 0.08,
    slow_checkout_process: 0.07,
    needed_more_time_to_decide: 0.11,
  },
} as const satisfies SimulatorConfig;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep-merges `override` over `base`; arrays and scalars replace. Record-like maps replace whole when `replaceMaps`. */
export function deepMerge(base: unknown, override: unknown, path: string[] = []): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  // Open maps (browsers, categories) are replaced, not merged: a user listing their own categories
  // should not inherit ours.
  const last = path[path.length - 1];
  if (last === "browsers" || last === "categories") return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v, [...path, k]);
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.join(".") : "(config)";
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length ? issue.path.join(".") : "the top level";
    return `${issue.keys.map((k) => (issue.path.length ? `${where}.${k}` : k)).join(", ")}: unknown key (not allowed at ${where})`;
  }
  if (issue.code === "invalid_value" && "values" in issue) {
    return `${path}: not an allowed value; allowed: ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return `${path}: ${issue.message}`;
}

/** Validates a raw config (already merged over defaults). Throws ConfigError naming every bad key. */
export function parseSimulatorConfig(raw: unknown, source = "(inline)"): SimulatorConfig {
  const res = simulatorConfigSchema.safeParse(raw);
  if (!res.success) throw new ConfigError(source, res.error.issues.map(describeIssue));
  return res.data;
}

/** Defaults <- file contents <- overrides (flags), validated. */
export function resolveSimulatorConfig(
  fileContents: unknown,
  overrides: Partial<
    Pick<SimulatorConfig, "seed" | "users" | "rate" | "duration_s" | "start_time" | "end">
  > = {},
  source = "(inline)",
): SimulatorConfig {
  if (fileContents !== undefined && !isPlainObject(fileContents)) {
    throw new ConfigError(source, ["(config): must be a JSON object"]);
  }
  const cleanOverrides = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const merged = deepMerge(deepMerge(DEFAULT_CONFIG, fileContents ?? {}), cleanOverrides);
  return parseSimulatorConfig(merged, source);
}
