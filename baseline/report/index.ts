// Writes baseline/report.json, report.md and report.html into a dataset folder, and the model card.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeModelCard } from "../model-card.ts";
import type { BaselineReport } from "../types.ts";
import { renderBaselineHtml } from "./html.ts";
import { renderBaselineMarkdown } from "./markdown.ts";

export const BASELINE_DIR = "baseline";

export interface BaselinePaths {
  json: string;
  markdown: string;
  html: string;
  dataCard: string | null;
}

export async function writeBaselineReports(dir: string, report: BaselineReport): Promise<BaselinePaths> {
  const out = join(resolve(dir), BASELINE_DIR);
  mkdirSync(out, { recursive: true });
  const paths = {
    json: join(out, "report.json"),
    markdown: join(out, "report.md"),
    html: join(out, "report.html"),
  };
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.markdown, renderBaselineMarkdown(report));
  writeFileSync(paths.html, await renderBaselineHtml(report));
  return { ...paths, dataCard: await writeModelCard(resolve(dir), report) };
}

export { baselineCharts, renderSvg } from "./charts.ts";
export { renderBaselineHtml } from "./html.ts";
export { metricsTable, renderBaselineMarkdown } from "./markdown.ts";
