// `cartstream validate` in process (cli/main.ts): the summary lines, the exit codes, --json, --help,
// --list-profiles and usage errors. The checks themselves are tested in test/validation.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.ts";
import type { ValidationResult } from "../../validation/index.ts";
import { removeRoot, tempRoot, writePhase1Dataset } from "../validation/helpers.ts";

// Validation of a full dataset costs several CPU seconds (ground truth, sequencing SQL); CI machines are shared.
const HEAVY_MS = 300_000;

let root: string;
let good: string;

beforeAll(async () => {
  root = tempRoot("cli");
  good = await writePhase1Dataset(root);
}, HEAVY_MS);

afterAll(() => removeRoot(root));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  const error = vi
    .spyOn(console, "error")
    .mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  return {
    out,
    err,
    restore() {
      log.mockRestore();
      error.mockRestore();
      write.mockRestore();
    },
  };
}

const validate = (args: string[]) => main(["validate", ...args]);

describe("cartstream validate", { timeout: HEAVY_MS }, () => {
  it("prints the intended deviation and PASS with the report paths (exit 0/1)", async () => {
    const io = capture();
    let code: number;
    try {
      code = await validate([good]);
    } finally {
      io.restore();
    }
    expect([0, 1]).toContain(code);
    const text = io.out.join("\n");
    expect(text).toMatch(/intended benchmark\.session_conversion_rate: .*intended deviation/);
    expect(text).toMatch(/^PASS( with warnings)? \(exit [01]\)$/m);
    expect(text).toContain(join(good, "validation", "report.html"));
  });

  it("prints each failing check on its own line and FAIL for industry-2024 (exit 2)", async () => {
    const io = capture();
    let code: number;
    try {
      code = await validate(["--profile", "industry-2024", "--out", join(root, "cli-industry"), good]);
    } finally {
      io.restore();
    }
    expect(code).toBe(2);
    const text = io.out.join("\n");
    expect(text).toMatch(/^ {2}FAIL {5}benchmark\.session_conversion_rate: /m);
    expect(text).toMatch(/^ {2}FAIL {5}benchmark\.median_session_duration_s: /m);
    expect(text).toMatch(/^FAIL \(exit 2\)$/m);
  });

  it("--json prints the whole result; bad usage exits 2 and missing folders 3; --help exits 0", async () => {
    const io = capture();
    let json: number;
    let none: number;
    let bogus: number;
    let missing: number;
    let help: number;
    let list: number;
    try {
      json = await validate(["--json", "--out", join(root, "cli-json"), good]);
      none = await validate([]);
      bogus = await validate(["--bogus", good]);
      missing = await validate([join(root, "does-not-exist")]);
      help = await validate(["--help"]);
      list = await validate(["--list-profiles"]);
    } finally {
      io.restore();
    }
    const parsed = JSON.parse(io.out[0]!) as ValidationResult;
    expect(parsed.exitCode).toBe(json);
    expect(parsed.checks.length).toBeGreaterThan(40);
    // Usage errors exit 2 in every command (issue 10); before, validate gave them its "could not run" 3.
    expect(none).toBe(2);
    expect(bogus).toBe(2);
    expect(missing).toBe(3);
    expect(help).toBe(0);
    expect(list).toBe(0);
    expect(io.err.join("\n")).toMatch(/expected exactly one DATASET_DIR/);
    expect(io.err.join("\n")).toMatch(/--bogus/);
    expect(io.err.join("\n")).toMatch(
      /could not run: CS_NOT_FOUND: dataset folder .*does-not-exist does not exist/,
    );
    expect(io.out.join("\n")).toMatch(/usage: cartstream validate/);
    expect(io.out.join("\n")).toMatch(/^industry-2024 +Newer public figures/m);
    rmSync(join(root, "cli-json"), { recursive: true, force: true });
  });
});
