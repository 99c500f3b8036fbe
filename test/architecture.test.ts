// The import rules of ARCHITECTURE.md, checked on the import lines of every source file. A folder is a
// top-level folder, or a stage under pipeline/ (pipeline/store, pipeline/service, ...). Tests are not
// checked (a test may import what it tests).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/cli.ts";

const SOURCE = /\.(ts|js|mjs|cjs)$/;
const SKIP = new Set(["node_modules", "data", "test", ".cache", ".git", "tmp"]);
const DRIVERS = ["pg", "@electric-sql/pglite", "@electric-sql/pglite-socket", "kafkajs", "ioredis"];
const IO_PACKAGES = [...DRIVERS, "@duckdb/node-api", "prom-client"];
/** Stages under pipeline/ that do I/O (the pure core must not import them). */
const IO_STAGES = ["store", "transport", "live", "metrics", "files", "runner", "service", "ground-truth"];

/**
 * Imports that break a rule today, each with the reason and what removes it. The test fails when an
 * exception is no longer needed, so that the list only shrinks.
 */
const KNOWN_EXCEPTIONS: { from: RegExp; to: string; why: string }[] = [];

interface Import {
  file: string;
  folder: string;
  /** A repo path (relative import) or a package name. */
  target: string;
  targetFolder: string | null;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(REPO_ROOT, dir))) {
    if (SKIP.has(entry) || entry.startsWith(".")) continue;
    const path = dir ? `${dir}/${entry}` : entry;
    if (statSync(join(REPO_ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(entry) && dir !== "") out.push(path);
  }
  return out;
}

function folderOf(path: string): string {
  const parts = path.split("/");
  return parts[0] === "pipeline" && parts.length > 2 ? `pipeline/${parts[1]}` : parts[0]!;
}

function packageOf(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(REPO_ROOT, file), "utf8");
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gms),
    ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((spec) => {
    if (!spec.startsWith("."))
      return { file, folder: folderOf(file), target: packageOf(spec), targetFolder: null };
    const target = normalize(join(dirname(file), spec))
      .split("\\")
      .join("/");
    return { file, folder: folderOf(file), target, targetFolder: folderOf(target) };
  });
}

const files = sourceFiles("");
const imports = files.flatMap(importsOf);
const crossing = imports.filter((i) => i.targetFolder !== null && i.targetFolder !== i.folder);
function isException(i: Import): boolean {
  return KNOWN_EXCEPTIONS.some((e) => e.from.test(i.file) && e.to === i.target);
}

/** The imports breaking `rule`, as "file -> target" lines (known exceptions left out). */
function breaking(rule: (i: Import) => boolean): string[] {
  return imports.filter((i) => rule(i) && !isException(i)).map((i) => `${i.file} -> ${i.target}`);
}

const inPipeline = (f: string) => f.startsWith("pipeline/");

describe("architecture: who may import whom", () => {
  it("reads the source tree", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(crossing.length).toBeGreaterThan(50);
  });

  it("no folder imports cli/ except bin/", () => {
    expect(breaking((i) => i.targetFolder === "cli" && i.folder !== "cli" && i.folder !== "bin")).toEqual([]);
  });

  it("no import cycle between folders", () => {
    const graph = new Map<string, Set<string>>();
    for (const i of crossing) {
      if (isException(i)) continue;
      if (!graph.has(i.folder)) graph.set(i.folder, new Set());
      graph.get(i.folder)!.add(i.targetFolder!);
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (node: string, path: string[]) => {
      if (state.get(node) === "done") return;
      if (state.get(node) === "open") {
        cycles.push([...path.slice(path.indexOf(node)), node].join(" -> "));
        return;
      }
      state.set(node, "open");
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, "done");
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });

  it("pipeline/ imports nothing above it (features, validation, jobs, cli, notebooks, bench)", () => {
    const above = ["features", "validation", "baseline", "jobs", "cli", "notebooks", "bench"];
    expect(breaking((i) => inPipeline(i.folder) && above.includes(i.targetFolder ?? ""))).toEqual([]);
  });

  it("features/ and validation/ import no transport, runner, service or driver (the store's public face only)", () => {
    const banned = [
      "pipeline/transport",
      "pipeline/runner",
      "pipeline/service",
      "pipeline/live",
      "jobs",
      "cli",
    ];
    expect(
      breaking(
        (i) =>
          (i.folder === "features" || i.folder === "validation" || i.folder === "baseline") &&
          (banned.includes(i.targetFolder ?? "") || (i.targetFolder === null && DRIVERS.includes(i.target))),
      ),
    ).toEqual([]);
    expect(
      breaking(
        (i) =>
          (i.folder === "features" || i.folder === "validation" || i.folder === "baseline") &&
          i.targetFolder === "pipeline/store" &&
          i.target !== "pipeline/store/index.ts",
      ),
    ).toEqual([]);
  });

  it("the simulator and the sessionizer core do no I/O", () => {
    const pure = ["pipeline/simulator", "pipeline/aggregator"];
    expect(
      breaking(
        (i) =>
          pure.includes(i.folder) &&
          (IO_STAGES.map((s) => `pipeline/${s}`).includes(i.targetFolder ?? "") ||
            (i.targetFolder === null && (IO_PACKAGES.includes(i.target) || i.target.startsWith("node:")))),
      ),
    ).toEqual([]);
  });

  it("transports and stores do not import each other", () => {
    const pair = ["pipeline/transport", "pipeline/store"];
    expect(
      breaking(
        (i) => pair.includes(i.folder) && pair.includes(i.targetFolder ?? "") && i.folder !== i.targetFolder,
      ),
    ).toEqual([]);
  });

  it("the CLI, the jobs, the services and the notebooks use other folders' public faces (index.ts) only", () => {
    const callers = ["cli", "jobs", "calibrate", "notebooks", "pipeline/service"];
    expect(
      breaking(
        (i) =>
          callers.includes(i.folder) &&
          i.targetFolder !== null &&
          i.targetFolder !== i.folder &&
          !i.target.endsWith("/index.ts"),
      ),
    ).toEqual([]);
  });

  it("calibrate simulates in memory: no store, transport, runner, service, live state, ground truth, files or driver", () => {
    const banned = ["store", "transport", "runner", "service", "live", "ground-truth", "files"].map(
      (s) => `pipeline/${s}`,
    );
    expect(
      breaking(
        (i) =>
          i.folder === "calibrate" &&
          (banned.includes(i.targetFolder ?? "") ||
            (i.targetFolder === null && IO_PACKAGES.includes(i.target))),
      ),
    ).toEqual([]);
  });

  it("every known exception is still needed (remove the ones that are not)", () => {
    const unused = KNOWN_EXCEPTIONS.filter(
      (e) => !imports.some((i) => e.from.test(i.file) && e.to === i.target),
    ).map((e) => `${e.from} -> ${e.to}: ${e.why}`);
    expect(unused).toEqual([]);
  });
});
