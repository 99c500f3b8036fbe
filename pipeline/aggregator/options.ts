// Sessionizer options: a typed interface, one strict schema, defaults in one place.
import { z } from "zod";
import { DEFAULT_SESSION_TIMEOUT_MS, definedValues, parseOptions } from "../config/index.ts";

export interface SessionizerOptions {
  /** A gap between consecutive events (event time) strictly greater than this starts a new segment. */
  timeoutMs: number;
  /** Per-partition watermark = max event time seen - allowedLatenessMs; older events are too late. */
  allowedLatenessMs: number;
}

export const DEFAULT_SESSIONIZER_OPTIONS = {
  timeoutMs: DEFAULT_SESSION_TIMEOUT_MS,
  allowedLatenessMs: 5_000,
} as const satisfies SessionizerOptions;

const ms = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const sessionizerOptionsSchema = z.strictObject({
  timeoutMs: ms,
  allowedLatenessMs: ms,
});

const MILLISECONDS = "an integer number of milliseconds >= 0";

/** Defaults <- given options, validated. Throws ConfigError naming every bad key. */
export function resolveSessionizerOptions(
  options: Partial<SessionizerOptions> = {},
  source = "sessionizer options",
): SessionizerOptions {
  return parseOptions(
    sessionizerOptionsSchema,
    { ...DEFAULT_SESSIONIZER_OPTIONS, ...definedValues(options) },
    source,
    { root: "(options)", expected: { timeoutMs: MILLISECONDS, allowedLatenessMs: MILLISECONDS } },
  );
}
