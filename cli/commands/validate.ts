// cartstream validate: check a dataset folder against a benchmark profile (validateDataset), print a
// summary, write the reports. Exit codes: 0 pass, 1 warnings only (2 with --strict), 2 failure or bad
// usage, 3 could not run.
import { UsageError } from "../../pipeline/errors/index.ts";
import { DEFAULT_OPTIONS, listProfiles, validateDataset } from "../../validation/index.ts";
import type { CommandSpec } from "../args.ts";
import { helpText, parseFlags, stringFlag } from "../args.ts";
import { printValidation } from "../validation-output.ts";

export const spec: CommandSpec = {
  name: "validate",
  summary: "validate a dataset folder against a benchmark profile and write report.json/.md/.html",
  usage: "cartstream validate [--profile NAME|FILE] [--strict] [--json] [--out DIR] DATASET_DIR",
  flags: {
    profile: {
      type: "string",
      short: "p",
      arg: "NAME|FILE",
      help: "benchmark profile: a name from validation/profiles or a profile JSON file",
      default: DEFAULT_OPTIONS.profile,
    },
    strict: { type: "boolean", help: "warnings fail the run (exit 2 instead of 1)" },
    json: {
      type: "boolean",
      help: "print the whole result (report.json's content) on stdout instead of a summary",
    },
    out: { type: "string", arg: "DIR", help: "write the reports here instead of DATASET_DIR/validation" },
    "list-profiles": { type: "boolean", help: "list the available profiles and exit" },
  },
  positionals: true,
  details: `DATASET_DIR is a dataset folder (data/datasets/<name>/) with sessions.parquet and events.parquet;
manifest.json is read when present (simulator config: session timeout, device shares).
Exit codes: 0 pass; 1 passed with warnings (2 with --strict); 2 failed, or bad usage (unknown flag, no
DATASET_DIR); 3 could not run (missing folder or files, unreadable Parquet, unknown or invalid profile).`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, positionals, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  if (flags["list-profiles"] === true) {
    for (const p of listProfiles()) console.log(`${p.name.padEnd(16)} ${p.description}`);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      `expected exactly one DATASET_DIR, got ${positionals.length === 0 ? "none" : positionals.join(" ")}\nusage: ${spec.usage}`,
    );
  }
  const result = await validateDataset(positionals[0]!, {
    profile: stringFlag(flags, "profile"),
    strict: flags.strict === true,
    outDir: stringFlag(flags, "out"),
  });
  printValidation(result, flags.json === true);
  return result.exitCode;
}
