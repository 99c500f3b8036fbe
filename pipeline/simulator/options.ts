// Simulator configuration (behaviour model v2): one strict schema; the defaults live in defaults.ts
// (DEFAULT_CONFIG, the phase-1 preset). A config file is deep-merged over the defaults, then validated;
// unknown keys are rejected and every error names its key path and what is allowed.
import { z } from "zod";
import { formatIssues } from "../config/index.ts";
import { ConfigError } from "../errors/index.ts";
import { ABANDONMENT_REASONS, DEVICE_TYPES, PERSONAS } from "../events/index.ts";
import { DEFAULT_CONFIG } from "./defaults.ts";

/** Page types the walk moves between; checkout is a decision taken on the cart page. */
export const PAGE_STATES = ["home", "category", "search", "product", "cart"] as const;
export type PageState = (typeof PAGE_STATES)[number];
/** Where a session can land (a search needs a page to be typed on). */
export const ENTRY_STATES = ["home", "category", "product"] as const;
/**
 * What a gap between two events is spent on: the page (or action) before it; checkout = from the cart page
 * to the checkout click, purchase = on the checkout form until the purchase (or leaving it).
 */
export const DWELL_KINDS = ["session_start", ...PAGE_STATES, "cart_action", "checkout", "purchase"] as const;
export type DwellKind = (typeof DWELL_KINDS)[number];
export const DECISIONS = ["add_to_cart", "remove_from_cart", "checkout", "purchase"] as const;
export type Decision = (typeof DECISIONS)[number];

const prob = z.number().min(0).max(1);
const openProb = z.number().gt(0).lt(1);
const weight = z.number().min(0).finite();
const logit = z.number().min(-20).max(20);
const sigma = z.number().min(0).max(5);
const positive = z.number().positive().finite();
const keyed = <K extends string, T extends z.ZodType>(keys: readonly K[], value: T) =>
  z.object(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, T>).strict();
const weights = <K extends string>(keys: readonly K[]) =>
  keyed(keys, weight).refine((w) => Object.values(w as Record<string, number>).some((v) => v > 0), {
    message: "weights sum to 0; give at least one a positive weight",
  });
const logNormal = z.object({ median: positive, sigma }).strict();
const range = (min: number) =>
  z
    .object({ min: z.number().min(min).finite(), max: z.number().min(min).finite() })
    .strict()
    .refine((r) => r.max >= r.min, { message: "max must be >= min" });

const personaSchema = z
  .object({
    /** Share of users with this persona (shares are normalised over personas). */
    share: weight,
    /** Per-user purchase propensity ~ Beta(mean, concentration). */
    propensity: z.object({ mean: openProb, concentration: z.number().min(0.1).max(10_000) }).strict(),
    /** Session-to-session variation of intent around the user's propensity (logit scale, normal sigma). */
    intent_sigma: sigma,
    /** Per-user engagement (log-normal, median 1 = average): deeper sessions, more returns. */
    engagement: logNormal,
    /** Per-user price sensitivity (log-normal): how much prices above the reference put the user off. */
    price_sensitivity: logNormal,
    /** Probability that a session is a deep visit (exit probabilities scaled by walk.deep_exit_factor). */
    deep_visit: prob,
    /** Probability that a session leaves after its landing page (a bounce). */
    bounce: prob,
    /** Probability that the page after an add_to_cart is the cart (otherwise the transition table decides). */
    cart_after_add: prob,
    /** Landing page weights. */
    entry: weights(ENTRY_STATES),
    /** Next-page weights from each page (cart only counts while the cart holds items). */
    transitions: keyed(PAGE_STATES, weights(PAGE_STATES)),
    /** Probability of leaving after each page (before the scaling by depth, engagement and cart). */
    exit: keyed(PAGE_STATES, prob),
    /** Base logits of the decisions taken along the walk. */
    decisions: keyed(DECISIONS, logit),
  })
  .strict();

const deviceSchema = z
  .object({ share: weight, browsers: z.record(z.string().min(1).max(50), weight) })
  .strict()
  .refine((d) => Object.keys(d.browsers).length > 0, { message: "needs at least one browser" });

const categorySchema = z.object({ weight, price: range(0.01) }).strict();
const dwellSchema = z.object({ min_s: z.number().min(0).finite(), median_s: positive, sigma }).strict();

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
    /** Event time of the window's start (virtual clock; the real clock starts at the wall clock). */
    start_time: z.iso.datetime({ precision: 3 }),
    /** drain: sessions open at the end of the window run to completion; cut: stop at the end. */
    end: z.enum(["drain", "cut"]),
    /** Start in the stationary state: the expected number of sessions already open at time zero. */
    warm_start: z.boolean(),
    /** Inactivity timeout the sessionizer uses; dwell times stay below it. */
    session_timeout_s: z.number().positive(),
    personas: keyed(PERSONAS, personaSchema),
    walk: z
      .object({
        /** Exit probabilities are multiplied by this in deep visits. */
        deep_exit_factor: z.number().min(0).max(100),
        /** Exit probability multiplied by these on the first pages of a session that is not a bounce. */
        early_exit_factors: z.array(z.number().min(0).max(100)).max(20),
        /** Exit probability divided by engagement ** this power. */
        engagement_exit_power: z.number().min(0).max(10),
        /** Exit probability multiplied by this while the cart holds items. */
        cart_exit_factor: z.number().min(0).max(100),
        /** After a purchase: probability of leaving (otherwise the walk goes on from home). */
        exit_after_purchase: prob,
        /** After declining at checkout: probability of leaving (otherwise back to browsing). */
        exit_after_checkout_decline: prob,
        /** Upper bound on pages in a session (a guard against endless walks). */
        max_pages: z.number().int().min(1).max(10_000),
        /** Probability that a product view stays in the category of the previous page or search. */
        stay_in_category: prob,
        /** Probability that a fresh category choice is one of the user's preferred categories. */
        preferred_category: prob,
        /** Probability that a session ends with an explicit session_end (otherwise it times out). */
        explicit_end: prob,
        /** Probability the quantity of a cart line is above 1 (then 2..max_quantity). */
        multi_quantity: prob,
        max_quantity: z.number().int().min(1).max(100),
        /** A session that goes idle longer than the timeout and comes back with the same session_id. */
        resume_after_idle: prob,
        idle_gap_s: range(0.001),
      })
      .strict(),
    /** Slopes of the decision logits, shared by the personas. */
    decision_effects: z
      .object({
        /** Multiplies the session intent (logit of the purchase propensity, plus the session's variation). */
        intent: keyed(DECISIONS, z.number().min(-20).max(20)),
        /** Multiplies price sensitivity x ln(price / reference_price) (cart value for checkout, purchase). */
        price: keyed(DECISIONS, z.number().min(-20).max(20)),
        /** Added to add_to_cart's logit for a product in one of the user's preferred categories. */
        preferred_category: z.number().min(-20).max(20),
        /** Added to add_to_cart's logit per line already in the cart. */
        per_cart_line: z.number().min(-20).max(20),
        /** Added to add_to_cart's logit when the same product was already viewed in the session. */
        viewed_again: z.number().min(-20).max(20),
        reference_price: positive,
        reference_cart_value: positive,
      })
      .strict(),
    /** Gap before the next event: min_s + log-normal(median_s, sigma), redrawn while above max_s. */
    dwell: z.object({ max_s: positive, by_kind: keyed(DWELL_KINDS, dwellSchema) }).strict(),
    arrivals: z
      .object({
        /** Sigma of the log-normal gap between a user's session starts. */
        gap_sigma: sigma,
        /** A user's share of sessions is proportional to engagement ** this power. */
        engagement_power: z.number().min(0).max(10),
        /** Traffic shape over the day and the week, applied as a time warp of arrivals (mean 1 over a week). */
        cycle: z
          .object({
            enabled: z.boolean(),
            /** 0 = flat, 1 = no traffic at the quietest hour. */
            day_night_amplitude: z.number().min(0).max(0.95),
            /** Hour (UTC, 0-23) of the busiest traffic. */
            peak_hour_utc: z.number().min(0).lt(24),
            /** Saturday and Sunday traffic relative to a weekday. */
            weekend_factor: z.number().min(0.05).max(20),
          })
          .strict(),
      })
      .strict(),
    population: z
      .object({
        /** Preferred categories per user. */
        preferred_categories: z.number().int().min(1).max(50),
        /** Probability that a session uses the user's own device (else one drawn by device shares). */
        device_loyalty: prob,
      })
      .strict(),
    devices: keyed(DEVICE_TYPES, deviceSchema),
    catalog: z
      .object({
        products: z.number().int().min(1).max(1_000_000),
        categories: z
          .record(z.string().min(1).max(50), categorySchema)
          .refine((c) => Object.keys(c).length > 0, { message: "needs at least one category" }),
      })
      .strict(),
    /** Why a cart is left: weights while browsing and after declining at checkout. */
    abandonment_reasons: z
      .object({ browsing: weights(ABANDONMENT_REASONS), checkout: weights(ABANDONMENT_REASONS) })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.dwell.max_s >= c.session_timeout_s) {
      ctx.addIssue({
        code: "custom",
        path: ["dwell", "max_s"],
        message: `must be below session_timeout_s (${c.session_timeout_s}) or sessions split unintentionally`,
      });
    }
    for (const kind of DWELL_KINDS) {
      if (c.dwell.by_kind[kind].min_s >= c.dwell.max_s) {
        ctx.addIssue({
          code: "custom",
          path: ["dwell", "by_kind", kind, "min_s"],
          message: `must be below dwell.max_s (${c.dwell.max_s})`,
        });
      }
    }
    if (c.walk.resume_after_idle > 0 && c.walk.idle_gap_s.min <= c.session_timeout_s) {
      ctx.addIssue({
        code: "custom",
        path: ["walk", "idle_gap_s", "min"],
        message: `must be above session_timeout_s (${c.session_timeout_s}) to split the session`,
      });
    }
    if (PERSONAS.every((p) => c.personas[p].share <= 0)) {
      ctx.addIssue({ code: "custom", path: ["personas"], message: "persona shares sum to 0" });
    }
    if (DEVICE_TYPES.every((d) => c.devices[d].share <= 0)) {
      ctx.addIssue({ code: "custom", path: ["devices"], message: "device shares sum to 0" });
    }
  });

export type SimulatorConfig = z.infer<typeof simulatorConfigSchema>;
export type PersonaConfig = SimulatorConfig["personas"]["window_shopper"];
/** Run parameters a flag may override. */
export type RunOverrides = Partial<
  Pick<SimulatorConfig, "seed" | "users" | "rate" | "duration_s" | "start_time" | "end" | "warm_start">
>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep-merges `override` over `base`; arrays and scalars replace, open maps (browsers, categories) too. */
export function deepMerge(base: unknown, override: unknown, path: string[] = []): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  // A user listing their own categories or browsers should not inherit ours.
  const last = path[path.length - 1];
  if (last === "browsers" || last === "categories") return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v, [...path, k]);
  return out;
}

/** Keys of the first config version (outcome drawn first, scripted step ranges), removed in v2. */
const V1_KEYS = new Set(["session", "outcomes", "browse_steps", "step_mix", "cart_items"]);

/** Validates a raw config (already merged over defaults). Throws ConfigError naming every bad key. */
export function parseSimulatorConfig(raw: unknown, source = "(inline)"): SimulatorConfig {
  const res = simulatorConfigSchema.safeParse(raw);
  if (!res.success) {
    const lines = formatIssues(res.error, { root: "(config)" }, simulatorConfigSchema);
    const v1 = res.error.issues.some(
      (i) => i.code === "unrecognized_keys" && i.keys.some((k) => V1_KEYS.has(k)),
    );
    if (v1) {
      lines.push(
        "this looks like a version-1 config (session, outcomes, browse_steps, step_mix, cart_items): the behaviour model v2 replaced those keys with personas.*.{propensity, exit, transitions, decisions}, walk and dwell; start from data/configs/phase1.json",
      );
    }
    throw new ConfigError(source, lines);
  }
  return res.data;
}

/** `base` <- file contents <- overrides (flags), validated. */
export function mergeSimulatorConfig(
  base: SimulatorConfig,
  fileContents: unknown,
  overrides: RunOverrides = {},
  source = "(inline)",
): SimulatorConfig {
  if (fileContents !== undefined && !isPlainObject(fileContents)) {
    throw new ConfigError(source, ["(config): must be a JSON object"]);
  }
  const cleanOverrides = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const merged = deepMerge(deepMerge(base, fileContents ?? {}), cleanOverrides);
  return parseSimulatorConfig(merged, source);
}

/** Defaults <- file contents <- overrides (flags), validated. */
export function resolveSimulatorConfig(
  fileContents: unknown,
  overrides: RunOverrides = {},
  source = "(inline)",
): SimulatorConfig {
  return mergeSimulatorConfig(DEFAULT_CONFIG, fileContents, overrides, source);
}
