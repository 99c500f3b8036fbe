// The training-file checks one by one on a built dataset (simulator -> ground truth -> dataset builder):
// the time split's cutoff, the seeded sample of the recomputation, the schema and not-null contract, the
// label rule, a missing file, folders without a builder manifest, and the guard that turns a throw into a
// failed check.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorConfig } from "../../pipeline/simulator/index.ts";
import { resolveSimulatorConfig } from "../../pipeline/simulator/index.ts";
import { guardGroup, guardOne } from "../../validation/checks/guard.ts";
import { makeCheck } from "../../validation/checks/result.ts";
import { readTrainingManifest } from "../../validation/checks/training-manifest.ts";
import { type ValidationResult, validateDataset } from "../../validation/index.ts";
import {
  editTrainingFile,
  readManifest,
  removeRoot,
  simulateEventsParquet,
  tempRoot,
  writeBuiltDataset,
  writeDataset,
} from "./helpers.ts";

const HEAVY_MS = 300_000;

let root: string;
let base: string;
let config: SimulatorConfig;

beforeAll(async () => {
  root = tempRoot("training");
  // A smaller run than the default keeps each validation to a few seconds.
  config = resolveSimulatorConfig({ users: 120, duration_s: 600, seed: 7 });
  base = join(root, "base-events.parquet");
  await simulateEventsParquet(config, base);
}, HEAVY_MS);

afterAll(() => removeRoot(root));

const byId = (r: ValidationResult, id: string) => {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${r.checks.map((x) => x.id).join(", ")}`);
  return c;
};
const training = (r: ValidationResult) => r.checks.filter((c) => c.kind === "training");
const validate = (dir: string, recomputeUsers?: number) =>
  // The baseline models (leakage checks) are left out: these cases are about the files' integrity.
  validateDataset(dir, { reports: false, baseline: false, ...(recomputeUsers ? { recomputeUsers } : {}) });

describe("training-file checks", { timeout: HEAVY_MS }, () => {
  it("time split: every check passes, and a train row moved past the cutoff fails the cutoff check", async () => {
    const dir = await writeBuiltDataset(join(root, "time"), base, config, { split: "time" });
    const cutoff = readManifest(dir).split.time_cutoff!;
    const ok = await validate(dir);
    expect(training(ok).map((c) => c.id)).toContain("training.split.time_cutoff");
    for (const c of training(ok)) expect.soft(c.status, `${c.id}: ${c.message}`).toBe("pass");
    await editTrainingFile(
      dir,
      "train.parquet",
      [
        `UPDATE rows SET start_time = CAST(CAST('${cutoff}' AS TIMESTAMPTZ) AS TIMESTAMP) + INTERVAL 1 SECOND
         WHERE session_id = (SELECT min(session_id) FROM rows)`,
      ],
      { resign: true },
    );
    const bad = await validate(dir);
    expect(bad.exitCode).toBe(2);
    const c = byId(bad, "training.split.time_cutoff");
    expect(c.status).toBe("fail");
    expect(c.message).toMatch(
      new RegExp(
        `^time split: 1 row\\(s\\) of train\\.parquet start at or after the cutoff ${cutoff.replaceAll(".", "\\.")} \\(e\\.g\\. `,
      ),
    );
    // start_time is copied from the session, so the rows check sees it too.
    expect(byId(bad, "training.rows.match_sessions").message).toMatch(/start_time \(1 rows\)/);
  });

  it("the recomputation covers every user up to recomputeUsers, else a seeded sample of that many", async () => {
    const dir = await writeBuiltDataset(join(root, "sampled"), base, config);
    const users = readManifest(dir).source.users;
    const all = byId(await validate(dir, 1000), "training.rows.features_recomputed");
    expect(all.message).toMatch(new RegExp(`for all ${users} users`));
    const a = byId(await validate(dir, 20), "training.rows.features_recomputed");
    const b = byId(await validate(dir, 20), "training.rows.features_recomputed");
    expect(a.status).toBe("pass");
    expect(a.message).toMatch(new RegExp(`a seeded sample of 20 of ${users} users`));
    // Same seed, same sample.
    expect(a.details).toEqual(b.details);
    expect((a.details as { sessions: number }).sessions).toBeLessThan(
      (all.details as { sessions: number }).sessions,
    );
  });

  it("a sampled recomputation still finds a changed history feature of a sampled user's session", async () => {
    const dir = await writeBuiltDataset(join(root, "sampled-bad"), base, config);
    // Change every row: whichever users the seed samples, their rows are wrong.
    await editTrainingFile(dir, "train.parquet", ["UPDATE rows SET prior_sessions = prior_sessions + 1"], {
      resign: true,
    });
    const c = byId(await validate(dir, 20), "training.rows.features_recomputed");
    expect(c.status).toBe("fail");
    expect(c.message).toMatch(
      /a seeded sample of 20 of \d+ users.*full values differ from the recomputation in prior_sessions/,
    );
  });

  it("schema: a dropped column, a changed type and an extra column are named", async () => {
    const dir = await writeBuiltDataset(join(root, "schema"), base, config);
    await editTrainingFile(
      dir,
      "test.parquet",
      [
        "ALTER TABLE rows DROP COLUMN browser",
        "ALTER TABLE rows ALTER page_views TYPE BIGINT",
        "ALTER TABLE rows ADD COLUMN note VARCHAR",
      ],
      { resign: true },
    );
    const r = await validate(dir);
    const c = byId(r, "training.schema.columns");
    expect(c.status).toBe("fail");
    expect(c.message).toMatch(/test\.parquet lacks column\(s\) browser/);
    expect(c.message).toMatch(/test\.parquet: page_views is BIGINT, not INTEGER/);
    expect(c.message).toMatch(/test\.parquet has column\(s\) manifest\.json does not list: note/);
    expect(r.exitCode).toBe(2);
  });

  it("not null: a NULL label fails, and a column the manifest marks nullable: false is checked too", async () => {
    const dir = await writeBuiltDataset(join(root, "nulls"), base, config);
    await editTrainingFile(
      dir,
      "test.parquet",
      [
        "UPDATE rows SET is_converted = NULL WHERE session_id = (SELECT min(session_id) FROM rows)",
        "UPDATE rows SET page_views = NULL WHERE session_id = (SELECT max(session_id) FROM rows)",
      ],
      { resign: true },
    );
    const before = byId(await validate(dir), "training.schema.not_null");
    expect(before.status).toBe("fail");
    expect(before.message).toBe("NULL values in not-null columns: test.parquet.is_converted 1");
    const manifest = readManifest(dir);
    const col = manifest.variants.full.columns.find((c) => c.name === "page_views")!;
    Object.assign(col, { nullable: false });
    writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    const after = byId(await validate(dir), "training.schema.not_null");
    expect(after.message).toBe(
      "NULL values in not-null columns: test.parquet.page_views 1, test.parquet.is_converted 1",
    );
  });

  it("labels: an abandoned row that converted, and an unconverted cart left unlabelled, fail", async () => {
    const dir = await writeBuiltDataset(join(root, "labels"), base, config);
    await editTrainingFile(
      dir,
      "train_prediction_point.parquet",
      [
        "UPDATE rows SET abandoned = true WHERE session_id = (SELECT min(session_id) FROM rows WHERE is_converted)",
        "UPDATE rows SET abandoned = false WHERE session_id = (SELECT min(session_id) FROM rows WHERE abandoned AND NOT is_converted)",
      ],
      { resign: true },
    );
    const c = byId(await validate(dir), "training.labels.consistent");
    expect(c.status).toBe("fail");
    expect(c.message).toMatch(/train_prediction_point\.parquet: 1 row\(s\) both abandoned and is_converted/);
    expect(c.message).toMatch(
      /train_prediction_point\.parquet: 1 row\(s\) not converted with a cart value but not abandoned/,
    );
  });

  it("a missing split file fails the checksum check and every check that reads it (error, not a skip)", async () => {
    const dir = await writeBuiltDataset(join(root, "missing"), base, config);
    rmSync(join(dir, "test_prediction_point.parquet"));
    const r = await validate(dir);
    expect(r.exitCode).toBe(2);
    expect(byId(r, "training.files.checksums").message).toMatch(/test_prediction_point\.parquet is missing/);
    for (const id of [
      "training.files.row_counts",
      "training.split.unique_session_id",
      "training.rows.features_recomputed",
    ]) {
      const c = byId(r, id);
      expect(c.outcome).toBe("error");
      expect(c.message).toMatch(/the check threw, so it failed: test_prediction_point\.parquet is missing/);
    }
  });

  it("a folder without a builder manifest: one skipped check (a warning); train files without one: an error", async () => {
    const dir = await writeDataset(join(root, "plain"), base, config);
    const r = await validateDataset(dir, { reports: false, groundTruth: null, baseline: false });
    expect(training(r)).toHaveLength(1);
    const c = byId(r, "training.manifest");
    expect(c.status).toBe("skipped");
    expect(c.outcome).toBe("warning");
    expect(c.message).toMatch(
      /training files not checked: manifest\.json has no "format": "cartstream-dataset\/1"/,
    );
    writeFileSync(join(dir, "train.parquet"), "");
    const stray = byId(
      await validateDataset(dir, { reports: false, groundTruth: null, baseline: false }),
      "training.manifest",
    );
    expect(stray.status).toBe("fail");
    expect(stray.message).toMatch(/train\.parquet exist but manifest\.json has no "format"/);
    expect(readTrainingManifest(dir, { format: "cartstream-dataset/1", seed: 1 }).kind).toBe("invalid");
  });
});

describe("guard: a check that throws is a failed check", () => {
  const check = { id: "x.y", kind: "quality" as const, title: "x y" };
  it("turns a throw into one failed error check naming the error, and passes results through", async () => {
    const thrown = await guardGroup(check, () => {
      throw new Error("boom");
    });
    expect(thrown).toHaveLength(1);
    expect(thrown[0]).toMatchObject({ id: "x.y", status: "fail", severity: "error", outcome: "error" });
    expect(thrown[0]!.message).toBe("x y: the check threw, so it failed: boom");
    const ok = makeCheck({ ...check, severity: "warning", status: "pass", message: "fine" });
    expect(await guardGroup(check, async () => [ok])).toEqual([ok]);
    expect(await guardOne(check, () => ok)).toBe(ok);
    const rejected = await guardOne(check, () => Promise.reject(new Error("async boom")));
    expect(rejected.outcome).toBe("error");
  });
});
