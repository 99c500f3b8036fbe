// The cartstream CLI: each command parses its flags, calls one service (pipeline/service, jobs/) and turns
// the outcome into an exit code. Usage and config errors exit 2, other coded errors 1.
import { CartstreamError, ERROR_CODES, UsageError } from "../pipeline/errors/index.ts";

interface Command {
  summary: string;
  load: () => Promise<{ run: (argv: string[]) => Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  dataset: {
    summary:
      "the main job: simulate, stream, snapshot, features, train/test Parquet, manifest, data card, validation",
    load: () => import("./commands/dataset.ts"),
  },
  validate: {
    summary: "validate a dataset folder against a benchmark profile (the CI gate)",
    load: () => import("./commands/validate.ts"),
  },
  simulate: {
    summary: "simulate shoppers and write their events (NDJSON or Parquet)",
    load: () => import("./commands/simulate.ts"),
  },
  run: {
    summary: "stream simulated events through the sessionizer into the session store (embedded by default)",
    load: () => import("./commands/run.ts"),
  },
  produce: { summary: "simulate and send the events to Kafka", load: () => import("./commands/produce.ts") },
  aggregate: {
    summary: "one aggregator process: Kafka -> sessionizer -> PostgreSQL (+ Redis live state)",
    load: () => import("./commands/aggregate.ts"),
  },
  live: {
    summary: "list open sessions from Redis, carts at risk first",
    load: () => import("./commands/live.ts"),
  },
  schema: { summary: "print or write the event JSON Schema", load: () => import("./commands/schema.ts") },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "cartstream: realistic e-commerce session datasets, streamed through Kafka into PostgreSQL",
    "",
    "usage: cartstream <command> [options]     (cartstream <command> --help for its options)",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
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
  const command = COMMANDS[name];
  if (!command) {
    console.error(`cartstream: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const mod = await command.load();
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
