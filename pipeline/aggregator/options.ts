// Sessionizer options: a typed interface, one strict schema, defaults in one place.
import { z } from "zod";
import { ConfigError } from "../errors/index.ts";

export interface SessionizerOptions {
  /** A gap between consecutive events (event time) strictly greater than this starts a new segment. */
  timeoutMs: number;
  /** Per-partition watermark = max event time seen - allowedLatenessMs; older events are too late. */
  allowedLatenessMs: number;
}

export const DEFAULT_SESSIONIZER_OPTIONS = {
  timeoutMs: 60_000,
  allowedLatenessMs: 5_000,
} as const satisfies SessionizerOptions;

const ms = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const sessionizerOptionsSchema = z.strictObject({
  timeoutMs: ms,
  allowedLatenessMs: ms,
});

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return `${issue.keys.join(", ")}: unknown key (allowed: ${Object.keys(DEFAULT_SESSIONIZER_OPTIONS).join(", ")})`;
  }
  const path = issue.path.length ? issue.path.join(".") : "(options)";
  return `${path}: ${issue.message} (expected an integer number of milliseconds >= 0)`;
}

/** Defaults <- given options, validated. Throws ConfigError naming every bad key. */
export function resolveSessionizerOptions(
  options: Partial<SessionizerOptions> = {},
  source = "sessionizer options",
): SessionizerOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const res = sessionizerOptionsSchema.safeParse({ ...DEFAULT_SESSIONIZER_OPTIONS, ...defined });
  if (!res.success) throw new ConfigError(source, res.error.issues.map(describeIssue));
  return res.data;
}
