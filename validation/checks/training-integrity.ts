// The files against the manifest: each listed file exists with its byte size and sha256, and each split's
// row count, user count and class balance equal what the builder recorded.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdent } from "../../pipeline/duckdb/index.ts";
import { fmtInt } from "../format.ts";
import { count, queryOne } from "../sql.ts";
import type { CheckResult } from "../types.ts";
import { makeCheck } from "./result.ts";
import { TRAINING_CHECKS } from "./training-catalogue.ts";
import type { LoadedVariant } from "./training-load.ts";
import { readable } from "./training-load.ts";
import { SPLITS, type TrainingManifest } from "./training-manifest.ts";

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function checksumCheck(dir: string, manifest: TrainingManifest): Promise<CheckResult> {
  const problems: string[] = [];
  for (const f of manifest.files) {
    const path = join(dir, f.path);
    if (!existsSync(path)) {
      problems.push(`${f.path} is missing`);
      continue;
    }
    const bytes = statSync(path).size;
    const sha = await sha256File(path);
    if (sha !== f.sha256) {
      problems.push(
        `${f.path} has sha256 ${sha.slice(0, 12)}… (${fmtInt(bytes)} bytes) but manifest.json records ${f.sha256.slice(0, 12)}… (${fmtInt(f.bytes)} bytes): it changed after the manifest was written`,
      );
    } else if (bytes !== f.bytes) {
      problems.push(`${f.path} has ${fmtInt(bytes)} bytes but manifest.json records ${fmtInt(f.bytes)}`);
    }
  }
  const ok = problems.length === 0;
  return makeCheck({
    ...TRAINING_CHECKS.checksums,
    severity: "error",
    status: ok ? "pass" : "fail",
    value: problems.length,
    message: ok
      ? `every file in manifest.json exists with its sha256 (${manifest.files.length} files)`
      : `manifest files: ${problems.join("; ")}`,
    details: { files: manifest.files.length, problems },
  });
}

interface SplitCounts {
  rows: number;
  users: number;
  positives: Record<string, number>;
}

async function splitCounts(
  con: DuckDBConnection,
  table: string,
  labels: readonly string[],
  types: Map<string, string>,
): Promise<SplitCounts> {
  const boolLabels = labels.filter((l) => types.get(l) === "BOOLEAN");
  const cols = boolLabels.map((l, i) => `count(*) FILTER (WHERE ${quoteIdent(l)}) AS p${i}`);
  const users = types.has("user_id") ? "count(DISTINCT user_id)" : "0";
  const r = await queryOne(
    con,
    `SELECT count(*) AS n, ${users} AS users${cols.length ? `, ${cols.join(", ")}` : ""} FROM ${table}`,
  );
  return {
    rows: count(r.n),
    users: count(r.users),
    positives: Object.fromEntries(boolLabels.map((l, i) => [l, count(r[`p${i}`])])),
  };
}

interface CountProblems {
  rows: string[];
  balance: string[];
  labels: Set<string>;
  files: number;
}

async function countProblems(
  con: DuckDBConnection,
  variants: readonly LoadedVariant[],
): Promise<CountProblems> {
  readable(variants);
  const out: CountProblems = { rows: [], balance: [], labels: new Set(), files: 0 };
  for (const v of variants) {
    for (const split of SPLITS) {
      out.files++;
      const s = v.splits[split];
      const expected = v.entry.splits[split];
      const got = await splitCounts(con, s.table!, v.entry.labels, s.types);
      if (got.rows !== expected.rows)
        out.rows.push(`${s.file} has ${fmtInt(got.rows)} rows, manifest.json says ${fmtInt(expected.rows)}`);
      if (got.users !== expected.users)
        out.rows.push(
          `${s.file} has ${fmtInt(got.users)} users, manifest.json says ${fmtInt(expected.users)}`,
        );
      for (const label of v.entry.labels) {
        const recorded = expected[label] as { positives?: unknown; negatives?: unknown } | undefined;
        if (typeof recorded?.positives !== "number") continue;
        out.labels.add(label);
        const pos = got.positives[label];
        if (pos === undefined) {
          out.balance.push(`${s.file} has no boolean column ${label}`);
          continue;
        }
        const neg = got.rows - pos;
        if (pos !== recorded.positives || neg !== recorded.negatives)
          out.balance.push(
            `${s.file} ${label}: ${fmtInt(pos)} positive / ${fmtInt(neg)} negative, manifest.json says ${fmtInt(recorded.positives)} / ${fmtInt(Number(recorded.negatives))}`,
          );
      }
    }
  }
  return out;
}

/** Row and user counts per split against the manifest. */
export async function rowCountCheck(
  con: DuckDBConnection,
  variants: readonly LoadedVariant[],
): Promise<CheckResult> {
  const p = await countProblems(con, variants);
  return makeCheck({
    ...TRAINING_CHECKS.rowCounts,
    severity: "error",
    status: p.rows.length === 0 ? "pass" : "fail",
    value: p.rows.length,
    message:
      p.rows.length === 0
        ? `split row and user counts match manifest.json (${p.files} files)`
        : `split row and user counts: ${p.rows.join("; ")}`,
    details: { problems: p.rows },
  });
}

/** The class balance of every boolean label the manifest records, per split. */
export async function classBalanceCheck(
  con: DuckDBConnection,
  variants: readonly LoadedVariant[],
): Promise<CheckResult> {
  const p = await countProblems(con, variants);
  const labels = [...p.labels];
  return makeCheck({
    ...TRAINING_CHECKS.classBalance,
    severity: "error",
    status: p.balance.length === 0 && labels.length > 0 ? "pass" : "fail",
    value: p.balance.length,
    message:
      labels.length === 0
        ? "class balance: manifest.json records no class balance for any label"
        : p.balance.length === 0
          ? `class balance of ${labels.join(", ")} matches manifest.json in every split (${p.files} files)`
          : `class balance: ${p.balance.join("; ")}`,
    details: { labels, problems: p.balance },
  });
}
