// runDatasetJob in process: the run, the builder and the validation gate as function calls, and a
// missing run refused before anything is written.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDatasetJob } from "../../jobs/index.ts";
import { ERROR_CODES } from "../../pipeline/errors/index.ts";
import { resolveSimulatorConfig } from "../../pipeline/simulator/index.ts";
import { removeRunFolders, runNames } from "../helpers/sessions.ts";

const { names, newName } = runNames("test-job");
afterAll(() => removeRunFolders(names));

describe("runDatasetJob", () => {
  it("runs, builds and validates a short embedded run; the exit code is the gate's", async () => {
    const name = newName("short");
    const config = resolveSimulatorConfig({}, { seed: 42, duration_s: 300 });
    const stages: string[] = [];
    const r = await runDatasetJob({ name, config, quiet: true }, { log: (l) => stages.push(l) });
    expect(r.verification?.equal).toBe(true);
    expect(r.outDir).toBe(join("data", "datasets", name));
    for (const path of Object.values(r.dataset.paths)) expect(existsSync(path), path).toBe(true);
    expect(r.dataset.rows.train + r.dataset.rows.test).toBe(r.verification!.actualCount);
    expect(r.validation).not.toBeNull();
    expect(r.exitCode).toBe(r.validation!.exitCode);
    expect(existsSync(r.validation!.reports!.json)).toBe(true);
    expect(stages.filter((l) => /^\[dataset \d\/6\]/.test(l))).toHaveLength(6);
    // Baseline before validate: its report is written, and the gate reused it (same files, same options).
    expect(r.baseline).not.toBeNull();
    expect(existsSync(join(r.outDir, "baseline", "report.json"))).toBe(true);
    const multivariate = r.validation!.checks.find(
      (c) => c.id === "learnability.multivariate.full.is_converted",
    );
    expect(multivariate?.details?.reusedReport).toBe(true);
    expect(multivariate?.value).toBe(
      r
        .baseline!.results.find((x) => x.variant === "full" && x.label === "is_converted")!
        .models.reduce((a, m) => Math.max(a, m.test.rocAuc), 0),
    );
  }, 600_000);

  it("with skipRun and no run, fails with CS_NOT_FOUND and writes nothing", async () => {
    const name = newName("none");
    const config = resolveSimulatorConfig({});
    await expect(runDatasetJob({ name, config, skipRun: true })).rejects.toMatchObject({
      code: ERROR_CODES.NOT_FOUND,
      message: expect.stringMatching(/no raw event archive at .*: run 'cartstream run --name/),
    });
    expect(existsSync(join("data", "datasets", name))).toBe(false);
  });
});
