// A PostgreSQL connection that dies in the middle of a transaction (a server restart, an administrator's
// pg_terminate_backend) fails that transaction with a coded error and leaves the pool usable; it must not
// crash the process with an unhandled 'error' event (the fault suite's PostgreSQL restart found this).
import { describe, expect, it } from "vitest";
import { openPgDb } from "../../../pipeline/store/index.ts";

const URL = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

describe("PostgreSQL connection lost mid-transaction", () => {
  it("rejects the transaction, keeps the process alive, and the next query works", async () => {
    const db = await openPgDb({ url: URL, poolSize: 2 });
    const admin = await openPgDb({ url: URL });
    try {
      const run = db.transaction(async (tx) => {
        const [row] = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        await admin.query("SELECT pg_terminate_backend($1)", [row!.pid]);
        // The server's goodbye arrives while no query runs on this checked-out connection.
        await new Promise((r) => setTimeout(r, 500));
        await tx.query("SELECT 1");
      });
      await expect(run).rejects.toThrow();
      expect(await db.query<{ x: number }>("SELECT 1 AS x")).toEqual([{ x: 1 }]);
    } finally {
      await admin.close();
      await db.close();
    }
  }, 30_000);
});
