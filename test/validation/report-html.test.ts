// report.html opened in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): the charts are
// inline SVG with marks, nothing is fetched from the network, and the screenshot is a real page.
// Set CARTSTREAM_SCREENSHOT=/some/file.png to keep a copy of the screenshot for a look.
import { copyFileSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSimulatorConfig } from "../../pipeline/simulator/index.ts";
import { type ValidationResult, validateDataset } from "../../validation/index.ts";
import { removeRoot, simulateEventsParquet, tempRoot, writeDataset } from "./helpers.ts";

// Validation of a full dataset costs several CPU seconds (ground truth, sequencing SQL); CI machines are shared.
const HEAVY_MS = 300_000;

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let root: string;
let result: ValidationResult;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  }
  root = tempRoot("html");
  // A shorter run (300 s of arrivals) is enough to draw every chart.
  const config = resolveSimulatorConfig({}, { duration_s: 300 });
  const base = join(root, "base-events.parquet");
  await simulateEventsParquet(config, base);
  const dir = await writeDataset(join(root, "short"), base, config);
  result = await validateDataset(dir);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, HEAVY_MS);

afterAll(async () => {
  await browser?.close();
  if (root) removeRoot(root);
});

describe("report.html in headless Chromium", { timeout: HEAVY_MS }, () => {
  it("renders the charts inline, with marks, fetching nothing", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) requests.push(r.url());
    });
    await page.goto(pathToFileURL(result.reports!.html).href);
    await expect(page.title()).resolves.toMatch(/^Validation: short \(phase1\)/);

    const figures = page.locator("figure.chart");
    expect(await figures.count()).toBe(5);
    const svgs = page.locator("figure.chart svg");
    expect(await svgs.count()).toBeGreaterThanOrEqual(5);
    for (const id of ["funnel", "event-mix", "devices", "personas", "duration"]) {
      const marks = await page.locator(`#chart-${id} svg .mark-rect path`).count();
      expect(marks, `bars in chart ${id}`).toBeGreaterThan(0);
      const box = await page.locator(`#chart-${id} svg`).first().boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(100);
    }
    // Event mix: nine bars plus the range rules.
    expect(await page.locator("#chart-event-mix svg .mark-rule line").count()).toBeGreaterThanOrEqual(9);
    // The checks table has one row per check, the intended deviation labelled.
    expect(await page.locator("table tbody tr.o-intended").count()).toBe(result.summary.intended);
    expect(await page.locator("table").first().locator("tbody tr").count()).toBe(result.checks.length);
    await expect(page.locator("body").textContent()).resolves.toMatch(
      /Known contradictions in the phase-1 report/,
    );

    const png = join(root, "report.png");
    await page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(100_000);
    if (process.env.CARTSTREAM_SCREENSHOT) copyFileSync(png, process.env.CARTSTREAM_SCREENSHOT);
    expect(requests).toEqual([]);
    await page.close();
  });
});
