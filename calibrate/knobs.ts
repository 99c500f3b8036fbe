// Knobs: the config values calibrate may move, as JSON paths into the simulator config with bounds and a
// transform into an unbounded search coordinate (logit for a value between two bounds, log for a positive
// scale, linear otherwise). The list is data (knobs.json), so a change of config keys edits a file, not code.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseOptions } from "../pipeline/config/index.ts";
import { badInput } from "../pipeline/errors/index.ts";

export const TRANSFORMS = ["logit", "log", "linear"] as const;
export type Transform = (typeof TRANSFORMS)[number];

const knobSchema = z
  .object({
    /** Dotted path into the config, e.g. personas.window_shopper.outcomes.purchase. */
    path: z.string().min(1),
    min: z.number().finite(),
    max: z.number().finite(),
    transform: z.enum(TRANSFORMS),
    /** Rounded to an integer when written into the config. */
    integer: z.boolean().optional(),
    /** Finite-difference step in search coordinates (default: 0.4 logit, 0.25 log, a tenth of the span linear). */
    step: z.number().positive().optional(),
  })
  .strict()
  .refine((k) => k.max > k.min, { message: "max must be > min" })
  .refine((k) => k.transform !== "log" || k.min > 0, { message: "a log knob needs min > 0" });

export const knobListSchema = z
  .object({ description: z.string().optional(), knobs: z.array(knobSchema).min(1) })
  .strict();

export type Knob = z.infer<typeof knobSchema>;

export const DEFAULT_KNOBS_PATH = new URL("./knobs.json", import.meta.url);

/** Reads and validates a knob list (default: calibrate/knobs.json). */
export function loadKnobs(path: string | URL = DEFAULT_KNOBS_PATH): Knob[] {
  const source = String(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw badInput(`knob list ${source}: cannot read it as JSON (${(err as Error).message})`);
  }
  return parseOptions(knobListSchema, raw, source).knobs;
}

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

/** Search coordinate of a config value (clamped just inside the bounds). */
export function toSearch(k: Knob, x: number): number {
  const span = k.max - k.min;
  if (k.transform === "logit") {
    const c = Math.min(k.max - span * 1e-4, Math.max(k.min + span * 1e-4, x));
    return logit((c - k.min) / span);
  }
  const c = Math.min(k.max, Math.max(k.min, x));
  return k.transform === "log" ? Math.log(c) : c;
}

/** Config value of a search coordinate, inside the bounds. */
export function fromSearch(k: Knob, u: number): number {
  let x: number;
  if (k.transform === "logit") x = k.min + (k.max - k.min) * sigmoid(u);
  else if (k.transform === "log") x = Math.exp(u);
  else x = u;
  x = Math.min(k.max, Math.max(k.min, x));
  // Six significant digits: the search's noise is far larger, and the written config stays readable.
  return k.integer ? Math.round(x) : Number(x.toPrecision(6));
}

/** Search coordinates clamped to the knobs' bounds (log and linear coordinates are bounded). */
export function project(knobs: readonly Knob[], u: readonly number[]): number[] {
  return u.map((v, i) => {
    const k = knobs[i]!;
    if (k.transform === "logit") return Math.max(-12, Math.min(12, v));
    const lo = k.transform === "log" ? Math.log(k.min) : k.min;
    const hi = k.transform === "log" ? Math.log(k.max) : k.max;
    return Math.max(lo, Math.min(hi, v));
  });
}

export function defaultStep(k: Knob): number {
  if (k.step !== undefined) return k.step;
  if (k.transform === "logit") return 0.4;
  if (k.transform === "log") return 0.25;
  return Math.max(k.integer ? 1 : 0, (k.max - k.min) / 10);
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function setPath(obj: Json, path: string, value: number): void {
  const parts = path.split(".");
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(cur[part])) cur[part] = {};
    cur = cur[part] as Json;
  }
  cur[parts[parts.length - 1]!] = value;
}

/** The knobs' current values in a (resolved) config; a path that is not a number there is an error. */
export function readKnobs(knobs: readonly Knob[], config: unknown): number[] {
  const bad = knobs.filter((k) => typeof getPath(config, k.path) !== "number").map((k) => k.path);
  if (bad.length) {
    throw badInput(
      `knob path(s) ${bad.join(", ")} are not numbers in the config; each knob must name a numeric config key (check the knob list against the simulator's config schema)`,
    );
  }
  return knobs.map((k) => getPath(config, k.path) as number);
}

/**
 * A copy of `config` with the knobs set to `values`. A `{ min, max }` pair whose min a knob moved above
 * its max (or the reverse) is put back in order by moving the other end.
 */
export function applyKnobs(config: unknown, knobs: readonly Knob[], values: readonly number[]): Json {
  const out = structuredClone(config) as Json;
  knobs.forEach((k, i) => {
    setPath(out, k.path, values[i]!);
  });
  for (const k of knobs) {
    const m = /^(.*)\.(min|max)$/.exec(k.path);
    if (!m) continue;
    const range = getPath(out, m[1]!);
    if (!isObject(range) || typeof range.min !== "number" || typeof range.max !== "number") continue;
    if (range.min > range.max) {
      if (m[2] === "min") range.max = range.min;
      else range.min = range.max;
    }
  }
  return out;
}
