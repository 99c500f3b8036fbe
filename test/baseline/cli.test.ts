// cartstream baseline on the phase-1 dataset (built by the real builder): reports, model card, the manifest
// still describing DATASET.md, the same figures on a second run; then the gate on the same folder reuses them
// and holds the baseline figures in its report. A missing or broken dataset exits 1 with a coded message.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BaselineReport } from "../../baseline/index.ts";
import { sha256File } from "../../baseline/load.ts";
import type { ValidationResult } from "../../validation/index.ts";
import { runCli } from "../helpers/cli.ts";
import { buildPhase1Dataset } from "./fixtures.ts";

const HEAVY_MS = 900_000;
const root = join(tmpdir(), `cartstream-baseline-cli-${randomUUID()}`);
let dir: string;

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  dir = await buildPhase1Dataset(root, join(root, "phase1"));
}, HEAVY_MS);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const report = (): BaselineReport => JSON.parse(readFileSync(join(dir, "baseline", "report.json"), "utf8"));

describe("cartstream baseline on the phase-1 dataset", { timeout: HEAVY_MS }, () => {
  it("writes report.json/md/html and the model card; a second run gives the same figures", async () => {
    const first = runCli(["baseline", dir], { timeoutMs: HEAVY_MS });
    expect(first.stderr).toMatch(/\[baseline 1\/10\] full: read train\.parquet and test\.parquet/);
    expect(first.code).toBe(0);
    const a = report();
    expect(a.results.map((r) => `${r.variant}.${r.label}`)).toEqual([
      "full.is_converted",
      "full.abandoned",
      "prediction_point.is_converted",
      "prediction_point.abandoned",
    ]);
    for (const r of a.results)
      for (const m of r.models) {
        expect(m.test.rows).toBe(r.test.rows);
        expect(m.test.rocAuc).toBeGreaterThan(0.5);
        expect(first.stdout).toContain(`ROC AUC ${m.test.rocAuc.toFixed(3)}`);
      }
    const html = readFileSync(join(dir, "baseline", "report.html"), "utf8");
    expect(html.match(/<svg[^>]*class="marks"/g)?.length).toBe(12);
    expect(html).toContain('id="chart-roc-full-is_converted"');
    const md = readFileSync(join(dir, "baseline", "report.md"), "utf8");
    expect(md).toContain("| variant | label | model | fitted on |");
    // The model card is in DATASET.md, and the manifest's checksum of DATASET.md matches the new file.
    const card = readFileSync(join(dir, "DATASET.md"), "utf8");
    expect(card).toContain("## Baseline models (model card)");
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    const entry = manifest.files.find((f: { path: string }) => f.path === "DATASET.md");
    expect(entry.sha256).toBe(await sha256File(join(dir, "DATASET.md")));

    expect(runCli(["baseline", "--quiet", dir], { timeoutMs: HEAVY_MS }).code).toBe(0);
    expect(report().results).toEqual(a.results);
    // Replaced, not appended.
    expect(
      readFileSync(join(dir, "DATASET.md"), "utf8").split("## Baseline models (model card)"),
    ).toHaveLength(2);
  });

  it("the default dataset passes the gate (exit 0 or 1) and its report holds the baseline figures", () => {
    const v = runCli(["validate", dir], { timeoutMs: HEAVY_MS });
    const result = JSON.parse(
      readFileSync(join(dir, "validation", "report.json"), "utf8"),
    ) as ValidationResult;
    const figures = report();
    for (const r of figures.results) {
      const check = result.checks.find((c) => c.id === `learnability.multivariate.${r.variant}.${r.label}`)!;
      const models = check.details!.models as { model: string; rocAuc: number }[];
      expect(models.map((m) => m.rocAuc)).toEqual(r.models.map((m) => m.test.rocAuc));
      expect(check.details!.reusedReport).toBe(true);
    }
    expect(v.stdout, v.stdout).toMatch(/^PASS/m);
    expect([0, 1]).toContain(v.code);
  });

  it("a missing dataset, a missing file and a broken Parquet file exit 1 with a coded message", () => {
    const missing = runCli(["baseline", join(root, "nope")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error CS_NOT_FOUND: dataset folder .*nope does not exist/);
    const broken = join(root, "broken");
    mkdirSync(broken);
    writeFileSync(join(broken, "manifest.json"), readFileSync(join(dir, "manifest.json")));
    const noTrain = runCli(["baseline", broken]);
    expect(noTrain.code).toBe(1);
    expect(noTrain.stderr).toMatch(
      /error CS_NOT_FOUND: .*train\.parquet is missing although manifest\.json lists it/,
    );
    writeFileSync(join(broken, "train.parquet"), "not parquet");
    writeFileSync(join(broken, "test.parquet"), "not parquet");
    const bad = runCli(["baseline", broken]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error CS_BAD_INPUT: cannot read .*train\.parquet as Parquet/);
    expect(existsSync(join(broken, "baseline"))).toBe(false);
  });
});
