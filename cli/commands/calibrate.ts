// cartstream calibrate: search a simulator config against a validation profile (calibrate), print target vs
// achieved after each round, write the config with its calibration block. Exit 0 reached, 1 infeasible or
// not reached, 2 bad usage or config.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  calibrate,
  CALIBRATE_DEFAULTS as D,
  formatCheck,
  formatOutcome,
  formatRound,
  loadKnobs,
} from "../../calibrate/index.ts";
import { CALIBRATION_KEY } from "../../pipeline/config/index.ts";
import { UsageError } from "../../pipeline/errors/index.ts";
import type { CommandSpec } from "../args.ts";
import { helpText, intFlag, parseFlags, stringFlag } from "../args.ts";
import { DEFAULT_CONFIG_PATH, readJsonConfig } from "../config-file.ts";

export const spec: CommandSpec = {
  name: "calibrate",
  summary:
    "search the behaviour parameters until a validation profile's ranges hold, or name the conflicting targets",
  usage:
    "cartstream calibrate --profile NAME --out CONFIG [--base CONFIG] [--rounds N] [--seed S] [--eval-seeds K] [--quiet]",
  flags: {
    profile: { type: "string", short: "p", arg: "NAME|FILE", help: "validation profile to reach (required)" },
    base: { type: "string", arg: "CONFIG", help: "config to start from", default: DEFAULT_CONFIG_PATH },
    out: {
      type: "string",
      short: "o",
      arg: "CONFIG",
      help: "where to write the calibrated config (required)",
    },
    rounds: { type: "string", arg: "N", help: "most optimiser rounds", default: String(D.rounds) },
    seed: { type: "string", arg: "S", help: "first seed of the search simulations", default: String(D.seed) },
    "eval-seeds": {
      type: "string",
      arg: "K",
      help: "seeds each candidate is simulated on (metrics averaged)",
      default: String(D.evalSeeds),
    },
    "eval-events": {
      type: "string",
      arg: "N",
      help: "events per search simulation: the rate is scaled down to it; users and window stay",
      default: String(D.evalEvents),
    },
    "check-seeds": {
      type: "string",
      arg: "LIST",
      help: "comma-separated seeds of the final full-size check (default: the config's seed and S+K)",
    },
    knobs: { type: "string", arg: "FILE", help: "knob list (JSON); default calibrate/knobs.json" },
    quiet: { type: "boolean", short: "q", help: "no per-round tables, only the outcome" },
  },
  details: `Each round estimates how every knob moves every metric (one short simulation per knob), then takes
damped least-squares steps toward the inner part of every target range. After the search, the config is
simulated at full size on the check seeds; it is "reached" when every target holds on each of them.
A profile whose ranges contradict each other (shares over 100%, a ratio its parts cannot give) is reported
infeasible before anything runs; when the search stalls, the targets that pull against each other are named.
Round tables go to stderr; the outcome goes to stdout. The config is written unless the profile is infeasible
on its face; its "calibration" block (profile, status, rounds, seeds, achieved values) is ignored by the
simulator. Exit codes: 0 reached; 1 infeasible or not reached; 2 bad usage or config.`,
};

function seedList(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const seeds = raw.split(",").map((s) => s.trim());
  if (seeds.length === 0 || seeds.some((s) => !/^\d+$/.test(s) || Number(s) > 0xffffffff)) {
    throw new UsageError(`--check-seeds: expected comma-separated integers 0..4294967295, got '${raw}'`);
  }
  return seeds.map(Number);
}

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const profile = stringFlag(flags, "profile");
  const out = stringFlag(flags, "out");
  if (!profile)
    throw new UsageError(
      `--profile is required (a name from validation/profiles or a file)\nusage: ${spec.usage}`,
    );
  if (!out) throw new UsageError(`--out is required (the config file to write)\nusage: ${spec.usage}`);
  const basePath = stringFlag(flags, "base") ?? DEFAULT_CONFIG_PATH;
  const quiet = flags.quiet === true;
  const knobsPath = stringFlag(flags, "knobs");
  const result = calibrate(
    {
      profile,
      base: readJsonConfig(basePath),
      baseSource: basePath,
      knobs: knobsPath === undefined ? undefined : loadKnobs(knobsPath),
      rounds: intFlag(flags, "rounds", 0, 1000),
      seed: intFlag(flags, "seed", 0, 0xffffffff),
      evalSeeds: intFlag(flags, "eval-seeds", 1, 20),
      evalEvents: intFlag(flags, "eval-events", 100, 100_000_000),
      checkSeeds: seedList(stringFlag(flags, "check-seeds")),
    },
    quiet
      ? {}
      : {
          onRound: (r) => console.error(formatRound(r)),
          onCheck: (c) => console.error(formatCheck(c)),
        },
  );
  const searched = result.rounds.length > 0 || result.checks.length > 0;
  if (searched) {
    mkdirSync(dirname(out), { recursive: true });
    const config = { ...result.config, [CALIBRATION_KEY]: { ...result.calibration, base: basePath } };
    writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
  }
  console.log(formatOutcome(result, searched ? out : null));
  return result.status === "reached" ? 0 : 1;
}
