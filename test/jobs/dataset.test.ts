// runDatasetJob in process: the run, the builder and the validation gate as function calls, and a
// missing run refused before anything is written.
import { randomUUID } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDatasetJob } from "../../jobs/index.ts";
import { ERROR_CODES } from "../../pipeline/errors/index.ts";
import { resolveSimulatorConfig } from "../../pipeline/simulator/index.ts";

const names: string[] = [];
function newName(tag: string): string {
  const name = `test-job-${tag}-${randomUUID().slice(0, 8)}`;
  names.push(name);
  return name;
}
afterAll(() => {
  for (const name of names)
    for (const dir of ["runs", "pglite", "datasets"])
      rmSync(join("data", dir, name), { recursive: true, force: true });
});

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
    expect(stages.filter((l) => /^\[dataset \d\/5\]/.test(l))).toHaveLength(5);
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
