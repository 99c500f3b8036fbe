// A written baseline/report.json stands for a new run only while its options are the same and every input
// file still has the sha256 it was computed from; otherwise the models are fitted again.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { readBaselineManifest, sha256File } from "./load.ts";
import type { BaselineOptions } from "./options.ts";
import { BASELINE_DIR } from "./report/index.ts";
import { type BaselineHooks, resolveBaselineOptions, runBaseline } from "./run.ts";
import type { BaselineReport } from "./types.ts";

export async function readCurrentReport(
  dir: string,
  options: BaselineOptions,
): Promise<BaselineReport | null> {
  const path = join(resolve(dir), BASELINE_DIR, "report.json");
  if (!existsSync(path)) return null;
  let report: BaselineReport;
  try {
    report = JSON.parse(readFileSync(path, "utf8")) as BaselineReport;
  } catch {
    return null;
  }
  if (report.format !== "cartstream-baseline/1" || !isDeepStrictEqual(report.options, options)) return null;
  if (!Array.isArray(report.inputs) || report.inputs.length === 0) return null;
  for (const input of report.inputs) {
    const file = join(resolve(dir), input.file);
    if (!existsSync(file) || (await sha256File(file)) !== input.sha256) return null;
  }
  return report;
}

/** The baseline figures for `dir`: the written report when it is current, else a fresh run (not written). */
export async function currentBaseline(
  dir: string,
  input: Partial<BaselineOptions>,
  hooks: BaselineHooks = {},
): Promise<{ report: BaselineReport; reused: boolean }> {
  const options = resolveBaselineOptions(input, readBaselineManifest(dir));
  const written = await readCurrentReport(dir, options);
  if (written) return { report: written, reused: true };
  return { report: await runBaseline(dir, options, hooks), reused: false };
}
