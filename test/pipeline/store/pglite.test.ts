// The store suite against embedded PGlite (in memory, in a schema of its own), plus what only PGlite
// has: file-backed persistence, the directory lock, and serving it over the wire protocol.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CartstreamError, ERROR_CODES } from "../../../pipeline/errors/index.ts";
import {
  type Db,
  loadMigrations,
  migrateOrThrow,
  openPgliteDb,
  openStore,
  type PgliteDb,
  SessionReader,
  SessionSink,
  servePglite,
} from "../../../pipeline/store/index.ts";
import { byId, makeRow } from "./fixtures.ts";
import { defineStoreSuite } from "./store-suite.ts";

let shared: PgliteDb | undefined;
defineStoreSuite({
  name: "PGlite",
  open: async () => {
    shared = await openPgliteDb({ dataDir: "memory://", schema: "cs_test_pglite" });
    return shared;
  },
  // One PGlite instance is one connection: the "peer" shares it, and PGlite serializes the two transactions.
  openPeer: async (): Promise<Db> => {
    const db = shared!;
    return {
      kind: db.kind,
      target: db.target,
      schema: db.schema,
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      transaction: (fn) => db.transaction(fn),
      close: async () => {},
    };
  },
  cleanup: async () => {
    await shared?.close();
  },
});

describe("PGlite store specifics", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cs-pglite-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("persists rows, offsets and migrations in its directory across close and reopen; one process at a time", async () => {
    const dataDir = path.join(dir, "nested", "store");
    const rows = Array.from({ length: 30 }, (_, i) => makeRow(i));
    const first = await openStore({ kind: "pglite", db: { dataDir } });
    expect(first.migrations.every((m) => m.status === "applied")).toBe(true);
    await first.sink.commit({
      group: "g",
      topic: "t",
      partitions: [
        { partition: 0, expectedOffset: null, nextOffset: 30, watermarkMs: 5, state: { open: 1 } },
      ],
      upserts: rows,
      deletes: [],
      stateUpserts: [{ kind: "segment", key: "x", kafka_partition: 0, state: [1, 2] }],
      stateDeletes: [],
      deadLetters: [],
    });

    const second = await openPgliteDb({ dataDir }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(CartstreamError);
    expect((second as CartstreamError).code).toBe(ERROR_CODES.SERVICE_UNAVAILABLE);
    expect((second as Error).message).toContain(
      `cannot reach PGlite at ${dataDir}: it is already open in process`,
    );
    await first.close();

    const reopened = await openStore({ kind: "pglite", db: { dataDir } });
    try {
      expect(reopened.migrations.every((m) => m.status === "already-applied")).toBe(true);
      expect(await reopened.reader.readSessions()).toEqual(byId(rows));
      expect(await reopened.reader.loadOffsets("g", "t")).toEqual(
        new Map([[0, { nextOffset: 30, watermarkMs: 5, state: { open: 1 } }]]),
      );
      expect(await reopened.reader.loadSessionState(0)).toEqual([
        { kind: "segment", key: "x", kafka_partition: 0, state: [1, 2] },
      ]);
    } finally {
      await reopened.close();
    }
  });

  it("serves the store over the PostgreSQL wire protocol to pg.Client (and psql COPY)", async () => {
    const db = await openPgliteDb({ dataDir: "memory://", schema: "served" });
    await migrateOrThrow(db);
    const rows = Array.from({ length: 25 }, (_, i) => makeRow(i));
    await new SessionSink(db).commit({
      group: "g",
      topic: "t",
      partitions: [{ partition: 1, expectedOffset: null, nextOffset: 25, watermarkMs: 1, state: null }],
      upserts: rows,
      deletes: [],
      stateUpserts: [],
      stateDeletes: [],
      deadLetters: [],
    });
    const server = await servePglite(db);
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const settings = await client.query(
          "SELECT current_setting('TimeZone') AS tz, current_schema() AS s",
        );
        expect(settings.rows[0]).toEqual({ tz: "UTC", s: "served" });
        const { rows: back } = await client.query(
          `SELECT session_id, to_char(start_time, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS start_time, cart_value::float8 AS cart_value
           FROM user_sessions WHERE kafka_partition = $1 ORDER BY session_id COLLATE "C"`,
          [2],
        );
        expect(back).toEqual(
          byId(rows)
            .filter((r) => r.kafka_partition === 2)
            .map((r) => ({ session_id: r.session_id, start_time: r.start_time, cart_value: r.cart_value })),
        );
        // Writes through the socket land in the same database.
        await client.query("DELETE FROM user_sessions WHERE session_id = $1", [rows[0]!.session_id]);
      } finally {
        await client.end();
      }
      // Asynchronous on purpose: the server answers from this process's event loop.
      const psql = await promisify(execFile)(
        "psql",
        [server.url, "-Atc", "COPY (SELECT session_id FROM user_sessions ORDER BY 1) TO STDOUT"],
        { timeout: 30_000 },
      ).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? null : Promise.reject(e)));
      if (psql !== null) expect(psql.stdout.trim().split("\n")).toHaveLength(24);
    } finally {
      await server.stop();
    }
    expect(await new SessionReader(db).countSessions()).toBe(24);
    await db.close();
  });

  it("rejects unknown options with the key path", async () => {
    await expect(openPgliteDb({ dataDir: "memory://", durable: true } as never)).rejects.toThrow(
      /PGlite store options:\n {2}- durable: unknown key \(not allowed at the top level\); allowed: dataDir, name, schema, relaxedDurability/,
    );
  });

  it("migration 006 gives old session_state rows their kind: '#closed:' keys become closed counts", async () => {
    const db = await openPgliteDb({ dataDir: "memory://" });
    try {
      const all = await loadMigrations();
      await migrateOrThrow(
        db,
        all.filter((m) => m.version < 6),
      );
      await db.exec(`INSERT INTO session_state (session_id, kafka_partition, state) VALUES
        ('s1~3', 0, '{"kind":"segment","key":"s1~3","base_session_id":"s1","segment":3,"events":[]}'),
        ('#closed:s1', 0, '{"closed":2}'),
        ('s1', 1, '{"kind":"segment","key":"s1","base_session_id":"s1","segment":1,"events":[]}')`);
      await migrateOrThrow(db, all);
      const reader = new SessionReader(db);
      expect(await reader.loadSessionState(0)).toEqual([
        { kind: "closed_count", key: "s1", kafka_partition: 0, state: { closed: 2 } },
        {
          kind: "segment",
          key: "s1~3",
          kafka_partition: 0,
          state: { kind: "segment", key: "s1~3", base_session_id: "s1", segment: 3, events: [] },
        },
      ]);
      expect((await reader.loadSessionState(1)).map((r) => [r.kind, r.key])).toEqual([["segment", "s1"]]);
    } finally {
      await db.close();
    }
  });
});
