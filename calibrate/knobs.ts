// Knobs: the config values calibrate may move, as JSON paths into the simulator config with bounds and a
// transform into an unbounded search coordinate (logit for a value between two bounds, log for a positive
// scale, linear otherwise). A path may hold `*` (every key at that level), so one knob can move several
// values: `set` writes the knob's value into each, `scale` multiplies each base value by it (starting at
// 1), `shift` adds it (starting at 0). The list is data (knobs.json), so a change of config keys edits a
// file, not code.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseOptions } from "../pipeline/config/index.ts";
import { badInput } from "../pipeline/errors/index.ts";

export const TRANSFORMS = ["logit", "log", "linear"] as const;
export type Transform = (typeof TRANSFORMS)[number];
export const MODES = ["set", "scale", "shift"] as const;
export type Mode = (typeof MODES)[number];

const knobSchema = z
  .object({
    /** Dotted path into the config, e.g. devices.mobile.share; `*` matches every key at its level. */
    path: z.string().min(1),
    /** set (default): the value itself; scale: a factor on the base values; shift: an offset to them. */
    mode: z.enum(MODES).optional(),
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

/** The concrete paths a knob's path names in `config` (`*` expanded; only numeric leaves). */
export function expandPath(config: unknown, path: string): string[] {
  let prefixes: { path: string[]; node: unknown }[] = [{ path: [], node: config }];
  for (const part of path.split(".")) {
    prefixes = prefixes.flatMap(({ path: p, node }) => {
      if (!isObject(node)) return [];
      const keys = part === "*" ? Object.keys(node) : part in node ? [part] : [];
      return keys.map((k) => ({ path: [...p, k], node: node[k] }));
    });
  }
  return prefixes.filter((x) => typeof x.node === "number").map((x) => x.path.join("."));
}

/**
 * The knobs' starting values in a (resolved) config: the value at the path for `set` (the first, when the
 * path names several), 1 for `scale`, 0 for `shift`. A path naming no number is an error.
 */
export function readKnobs(knobs: readonly Knob[], config: unknown): number[] {
  const bad = knobs.filter((k) => expandPath(config, k.path).length === 0).map((k) => k.path);
  if (bad.length) {
    throw badInput(
      `knob path(s) ${bad.join(", ")} name no number in the config; each knob must name numeric config keys (check the knob list against the simulator's config schema)`,
    );
  }
  return knobs.map((k) => {
    if (k.mode === "scale") return 1;
    if (k.mode === "shift") return 0;
    return getPath(config, expandPath(config, k.path)[0]!) as number;
  });
}

/**
 * A copy of `base` with the knobs at `values` (scale and shift act on base's values). A `{ min, max }`
 * pair whose min a knob moved above its max (or the reverse) is put back in order by moving the other end.
 */
export function applyKnobs(base: unknown, knobs: readonly Knob[], values: readonly number[]): Json {
  const out = structuredClone(base) as Json;
  const touched: string[] = [];
  knobs.forEach((k, i) => {
    const x = values[i]!;
    for (const p of expandPath(base, k.path)) {
      const b = getPath(base, p) as number;
      const v = k.mode === "scale" ? b * x : k.mode === "shift" ? b + x : x;
      setPath(out, p, k.mode === undefined || k.mode === "set" ? v : Number(v.toPrecision(6)));
      touched.push(p);
    }
  });
  for (const path of touched) {
    const m = /^(.*)\.(min|max)$/.exec(path);
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
