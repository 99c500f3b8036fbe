// The leak rule with a funnel stratum: when only carting sessions (7%) can convert, "added to cart" alone ranks
// is_converted above AUC 0.97 and a plain model reaches it too. That is the funnel's structure, not a leak:
// inside the stratum the model is weak. A crafted leak is derivable inside the stratum as well.
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BaselineOptions, runBaseline } from "../../baseline/index.ts";
import { writeSyntheticDataset } from "./fixtures.ts";
import { funnelRows } from "./synthetic.ts";

const root = join(tmpdir(), `cartstream-baseline-funnel-${randomUUID()}`);
const COLUMNS = [
  { name: "cart_additions", type: "DOUBLE" as const },
  { name: "x1", type: "DOUBLE" as const },
  { name: "x2", type: "DOUBLE" as const },
];
const STRATUM = {
  variant: "full" as const,
  label: "is_converted" as const,
  column: "cart_additions",
  above: 0,
};
const options = (strata: BaselineOptions["leak"]["strata"]): Partial<BaselineOptions> => ({
  labels: ["is_converted"],
  variants: ["full"],
  leak: { auc: 0.97, dropColumnRows: 5000, dropColumnFeatures: 3, strata },
});
let train: Record<string, unknown>[];
let test: Record<string, unknown>[];

beforeAll(() => {
  mkdirSync(root, { recursive: true });
  train = funnelRows(20_000, 21);
  test = funnelRows(20_000, 22);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("leak rule with a funnel stratum", { timeout: 300_000 }, () => {
  it("the cart step alone gives AUC >= 0.97, yet nothing is derivable inside the stratum", async () => {
    const dir = await writeSyntheticDataset(join(root, "clean"), COLUMNS, train, test);
    const r = (await runBaseline(dir, options([STRATUM]))).results[0]!;
    for (const m of r.models) {
      expect(m.stratum!.indicatorAuc).toBeGreaterThanOrEqual(0.97);
      expect(m.stratum!.positivesOutside).toBe(0);
      expect(m.test.rocAuc).toBeGreaterThanOrEqual(0.97);
      expect(m.stratum!.rocAuc!).toBeLessThan(0.85);
      expect(m.derivable).toBe(false);
    }
    expect(r.univariate.find((u) => u.feature === "cart_additions")).toMatchObject({ derivable: false });
    // Without the stratum the same figures count as a leak: the stratum is what tells structure from a leak.
    const bare = (await runBaseline(dir, options([]))).results[0]!;
    expect(bare.models.some((m) => m.derivable)).toBe(true);
  });

  it("a crafted leak (x2 := label) is derivable inside the stratum too, and named", async () => {
    const leak = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, x2: r.is_converted ? 1 : 0 }));
    const dir = await writeSyntheticDataset(join(root, "leak"), COLUMNS, leak(train), leak(test));
    const r = (await runBaseline(dir, options([STRATUM]))).results[0]!;
    const lr = r.models.find((m) => m.model === "logistic_regression")!;
    expect(lr.derivable).toBe(true);
    expect(lr.stratum!.rocAuc!).toBeGreaterThan(0.99);
    expect(lr.dropColumnImportance![0]!.feature).toBe("x2");
    expect(r.univariate[0]).toMatchObject({ feature: "x2", derivable: true });
  });
});
