// The store test suite, run unchanged against the PostgreSQL server (postgres.test.ts) and embedded
// PGlite (pglite.test.ts). Tests inside a file run serially on one schema, emptied before each test.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CartstreamError, ERROR_CODES, FencedError } from "../../../pipeline/errors/index.ts";
import { SESSION_COLUMN_DEFS, SESSION_COLUMNS, type SessionRow } from "../../../pipeline/model/index.ts";
import {
  type CommitBatch,
  type Db,
  loadMigrations,
  migrate,
  migrateOrThrow,
  SessionReader,
  SessionSink,
} from "../../../pipeline/store/index.ts";
import { byId, EXTRA_COLUMNS, makeRow, REFERENCE_COLUMNS } from "./fixtures.ts";

export interface StoreTarget {
  name: string;
  /** Opens the file's database, set to its own schema. */
  open(): Promise<Db>;
  /** A second, independent connection to the same database and schema (same instance for PGlite). */
  openPeer(): Promise<Db>;
  /** Drops the schema and closes everything opened. */
  cleanup(): Promise<void>;
}

const GROUP = "sessionizer";
const TOPIC = "clickstream";

function batch(partial: Partial<CommitBatch> & Pick<CommitBatch, "partitions">): CommitBatch {
  return {
    group: GROUP,
    topic: TOPIC,
    upserts: [],
    deletes: [],
    stateUpserts: [],
    stateDeletes: [],
    deadLetters: [],
    ...partial,
  };
}

function p(
  partition: number,
  expectedOffset: number | null,
  nextOffset: number,
  state: unknown = { p: partition },
) {
  return {
    partition,
    expectedOffset,
    nextOffset,
    watermarkMs: 1_760_961_600_000 + nextOffset,
    state: state as never,
  };
}

export function defineStoreSuite(target: StoreTarget): void {
  describe(`session store on ${target.name}`, () => {
    let db: Db;
    let sink: SessionSink;
    let reader: SessionReader;

    /** Everything a commit can change, wall-clock columns excluded. */
    async function snapshot() {
      return {
        sessions: await reader.readSessions(),
        stateRows: await db.query(
          "SELECT kind, state_key, kafka_partition, state::text AS s FROM session_state ORDER BY 1, 2",
        ),
        offsets: await db.query(
          "SELECT consumer_group, topic, kafka_partition, next_offset::text AS n, watermark_ms::text AS w, state::text AS s FROM stream_offsets ORDER BY 1, 2, 3",
        ),
        deadLetters: await db.query(
          "SELECT topic, kafka_partition, kafka_offset::text AS o, reason, payload FROM dead_letters ORDER BY id",
        ),
        stateLog: await db.query(
          "SELECT kafka_partition, snapshot, bases FROM session_state_log ORDER BY id",
        ),
      };
    }

    beforeAll(async () => {
      db = await target.open();
      const result = await migrate(db);
      expect(result.error).toBeUndefined();
      sink = new SessionSink(db, { chunkSize: 5_000 });
      reader = new SessionReader(db);
    });

    afterAll(async () => {
      await target.cleanup();
    });

    beforeEach(async () => {
      await db.exec(
        "TRUNCATE user_sessions, session_state, session_state_log, stream_offsets, dead_letters RESTART IDENTITY",
      );
    });

    describe("migrations", () => {
      it("create user_sessions with exactly the reference columns first, then the extra columns", async () => {
        const cols = await db.query<{ name: string; type: string; nullable: string; def: string | null }>(
          `SELECT column_name AS name,
                  CASE WHEN data_type = 'character varying' THEN data_type || '(' || character_maximum_length || ')'
                       WHEN data_type = 'numeric' THEN data_type || '(' || numeric_precision || ',' || numeric_scale || ')'
                       ELSE data_type END AS type,
                  is_nullable AS nullable, column_default AS def
           FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = 'user_sessions'
           ORDER BY ordinal_position`,
        );
        expect(
          cols.slice(0, REFERENCE_COLUMNS.length).map((c) => [c.name, c.type, c.nullable, c.def]),
        ).toEqual(REFERENCE_COLUMNS.map((c) => [...c]));
        expect(cols.slice(REFERENCE_COLUMNS.length).map((c) => [c.name, c.type])).toEqual(
          EXTRA_COLUMNS.map((c) => [...c]),
        );
        const [pk] = await db.query<{ cols: string }>(
          `SELECT string_agg(a.attname, ',') AS cols FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
           WHERE i.indrelid = 'user_sessions'::regclass AND i.indisprimary`,
        );
        expect(pk!.cols).toBe("session_id");
      });

      it("match the session column catalogue: every column in order, with its PostgreSQL type", async () => {
        const cols = await db.query<{ name: string; type: string }>(
          `SELECT column_name AS name, upper(format_type(a.atttypid, a.atttypmod)) AS type
           FROM information_schema.columns c
           JOIN pg_attribute a ON a.attrelid = 'user_sessions'::regclass AND a.attname = c.column_name
           WHERE c.table_schema = current_schema() AND c.table_name = 'user_sessions'
             AND c.column_name NOT IN ('created_at', 'updated_at')
           ORDER BY c.ordinal_position`,
        );
        // The DDL spells types the SQL-standard way; format_type answers PostgreSQL's names.
        const formatted = (ddl: string) =>
          ddl
            .replace(/^VARCHAR/, "CHARACTER VARYING")
            .replace(/^TIMESTAMP$/, "TIMESTAMP WITHOUT TIME ZONE")
            .replace(/^DECIMAL/, "NUMERIC");
        expect(cols.map((c) => [c.name, c.type])).toEqual(
          SESSION_COLUMNS.map((c) => [c, formatted(SESSION_COLUMN_DEFS[c].postgres)]),
        );
      });

      it("create the pipeline tables in the target schema and nowhere else", async () => {
        const [{ schema }] = (await db.query<{ schema: string }>("SELECT current_schema() AS schema")) as [
          { schema: string },
        ];
        expect(schema).toBe(db.schema ?? "public");
        const tables = await db.query<{ t: string }>(
          "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
          [schema],
        );
        expect(tables.map((r) => r.t)).toEqual([
          "dead_letters",
          "schema_migrations",
          "session_state",
          "session_state_log",
          "stream_offsets",
          "user_sessions",
        ]);
      });

      it("are idempotent: a second run applies nothing", async () => {
        const all = await loadMigrations();
        const outcomes = await migrateOrThrow(db);
        expect(outcomes.map((o) => o.status)).toEqual(all.map(() => "already-applied"));
        const [row] = await db.query("SELECT count(*)::int AS n FROM schema_migrations");
        expect(row!["n"]).toBe(all.length);
      });

      it("refuse an edited migration and roll back a failing one, reporting every outcome", async () => {
        const all = await loadMigrations();
        const edited = all.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
        const changed = await migrate(db, edited);
        expect(changed.error?.message).toMatch(/001_user_sessions was edited after it was applied/);
        expect(changed.outcomes[0]!.status).toBe("changed");

        const broken = [
          ...all,
          { version: 900, name: "good_table", sql: "CREATE TABLE t900 (x int)", checksum: "a".repeat(64) },
          {
            version: 901,
            name: "bad_sql",
            sql: "CREATE TABLE t901 (x nonexistent_type)",
            checksum: "b".repeat(64),
          },
          { version: 902, name: "never", sql: "CREATE TABLE t902 (x int)", checksum: "c".repeat(64) },
        ];
        const failed = await migrate(db, broken);
        expect(failed.error).toBeInstanceOf(CartstreamError);
        expect(failed.error!.message).toMatch(/migration 901_bad_sql failed/);
        expect(failed.outcomes.slice(-3).map((o) => o.status)).toEqual(["rolled-back", "failed", "not-run"]);
        const leftovers = await db.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 't90%'",
        );
        expect(leftovers).toEqual([]);
        const [row] = await db.query("SELECT max(version)::int AS v FROM schema_migrations");
        expect(row!["v"]).toBe(all.at(-1)!.version);
      });
    });

    describe("sessions", () => {
      it("round-trip every SessionRow field exactly (timestamps with ms, decimals, nulls, unicode)", async () => {
        const rows = Array.from({ length: 240 }, (_, i) => makeRow(i));
        rows.push(
          makeRow(1_000, {
            start_time: "2025-12-31T23:59:59.999Z",
            last_activity: "2026-01-01T00:00:00.000Z",
            end_time: "2026-01-01T00:00:00.000Z",
            cart_value: 0.07,
            purchase_value: 12345678.9,
            avg_time_per_page: 0.01,
          }),
          // Characters that need escaping inside an array literal, and strings that look like its tokens.
          makeRow(1_001, { browser: 'say "hi" \\ {a,b} NULL', user_id: "NULL", device_type: "" }),
          makeRow(1_002, { browser: " leading and trailing ", abandonment_reason: "{}", persona: "\\" }),
        );
        await sink.commit(batch({ partitions: [p(0, null, 243)], upserts: rows }));
        const back = await reader.readSessions();
        expect(back).toEqual(byId(rows));
        expect(Object.keys(back[0]!)).toEqual(Object.keys(rows[0]!));
        expect(await reader.countSessions()).toBe(rows.length);
      });

      it("store timestamps as UTC wall-clock time: TimeZone is UTC and created_at is now in UTC", async () => {
        const [tz] = await db.query("SELECT current_setting('TimeZone') AS tz");
        expect(tz!["tz"]).toBe("UTC");
        await sink.commit(batch({ partitions: [p(0, null, 1)], upserts: [makeRow(1)] }));
        const [row] = await db.query<{ created: string; start: string }>(
          `SELECT to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created, start_time::text AS start FROM user_sessions`,
        );
        expect(Math.abs(Date.parse(row!.created) - Date.now())).toBeLessThan(5 * 60_000);
        expect(row!.start).toBe(makeRow(1).start_time.replace("T", " ").replace("Z", ""));
      });

      it("upserting the same rows twice leaves the same table; changed rows are updated whole", async () => {
        const rows = Array.from({ length: 50 }, (_, i) => makeRow(i));
        await sink.commit(batch({ partitions: [p(0, null, 50)], upserts: rows }));
        const first = await snapshotSessions();
        await sink.commit(batch({ partitions: [p(0, 50, 50)], upserts: rows }));
        expect(await snapshotSessions()).toEqual(first);

        const changed = rows.map((r, i) =>
          i % 2 === 0
            ? {
                ...r,
                end_time: null,
                ended_by: null,
                cart_value: 5.55,
                page_views: 99,
                persona: null,
                bounce: !r.bounce,
              }
            : r,
        );
        await sink.commit(batch({ partitions: [p(0, 50, 60)], upserts: changed }));
        expect(await reader.readSessions()).toEqual(byId(changed));
        const [created] = await db.query(
          "SELECT count(*)::int AS n FROM user_sessions WHERE updated_at >= created_at",
        );
        expect(created!["n"]).toBe(50);
      });

      it("deletes rows by session_id (after the upserts of the same batch); unknown ids are ignored", async () => {
        const rows = Array.from({ length: 20 }, (_, i) => makeRow(i));
        await sink.commit(batch({ partitions: [p(0, null, 20)], upserts: rows }));
        const gone = [rows[3]!.session_id, rows[7]!.session_id, "no_such_session"];
        const extra = makeRow(500);
        const result = await sink.commit(
          batch({ partitions: [p(0, 20, 25)], upserts: [extra], deletes: [...gone, extra.session_id] }),
        );
        expect(result.deleted).toBe(4);
        const left = await reader.readSessions();
        expect(left.map((r) => r.session_id)).toEqual(
          byId(rows.filter((r) => !gone.includes(r.session_id))).map((r) => r.session_id),
        );
      });

      it("keep the last of duplicate session_ids in one batch and write 12,000 rows in chunks", async () => {
        const rows = Array.from({ length: 12_000 }, (_, i) => makeRow(i));
        const dup = { ...rows[5]!, page_views: 1234 };
        const result = await sink.commit(
          batch({ partitions: [p(0, null, 12_001)], upserts: [...rows, dup] }),
        );
        expect(result.upserted).toBe(12_000);
        expect(await reader.countSessions()).toBe(12_000);
        const back = await reader.readSessions();
        expect(back.find((r) => r.session_id === dup.session_id)!.page_views).toBe(1234);
        expect(back.slice(0, 100)).toEqual(
          byId(rows.map((r) => (r.session_id === dup.session_id ? dup : r))).slice(0, 100),
        );
      });

      it("reject values the database would silently change, writing nothing", async () => {
        const shifted = makeRow(1, { start_time: "2025-10-20T14:00:00.000+02:00" });
        await expect(
          sink.commit(batch({ partitions: [p(0, null, 1)], upserts: [shifted] })),
        ).rejects.toMatchObject({
          code: ERROR_CODES.BAD_INPUT,
          message: expect.stringMatching(/start_time must be an ISO UTC string with ms/),
        });
        const nan = makeRow(2, { cart_value: Number.NaN });
        await expect(sink.commit(batch({ partitions: [p(0, null, 1)], upserts: [nan] }))).rejects.toThrow(
          /cart_value must be a decimal/,
        );
        await expect(sink.commit(batch({ partitions: [], upserts: [makeRow(3)] }))).rejects.toThrow(
          /at least one partition/,
        );
        await expect(
          sink.commit(batch({ partitions: [p(0, 10, 5)], upserts: [makeRow(3)] })),
        ).rejects.toThrow(/nextOffset must be an integer >= expectedOffset/);
        expect(await snapshot()).toEqual(await emptySnapshot());
      });
    });

    describe("offsets, state and dead letters", () => {
      it("commit offsets, watermarks and partition state; load them back per group and topic", async () => {
        await sink.commit(
          batch({ partitions: [p(2, null, 7, { open: ["a", "b"], n: 1.5 }), p(0, -1, 3, null)] }),
        );
        await sink.commit({ ...batch({ partitions: [p(0, null, 9)] }), group: "other-group" });
        const offsets = await reader.loadOffsets(GROUP, TOPIC);
        expect([...offsets.entries()]).toEqual([
          [0, { nextOffset: 3, watermarkMs: 1_760_961_600_003, state: null }],
          [2, { nextOffset: 7, watermarkMs: 1_760_961_600_007, state: { open: ["a", "b"], n: 1.5 } }],
        ]);
        expect((await reader.loadOffsets("other-group", TOPIC)).get(0)!.nextOffset).toBe(9);
        expect((await reader.loadOffsets(GROUP, "another-topic")).size).toBe(0);

        const big = 2 ** 40;
        await sink.commit(batch({ partitions: [{ ...p(2, 7, big), watermarkMs: null }] }));
        expect((await reader.loadOffsets(GROUP, TOPIC)).get(2)).toEqual({
          nextOffset: big,
          watermarkMs: null,
          state: { p: 2 },
        });
      });

      it("upsert and delete open-session state; load it per partition", async () => {
        const seg = (key: string) => ({ kind: "segment" as const, key });
        await sink.commit(
          batch({
            partitions: [p(1, null, 10)],
            stateUpserts: [
              { ...seg("s1"), kafka_partition: 1, state: { events: 3, cart: [{ sku: "p1", q: 2 }] } },
              { ...seg("s2"), kafka_partition: 1, state: { events: 1 } },
              { ...seg("s3"), kafka_partition: 2, state: 'text "quoted" \\ ü' },
              { ...seg("s2"), kafka_partition: 1, state: { events: 2 } },
            ],
          }),
        );
        expect(await reader.loadSessionState(1)).toEqual([
          { ...seg("s1"), kafka_partition: 1, state: { events: 3, cart: [{ sku: "p1", q: 2 }] } },
          { ...seg("s2"), kafka_partition: 1, state: { events: 2 } },
        ]);
        expect(await reader.loadSessionState(2)).toEqual([
          { ...seg("s3"), kafka_partition: 2, state: 'text "quoted" \\ ü' },
        ]);
        await sink.commit(batch({ partitions: [p(1, 10, 12)], stateDeletes: [seg("s1"), seg("nope")] }));
        expect((await reader.loadSessionState(1)).map((s) => s.key)).toEqual(["s2"]);
      });

      it("loadAssignment pairs each partition's offset row with the state of the same commit, while commits run", async () => {
        const parts = Array.from({ length: 40 }, (_, i) => i);
        const commit = (k: number) =>
          sink.commit(
            batch({
              partitions: parts.map((q) => p(q, k === 1 ? null : k - 1, k, { k })),
              stateUpserts: parts.map((q) => ({
                kind: "base" as const,
                key: `s${q}`,
                kafka_partition: q,
                state: { k },
              })),
            }),
          );
        await commit(1);
        let k = 1;
        let writing = true;
        const writer = (async () => {
          while (writing && k < 400) await commit(++k);
        })();
        try {
          for (let read = 0; read < 15; read++) {
            const { offsets, state } = await reader.loadAssignment(GROUP, TOPIC, parts);
            const pairs = parts.map((q) => [
              (offsets.get(q)!.state as { k: number }).k,
              (state.get(q)!.records[0]!.state as { k: number }).k,
            ]);
            const commits = new Set(pairs.flat());
            expect(commits.size, `read ${read} mixed commits ${[...commits].join(",")}`).toBe(1);
          }
        } finally {
          writing = false;
          await writer;
        }
        expect(k).toBeGreaterThan(1);
      });

      it("keep each state kind apart: the same key once per kind, deleted per kind", async () => {
        await sink.commit(
          batch({
            partitions: [p(0, null, 3)],
            stateUpserts: [
              { kind: "segment", key: "b1", kafka_partition: 0, state: { events: [] } },
              { kind: "closed_count", key: "b1", kafka_partition: 0, state: { closed: 2 } },
            ],
          }),
        );
        expect(await reader.loadSessionState(0)).toEqual([
          { kind: "closed_count", key: "b1", kafka_partition: 0, state: { closed: 2 } },
          { kind: "segment", key: "b1", kafka_partition: 0, state: { events: [] } },
        ]);
        await sink.commit(
          batch({ partitions: [p(0, 3, 4)], stateDeletes: [{ kind: "segment", key: "b1" }] }),
        );
        expect(await reader.loadSessionState(0)).toEqual([
          { kind: "closed_count", key: "b1", kafka_partition: 0, state: { closed: 2 } },
        ]);
        const before = await snapshot();
        const bad = { kind: "closed" as never, key: "b2", kafka_partition: 0, state: 1 };
        const err = await sink
          .commit(batch({ partitions: [p(0, 4, 5)], stateUpserts: [bad] }))
          .catch((e) => e);
        expect(err).toBeInstanceOf(CartstreamError);
        expect((err as CartstreamError).code).toBe(ERROR_CODES.BAD_INPUT);
        expect((err as Error).message).toMatch(/kind must be one of base, segment, closed_count/);
        expect(await snapshot()).toEqual(before);
      });

      it("append one state log entry per partition; a snapshot clears the partition's older entries", async () => {
        const bigText = JSON.stringify(
          Array.from({ length: 3_000 }, (_, i) => ({ base_session_id: `b${i}` })),
        );
        await sink.commit(
          batch({
            partitions: [p(0, null, 5), p(1, null, 7)],
            stateLog: [
              { partition: 0, snapshot: false, bases: '[{"a":1}]' },
              { partition: 1, snapshot: false, bases: bigText },
            ],
          }),
        );
        await sink.commit(
          batch({ partitions: [p(0, 5, 9)], stateLog: [{ partition: 0, snapshot: false, bases: "[2]" }] }),
        );
        const texts = async (q: number) => (await reader.loadStateLog(q)).map((e) => [e.snapshot, e.bases]);
        expect(await texts(0)).toEqual([
          [false, '[{"a":1}]'],
          [false, "[2]"],
        ]);
        expect(await texts(1)).toEqual([[false, bigText]]);
        await sink.commit(
          batch({ partitions: [p(0, 9, 12)], stateLog: [{ partition: 0, snapshot: true, bases: "[3]" }] }),
        );
        expect(await texts(0)).toEqual([[true, "[3]"]]);
        expect(await texts(1)).toEqual([[false, bigText]]);
        // A fenced commit appends nothing; an entry for a partition not in the commit is refused.
        const before = await snapshot();
        await expect(
          sink.commit(
            batch({ partitions: [p(0, 5, 20)], stateLog: [{ partition: 0, snapshot: true, bases: "[4]" }] }),
          ),
        ).rejects.toBeInstanceOf(FencedError);
        await expect(
          sink.commit(
            batch({ partitions: [p(0, 12, 20)], stateLog: [{ partition: 1, snapshot: false, bases: "[]" }] }),
          ),
        ).rejects.toThrow(/one per partition of the commit/);
        expect(await snapshot()).toEqual(before);
        expect(await texts(0)).toEqual([[true, "[3]"]]);
      });

      it("load an assignment (offsets, state records, state log) in one read", async () => {
        await sink.commit(
          batch({
            partitions: [p(0, null, 4), p(1, null, 6)],
            stateUpserts: [
              { kind: "base", key: "b1", kafka_partition: 1, state: { closed: 1, segments: [] } },
            ],
            stateLog: [{ partition: 1, snapshot: true, bases: "[1]" }],
          }),
        );
        const loaded = await reader.loadAssignment(GROUP, TOPIC, [1, 3]);
        expect([...loaded.offsets.keys()]).toEqual([0, 1]);
        expect(loaded.offsets.get(1)!.nextOffset).toBe(6);
        expect(loaded.state.get(1)).toEqual({
          records: [{ kind: "base", key: "b1", kafka_partition: 1, state: { closed: 1, segments: [] } }],
          log: [{ partition: 1, snapshot: true, bases: "[1]" }],
        });
        expect(loaded.state.get(3)).toEqual({ records: [], log: [] });
      });

      it("write dead letters with their source position and reason", async () => {
        await sink.commit(
          batch({
            partitions: [p(3, null, 100)],
            deadLetters: [
              { topic: TOPIC, partition: 3, offset: 41, reason: "invalid JSON", payload: "{not json" },
              {
                topic: TOPIC,
                partition: 3,
                offset: 99,
                reason: "schema: event_time required",
                payload: null,
              },
            ],
          }),
        );
        const rows = await reader.readDeadLetters();
        expect(rows.map(({ createdAt: _c, ...r }) => r)).toEqual([
          {
            id: 1,
            group: GROUP,
            topic: TOPIC,
            partition: 3,
            offset: 41,
            reason: "invalid JSON",
            payload: "{not json",
          },
          {
            id: 2,
            group: GROUP,
            topic: TOPIC,
            partition: 3,
            offset: 99,
            reason: "schema: event_time required",
            payload: null,
          },
        ]);
        expect(rows[0]!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      });
    });

    describe("fencing", () => {
      it("a commit with a stale expectedOffset throws FencedError and changes nothing", async () => {
        const rows = Array.from({ length: 10 }, (_, i) => makeRow(i));
        await sink.commit(
          batch({
            partitions: [p(0, null, 10), p(1, null, 4)],
            upserts: rows,
            stateUpserts: [{ kind: "segment", key: "open1", kafka_partition: 0, state: { n: 1 } }],
            deadLetters: [{ topic: TOPIC, partition: 0, offset: 2, reason: "bad", payload: "x" }],
          }),
        );
        const before = await snapshot();

        const zombie = (partitions: ReturnType<typeof p>[]) =>
          batch({
            partitions,
            upserts: [makeRow(0, { page_views: 777 }), makeRow(900)],
            deletes: [rows[1]!.session_id],
            stateUpserts: [{ kind: "segment", key: "open2", kafka_partition: 0, state: {} }],
            stateDeletes: [{ kind: "segment", key: "open1" }],
            deadLetters: [{ topic: TOPIC, partition: 0, offset: 12, reason: "zombie", payload: "y" }],
          });
        for (const partitions of [
          [p(0, null, 20)], // thinks it is the first owner
          [p(0, 5, 20)], // an older offset
          [p(0, 10, 20), p(1, 3, 8)], // partition 0 is current, partition 1 is stale: all or nothing
        ]) {
          const err = await sink.commit(zombie(partitions)).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(FencedError);
          expect((err as FencedError).code).toBe(ERROR_CODES.FENCED);
          expect((err as FencedError).retriable).toBe(true);
          expect(await snapshot()).toEqual(before);
        }
        expect(
          ((await sink.commit(zombie([p(0, null, 20)])).catch((e: unknown) => e)) as Error).message,
        ).toMatch(/partition 0: expected committed offset -1 but the store has 10/);

        // The rightful owner continues from the stored offsets.
        await sink.commit(zombie([p(0, 10, 20), p(1, 4, 8)]));
        expect((await reader.loadOffsets(GROUP, TOPIC)).get(1)!.nextOffset).toBe(8);
      });

      it("concurrent commits from two connections on the same partition: exactly one wins", async () => {
        const peer = await target.openPeer();
        try {
          const peerSink = new SessionSink(peer);
          let expected: number | null = null;
          for (let round = 0; round < 6; round++) {
            const next: number = (expected ?? 0) + 10;
            const mine = batch({
              partitions: [p(0, expected, next, { by: "a" })],
              upserts: [makeRow(round, { browser: "A" })],
            });
            const theirs = batch({
              partitions: [p(0, expected, next, { by: "b" })],
              upserts: [makeRow(round, { browser: "B" })],
            });
            const outcomes = await Promise.allSettled([sink.commit(mine), peerSink.commit(theirs)]);
            const won = outcomes.filter((o) => o.status === "fulfilled");
            const lost = outcomes.filter((o) => o.status === "rejected");
            expect(won).toHaveLength(1);
            expect(lost).toHaveLength(1);
            expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(FencedError);
            // The winner's rows and state are what the store holds.
            const winner = outcomes[0]!.status === "fulfilled" ? "a" : "b";
            const offsets = await reader.loadOffsets(GROUP, TOPIC);
            expect(offsets.get(0)).toMatchObject({ nextOffset: next, state: { by: winner } });
            const row = (await reader.readSessions()).find(
              (r) => r.session_id === makeRow(round).session_id,
            )!;
            expect(row.browser).toBe(winner.toUpperCase());
            expected = next;
          }
        } finally {
          await peer.close();
        }
      });
    });

    async function snapshotSessions(): Promise<SessionRow[]> {
      return reader.readSessions();
    }

    async function emptySnapshot() {
      return { sessions: [], stateRows: [], offsets: [], deadLetters: [], stateLog: [] };
    }
  });
}
