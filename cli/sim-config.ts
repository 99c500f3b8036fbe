// Shared by every command that simulates: --config/--seed/--users/--rate/--duration/--end/--start-time/
// --warm-start and --clock/--speed -> the simulator config and the clock.
import { withoutCalibration } from "../pipeline/config/index.ts";
import type { ClockName, SimulatorConfig } from "../pipeline/simulator/index.ts";
import { CLOCKS, resolveSimulatorConfig } from "../pipeline/simulator/index.ts";
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
    help: "event time of the window's start, e.g. 2025-10-20T12:00:00.000Z",
  },
  "warm-start": {
    type: "string",
    arg: "on|off",
    help: "on: the stationary number of sessions is already open at the start (on target from the first second); off: start empty and ramp up",
  },
} satisfies Record<string, FlagSpec>;

export const CLOCK_FLAGS = {
  clock: {
    type: "string",
    arg: CLOCKS.join("|"),
    help: "virtual: as fast as possible; real: paced by the wall clock at the configured rate",
    default: "virtual",
  },
  speed: { type: "string", arg: "X", help: "real clock: simulated seconds per wall second", default: "1" },
} satisfies Record<string, FlagSpec>;

export function simConfigFromFlags(flags: ParsedFlags): { config: SimulatorConfig; path: string } {
  const path = stringFlag(flags, "config") ?? DEFAULT_CONFIG_PATH;
  const raw = withoutCalibration(readJsonConfig(path));
  const config = resolveSimulatorConfig(
    raw,
    {
      seed: intFlag(flags, "seed", 0, 0xffffffff),
      users: intFlag(flags, "users", 1, 10_000_000),
      rate: numberFlag(flags, "rate", 0, 10_000_000, true),
      duration_s: numberFlag(flags, "duration", 0, 31_536_000, true),
      end: choiceFlag(flags, "end", ["drain", "cut"] as const),
      start_time: stringFlag(flags, "start-time"),
      warm_start: warmStartFlag(flags),
    },
    path,
  );
  return { config, path };
}

function warmStartFlag(flags: ParsedFlags): boolean | undefined {
  const v = choiceFlag(flags, "warm-start", ["on", "off"] as const);
  return v === undefined ? undefined : v === "on";
}

export interface ClockChoice {
  clock: ClockName;
  speed: number;
  /** The real clock anchors the first event at the wall clock unless --start-time is given. */
  startTimeMs: number | undefined;
}

export function clockFromFlags(flags: ParsedFlags): ClockChoice {
  const clock = choiceFlag(flags, "clock", CLOCKS) ?? "virtual";
  const speed = numberFlag(flags, "speed", 0, 1_000_000, true) ?? 1;
  const anchored = clock === "real" && stringFlag(flags, "start-time") === undefined;
  return { clock, speed, startTimeMs: anchored ? Date.now() : undefined };
}
