// One way to turn a zod validation failure into a ConfigError: one line per issue, naming the key path,
// what is wrong and what is allowed. Every options schema of the project goes through parseOptions().
import { z } from "zod";
import { ConfigError } from "../errors/index.ts";

export interface IssueFormat {
  /** What an unknown key is called in messages: "key" (default) or "option". */
  noun?: string;
  /** Label of the value itself when the path is empty (default "(root)"). */
  root?: string;
  /**
   * What each top-level key accepts, appended to its issues as "(expected ...)". Its keys are also the
   * allowed keys listed for an unknown one (otherwise they are read from the schema when it is an object).
   */
  expected?: Readonly<Record<string, string>>;
  /** A line for issues that need their own wording; undefined keeps the default line. */
  describe?: (issue: z.core.$ZodIssue, path: string) => string | undefined;
}

function pathText(path: readonly PropertyKey[], root: string): string {
  return path.length === 0 ? root : path.map(String).join(".");
}

/** Keys of the object schema at `path` (through optional, nullable and default wrappers), if it is one. */
function objectKeysAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): string[] | undefined {
  let current: z.ZodType | undefined = schema;
  for (let i = 0; ; i++) {
    while (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      current = current.unwrap() as z.ZodType;
    }
    if (!(current instanceof z.ZodObject)) return undefined;
    const shape = current.shape as Record<string, z.ZodType>;
    if (i === path.length) return Object.keys(shape);
    current = shape[String(path[i])];
  }
}

/** One line per issue: "path: what is wrong (expected ...)", unknown keys with the allowed ones. */
export function formatIssues(error: z.ZodError, format: IssueFormat = {}, schema?: z.ZodType): string[] {
  const root = format.root ?? "(root)";
  return error.issues.map((issue) => {
    const path = pathText(issue.path, root);
    const custom = format.describe?.(issue, path);
    if (custom !== undefined) return custom;
    if (issue.code === "unrecognized_keys") {
      const nested = issue.path.length > 0;
      const where = nested ? path : "the top level";
      const keys = issue.keys.map((k) => (nested ? `${path}.${k}` : k)).join(", ");
      const allowed =
        !nested && format.expected !== undefined
          ? Object.keys(format.expected)
          : objectKeysAt(schema, issue.path);
      const list = allowed === undefined ? "" : `; allowed: ${allowed.join(", ")}`;
      return `${keys}: unknown ${format.noun ?? "key"} (not allowed at ${where})${list}`;
    }
    const hint = format.expected?.[String(issue.path[0] ?? "")];
    const suffix = hint === undefined ? "" : ` (expected ${hint})`;
    if (issue.code === "invalid_value" && "values" in issue) {
      const values = (issue.values as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      return `${path}: not an allowed value; allowed: ${values}${suffix}`;
    }
    return `${path}: ${issue.message}${suffix}`;
  });
}

/** Validates `input` against `schema`; a ConfigError names `source` and lists every issue. */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source: string,
  format: IssueFormat = {},
): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new ConfigError(source, formatIssues(result.error, format, schema));
}

/** The same object without its undefined values, so spreading it over defaults keeps them. */
export function definedValues<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
