// Coded errors of the dataset builder: missing or empty inputs, missing columns, bad options.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildDataset, loadFromParquet } from "../../features/index.ts";
import { CartstreamError, ConfigError } from "../../pipeline/errors/index.ts";
import { loadFixture, openDb, sessionEvents, tempDir } from "./helpers.ts";

const tmp = tempDir("errors");
let db: Awaited<ReturnType<typeof openDb>>;

const EVENTS = sessionEvents("u1", "s1", [
  { id: "e1", type: "session_start", t: 0 },
  { id: "e2", type: "page_view", t: 5 },
  { id: "e3", type: "session_end", t: 9 },
]);

beforeEach(async () => {
  db = await openDb();
});
afterEach(() => db.close());
afterAll(() => tmp.cleanup());

async function failure(p: Promise<unknown>): Promise<CartstreamError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CartstreamError);
    return err as CartstreamError;
  }
  throw new Error("expected a CartstreamError");
}

const opts = (sub: string) => ({ outDir: join(tmp.dir, sub), name: "x", seed: 1 });

describe("buildDataset errors", () => {
  it("empty sessions table -> CS_EMPTY, nothing written", async () => {
    await loadFixture(db.con, EVENTS);
    await db.con.run("DELETE FROM sessions");
    const err = await failure(buildDataset(db.con, opts("empty")));
    expect(err.code).toBe("CS_EMPTY");
    expect(err.message).toMatch(/table `sessions` is empty/);
    expect(err.message).toMatch(/snapshot/);
    expect(err.retriable).toBe(false);
    expect(existsSync(join(tmp.dir, "empty"))).toBe(false);
  });

  it("missing sessions table -> CS_EMPTY naming loadFromParquet", async () => {
    const err = await failure(buildDataset(db.con, opts("missing")));
    expect(err.code).toBe("CS_EMPTY");
    expect(err.message).toMatch(/table `sessions` not found/);
    expect(err.message).toMatch(/loadFromParquet/);
  });

  it("missing or empty events table -> CS_EMPTY", async () => {
    await loadFixture(db.con, EVENTS);
    await db.con.run("DROP TABLE events");
    const missing = await failure(buildDataset(db.con, opts("noevents")));
    expect(missing.code).toBe("CS_EMPTY");
    expect(missing.message).toMatch(/table `events` not found/);
    await loadFixture(db.con, EVENTS);
    await db.con.run("DELETE FROM events");
    const empty = await failure(buildDataset(db.con, opts("noevents")));
    expect(empty.code).toBe("CS_EMPTY");
    expect(empty.message).toMatch(/table `events` is empty but `sessions` has 1 rows/);
  });

  it("missing columns -> CS_BAD_INPUT naming them", async () => {
    await loadFixture(db.con, EVENTS);
    await db.con.run("ALTER TABLE sessions DROP COLUMN persona");
    const err = await failure(buildDataset(db.con, opts("cols")));
    expect(err.code).toBe("CS_BAD_INPUT");
    expect(err.message).toMatch(/lacks column\(s\) persona/);
  });

  it("duplicate session rows fail a data check -> CS_BAD_INPUT", async () => {
    await loadFixture(db.con, EVENTS);
    await db.con.run("INSERT INTO sessions SELECT * FROM sessions");
    const err = await failure(buildDataset(db.con, opts("dup")));
    expect(err.code).toBe("CS_BAD_INPUT");
    expect(err.message).toMatch(/sessions.session_id is unique: 1 rows/);
  });

  it("bad options -> ConfigError naming each option", async () => {
    await loadFixture(db.con, EVENTS);
    const err = await failure(
      buildDataset(db.con, {
        ...opts("bad"),
        testFraction: 1.5,
        split: "random" as "user",
        extra: 1,
      } as Parameters<typeof buildDataset>[1]),
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe("CS_BAD_CONFIG");
    expect(err.message).toMatch(/testFraction: .*0 < testFraction < 1/);
    expect(err.message).toMatch(/split: .*user \| time/);
    expect(err.message).toMatch(/extra: unknown option/);
  });

  it("loadFromParquet: missing file -> CS_NOT_FOUND", async () => {
    const err = await failure(
      loadFromParquet(db.con, join(tmp.dir, "nope.parquet"), join(tmp.dir, "nope2.parquet")),
    );
    expect(err.code).toBe("CS_NOT_FOUND");
    expect(err.message).toMatch(/sessions Parquet file .*nope.parquet does not exist/);
  });
});

describe("loadFromParquet", () => {
  it("rebuilds the same dataset from a dataset's own sessions.parquet and events.parquet", async () => {
    await loadFixture(db.con, EVENTS);
    const first = await buildDataset(db.con, opts("first"));
    const db2 = await openDb();
    try {
      const n = await loadFromParquet(db2.con, first.paths.sessions, first.paths.events);
      expect(n).toEqual({ sessions: 1, events: 3 });
      const again = await buildDataset(db2.con, opts("again"));
      expect(again.manifest.files).toEqual(first.manifest.files);
    } finally {
      db2.close();
    }
  });
});
