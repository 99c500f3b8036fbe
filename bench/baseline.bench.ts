// Baseline speed: `runBaseline` (both labels, both variants, both models, importances) on a dataset enlarged to
// N sessions by replicating a real dataset's train/test rows (each copy gets new ids; the feature values are the
// real ones, so the models face the real distributions). The copies are written before the clock starts.
// Goal: 1M sessions within 2 minutes on the 2-core machine. The ensemble trains on a seeded sample of at most
// boosting.maxTrainRows rows (100,000 by default); the logistic regression on every train row.
// Usage: npx tsx bench/baseline.bench.ts [--source data/datasets/phase1] [--sessions 100000,1000000]
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { runBaseline } from "../baseline/index.ts";
import { quoteString } from "../pipeline/duckdb/index.ts";
import { machineLine, printTable } from "./table.ts";

const { values } = parseArgs({
  options: {
    source: { type: "string", default: "data/datasets/phase1" },
    sessions: { type: "string", default: "1000000" },
  },
});
const source = resolve(values.source);
if (!existsSync(join(source, "manifest.json"))) {
  console.error(`no dataset at ${source}: run \`make dataset\` first (or pass --source)`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(source, "manifest.json"), "utf8")) as {
  variants: Record<string, { files: { train: string; test: string } }>;
};

async function enlarge(dir: string, sessions: number): Promise<{ train: number; test: number }> {
  mkdirSync(dir, { recursive: true });
  cpSync(join(source, "manifest.json"), join(dir, "manifest.json"));
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  const rows = { train: 0, test: 0 };
  try {
    const full = manifest.variants.full!.files;
    const count = async (f: string) =>
      Number(
        (
          await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${quoteString(join(source, f))})`)
        ).getRowsJS()[0]![0],
      );
    const base = (await count(full.train)) + (await count(full.test));
    const copies = Math.ceil(sessions / base);
    for (const v of Object.values(manifest.variants))
      for (const [split, f] of Object.entries(v.files)) {
        const src = quoteString(join(source, f));
        await con.run(
          `COPY (SELECT * REPLACE (session_id || '~c' || c AS session_id, user_id || '~c' || c AS user_id)
                 FROM read_parquet(${src}), range(${copies}) AS r(c)) TO ${quoteString(join(dir, f))} (FORMAT parquet, COMPRESSION zstd)`,
        );
        if (v === manifest.variants.full) rows[split as "train" | "test"] = (await count(f)) * copies;
      }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return rows;
}

const table: (string | number)[][] = [];
for (const n of values.sessions.split(",").map(Number)) {
  const dir = join(tmpdir(), `cartstream-baseline-bench-${n}`);
  rmSync(dir, { recursive: true, force: true });
  const rows = await enlarge(dir, n);
  const steps: { what: string; at: number }[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await runBaseline(
    dir,
    {},
    { onStep: (s) => steps.push({ what: s.what, at: performance.now() }) },
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  steps.push({ what: "end", at: performance.now() });
  for (let i = 0; i + 1 < steps.length; i++)
    table.push([
      `${n.toLocaleString("en-US")}: ${steps[i]!.what}`,
      "",
      "",
      ((steps[i + 1]!.at - steps[i]!.at) / 1000).toFixed(1),
      "",
    ]);
  const auc = report.results
    .map(
      (r) =>
        `${r.variant === "full" ? "F" : "PP"} ${r.label === "is_converted" ? "conv" : "aband"} ${r.models.map((m) => m.test.rocAuc.toFixed(3)).join("/")}`,
    )
    .join("; ");
  table.push([
    `${n.toLocaleString("en-US")} sessions: total`,
    rows.train,
    rows.test,
    wall.toFixed(1),
    cpuS.toFixed(1),
  ]);
  writeFileSync(join(dir, "aucs.txt"), `${auc}\n`);
  console.error(`${n}: ${wall.toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU; test AUC (LR/GB) ${auc}`);
  rmSync(dir, { recursive: true, force: true });
}
printTable(
  "runBaseline (2 variants x 2 labels x 2 models, permutation importance)",
  ["step", "train rows", "test rows", "wall s", "CPU s"],
  table,
);
console.log(`\n${machineLine()}  goal: 1,000,000 sessions <= 120 s wall`);
