// Process entry of one aggregator started by `runKafka`: its options come as JSON in argv[2], its log goes
// to stderr, SIGTERM / SIGINT stop it cleanly, and the exit code is the aggregator's.
import { fileURLToPath } from "node:url";
import { CartstreamError } from "../errors/index.ts";
import { runAggregator } from "./aggregator.ts";
import type { AggregatorOptions } from "./options.ts";

/** node arguments that start this file as a process with `options` (the TypeScript loader included). */
export function aggregatorWorkerArgs(options: Partial<AggregatorOptions>): string[] {
  return ["--import", import.meta.resolve("tsx"), fileURLToPath(import.meta.url), JSON.stringify(options)];
}

async function main(): Promise<number> {
  const options = JSON.parse(process.argv[2] ?? "{}") as Partial<AggregatorOptions>;
  const stop = new AbortController();
  process.once("SIGTERM", () => stop.abort());
  process.once("SIGINT", () => stop.abort());
  try {
    const result = await runAggregator(options, {
      log: (line) => process.stderr.write(`${line}\n`),
      signal: stop.signal,
    });
    return result.code;
  } catch (err) {
    const what =
      err instanceof CartstreamError
        ? `error ${err.code}: ${err.message}`
        : ((err as Error).stack ?? String(err));
    process.stderr.write(`[aggregate ${process.pid}] ${what}\n`);
    return 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main();
