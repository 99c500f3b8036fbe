// Shared by the tests that run the pipeline: unique run names with their cleanup, and the assertion that
// a store's sessions equal the ground truth (samples first, so a failure shows the differing rows).
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { SessionComparison } from "../../pipeline/ground-truth/index.ts";
import { REPO_ROOT } from "./cli.ts";

export function expectSameSessions(cmp: SessionComparison): void {
  expect(cmp.onlyInExpected.samples).toEqual([]);
  expect(cmp.onlyInActual.samples).toEqual([]);
  expect(cmp.equal).toBe(true);
}

/** Unique run names (`${prefix}-TAG-xxxxxxxx`), remembered for `removeRunFolders`. */
export function runNames(prefix: string): { names: string[]; newName(tag: string): string } {
  const names: string[] = [];
  return {
    names,
    newName(tag) {
      const name = `${prefix}-${tag}-${randomUUID().slice(0, 8)}`;
      names.push(name);
      return name;
    },
  };
}

/** Removes data/{runs,pglite,datasets}/NAME of each run. */
export function removeRunFolders(names: readonly string[]): void {
  for (const name of names)
    for (const dir of ["runs", "pglite", "datasets"])
      rmSync(join(REPO_ROOT, "data", dir, name), { recursive: true, force: true });
}
