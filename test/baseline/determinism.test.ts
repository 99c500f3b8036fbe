// Same seed, same figures (the ensemble's training sample and the permutations come from the seed); another
// seed changes what depends on a sample.
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BaselineOptions, type BaselineReport, runBaseline } from "../../baseline/index.ts";
import { writeSyntheticDataset } from "./fixtures.ts";
import { knownLogisticRows } from "./synthetic.ts";

const root = join(tmpdir(), `cartstream-baseline-det-${randomUUID()}`);
let dir: string;
const figures = (r: BaselineReport) => r.results;
// A training set larger than the ensemble's budget, so that the seeded sample matters.
const options = (seed: number): Partial<BaselineOptions> => ({
  seed,
  labels: ["is_converted"],
  variants: ["full"],
  boosting: {
    trees: 30,
    learningRate: 0.2,
    maxDepth: 3,
    minLeafRows: 20,
    bins: 32,
    l2: 1,
    maxTrainRows: 1000,
  },
  importance: { maxRows: 1000, top: 4 },
});

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  const strip = (n: number, seed: number) => knownLogisticRows(n, seed).map(({ eta: _eta, ...r }) => r);
  dir = await writeSyntheticDataset(
    join(root, "d"),
    [
      { name: "x1", type: "DOUBLE" },
      { name: "x2", type: "DOUBLE" },
      { name: "x3", type: "DOUBLE" },
      { name: "c", type: "VARCHAR" },
    ],
    strip(4000, 1),
    strip(2000, 2),
  );
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("baseline determinism", { timeout: 300_000 }, () => {
  it("the same seed gives the same figures; another seed another ensemble sample", async () => {
    const a = await runBaseline(dir, options(5));
    const b = await runBaseline(dir, options(5));
    expect(figures(b)).toEqual(figures(a));
    expect(a.inputs).toEqual(b.inputs);
    const c = await runBaseline(dir, options(6));
    const gb = (r: BaselineReport) => r.results[0]!.models.find((m) => m.model === "gradient_boosting")!;
    expect(gb(a).fit.trainRows).toBe(1000);
    expect(gb(c).test.rocAuc).not.toBe(gb(a).test.rocAuc);
    // The logistic regression sees every train row: no sample, same fit under any seed.
    const lr = (r: BaselineReport) => r.results[0]!.models.find((m) => m.model === "logistic_regression")!;
    expect(lr(c).test.rocAuc).toBe(lr(a).test.rocAuc);
  });
});
