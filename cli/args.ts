// Flag parsing on node:util parseArgs, with errors that name the flag and what is allowed.
import { parseArgs } from "node:util";
import { UsageError } from "../pipeline/errors/index.ts";

export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  /** Shown in --help. */
  help: string;
  /** Placeholder in --help, e.g. FILE. */
  arg?: string;
  default?: string | boolean;
  multiple?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** Extra text after the flags. */
  details?: string;
  positionals?: boolean;
}

export function helpText(spec: CommandSpec): string {
  const rows = Object.entries({
    ...spec.flags,
    help: { type: "boolean", short: "h", help: "show this help" },
  } as Record<string, FlagSpec>).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : "    "}--${name}${f.arg ? ` ${f.arg}` : ""}`;
    const def = f.default !== undefined && f.default !== false ? ` (default: ${f.default})` : "";
    return `  ${left.padEnd(30)} ${f.help}${def}`;
  });
  return [
    `cartstream ${spec.name}: ${spec.summary}`,
    "",
    `usage: ${spec.usage}`,
    "",
    "options:",
    ...rows,
    spec.details ? `\n${spec.details}` : "",
  ]
    .join("\n")
    .trimEnd();
}

export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

export function parseFlags(
  spec: CommandSpec,
  argv: string[],
): { flags: ParsedFlags; positionals: string[]; help: boolean } {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, f] of Object.entries(spec.flags)) {
    options[name] = {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(spec, argv),
      options,
      allowPositionals: spec.positionals ?? false,
      strict: true,
    });
    const flags: ParsedFlags = {};
    for (const [name, f] of Object.entries(spec.flags))
      flags[name] = (values[name] as ParsedFlags[string]) ?? f.default;
    return { flags, positionals, help: values.help === true };
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/, "");
    const known = Object.keys(spec.flags)
      .map((f) => `--${f}`)
      .join(", ");
    throw new UsageError(
      `${msg}\nallowed options for '${spec.name}': ${known}, --help\nrun 'cartstream ${spec.name} --help' for details`,
    );
  }
}

const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * `--metrics-port -1` as `--metrics-port=-1`: node's parseArgs refuses a value that starts with a dash
 * after a separate flag (it could be a forgotten value followed by another flag). A negative number can
 * never be a flag here, so it is joined to a value-taking flag before parsing; the range checks below
 * then accept or reject it with their usual message.
 */
function joinNegativeValues(spec: CommandSpec, argv: string[]): string[] {
  const longOf = new Map<string, string>();
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.type !== "string") continue;
    longOf.set(`--${name}`, name);
    if (f.short) longOf.set(`-${f.short}`, name);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const name = longOf.get(token);
    const next = argv[i + 1];
    if (name !== undefined && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

export function intFlag(flags: ParsedFlags, name: string, min: number, max: number): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || !/^-?\d+$/.test(raw.trim()) || n < min || n > max) {
    throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, got '${String(raw)}'`);
  }
  return n;
}

export function numberFlag(
  flags: ParsedFlags,
  name: string,
  min: number,
  max: number,
  exclusiveMin = false,
): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (
    typeof raw !== "string" ||
    raw.trim() === "" ||
    !Number.isFinite(n) ||
    n < min ||
    (exclusiveMin && n === min) ||
    n > max
  ) {
    throw new UsageError(
      `--${name}: expected a number ${exclusiveMin ? "above" : "from"} ${min}${max < Infinity ? ` to ${max}` : ""}, got '${String(raw)}'`,
    );
  }
  return n;
}

export function choiceFlag<T extends string>(
  flags: ParsedFlags,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || !(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name}: '${String(raw)}' is not allowed; allowed: ${allowed.join(", ")}`);
  }
  return raw as T;
}

export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const raw = flags[name];
  return typeof raw === "string" ? raw : undefined;
}
