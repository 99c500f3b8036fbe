// The cartstream CLI: each command parses its flags, calls one service (pipeline/service, jobs/) and turns
// the outcome into an exit code. Usage and config errors exit 2, other coded errors 1.
import { CartstreamError, ERROR_CODES, UsageError } from "../pipeline/errors/index.ts";

/** Each command's one line in `cartstream --help` (its own --help has the details), in this order. */
const SUMMARIES = {
  dataset:
    "the main job: simulate, stream, snapshot, features, train/test Parquet, manifest, data card, validation",
  validate: "validate a dataset folder against a benchmark profile (the CI gate)",
  baseline: "fit baseline models on a dataset's train files and score them on test",
  simulate: "simulate shoppers and write their events (NDJSON or Parquet)",
  calibrate: "search the behaviour config until a validation profile's ranges hold (or name the conflicts)",
  run: "stream simulated events through the sessionizer into the session store (embedded by default)",
  produce: "simulate and send the events to Kafka",
  aggregate: "one aggregator process: Kafka -> sessionizer -> PostgreSQL (+ Redis live state)",
  live: "list open sessions from Redis, carts at risk first",
  schema: "print or write the event JSON Schema",
};
type CommandName = keyof typeof SUMMARIES;

/** Loaded on use, so that a command does not pay for the others' dependencies (DuckDB, kafkajs, ...). */
const COMMANDS: Record<CommandName, () => Promise<{ run: (argv: string[]) => Promise<number> }>> = {
  dataset: () => import("./commands/dataset.ts"),
  validate: () => import("./commands/validate.ts"),
  baseline: () => import("./commands/baseline.ts"),
  simulate: () => import("./commands/simulate.ts"),
  calibrate: () => import("./commands/calibrate.ts"),
  run: () => import("./commands/run.ts"),
  produce: () => import("./commands/produce.ts"),
  aggregate: () => import("./commands/aggregate.ts"),
  live: () => import("./commands/live.ts"),
  schema: () => import("./commands/schema.ts"),
};

function usage(): string {
  const width = Math.max(...Object.keys(SUMMARIES).map((c) => c.length));
  return [
    "cartstream: realistic e-commerce session datasets, streamed through Kafka into PostgreSQL",
    "",
    "usage: cartstream <command> [options]     (cartstream <command> --help for its options)",
    "",
    "commands:",
    ...Object.entries(SUMMARIES).map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    if (name === undefined) {
      console.error(usage());
      return 2;
    }
    console.log(usage());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
  if (!command) {
    console.error(`cartstream: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const mod = await command();
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`cartstream ${name}: ${err.message}`);
      return 2;
    }
    if (err instanceof CartstreamError) {
      console.error(`cartstream ${name}: error ${err.code}: ${err.message}`);
      return err.code === ERROR_CODES.BAD_CONFIG ? 2 : 1;
    }
    console.error(`cartstream ${name}: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
