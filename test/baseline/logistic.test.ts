// The logistic regression on a fixed synthetic dataset with a known answer: its test ROC AUC matches the
// true model's (pair-counted) within 0.005, a single categorical feature gives exactly the AUC of the train
// level rates (the penalised fit keeps their order), and scikit-learn agrees where python3 has it.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BaselineReport, runBaseline } from "../../baseline/index.ts";
import { writeSyntheticDataset } from "./fixtures.ts";
import { type KnownRow, knownLogisticRows, pairwiseAuc } from "./synthetic.ts";

const root = join(tmpdir(), `cartstream-baseline-lr-${randomUUID()}`);
let train: KnownRow[];
let test: KnownRow[];
let report: BaselineReport;

const FEATURES = [
  { name: "x1", type: "DOUBLE" as const },
  { name: "x2", type: "DOUBLE" as const },
  { name: "x3", type: "DOUBLE" as const },
  { name: "c", type: "VARCHAR" as const },
];
const strip = (rows: KnownRow[]) => rows.map(({ eta: _eta, ...r }) => r);
const lr = (r: BaselineReport) => r.results[0]!.models.find((m) => m.model === "logistic_regression")!;

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  train = knownLogisticRows(20_000, 11);
  test = knownLogisticRows(20_000, 12);
  const dir = await writeSyntheticDataset(join(root, "known"), FEATURES, strip(train), strip(test));
  report = await runBaseline(dir, {
    labels: ["is_converted"],
    variants: ["full"],
    leak: { auc: 0.97, dropColumnRows: 500, dropColumnFeatures: 1, strata: [] },
  });
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("logistic regression against a known answer", { timeout: 300_000 }, () => {
  it("test ROC AUC within 0.005 of the true model's, computed by pair counting", () => {
    const truth = pairwiseAuc(
      test.map((r) => r.is_converted),
      test.map((r) => r.eta),
    );
    const m = lr(report);
    expect(m.fit.converged).toBe(true);
    expect(m.test.rows).toBe(20_000);
    expect(Math.abs(m.test.rocAuc - truth)).toBeLessThan(0.005);
    // The strongest standardised coefficient is x1's, positive; x2's is negative.
    expect(m.fit.weights[0]).toMatchObject({ name: "x1" });
    expect(m.fit.weights[0]!.weight).toBeGreaterThan(0);
    expect(m.fit.weights.find((w) => w.name === "x2")!.weight).toBeLessThan(0);
  });

  it("one categorical feature: the AUC of the train level rates, exactly", async () => {
    const dir = await writeSyntheticDataset(
      join(root, "categorical"),
      [{ name: "c", type: "VARCHAR" }],
      train.map((r) => ({ c: r.c, is_converted: r.is_converted, abandoned: r.abandoned })),
      test.map((r) => ({ c: r.c, is_converted: r.is_converted, abandoned: r.abandoned })),
    );
    const r = await runBaseline(dir, { labels: ["is_converted"], variants: ["full"] });
    const rates = new Map(
      ["a", "b", "c"].map((level) => {
        const rows = train.filter((x) => x.c === level);
        return [level, rows.filter((x) => x.is_converted).length / rows.length];
      }),
    );
    const rate = (level: string) => rates.get(level)!;
    const expected = pairwiseAuc(
      test.map((x) => x.is_converted),
      test.map((x) => rate(x.c)),
    );
    expect(lr(r).test.rocAuc).toBeCloseTo(expected, 9);
  });

  const python = ["/usr/bin/python3", "python3"].find(
    (p) => spawnSync(p, ["-c", "import sklearn"], { encoding: "utf8" }).status === 0,
  );
  it.runIf(python !== undefined)(
    "scikit-learn's LogisticRegression (C = 1, same encoding) gives the same AUC",
    () => {
      const csv = (rows: KnownRow[]) =>
        `x1,x2,x3,c,y\n${rows.map((r) => `${r.x1},${r.x2},${r.x3},${r.c},${r.is_converted ? 1 : 0}`).join("\n")}\n`;
      writeFileSync(join(root, "train.csv"), csv(train));
      writeFileSync(join(root, "test.csv"), csv(test));
      const script = `
import csv, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
def load(p):
    rows = list(csv.DictReader(open(p)))
    X = np.array([[float(r["x1"]), float(r["x2"]), float(r["x3"])] + [1.0 if r["c"] == l else 0.0 for l in "abc"] for r in rows])
    return X, np.array([int(r["y"]) for r in rows])
Xtr, ytr = load(sys.argv[1] + "/train.csv"); Xte, yte = load(sys.argv[1] + "/test.csv")
mu, sd = Xtr[:, :3].mean(0), Xtr[:, :3].std(0)
Xtr[:, :3] = (Xtr[:, :3] - mu) / sd; Xte[:, :3] = (Xte[:, :3] - mu) / sd
m = LogisticRegression(C=1.0, max_iter=1000).fit(Xtr, ytr)
print(roc_auc_score(yte, m.predict_proba(Xte)[:, 1]))
`;
      const out = spawnSync(python!, ["-c", script, root], { encoding: "utf8" });
      expect(out.stderr).toBe("");
      const sklearnAuc = Number(out.stdout.trim());
      expect(Math.abs(lr(report).test.rocAuc - sklearnAuc)).toBeLessThan(0.005);
    },
  );
});
