// Usage errors exit 2 in every command, with a message that names the flag: an unknown flag, a flag
// without its value, a bad value. In process through main() (what bin/cartstream.js calls); one run
// through the real binary checks that the exit code reaches the shell.
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.ts";
import { runCli } from "../helpers/cli.ts";

const COMMANDS = [
  "dataset",
  "validate",
  "baseline",
  "calibrate",
  "simulate",
  "run",
  "produce",
  "aggregate",
  "live",
  "schema",
];

/** A flag of each command that takes a value (for "argument missing"). */
const VALUE_FLAG: Record<string, string> = {
  dataset: "--name",
  validate: "--profile",
  baseline: "--seed",
  calibrate: "--out",
  simulate: "--seed",
  run: "--workers",
  produce: "--topic",
  aggregate: "--group",
  live: "--limit",
  schema: "--out",
};

let stderr: string[] = [];
afterEach(() => vi.restoreAllMocks());

async function cli(args: string[]): Promise<number> {
  stderr = [];
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void stderr.push(a.join(" ")));
  vi.spyOn(console, "log").mockImplementation(() => {});
  return main(args);
}

describe("usage errors", () => {
  it("every command in the help is covered here", async () => {
    const out: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
    expect(await main(["--help"])).toBe(0);
    const listed = [...out.join("\n").matchAll(/^ {2}([a-z-]+) {2}/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...COMMANDS].sort());
  });

  it.each(COMMANDS)("%s: an unknown flag exits 2 and is named", async (command) => {
    expect(await cli([command, "--frobnicate"])).toBe(2);
    expect(stderr.join("\n")).toMatch(/Unknown option '--frobnicate'/);
    expect(stderr.join("\n")).toContain(`allowed options for '${command}'`);
  });

  it.each(COMMANDS)("%s: a flag without its value exits 2 and is named", async (command) => {
    const flag = VALUE_FLAG[command]!;
    expect(await cli([command, flag])).toBe(2);
    expect(stderr.join("\n")).toMatch(new RegExp(`Option '(-[a-z], )?${flag} .*argument missing`));
  });

  it.each([
    [["run", "--workers", "0"], /--workers: expected an integer from 1 to 64/],
    [["run", "--backend", "kafka", "--inject-bad", "2"], /--inject-bad: expected a number from 0 to 0.5/],
    [["run", "--backend", "pigeon"], /--backend: 'pigeon' is not allowed; allowed: embedded, kafka/],
    [["run", "--name", "a/b"], /--name: 'a\/b' must be 1-60 letters/],
    [["dataset", "--test-fraction", "1"], /--test-fraction: expected a number above 0 and below 1/],
    [["dataset", "--split", "coin"], /--split: 'coin' is not allowed; allowed: user, time/],
    [["aggregate", "--metrics-port", "70000"], /--metrics-port: expected an integer from -1 to 65535/],
    [["aggregate", "--redis", "maybe"], /--redis: 'maybe' is not allowed; allowed: on, off/],
    [["produce", "--partitions", "x"], /--partitions: expected an integer from 1 to 1000/],
    [["live", "--sort", "price"], /--sort: 'price' is not allowed/],
    [["simulate", "--clock", "sundial"], /--clock: 'sundial' is not allowed; allowed: virtual, real/],
    [["validate"], /expected exactly one DATASET_DIR, got none/],
    [["validate", "a", "b"], /expected exactly one DATASET_DIR, got a b/],
    [["baseline"], /expected exactly one DATASET_DIR, got none/],
    [
      ["baseline", "--label", "bought", "d"],
      /--label: 'bought' is not allowed; allowed: is_converted, abandoned/,
    ],
    [["baseline", "--variant", "x", "d"], /--variant: 'x' is not allowed; allowed: full, prediction_point/],
    [["baseline", "--seed", "1.5", "d"], /--seed: expected an integer from 0 to 2147483647/],
  ])("%j: a bad value or a missing argument exits 2 and says what is allowed", async (args, message) => {
    expect(await cli(args)).toBe(2);
    expect(stderr.join("\n")).toMatch(message);
  });

  it("no command or an unknown one exits 2 with the list of commands", async () => {
    expect(await cli([])).toBe(2);
    expect(stderr.join("\n")).toMatch(/usage: cartstream <command>/);
    expect(await cli(["frobnicate"])).toBe(2);
    expect(stderr.join("\n")).toMatch(/unknown command 'frobnicate'/);
  });

  it("the binary exits 2 on a bad flag", () => {
    const r = runCli(["aggregate", "--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cartstream aggregate: Unknown option '--frobnicate'/);
  });
});
