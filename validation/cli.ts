// cartstream validate: check a dataset folder against a benchmark profile, print a summary, write reports.
// Exit codes: 0 pass, 1 warnings only (2 with --strict), 2 failure, 3 could not run (bad usage included).
import type { CommandSpec } from "../cli/args.ts";
import { helpText, parseFlags, stringFlag } from "../cli/args.ts";
import { UsageError } from "../pipeline/errors/index.ts";
import { listProfiles } from "./profiles.ts";
import type { CheckResult, ValidationResult } from "./types.ts";
import { validateDataset } from "./validate.ts";

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
      default: "phase1",
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
Exit codes: 0 pass; 1 passed with warnings (2 with --strict); 2 failed; 3 could not run (missing folder or
files, unreadable Parquet, unknown or invalid profile, bad usage).`,
};

const TAGS: Record<CheckResult["outcome"], string> = {
  ok: "ok      ",
  intended: "intended",
  warning: "warning ",
  error: "FAIL    ",
};

/** The human summary: one line per check that is not a plain pass, then the verdict and the report paths. */
export function formatSummary(r: ValidationResult): string {
  const lines: string[] = [];
  const s = r.summary;
  lines.push(
    `validate ${r.dataset} against profile ${r.profile?.name ?? "?"}: ${s.total} checks, ${s.ok} passed, ${s.intended} intended deviation(s), ${s.warning} warning(s), ${s.error} failure(s)`,
  );
  for (const c of r.checks) {
    if (c.outcome !== "ok") lines.push(`  ${TAGS[c.outcome]} ${c.id}: ${c.message}`);
  }
  const strictNote = r.strict && r.exitCode === 2 && s.error === 0 ? " (--strict: warnings fail)" : "";
  lines.push(`${r.verdict}${strictNote} (exit ${r.exitCode})`);
  if (r.reports)
    lines.push(`reports: ${r.reports.markdown}`, `         ${r.reports.html}`, `         ${r.reports.json}`);
  return lines.join("\n");
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(spec, argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`cartstream validate: ${err.message}`);
    return 3;
  }
  const { flags, positionals, help } = parsed;
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  if (flags["list-profiles"] === true) {
    for (const p of listProfiles()) console.log(`${p.name.padEnd(16)} ${p.description}`);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(
      `cartstream validate: expected exactly one DATASET_DIR, got ${positionals.length === 0 ? "none" : positionals.join(" ")}\nusage: ${spec.usage}`,
    );
    return 3;
  }
  const result = await validateDataset(positionals[0]!, {
    profile: stringFlag(flags, "profile"),
    strict: flags.strict === true,
    outDir: stringFlag(flags, "out"),
  });
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (result.error) {
    console.log(`${result.verdict} (exit ${result.exitCode})`);
  } else {
    console.log(formatSummary(result));
  }
  if (result.error)
    console.error(`cartstream validate: could not run: ${result.error.code}: ${result.error.message}`);
  return result.exitCode;
}
