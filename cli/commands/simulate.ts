// cartstream simulate: run the simulator and write events as NDJSON (default) or Parquet (simulateToFile).
import {
  describeSimulation,
  describeStop,
  expectedEvents,
  simulateToFile,
} from "../../pipeline/service/index.ts";
import type { CommandSpec } from "../args.ts";
import { helpText, parseFlags, stringFlag } from "../args.ts";
import { progressBar } from "../progress.ts";
import { CLOCK_FLAGS, clockFromFlags, SIM_FLAGS, simConfigFromFlags } from "../sim-config.ts";

export const spec: CommandSpec = {
  name: "simulate",
  summary: "simulate shoppers and write their clickstream events",
  usage:
    "cartstream simulate [--config FILE] [--seed N] [--users N] [--rate EPS] [--duration S] [--warm-start on|off] [--clock virtual|real] [--out FILE|-]",
  flags: {
    ...SIM_FLAGS,
    ...CLOCK_FLAGS,
    out: {
      type: "string",
      short: "o",
      arg: "FILE|-",
      help: "output: .ndjson/.jsonl file, .parquet file (ZSTD), or - for stdout",
      default: "data/runs/events.ndjson",
    },
    quiet: { type: "boolean", short: "q", help: "no progress and no summary" },
  },
  details: `Events come out in event-time order. The same seed gives byte-identical NDJSON in the virtual clock;
the real clock gives the same events with event_time anchored at the wall clock (unless --start-time).
With --warm-start on (the config default) the run begins in the stationary state, so the realized rate is on
target from the first second in both clocks; the summary shows the rate in the first and last tenth of the
window. The summary (events per type, sessions, users per persona, realized rate) goes to stderr when --out is -.
Live output: the real clock writes each event when its time comes (to a file or a pipe, no buffering);
the virtual clock flushes at least every 100 ms. SIGINT or SIGTERM stops a run cleanly: every event
released so far is in the output (a .parquet file is still written), the summary is printed, exit 0; a
second signal kills at once. A reader that goes away (| head) ends the run quietly with exit 0.`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const { config, path } = simConfigFromFlags(flags);
  const out = stringFlag(flags, "out") ?? "-";
  const quiet = flags.quiet === true;
  const progress = progressBar("simulate", expectedEvents(config), quiet);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const r = await simulateToFile(
    { config, ...clockFromFlags(flags), out },
    { ...progress, signal: stop.signal },
  ).finally(() => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    progress.done();
  });
  if (r.stopped === "EPIPE" || quiet) return 0;
  const summaryTo = out === "-" ? process.stderr : process.stdout;
  if (r.stopped) summaryTo.write(`${describeStop(r, out)}\n`);
  summaryTo.write(`${describeSimulation(r.summary, path, out, r.elapsedS)}\n`);
  return 0;
}
