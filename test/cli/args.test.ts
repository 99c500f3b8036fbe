// Flag parsing: a negative number after a value-taking flag is that flag's value (`--metrics-port -1`, as
// `aggregate --help` writes it), in every command, for the long and the short form; the range checks then
// accept or reject it with their own message.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CommandSpec } from "../../cli/args.ts";
import { intFlag, parseFlags } from "../../cli/args.ts";
import { main } from "../../cli/main.ts";

const SPECS: Record<string, () => Promise<{ spec: CommandSpec }>> = {
  aggregate: () => import("../../cli/commands/aggregate.ts"),
  dataset: () => import("../../cli/commands/dataset.ts"),
  live: () => import("../../cli/commands/live.ts"),
  produce: () => import("../../cli/commands/produce.ts"),
  "run-kafka": () => import("../../cli/commands/run-kafka.ts"),
  run: () => import("../../cli/commands/run.ts"),
  schema: () => import("../../cli/commands/schema.ts"),
  simulate: () => import("../../cli/commands/simulate.ts"),
  validate: () => import("../../cli/commands/validate.ts"),
};

async function valueFlags(): Promise<[string, CommandSpec, string, string | undefined][]> {
  const rows: [string, CommandSpec, string, string | undefined][] = [];
  for (const [command, load] of Object.entries(SPECS)) {
    const { spec } = await load();
    for (const [name, f] of Object.entries(spec.flags))
      if (f.type === "string") rows.push([command, spec, name, f.short]);
  }
  return rows;
}

afterEach(() => vi.restoreAllMocks());

describe("negative numbers as flag values", () => {
  it("aggregate --metrics-port -1 parses as -1, the same as --metrics-port=-1", async () => {
    const { spec } = await SPECS.aggregate!();
    const spaced = parseFlags(spec, ["--metrics-port", "-1", "--group", "g"]);
    const joined = parseFlags(spec, ["--metrics-port=-1", "--group", "g"]);
    expect(intFlag(spaced.flags, "metrics-port", -1, 65_535)).toBe(-1);
    expect(spaced.flags).toEqual(joined.flags);
    expect(spaced.flags.group).toBe("g");
  });

  it("every value-taking flag of every command takes a negative number after a space", async () => {
    const rows = await valueFlags();
    expect(rows.length).toBeGreaterThan(40);
    for (const [command, spec, name, short] of rows) {
      for (const value of ["-1", "-2.5", "-.5", "-1e3"]) {
        const { flags } = parseFlags(spec, [`--${name}`, value]);
        expect(flags[name], `${command} --${name} ${value}`).toBe(value);
        if (short)
          expect(parseFlags(spec, [`-${short}`, value]).flags[name], `${command} -${short}`).toBe(value);
      }
    }
  });

  it("a flag name after a value-taking flag is still 'argument missing', not a value", async () => {
    const { spec } = await SPECS.simulate!();
    expect(() => parseFlags(spec, ["--seed", "--quiet"])).toThrow(/argument missing|ambiguous/);
    expect(parseFlags(spec, ["--out", "-"]).flags.out).toBe("-");
  });

  it("tokens after -- are left alone", async () => {
    const { spec } = await SPECS.validate!();
    const r = parseFlags(spec, ["--", "--profile", "-1"]);
    expect(r.positionals).toEqual(["--profile", "-1"]);
  });

  it.each([
    [["simulate", "--seed", "-1"], /--seed: expected an integer from 0 to 4294967295, got '-1'/],
    [["simulate", "--rate", "-40"], /--rate: expected a number above 0 to 10000000, got '-40'/],
    [["run", "--workers", "-3"], /--workers: expected an integer from 1 to 64, got '-3'/],
    [["aggregate", "--metrics-port", "-2"], /--metrics-port: expected an integer from -1 to 65535, got '-2'/],
    [["produce", "--inject-bad", "-0.1"], /--inject-bad: expected a number from 0 to 0.5, got '-0.1'/],
  ])("%j: an out-of-range negative value exits 2 with the range check's message", async (args, message) => {
    const stderr: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void stderr.push(a.join(" ")));
    expect(await main(args)).toBe(2);
    expect(stderr.join("\n")).toMatch(message);
    expect(stderr.join("\n")).not.toMatch(/ambiguous/);
  });
});
