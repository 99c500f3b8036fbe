// What the training-file checks cost inside `validate`: the whole validation (validateDataset with reports,
// as `cartstream validate` runs it) against the training-file checks alone on the same opened dataset.
// Goal: the training-file checks add at most 20% to validate's time on the default dataset, i.e.
// training / (validate - training) <= 0.20. CPU time (all DuckDB threads) is printed next to wall time
// because the machine is shared. Medians of --reps runs.
// Usage: npx tsx bench/validate.bench.ts [--dataset data/datasets/phase1] [--reps 3] [--recompute-users N]
// (build the default dataset first with `make dataset`.)
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { trainingFileChecks } from "../validation/checks/training-files.ts";
import { openDataset } from "../validation/dataset.ts";
import { DEFAULT_OPTIONS, validateDataset } from "../validation/index.ts";
import { machineLine, median, printTable } from "./table.ts";

const { values } = parseArgs({
  options: {
    dataset: { type: "string", default: "data/datasets/phase1" },
    reps: { type: "string", default: "3" },
    "recompute-users": { type: "string" },
  },
});
const dir = values.dataset;
const reps = Number(values.reps);
const recomputeUsers = Number(values["recompute-users"] ?? DEFAULT_OPTIONS.recomputeUsers);
if (!existsSync(join(dir, "manifest.json"))) {
  console.error(`no dataset at ${dir}: run \`make dataset\` first (or pass --dataset DIR)`);
  process.exit(2);
}

interface Timing {
  ms: number;
  cpuMs: number;
}

async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t0, cpuMs: (used.user + used.system) / 1000 };
}

const out = mkdtempSync(join(tmpdir(), "cartstream-validate-bench-"));
const whole: Timing[] = [];
const training: Timing[] = [];
let checks = 0;
try {
  for (let i = 0; i < reps; i++) {
    whole.push(
      await timed(async () => {
        const r = await validateDataset(dir, { outDir: out, recomputeUsers });
        if (r.exitCode === 3) throw new Error(`validate could not run: ${r.error?.message}`);
      }),
    );
    const opened = await openDataset(dir);
    try {
      training.push(
        await timed(async () => {
          const c = await trainingFileChecks(opened.instance, opened.con, opened.input, {
            recomputeUsers,
          });
          checks = c.length;
        }),
      );
    } finally {
      opened.close();
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

const w = { ms: median(whole.map((t) => t.ms)), cpuMs: median(whole.map((t) => t.cpuMs)) };
const t = { ms: median(training.map((x) => x.ms)), cpuMs: median(training.map((x) => x.cpuMs)) };
const ratio = (a: number, b: number) => `${((100 * a) / (b - a)).toFixed(1)}%`;
console.log(
  `validate on ${dir}, ${reps} reps (median), features recomputed for up to ${recomputeUsers} users; ${machineLine()}`,
);
printTable(
  "training-file checks inside validate (goal: <= 20% added)",
  ["part", "wall ms", "cpu ms"],
  [
    ["validate, whole (with reports)", w.ms, w.cpuMs],
    [`training-file checks alone (${checks} checks)`, t.ms, t.cpuMs],
    ["validate without them", w.ms - t.ms, w.cpuMs - t.cpuMs],
    ["added by the training-file checks", ratio(t.ms, w.ms), ratio(t.cpuMs, w.cpuMs)],
  ],
);
