// Options of the Redis live store: a typed interface, a strict runtime schema (unknown keys rejected, every
// issue reported with its path) and the defaults in one place.
import { z } from "zod";
import { DEFAULT_SESSION_TIMEOUT_S, parseOptions } from "../config/index.ts";
import { ConfigError } from "../errors/index.ts";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const REDIS_HINT =
  'start it with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no` or set REDIS_URL';

export interface RedisLiveOptions {
  /** Redis URL; default $REDIS_URL, else redis://127.0.0.1:6379. */
  url?: string;
  /** Prefix of every key (default "cs:"); tests use one per test. Letters, digits and : _ . - only. */
  keyPrefix?: string;
  /** The sessionizer's inactivity timeout in seconds (default 60); the TTL defaults to twice this. */
  sessionTimeoutSeconds?: number;
  /** TTL of a session hash and of the open-session indexes, refreshed on every publish (default 2 x timeout). */
  ttlSeconds?: number;
  /** Connect timeout in ms (default 2000). */
  connectTimeoutMs?: number;
  /** Where safePublish reports failures (default console.warn, rate-limited). */
  log?: (message: string) => void;
  /** Called on every failed safePublish, e.g. to count it in the metrics. */
  onFailure?: (err: unknown) => void;
}

export const redisLiveOptionsSchema = z
  .object({
    url: z
      .string()
      .regex(/^rediss?:\/\//, "a redis:// or rediss:// URL")
      .optional(),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, "1 to 64 letters, digits or : _ . - (no glob characters)")
      .optional(),
    sessionTimeoutSeconds: z.number().positive().max(86_400).optional(),
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .optional(),
    connectTimeoutMs: z.number().int().min(50).max(120_000).optional(),
    log: z.custom<(message: string) => void>((v) => typeof v === "function", "a function").optional(),
    onFailure: z.custom<(err: unknown) => void>((v) => typeof v === "function", "a function").optional(),
  })
  .strict();

export const REDIS_LIVE_DEFAULTS = {
  keyPrefix: "cs:",
  sessionTimeoutSeconds: DEFAULT_SESSION_TIMEOUT_S,
  connectTimeoutMs: 2_000,
} as const satisfies Required<
  Pick<RedisLiveOptions, "keyPrefix" | "sessionTimeoutSeconds" | "connectTimeoutMs">
>;

export interface ResolvedRedisLiveOptions {
  url: string;
  keyPrefix: string;
  ttlSeconds: number;
  connectTimeoutMs: number;
  log: (message: string) => void;
  onFailure: (err: unknown) => void;
}

export function resolveRedisLiveOptions(
  input: RedisLiveOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedRedisLiveOptions {
  const o = parseOptions(redisLiveOptionsSchema, input, "Redis live store options");
  const url = o.url ?? (env.REDIS_URL || DEFAULT_REDIS_URL);
  if (!/^rediss?:\/\//.test(url)) {
    throw new ConfigError("environment", [
      `REDIS_URL: expected a redis:// or rediss:// URL, got ${JSON.stringify(url)}`,
    ]);
  }
  const timeout = o.sessionTimeoutSeconds ?? REDIS_LIVE_DEFAULTS.sessionTimeoutSeconds;
  return {
    url,
    keyPrefix: o.keyPrefix ?? REDIS_LIVE_DEFAULTS.keyPrefix,
    ttlSeconds: o.ttlSeconds ?? Math.max(1, Math.ceil(2 * timeout)),
    connectTimeoutMs: o.connectTimeoutMs ?? REDIS_LIVE_DEFAULTS.connectTimeoutMs,
    log: o.log ?? ((m: string) => console.warn(`[redis-live] ${m}`)),
    onFailure: o.onFailure ?? (() => {}),
  };
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
