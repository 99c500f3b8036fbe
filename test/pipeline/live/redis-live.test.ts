// Against the real Redis on 127.0.0.1:6379, with a key prefix per test, cleaned up afterwards.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createConnection } from "node:net";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { CartstreamError, ConfigError, ERROR_CODES } from "../../../pipeline/errors/index.ts";
import { RedisLiveStore } from "../../../pipeline/live/index.ts";
import type { SessionRow } from "../../../pipeline/model/session-row.ts";

function row(
  id: string,
  cartValue: number,
  lastActivity: string,
  extra: Partial<SessionRow> = {},
): SessionRow {
  return {
    session_id: id,
    user_id: `user_${id}`,
    start_time: "2025-10-20T12:00:00.000Z",
    end_time: null,
    last_activity: lastActivity,
    device_type: "mobile",
    browser: "Chrome",
    page_views: 3,
    products_viewed: 2,
    unique_products_viewed: 2,
    searches: 0,
    cart_additions: cartValue > 0 ? 1 : 0,
    cart_removals: 0,
    cart_value: cartValue,
    is_converted: false,
    purchase_value: 0,
    session_duration_seconds: 42,
    avg_time_per_page: 8.4,
    bounce: false,
    base_session_id: id,
    segment: 1,
    event_count: 6,
    checkouts: 0,
    purchases: 0,
    ended_by: null,
    persona: "window_shopper",
    intended_outcome: null,
    abandonment_reason: null,
    sequence_violations: 0,
    kafka_partition: 3,
    ...extra,
  };
}

/** A throw-away redis-server on its own port, so the test can stop it without touching the shared one. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (up) return child;
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`redis-server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

describe("RedisLiveStore (real Redis)", () => {
  const stores: RedisLiveStore[] = [];
  const open = async (options: Parameters<typeof RedisLiveStore.connect>[0] = {}) => {
    const store = await RedisLiveStore.connect({ keyPrefix: `test:${randomUUID()}:`, ...options });
    stores.push(store);
    return store;
  };

  afterEach(async () => {
    for (const s of stores.splice(0)) {
      await s.flushAll();
      await s.close();
    }
  });

  it("publishes open sessions, lists them by cart value or last activity, and round-trips every column", async () => {
    const live = await open();
    const rows = [
      row("s1", 10.5, "2025-10-20T12:01:00.000Z"),
      row("s2", 99.99, "2025-10-20T12:00:30.000Z", { abandonment_reason: "high price", is_converted: true }),
      row("s3", 0, "2025-10-20T12:05:00.000Z", { bounce: true, persona: null }),
    ];
    await live.publish(rows, []);
    expect(await live.countOpen()).toBe(3);
    const byValue = await live.listOpen({ sort: "cart_value" });
    expect(byValue.map((r) => r.session_id)).toEqual(["s2", "s1", "s3"]);
    expect(byValue[0]).toEqual(rows[1]);
    expect(byValue[2]).toEqual(rows[2]);
    expect((await live.listOpen({ sort: "last_activity" })).map((r) => r.session_id)).toEqual([
      "s3",
      "s1",
      "s2",
    ]);
    expect(
      (await live.listOpen({ sort: "last_activity", order: "asc", limit: 2 })).map((r) => r.session_id),
    ).toEqual(["s2", "s1"]);
    expect(await live.get("s1")).toEqual(rows[0]);
    expect(await live.get("nope")).toBeNull();
  });

  it("updates rows in place (nulls clear fields), removes closed sessions, and closing wins in one flush", async () => {
    const live = await open();
    await live.publish(
      [
        row("a", 5, "2025-10-20T12:00:00.000Z", { abandonment_reason: "x" }),
        row("b", 7, "2025-10-20T12:00:00.000Z"),
      ],
      [],
    );
    const updated = row("a", 50, "2025-10-20T12:02:00.000Z", { abandonment_reason: null, event_count: 9 });
    await live.publish([updated, row("c", 1, "2025-10-20T12:00:00.000Z")], ["b", "c"]);
    expect(await live.get("a")).toEqual(updated);
    expect(await live.get("b")).toBeNull();
    expect(await live.get("c")).toBeNull();
    expect((await live.listOpen()).map((r) => r.session_id)).toEqual(["a"]);
    // A row that carries an end_time is a closed session.
    await live.publish(
      [
        row("a", 50, "2025-10-20T12:02:00.000Z", {
          end_time: "2025-10-20T12:02:00.000Z",
          ended_by: "session_end",
        }),
      ],
      [],
    );
    expect(await live.countOpen()).toBe(0);
    expect(await live.listOpen()).toEqual([]);
  });

  it("sets a TTL of twice the session timeout, refreshed on publish, and drops index entries of expired hashes", async () => {
    const live = await open({ sessionTimeoutSeconds: 30 });
    expect(live.options.ttlSeconds).toBe(60);
    await live.publish([row("t", 3, "2025-10-20T12:00:00.000Z")], []);
    const ttl = await live.ttlMs("t");
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);

    const short = await open({ ttlSeconds: 1 });
    await short.publish(
      [row("x", 1, "2025-10-20T12:00:00.000Z"), row("y", 2, "2025-10-20T12:00:00.000Z")],
      [],
    );
    await new Promise((r) => setTimeout(r, 1_300));
    expect(await short.listOpen()).toEqual([]);
  });

  it("pages through a large index and skips (and unindexes) hashes that vanished", async () => {
    const live = await open();
    const rows = Array.from({ length: 250 }, (_, i) => row(`p${i}`, i, "2025-10-20T12:00:00.000Z"));
    await live.publish(rows, []);
    // Hashes can vanish behind the index (TTL, eviction): drop the 50 biggest carts' hashes directly.
    const raw = new Redis(live.options.url);
    try {
      await raw.del(...Array.from({ length: 50 }, (_, i) => `${live.options.keyPrefix}session:p${249 - i}`));
    } finally {
      raw.disconnect();
    }
    const top = await live.listOpen({ limit: 120 });
    expect(top.map((r) => r.session_id)).toEqual(Array.from({ length: 120 }, (_, i) => `p${199 - i}`));
    expect(await live.countOpen()).toBe(200);
  });

  it("an unreachable Redis is a clear error at connect; safePublish never throws and counts failures", async () => {
    const t0 = Date.now();
    const err = await RedisLiveStore.connect({
      url: "redis://:secret@127.0.0.1:1",
      connectTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(CartstreamError);
    expect((err as CartstreamError).code).toBe(ERROR_CODES.SERVICE_UNAVAILABLE);
    expect((err as Error).message).toMatch(
      /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    expect((err as Error).message).toContain("redis-server --daemonize yes");
    expect((err as Error).message).not.toContain("secret");
  });

  it("safePublish never throws while Redis is down, counts the failures, and resumes when Redis is back", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = await startRedis(port);
    const failures: unknown[] = [];
    const logs: string[] = [];
    const live = await RedisLiveStore.connect({
      url: `redis://127.0.0.1:${port}`,
      onFailure: (e) => failures.push(e),
      log: (m) => logs.push(m),
    });
    try {
      expect(await live.safePublish([row("z", 1, "2025-10-20T12:00:00.000Z")], [])).toBe(true);
      await stopRedis(server);
      expect(await live.safePublish([row("z", 2, "2025-10-20T12:00:00.000Z")], [])).toBe(false);
      expect(await live.safePublish([row("z", 3, "2025-10-20T12:00:00.000Z")], [])).toBe(false);
      await expect(live.publish([row("z", 4, "2025-10-20T12:00:00.000Z")], [])).rejects.toMatchObject({
        code: ERROR_CODES.SERVICE_UNAVAILABLE,
      });
      expect(live.failures).toBe(2);
      expect(failures).toHaveLength(2);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/live state not published \(1 failure/);

      const again = await startRedis(port);
      try {
        const deadline = Date.now() + 10_000;
        let ok = false;
        while (!ok && Date.now() < deadline) {
          ok = await live.safePublish([row("z", 5, "2025-10-20T12:00:00.000Z")], []);
          if (!ok) await new Promise((r) => setTimeout(r, 200));
        }
        expect(ok).toBe(true);
        expect((await live.get("z"))?.cart_value).toBe(5);
      } finally {
        await live.close();
        await stopRedis(again);
      }
    } finally {
      await live.close();
      if (server.exitCode === null) await stopRedis(server);
    }
  });

  it("connectInBackground while Redis is down: publishing fails until Redis starts, then resumes by itself", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const failures: unknown[] = [];
    const live = RedisLiveStore.connectInBackground({
      url: `redis://127.0.0.1:${port}`,
      onFailure: (e) => failures.push(e),
      log: () => {},
    });
    let server: ChildProcess | undefined;
    try {
      expect(await live.safePublish([row("late", 1, "2025-10-20T12:00:00.000Z")], [])).toBe(false);
      expect(failures).toHaveLength(1);
      server = await startRedis(port);
      const deadline = Date.now() + 15_000;
      let ok = false;
      while (!ok && Date.now() < deadline) {
        ok = await live.safePublish([row("late", 2, "2025-10-20T12:00:00.000Z")], []);
        if (!ok) await new Promise((r) => setTimeout(r, 200));
      }
      expect(ok).toBe(true);
      expect((await live.get("late"))?.cart_value).toBe(2);
    } finally {
      await live.close();
      if (server) await stopRedis(server);
    }
  });

  it("rejects bad options with the key named", async () => {
    await expect(RedisLiveStore.connect({ keyPrefix: "bad prefix*" })).rejects.toThrow(ConfigError);
    await expect(RedisLiveStore.connect({ url: "http://x" })).rejects.toThrow(/url/);
    await expect(RedisLiveStore.connect({ bogus: true } as never)).rejects.toThrow(/bogus|Unrecognized/);
  });
});
