// Live state of open sessions in Redis, for dashboards ("which carts are at risk right now"). Redis is a
// cache: PostgreSQL holds the truth, so losing Redis loses nothing, and the aggregator publishes with
// safePublish, which never throws.
//
// Keys (prefix default "cs:"):
//   <prefix>session:<session_id>   hash, one field per SessionRow column (null columns absent), TTL
//   <prefix>open                   sorted set of open session ids by cart_value
//   <prefix>open:last_activity     sorted set of open session ids by last_activity (ms since the epoch)
// Every write refreshes the TTLs, so the whole state expires if the aggregator stops publishing.
import { Redis } from "ioredis";
import { CartstreamError, ERROR_CODES, serviceUnavailable } from "../errors/index.ts";
import type { SessionRow } from "../model/session-row.ts";
import {
  REDIS_HINT,
  type RedisLiveOptions,
  type ResolvedRedisLiveOptions,
  redactUrl,
  resolveRedisLiveOptions,
} from "./options.ts";

export const OPEN_SORTS = ["cart_value", "last_activity"] as const;
export type OpenSort = (typeof OPEN_SORTS)[number];

export interface ListOpenOptions {
  /** Rows to return (default 100). */
  limit?: number;
  /** cart_value (default) or last_activity. */
  sort?: OpenSort;
  /** desc (default: biggest carts / most recent first) or asc (smallest / stalest first). */
  order?: "asc" | "desc";
}

type Kind = "string" | "nullable" | "number" | "boolean";

/** How each column is stored in the hash; `satisfies` keeps it complete when SessionRow grows. */
const COLUMN_KINDS = {
  session_id: "string",
  user_id: "string",
  start_time: "string",
  end_time: "nullable",
  last_activity: "string",
  device_type: "string",
  browser: "string",
  page_views: "number",
  products_viewed: "number",
  unique_products_viewed: "number",
  searches: "number",
  cart_additions: "number",
  cart_removals: "number",
  cart_value: "number",
  is_converted: "boolean",
  purchase_value: "number",
  session_duration_seconds: "number",
  avg_time_per_page: "number",
  bounce: "boolean",
  base_session_id: "string",
  segment: "number",
  event_count: "number",
  checkouts: "number",
  purchases: "number",
  ended_by: "nullable",
  persona: "nullable",
  intended_outcome: "nullable",
  abandonment_reason: "nullable",
  sequence_violations: "number",
  kafka_partition: "number",
} as const satisfies Record<keyof SessionRow, Kind>;

const COLUMNS = Object.keys(COLUMN_KINDS) as (keyof SessionRow)[];

/** Arguments per variadic ZADD (score, member pairs) or, halved, keys per DEL / ZREM. */
const ZSET_CHUNK = 2_000;

export class RedisLiveStore {
  readonly options: ResolvedRedisLiveOptions;
  readonly #redis: Redis;
  #lastError: Error | undefined;
  #failures = 0;
  #closed = false;

  private constructor(options: ResolvedRedisLiveOptions) {
    this.options = options;
    this.#redis = new Redis(options.url, {
      lazyConnect: true,
      // A cache must not queue writes while Redis is away: fail fast, the next flush rewrites the state.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: options.connectTimeoutMs,
      // Keep reconnecting in the background (backoff up to 2 s) so publishing resumes when Redis is back.
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.#redis.on("error", (err: Error) => {
      this.#lastError = err;
    });
  }

  /** Connects and pings; an unreachable Redis is a CartstreamError (SERVICE_UNAVAILABLE) naming the URL. */
  static async connect(options: RedisLiveOptions = {}): Promise<RedisLiveStore> {
    const store = new RedisLiveStore(resolveRedisLiveOptions(options));
    try {
      await store.#redis.connect();
      await store.#redis.ping();
    } catch (err) {
      const cause = store.#lastError ?? err;
      store.#redis.disconnect();
      throw serviceUnavailable("Redis", redactUrl(store.options.url), cause, REDIS_HINT);
    }
    return store;
  }

  /**
   * A store that connects in the background and keeps trying (backoff up to 2 s) when Redis is not there
   * yet: publishing fails (safePublish counts it) until Redis answers, then resumes by itself. For a
   * process that must run without its cache, e.g. an aggregator started while Redis is down.
   */
  static connectInBackground(options: RedisLiveOptions = {}): RedisLiveStore {
    const store = new RedisLiveStore(resolveRedisLiveOptions(options));
    store.#redis.connect().catch(() => {}); // ioredis keeps reconnecting after a failed first attempt
    return store;
  }

  /** Total safePublish failures since connect. */
  get failures(): number {
    return this.#failures;
  }

  /**
   * Upserts the open sessions and removes the closed ones, in one MULTI/EXEC. Rows that carry an end_time are
   * closed sessions and are removed too; a key both upserted and closed ends up removed. Throws on failure.
   */
  async publish(rows: readonly SessionRow[], closedKeys: readonly string[]): Promise<void> {
    this.#checkOpen();
    if (rows.length === 0 && closedKeys.length === 0) return;
    const ttlMs = this.options.ttlSeconds * 1_000;
    const byValue = this.#key("open");
    const byActivity = this.#key("open:last_activity");
    const m = this.#redis.multi();
    const closed: string[] = [...closedKeys];
    // One variadic ZADD per index and one DEL / ZREM for every closed key: per open row only its hash
    // and its expiry are separate commands (commands, not bytes, are what a big publish costs).
    const byValueArgs: (string | number)[] = [];
    const byActivityArgs: (string | number)[] = [];
    for (const row of rows) {
      if (row.end_time !== null) {
        closed.push(row.session_id);
        continue;
      }
      const key = this.#sessionKey(row.session_id);
      const { fields, nulls } = encodeRow(row);
      m.hset(key, fields);
      if (nulls.length > 0) m.hdel(key, ...nulls);
      m.pexpire(key, ttlMs);
      byValueArgs.push(row.cart_value, row.session_id);
      byActivityArgs.push(Date.parse(row.last_activity), row.session_id);
    }
    for (let i = 0; i < byValueArgs.length; i += ZSET_CHUNK) {
      m.zadd(byValue, ...byValueArgs.slice(i, i + ZSET_CHUNK));
      m.zadd(byActivity, ...byActivityArgs.slice(i, i + ZSET_CHUNK));
    }
    for (let i = 0; i < closed.length; i += ZSET_CHUNK / 2) {
      const ids = closed.slice(i, i + ZSET_CHUNK / 2);
      m.del(...ids.map((id) => this.#sessionKey(id)));
      m.zrem(byValue, ...ids);
      m.zrem(byActivity, ...ids);
    }
    m.pexpire(byValue, ttlMs);
    m.pexpire(byActivity, ttlMs);
    let results: [Error | null, unknown][] | null;
    try {
      results = await m.exec();
    } catch (err) {
      throw this.#error("publish", err);
    }
    const failed = results?.find(([err]) => err !== null)?.[0];
    if (results === null || failed) throw this.#error("publish", failed ?? new Error("transaction aborted"));
  }

  /**
   * publish() that never throws: a failure is counted, passed to options.onFailure and logged (the first one,
   * then every 100th). Returns whether the state was written.
   */
  async safePublish(rows: readonly SessionRow[], closedKeys: readonly string[]): Promise<boolean> {
    try {
      await this.publish(rows, closedKeys);
      return true;
    } catch (err) {
      this.#failures++;
      try {
        this.options.onFailure(err);
        if (this.#failures === 1 || this.#failures % 100 === 0) {
          this.options.log(
            `live state not published (${this.#failures} failure(s) so far; sessions are safe in the store): ${(err as Error).message}`,
          );
        }
      } catch {
        // A failing hook must not break the aggregator either.
      }
      return false;
    }
  }

  /** Open sessions, read back from the hashes; ids whose hash expired are dropped from the indexes. */
  async listOpen(options: ListOpenOptions = {}): Promise<SessionRow[]> {
    this.#checkOpen();
    const limit = options.limit ?? 100;
    const sort = options.sort ?? "cart_value";
    const order = options.order ?? "desc";
    if (!Number.isInteger(limit) || limit < 1) {
      throw new CartstreamError(
        ERROR_CODES.BAD_INPUT,
        `listOpen: limit must be a positive integer, got ${limit}`,
      );
    }
    if (!OPEN_SORTS.includes(sort)) {
      throw new CartstreamError(
        ERROR_CODES.BAD_INPUT,
        `listOpen: sort must be one of ${OPEN_SORTS.join(", ")}, got ${JSON.stringify(sort)}`,
      );
    }
    const index = this.#key(sort === "cart_value" ? "open" : "open:last_activity");
    const rows: SessionRow[] = [];
    let start = 0;
    try {
      while (rows.length < limit) {
        const want = limit - rows.length;
        const stop = start + want - 1;
        const ids =
          order === "desc"
            ? await this.#redis.zrevrange(index, start, stop)
            : await this.#redis.zrange(index, start, stop);
        if (ids.length === 0) break;
        const p = this.#redis.pipeline();
        for (const id of ids) p.hgetall(this.#sessionKey(id));
        const hashes = (await p.exec()) ?? [];
        const stale: string[] = [];
        ids.forEach((id, i) => {
          const [err, hash] = hashes[i] ?? [new Error("no reply"), null];
          const row = err === null ? decodeRow(hash as Record<string, string>) : undefined;
          if (row === undefined) stale.push(id);
          else rows.push(row);
        });
        if (stale.length > 0) {
          await this.#redis
            .multi()
            .zrem(this.#key("open"), ...stale)
            .zrem(this.#key("open:last_activity"), ...stale)
            .exec();
        }
        // Removed ids shift the ranks of the rest down.
        start = stop + 1 - stale.length;
        if (ids.length < want) break;
      }
    } catch (err) {
      throw this.#error("listOpen", err);
    }
    return rows;
  }

  /** Number of open sessions in the index. */
  async countOpen(): Promise<number> {
    this.#checkOpen();
    try {
      return await this.#redis.zcard(this.#key("open"));
    } catch (err) {
      throw this.#error("countOpen", err);
    }
  }

  /** One session's live row, or null when it is closed, expired or unknown. */
  async get(sessionId: string): Promise<SessionRow | null> {
    this.#checkOpen();
    try {
      return decodeRow(await this.#redis.hgetall(this.#sessionKey(sessionId))) ?? null;
    } catch (err) {
      throw this.#error("get", err);
    }
  }

  /** Remaining TTL of a session hash in ms (-2: no such key), for tests and debugging. */
  async ttlMs(sessionId: string): Promise<number> {
    this.#checkOpen();
    return this.#redis.pttl(this.#sessionKey(sessionId));
  }

  /** Deletes every key under this store's prefix (never FLUSHDB: other prefixes may share the database). */
  async flushAll(): Promise<number> {
    this.#checkOpen();
    let deleted = 0;
    try {
      let cursor = "0";
      do {
        const [next, keys] = await this.#redis.scan(
          cursor,
          "MATCH",
          `${this.options.keyPrefix}*`,
          "COUNT",
          1_000,
        );
        cursor = next;
        if (keys.length > 0) deleted += await this.#redis.unlink(...keys);
      } while (cursor !== "0");
    } catch (err) {
      throw this.#error("flushAll", err);
    }
    return deleted;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  #key(name: string): string {
    return `${this.options.keyPrefix}${name}`;
  }

  #sessionKey(sessionId: string): string {
    return `${this.options.keyPrefix}session:${sessionId}`;
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new CartstreamError(
        ERROR_CODES.BAD_INPUT,
        "the Redis live store was used after close(); connect again",
      );
    }
  }

  #error(what: string, err: unknown): CartstreamError {
    if (err instanceof CartstreamError) return err;
    const url = redactUrl(this.options.url);
    if (this.#redis.status !== "ready")
      return serviceUnavailable("Redis", url, this.#lastError ?? err, REDIS_HINT);
    return new CartstreamError(
      ERROR_CODES.SERVICE_UNAVAILABLE,
      `Redis at ${url}: ${what} failed: ${(err as Error).message ?? String(err)}`,
      { retriable: true, cause: err },
    );
  }
}

function encodeRow(row: SessionRow): { fields: Record<string, string>; nulls: string[] } {
  const fields: Record<string, string> = {};
  const nulls: string[] = [];
  for (const column of COLUMNS) {
    const value = row[column];
    if (value === null || value === undefined) nulls.push(column);
    else if (typeof value === "boolean") fields[column] = value ? "1" : "0";
    else fields[column] = String(value);
  }
  return { fields, nulls };
}

/** A stored hash back to a SessionRow; undefined when it is gone or lacks a required column. */
function decodeRow(hash: Record<string, string>): SessionRow | undefined {
  if (hash.session_id === undefined) return undefined;
  const row: Record<string, unknown> = {};
  for (const column of COLUMNS) {
    const kind: Kind = COLUMN_KINDS[column];
    const raw = hash[column];
    if (raw === undefined) {
      if (kind !== "nullable") return undefined;
      row[column] = null;
    } else if (kind === "number") row[column] = Number(raw);
    else if (kind === "boolean") row[column] = raw === "1";
    else row[column] = raw;
  }
  return row as unknown as SessionRow;
}
