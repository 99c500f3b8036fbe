// Shared by every command that simulates: --config/--seed/--users/--rate/--duration/--end flags -> config.
import type { SimulatorConfig } from "../pipeline/simulator/index.ts";
import { resolveSimulatorConfig } from "../pipeline/simulator/index.ts";
import type { FlagSpec, ParsedFlags } from "./args.ts";
import { choiceFlag, intFlag, numberFlag, stringFlag } from "./args.ts";
import { DEFAULT_CONFIG_PATH, readJsonConfig } from "./config-file.ts";

export const SIM_FLAGS = {
  config: { type: "string", arg: "FILE", help: "behaviour config (JSON)", default: DEFAULT_CONFIG_PATH },
  seed: { type: "string", arg: "N", help: "random seed (0..4294967295); same seed, same events" },
  users: { type: "string", arg: "N", help: "number of simulated users" },
  rate: { type: "string", arg: "EPS", help: "target events per second" },
  duration: { type: "string", arg: "S", help: "length of the arrival window in seconds" },
  end: {
    type: "string",
    arg: "drain|cut",
    help: "drain: let open sessions finish; cut: stop at the window's end",
  },
  "start-time": {
    type: "string",
    arg: "ISO",
    help: "event time of the first event, e.g. 2025-10-20T12:00:00.000Z",
  },
} satisfies Record<string, FlagSpec>;

export function simConfigFromFlags(flags: ParsedFlags): { config: SimulatorConfig; path: string } {
  const path = stringFlag(flags, "config") ?? DEFAULT_CONFIG_PATH;
  const raw = readJsonConfig(path);
  const config = resolveSimulatorConfig(
    raw,
    {
      seed: intFlag(flags, "seed", 0, 0xffffffff),
      users: intFlag(flags, "users", 1, 10_000_000),
      rate: numberFlag(flags, "rate", 0, 10_000_000, true),
      duration_s: numberFlag(flags, "duration", 0, 31_536_000, true),
      end: choiceFlag(flags, "end", ["drain", "cut"] as const),
      start_time: stringFlag(flags, "start-time"),
    },
    path,
  );
  return { config, path };
}
