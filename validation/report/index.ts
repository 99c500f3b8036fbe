// Writes report.json, report.md and report.html for a validation result.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ReportPaths, ValidationResult } from "../types.ts";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";

export const REPORT_DIR = "validation";

/** Writes the three reports into `outDir` (default <dataset>/validation) and records their paths on `result`. */
export async function writeReports(result: ValidationResult, outDir?: string): Promise<ReportPaths> {
  const dir = resolve(outDir ?? join(result.dataset, REPORT_DIR));
  mkdirSync(dir, { recursive: true });
  const paths: ReportPaths = {
    json: join(dir, "report.json"),
    markdown: join(dir, "report.md"),
    html: join(dir, "report.html"),
  };
  result.reports = paths;
  writeFileSync(paths.json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(paths.markdown, renderMarkdown(result));
  writeFileSync(paths.html, await renderHtml(result));
  return paths;
}

export { chartSpecs, renderSvg } from "./charts.ts";
export { renderHtml } from "./html.ts";
export { renderMarkdown, summaryLine } from "./markdown.ts";
