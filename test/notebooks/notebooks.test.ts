// make notebooks end to end: scripts/notebooks.sh executes every notebook against a small fresh dataset; the
// HTML exports must hold their charts and the figures the test recomputes from the same Parquet files.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../helpers/cli.ts";

const NAME = `test-nb-${randomUUID().slice(0, 8)}`;
const DATASET = join(REPO_ROOT, "data", "datasets", NAME);
const OUT = mkdtempSync(join(tmpdir(), "cartstream-notebooks-"));

/** Vega charts each notebook draws (vega's root <svg> has class "marks"). */
const CHARTS: Record<string, number> = {
  "01-funnel-exploration": 5,
  "02-sessions-and-personas": 4,
  "03-dataset-card": 4,
  "04-business-impact": 3,
  "05-baselines": 4,
};

let script: { code: number | null; stdout: string; stderr: string; seconds: number };

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    const rows = (await con.runAndReadAll(sql)).getRowObjectsJS();
    return rows.map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
    );
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

const parquet = (file: string) => `read_parquet('${join(DATASET, file).replaceAll("'", "''")}')`;

function html(notebook: string): string {
  return readFileSync(join(OUT, `${notebook}.html`), "utf8");
}

function decode(s: string): string {
  return s
    .replace(/<[^>]+>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&")
    .trim();
}

/** The cells' text of the table row the notebook tagged data-key="key". */
function row(page: string, key: string): string[] {
  const m = page.match(
    new RegExp(`<tr data-key="${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}">(.*?)</tr>`, "s"),
  );
  if (!m) throw new Error(`no row data-key="${key}" in the export`);
  return [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => decode(c[1]!));
}

/** "$1,234.56", "-$36,069.95", "15.00%", "1,234" -> number (a percentage as a share). */
function num(text: string): number {
  const t = text.replace(/[$,\s]/g, "");
  return t.endsWith("%") ? Number(t.slice(0, -1)) / 100 : Number(t);
}

beforeAll(() => {
  const r = runCli(["dataset", "--name", NAME, "--duration", "300", "--quiet"], { timeoutMs: 300_000 });
  // 0 passed, 1 passed with warnings (the dataset is built either way).
  expect([0, 1], r.stderr.slice(-3000)).toContain(r.code);
  const t0 = Date.now();
  const res = spawnSync("bash", [join(REPO_ROOT, "scripts", "notebooks.sh")], {
    cwd: REPO_ROOT,
    env: { ...process.env, TZ: "UTC", CARTSTREAM_DATASET: DATASET, NOTEBOOKS_OUT: OUT },
    encoding: "utf8",
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  script = { code: res.status, stdout: res.stdout, stderr: res.stderr, seconds: (Date.now() - t0) / 1000 };
}, 900_000);

afterAll(() => {
  for (const dir of ["runs", "pglite", "datasets"]) {
    rmSync(join(REPO_ROOT, "data", dir, NAME), { recursive: true, force: true });
  }
  rmSync(OUT, { recursive: true, force: true });
});

describe("make notebooks (scripts/notebooks.sh)", () => {
  it("executes every notebook without a failing cell and exits 0", () => {
    expect(script.code, `${script.stdout}\n${script.stderr}`.slice(-6000)).toBe(0);
    const notebooks = readdirSync(join(REPO_ROOT, "notebooks")).filter((f) => /^\d.*\.ipynb$/.test(f));
    expect(notebooks.map((f) => f.replace(/\.ipynb$/, "")).sort()).toEqual(Object.keys(CHARTS).sort());
    expect(script.stdout).toContain(`dataset: ${DATASET}`);
    expect(script.stdout).toMatch(/done in \d+ s: 5 passed, 0 failed/);
  });

  it("exports each notebook to HTML with its charts inline as SVG", () => {
    for (const [notebook, charts] of Object.entries(CHARTS)) {
      expect(existsSync(join(OUT, `${notebook}.html`)), notebook).toBe(true);
      const page = html(notebook);
      expect(page.match(/<svg[^>]*class="marks"/g)?.length ?? 0, notebook).toBeGreaterThanOrEqual(charts);
      expect(page, notebook).toContain(NAME); // the notebook read the test dataset, not the default one
    }
  });

  it("01: the funnel counts equal the events and sessions in the Parquet files", async () => {
    const page = html("01-funnel-exploration");
    const [c] = await query(`SELECT
      count(*) FILTER (WHERE event_type = 'product_view') AS product_view,
      count(*) FILTER (WHERE event_type = 'add_to_cart') AS add_to_cart,
      count(*) FILTER (WHERE event_type = 'checkout_initiated') AS checkout_initiated,
      count(*) FILTER (WHERE event_type = 'purchase') AS purchase
      FROM ${parquet("events.parquet")}`);
    for (const step of ["product_view", "add_to_cart", "checkout_initiated", "purchase"]) {
      expect(num(row(page, `event.${step}`)[2]!), step).toBe(c![step]);
    }
    const [s] = await query(
      `SELECT count(*) FILTER (WHERE purchases > 0) AS purchased FROM ${parquet("sessions.parquet")}`,
    );
    expect(num(row(page, "session.purchase")[2]!)).toBe(s!.purchased);
    expect(page).toContain("The three event-level ratios equal the validation report");
  });

  it("02: sessions and conversions per persona equal the sessions file", async () => {
    const page = html("02-sessions-and-personas");
    const personas =
      await query(`SELECT persona, count(*) AS sessions, count(*) FILTER (WHERE is_converted) AS converted
      FROM ${parquet("sessions.parquet")} GROUP BY persona`);
    expect(personas.length).toBeGreaterThan(0);
    for (const p of personas) {
      const cells = row(page, String(p.persona));
      expect(num(cells[1]!), `${p.persona} sessions`).toBe(p.sessions);
      expect(num(cells[4]!), `${p.persona} converted`).toBe(p.converted);
    }
  });

  it("03: class balance equals the split files, and no default feature is flagged as a leak", async () => {
    const page = html("03-dataset-card");
    for (const [variant, split, file] of [
      ["full", "train", "train.parquet"],
      ["full", "test", "test.parquet"],
      ["prediction_point", "train", "train_prediction_point.parquet"],
      ["prediction_point", "test", "test_prediction_point.parquet"],
    ] as const) {
      const [c] = await query(`SELECT count(*) AS rows, count(*) FILTER (WHERE is_converted) AS converted,
        count(*) FILTER (WHERE abandoned) AS abandoned FROM ${parquet(file)}`);
      const conv = row(page, `${variant}.${split}.is_converted`);
      expect(num(conv[3]!), `${variant} ${split} rows`).toBe(c!.rows);
      expect(num(conv[6]!), `${variant} ${split} converted`).toBe(c!.converted);
      expect(num(row(page, `${variant}.${split}.abandoned`)[6]!), `${variant} ${split} abandoned`).toBe(
        c!.abandoned,
      );
    }
    expect(page).toMatch(/Suspicious default features: <b>none<\/b>/);
    expect(row(page, "full.purchases")[7]).toBe("suspicious"); // the control: the label's own definition
  });

  it("04: the ROI figures equal the report's formulas on the dataset's abandoned carts and cart value", async () => {
    const page = html("04-business-impact");
    const source = readFileSync(join(REPO_ROOT, "notebooks", "04-business-impact.ipynb"), "utf8");
    const r = Number(source.match(/const RECOVERY_RATE = ([\d.]+)/)![1]);
    const c = Number(source.match(/const COST_PER_INTERVENTION = ([\d.]+)/)![1]);
    const [f] = await query(`SELECT count(*) FILTER (WHERE NOT is_converted AND cart_value > 0) AS n,
      CAST(avg(cart_value) FILTER (WHERE cart_value > 0) AS DOUBLE) AS v FROM ${parquet("sessions.parquet")}`);
    const n = f!.n as number;
    const v = f!.v as number;
    expect(n).toBeGreaterThan(0);
    const value = (key: string) => num(row(page, key).at(-1)!);
    const cents = (key: string, expected: number) => expect(value(key), key).toBeCloseTo(expected, 2);

    expect(value("abandoned_carts")).toBe(n);
    cents("avg_cart_value", v);
    // The report's model: an intervention per recovered cart.
    expect(value("report.abandoned_carts")).toBe(n);
    cents("report.abandoned_value", n * v);
    cents("report.recovered_carts", n * r);
    cents("report.recovered_revenue", n * r * v);
    cents("report.intervention_cost", n * r * c);
    cents("report.net_impact", n * r * (v - c));
    cents("report.break_even_cost", v);
    expect(row(page, "report.break_even_recovery_rate").at(-1)).toMatch(/^none \(V − c = /);
    // The variant: an intervention per abandoned cart contacted.
    cents("contact_all.intervention_cost", n * c);
    cents("contact_all.net_impact", n * (r * v - c));
    expect(value("contact_all.break_even_recovery_rate")).toBeCloseTo(c / v, 4);
    cents("contact_all.break_even_cost", r * v);
  });

  it("05: the metrics table holds baseline/report.json's figures, and the own model scored every test row", () => {
    const page = html("05-baselines");
    const report = JSON.parse(readFileSync(join(DATASET, "baseline", "report.json"), "utf8"));
    for (const r of report.results)
      for (const m of r.models) {
        const cells = row(page, `${r.variant}.${r.label}.${m.model}`);
        expect(num(cells[4]!), `${r.variant}.${r.label}.${m.model} test rows`).toBe(m.test.rows);
        expect(cells[6], `${r.variant}.${r.label}.${m.model} ROC AUC`).toBe(m.test.rocAuc.toFixed(3));
      }
    const own = num(row(page, "own: rate per (device, returning buyer) cell").at(-1)!);
    expect(own).toBeGreaterThan(0.4);
    expect(own).toBeLessThan(1);
  });
});
