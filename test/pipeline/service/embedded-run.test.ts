// runEmbedded in process: a short run equals the ground truth, a resumed run continues from the committed
// offsets, and a resume that does not match the recorded run is refused.
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { CartstreamError, ERROR_CODES, UsageError } from "../../../pipeline/errors/index.ts";
import { pgliteDir, runEmbedded, runPaths } from "../../../pipeline/service/index.ts";
import { resolveSimulatorConfig } from "../../../pipeline/simulator/index.ts";

const name = `test-svc-${randomUUID().slice(0, 8)}`;
afterAll(() => {
  rmSync(runPaths(name).dir, { recursive: true, force: true });
  rmSync(pgliteDir(name), { recursive: true, force: true });
});

const config = resolveSimulatorConfig({}, { seed: 8, duration_s: 90, users: 60 });

describe("runEmbedded", () => {
  it("streams into PGlite and equals the ground truth; --resume continues; a different config is refused", async () => {
    const lines: string[] = [];
    let commits = 0;
    const first = await runEmbedded(
      { name, config, partitions: 3, workers: 2, flushEvents: 500 },
      {
        log: (l) => lines.push(l),
        afterCommit: (n) => {
          commits = n;
        },
      },
    );
    expect(first.verification?.equal).toBe(true);
    expect(first.sessions).toBe(first.verification!.actualCount);
    expect(first.archived).toBe(first.events);
    expect(first.resumedFrom).toBe(0);
    expect(commits).toBe(first.commits);
    expect(lines.join("\n")).toMatch(/\[run\] ground truth: user_sessions equals the DuckDB batch sessions/);

    // Everything is committed: a resume has nothing left to process and still equals the ground truth.
    const resumed = await runEmbedded({ name, config, partitions: 3, workers: 2, resume: true });
    expect(resumed.events).toBe(0);
    expect(resumed.resumedFrom).toBe(first.events);
    expect(resumed.sessions).toBe(first.sessions);
    expect(resumed.verification?.equal).toBe(true);

    const other = resolveSimulatorConfig({}, { seed: 9, duration_s: 90, users: 60 });
    await expect(runEmbedded({ name, config: other, partitions: 3, resume: true })).rejects.toBeInstanceOf(
      UsageError,
    );
    const missing = runEmbedded({ name: `${name}-none`, config, resume: true });
    await expect(missing).rejects.toMatchObject({ code: ERROR_CODES.NOT_FOUND });
    await expect(runEmbedded({ name: "no/slash", config })).rejects.toBeInstanceOf(CartstreamError);
  }, 300_000);
});
