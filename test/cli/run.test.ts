// The embedded pipeline end to end (issue 3 acceptance): PGlite and the PostgreSQL server both equal the
// DuckDB ground truth row for row, and a run killed half-way resumes to the same table.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareSessions, groundTruthSessions } from "../../pipeline/ground-truth/index.ts";
import { dropRunSchema, pgSchema } from "../../pipeline/service/index.ts";
import { openStore } from "../../pipeline/store/index.ts";
import { REPO_ROOT, runCli } from "../helpers/cli.ts";
import { expectSameSessions, removeRunFolders, runNames } from "../helpers/sessions.ts";

const { names, newName } = runNames("test");

afterAll(async () => {
  removeRunFolders(names);
  for (const name of names) await dropRunSchema(name);
});

const GT_EQUAL = /ground truth: user_sessions equals the DuckDB batch sessions row for row \(([\d,]+) rows/;

describe("cartstream run (embedded)", () => {
  it("default phase1 run: PGlite user_sessions equals the DuckDB ground truth, one session per session_start", async () => {
    const name = newName("pglite");
    const r = runCli(["run", "--name", name, "--flush-events", "20000"]);
    expect(r.code, r.stderr).toBe(0);
    const m = GT_EQUAL.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(summary.events).toBeGreaterThan(57_000);
    expect(Number(m![1]!.replaceAll(",", ""))).toBe(summary.sessions);
    // Independently of the CLI's own check: sessions equal session_start events (phase1 plans no splits).
    const gt = await groundTruthSessions({
      parquet: join(REPO_ROOT, "data", "runs", name, "events.parquet"),
    });
    expect(gt.length).toBe(summary.sessions);
    expect(gt.every((s) => s.segment === 1)).toBe(true);
  }, 600_000);

  it("default phase1 run against the PostgreSQL server equals the ground truth (checked here through pg)", async () => {
    const name = newName("pg");
    const r = runCli([
      "run",
      "--name",
      name,
      "--store",
      "postgres",
      "--skip-verify",
      "--partitions",
      "5",
      "--workers",
      "3",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const store = await openStore({ kind: "postgres", db: { schema: pgSchema(name) } });
    try {
      const actual = await store.reader.readSessions();
      const expected = await groundTruthSessions({
        parquet: join(REPO_ROOT, "data", "runs", name, "events.parquet"),
      });
      expectSameSessions(await compareSessions(expected, actual));
      expect(actual.length).toBeGreaterThan(6000);
    } finally {
      await store.close();
    }
  }, 600_000);

  it("a run killed half-way (SIGKILL after a commit) resumes with --resume to the ground truth", () => {
    const name = newName("resume");
    const args = ["run", "--name", name, "--duration", "600", "--flush-events", "3000"];
    const crashed = runCli([...args, "--crash-after-commits", "3"]);
    expect(crashed.code, crashed.stderr).toBeNull(); // killed by a signal, no exit code
    expect(crashed.stderr).toMatch(/killing this process \(SIGKILL\)/);
    const resumed = runCli([...args, "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resumed after [\d,]+ committed/);
    const committedBefore = Number(
      /resumed after ([\d,]+) committed/.exec(resumed.stderr)![1]!.replaceAll(",", ""),
    );
    expect(committedBefore).toBeGreaterThan(0);
    expect(resumed.stderr).toMatch(GT_EQUAL);
  }, 600_000);

  it("refuses --resume with a different config, and bad flags, with clear messages", () => {
    const name = newName("flags");
    const first = runCli(["run", "--name", name, "--duration", "30", "--skip-verify"]);
    expect(first.code, first.stderr).toBe(0);
    const other = runCli(["run", "--name", name, "--duration", "31", "--resume"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--resume: the config, partitions or store differ/);
    const missing = runCli(["run", "--name", `${name}-nope`, "--resume"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no run named/);
    const bad = runCli(["run", "--workers", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workers: expected an integer from 1 to 64/);
  }, 600_000);
});
