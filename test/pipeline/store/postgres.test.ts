// The store suite against the real PostgreSQL server, in a schema of its own that is dropped afterwards.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { CartstreamError, ERROR_CODES } from "../../../pipeline/errors/index.ts";
import { type Db, loadMigrations, migrate, openPgDb, quoteIdent } from "../../../pipeline/store/index.ts";
import { defineStoreSuite } from "./store-suite.ts";

const URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const testSchema = () => `cs_test_${randomUUID().replaceAll("-", "")}`;

async function dropSchema(schema: string): Promise<void> {
  const admin = await openPgDb({ url: URL });
  try {
    await admin.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await admin.close();
  }
}

const schema = testSchema();
const opened: Db[] = [];
defineStoreSuite({
  name: "PostgreSQL",
  open: async () => {
    const db = await openPgDb({ url: URL, schema });
    opened.push(db);
    return db;
  },
  openPeer: () => openPgDb({ url: URL, schema }),
  cleanup: async () => {
    await dropSchema(schema);
    await Promise.all(opened.map((db) => db.close()));
  },
});

describe("PostgreSQL store specifics", () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });

  it("two processes migrating a fresh schema at once: each migration is applied exactly once", async () => {
    const fresh = testSchema();
    schemas.push(fresh);
    const [a, b] = await Promise.all([
      openPgDb({ url: URL, schema: fresh }),
      openPgDb({ url: URL, schema: fresh }),
    ]);
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      expect(ra.error).toBeUndefined();
      expect(rb.error).toBeUndefined();
      const all = await loadMigrations();
      const statuses = [ra, rb].map((r) => r.outcomes.map((o) => o.status).join(","));
      expect(statuses.sort()).toEqual(
        [all.map(() => "already-applied").join(","), all.map(() => "applied").join(",")].sort(),
      );
      const [row] = await a.query("SELECT count(*)::int AS n FROM schema_migrations");
      expect(row!["n"]).toBe(all.length);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("an unreachable server is a clear, retriable CS_SERVICE_UNAVAILABLE error naming the URL", async () => {
    const url = "postgres://postgres@127.0.0.1:1/test";
    const err = await openPgDb({ url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CartstreamError);
    const e = err as CartstreamError;
    expect(e.code).toBe(ERROR_CODES.SERVICE_UNAVAILABLE);
    expect(e.retriable).toBe(true);
    expect(e.message).toContain("cannot reach PostgreSQL at postgres://postgres@127.0.0.1:1/test");
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(e.message).toContain("pg_ctlcluster --skip-systemctl-redirect");
  });

  it("never prints the password of the URL", async () => {
    const err = (await openPgDb({ url: "postgres://postgres:s3cret@127.0.0.1:1/test" }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toContain("postgres://postgres:***@127.0.0.1:1/test");
    expect(err.message).not.toContain("s3cret");
  });

  it("a missing database is reported as unavailable too", async () => {
    const err = (await openPgDb({ url: URL.replace(/\/[^/]*$/, "/cs_no_such_db") }).catch(
      (e: unknown) => e,
    )) as CartstreamError;
    expect(err.code).toBe(ERROR_CODES.SERVICE_UNAVAILABLE);
    expect(err.message).toMatch(/cs_no_such_db.*does not exist/);
  });

  it("rejects unknown options and bad schema names with the key path", async () => {
    await expect(openPgDb({ url: URL, schema: "Bad-Name" })).rejects.toThrow(/schema: lower-case letters/);
    await expect(openPgDb({ url: URL, poolsize: 3 } as never)).rejects.toThrow(
      /poolsize: unknown key \(not allowed at the top level\); allowed: url, schema, poolSize/,
    );
  });
});
