// Flags every run mode shares (run, run --backend kafka, aggregate, dataset), parsed into the services'
// options, and the --crash-after-commits test hook.
import { UsageError } from "../pipeline/errors/index.ts";
import type { RunOptions } from "../pipeline/service/index.ts";
import { isRunName, RUN_DEFAULTS, RUN_NAME_RULE } from "../pipeline/service/index.ts";
import type { FlagSpec, ParsedFlags } from "./args.ts";
import { intFlag, stringFlag } from "./args.ts";
import { CLOCK_FLAGS, clockFromFlags, SIM_FLAGS, simConfigFromFlags } from "./sim-config.ts";

export const BACKENDS = ["embedded", "kafka"] as const;

export const RUN_FLAGS = {
  partitions: {
    type: "string",
    arg: "N",
    help: "partitions of the events topic",
    default: String(RUN_DEFAULTS.partitions),
  },
  workers: {
    type: "string",
    arg: "N",
    help: "aggregator workers (embedded: each owns partitions p % N; kafka: processes)",
    default: String(RUN_DEFAULTS.workers),
  },
  ...SIM_FLAGS,
  ...CLOCK_FLAGS,
  "skip-verify": { type: "boolean", help: "skip the row-for-row check against the DuckDB ground truth" },
  quiet: { type: "boolean", short: "q", help: "no progress output" },
} satisfies Record<string, FlagSpec>;

export const CRASH_FLAG = {
  "crash-after-commits": {
    type: "string",
    arg: "N",
    help: "testing hook: kill -9 this process right after the Nth commit",
  },
} satisfies Record<string, FlagSpec>;

export function nameFlag(what: string, folders: string): Record<"name", FlagSpec> {
  return {
    name: { type: "string", arg: "NAME", help: `${what} name: ${folders}`, default: RUN_DEFAULTS.name },
  };
}

/** --name, checked against the rule for run names. */
export function runName(flags: ParsedFlags): string {
  const name = stringFlag(flags, "name") ?? RUN_DEFAULTS.name;
  if (!isRunName(name)) throw new UsageError(`--name: '${name}' ${RUN_NAME_RULE}`);
  return name;
}

export function runOptionsFromFlags(flags: ParsedFlags): RunOptions {
  return {
    name: runName(flags),
    partitions: intFlag(flags, "partitions", 1, 1000) ?? RUN_DEFAULTS.partitions,
    workers: intFlag(flags, "workers", 1, 64) ?? RUN_DEFAULTS.workers,
    ...clockFromFlags(flags),
    config: simConfigFromFlags(flags).config,
    verify: flags["skip-verify"] !== true,
  };
}

/** --crash-after-commits N: a hook that kills this process (SIGKILL) right after the Nth commit. */
export function crashHook(
  flags: ParsedFlags,
  log: (line: string) => void,
): ((commits: number) => void) | undefined {
  const after = intFlag(flags, "crash-after-commits", 1, 1_000_000);
  if (after === undefined) return undefined;
  return (commits) => {
    if (commits < after) return;
    log(`--crash-after-commits ${after}: killing this process (SIGKILL)`);
    process.kill(process.pid, "SIGKILL");
  };
}
