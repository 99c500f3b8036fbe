// validateDataset: open the folder, compute the metrics, run every check, decide the verdict, write reports.
// It returns a result object in every case; "could not run" is exit code 3 with `error` set, never a throw.
import { resolve } from "node:path";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
import { benchmarkChecks, realismChecks } from "./checks/benchmark.ts";
import { distributionChecks } from "./checks/distribution.ts";
import { groundTruthCheck, projectGroundTruth } from "./checks/ground-truth.ts";
import { guardGroup } from "./checks/guard.ts";
import { leakageChecks } from "./checks/leakage.ts";
import { qualityChecks } from "./checks/quality.ts";
import { sequencingChecks } from "./checks/sequencing.ts";
import { trainingFileChecks } from "./checks/training-files.ts";
import { knownContradictions } from "./contradictions.ts";
import { openDataset } from "./dataset.ts";
import { computeFacts } from "./facts.ts";
import { computeMetrics } from "./metrics.ts";
import { DEFAULT_OPTIONS, type ParsedProfile, type ValidateOptions } from "./options.ts";
import { loadProfile } from "./profiles.ts";
import { writeReports } from "./report/index.ts";
import type { CheckResult, ExitCode, Outcome, ValidationResult, Verdict } from "./types.ts";

export function summarize(checks: readonly CheckResult[]): ValidationResult["summary"] {
  const s = { ok: 0, intended: 0, warning: 0, error: 0, total: checks.length } satisfies Record<
    Outcome,
    number
  > & {
    total: number;
  };
  for (const c of checks) s[c.outcome]++;
  return s;
}

/** 0 pass, 1 warnings only (2 under strict), 2 any error. */
export function exitCodeOf(summary: ValidationResult["summary"], strict: boolean): ExitCode {
  if (summary.error > 0) return 2;
  if (summary.warning > 0) return strict ? 2 : 1;
  return 0;
}

export function verdictOf(code: ExitCode): Verdict {
  return code === 0 ? "PASS" : code === 1 ? "PASS with warnings" : code === 2 ? "FAIL" : "NOT RUN";
}

function notRun(
  dataset: string,
  strict: boolean,
  profile: ParsedProfile | null,
  err: unknown,
  started: number,
): ValidationResult {
  const code = err instanceof CartstreamError ? err.code : "CS_UNEXPECTED";
  const message = err instanceof Error ? err.message : String(err);
  return {
    dataset,
    profile: profile
      ? {
          name: profile.name,
          path: profile.path,
          description: profile.description,
          notes: profile.notes ?? [],
        }
      : null,
    strict,
    verdict: "NOT RUN",
    exitCode: 3,
    summary: { ok: 0, intended: 0, warning: 0, error: 0, total: 0 },
    checks: [],
    metrics: {},
    contradictions: [],
    facts: null,
    manifest: { present: false, seed: null, rows: null },
    error: { code, message },
    reports: null,
    generatedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
  };
}

/** Validates a dataset folder against a benchmark profile. Never throws for bad input: see `exitCode`/`error`. */
export async function validateDataset(dir: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  const started = Date.now();
  const dataset = resolve(dir);
  const strict = options.strict ?? DEFAULT_OPTIONS.strict;
  let profile: ParsedProfile | null = null;
  try {
    profile = loadProfile(options.profile ?? DEFAULT_OPTIONS.profile);
  } catch (err) {
    return notRun(dataset, strict, null, err, started);
  }
  let opened: Awaited<ReturnType<typeof openDataset>>;
  try {
    opened = await openDataset(dataset);
  } catch (err) {
    return notRun(dataset, strict, profile, err, started);
  }
  let result: ValidationResult;
  try {
    const { con, input, instance } = opened;
    const computed = await computeMetrics(con);
    const facts = await computeFacts(con, input, computed, profile);
    const p = profile;
    // Each group of checks is guarded: one that throws is a failed (error) check, never a skip.
    const checks: CheckResult[] = [
      ...(await guardGroup({ id: "benchmark.run", kind: "benchmark", title: "benchmark checks" }, () =>
        benchmarkChecks(p, computed.metrics),
      )),
      ...(await guardGroup({ id: "realism.run", kind: "realism", title: "realism checks" }, () =>
        realismChecks(p, computed.metrics),
      )),
      ...(await guardGroup({ id: "quality.run", kind: "quality", title: "data-quality checks" }, () =>
        qualityChecks(con, input),
      )),
      ...(await guardGroup({ id: "quality.sequence.run", kind: "quality", title: "sequencing checks" }, () =>
        sequencingChecks(con, input),
      )),
      await groundTruthCheck(
        input,
        options.groundTruth === undefined ? projectGroundTruth : options.groundTruth,
      ),
      ...(await guardGroup(
        { id: "distribution.run", kind: "distribution", title: "distribution checks" },
        () => distributionChecks(p, input, facts, computed),
      )),
      ...(await guardGroup({ id: "training.run", kind: "training", title: "training-file checks" }, () =>
        trainingFileChecks(instance, con, input, {
          recomputeUsers: options.recomputeUsers ?? DEFAULT_OPTIONS.recomputeUsers,
        }),
      )),
      ...(options.baseline === false
        ? []
        : await guardGroup(
            { id: "learnability.run", kind: "learnability", title: "leakage and learnability checks" },
            () => leakageChecks(input.dir, p),
          )),
    ];
    const summary = summarize(checks);
    const exitCode = exitCodeOf(summary, strict);
    result = {
      dataset,
      profile: {
        name: profile.name,
        path: profile.path,
        description: profile.description,
        notes: profile.notes ?? [],
      },
      strict,
      verdict: verdictOf(exitCode),
      exitCode,
      summary,
      checks,
      metrics: computed.metrics,
      contradictions: knownContradictions(profile, computed.metrics, facts, checks),
      facts,
      manifest: {
        present: input.manifest !== null,
        seed: input.manifest?.seed ?? null,
        rows: input.manifest?.rows ?? null,
      },
      error: null,
      reports: null,
      generatedAt: new Date().toISOString(),
      durationMs: 0,
    };
  } catch (err) {
    return notRun(dataset, strict, profile, err, started);
  } finally {
    opened.close();
  }
  result.durationMs = Date.now() - started;
  if (options.reports ?? DEFAULT_OPTIONS.reports) {
    try {
      await writeReports(result, options.outDir);
    } catch (err) {
      // The checks ran, but a gate without its reports cannot be trusted downstream: could not run.
      result.reports = null;
      result.exitCode = 3;
      result.error = {
        code: ERROR_CODES.BAD_INPUT,
        message: `the checks ran (${result.verdict}) but the reports could not be written: ${(err as Error).message}; check that the output folder is writable or pass outDir`,
      };
      result.verdict = "NOT RUN";
    }
  }
  return result;
}
