// Building CheckResult objects: every field present (null when it does not apply), outcome derived.
import type { CheckResult, Outcome, Severity, Status } from "../types.ts";

export function outcomeOf(status: Status, severity: Severity): Outcome {
  switch (status) {
    case "pass":
      return "ok";
    case "intended":
      return "intended";
    case "fail":
      return severity;
    case "skipped":
      // A check that applies but could not be evaluated is never silently a pass.
      return "warning";
  }
}

type Required = Pick<CheckResult, "id" | "kind" | "title" | "severity" | "status" | "message">;

export function makeCheck(
  fields: Required & Partial<Omit<CheckResult, keyof Required | "outcome">>,
): CheckResult {
  return {
    id: fields.id,
    kind: fields.kind,
    title: fields.title,
    severity: fields.severity,
    status: fields.status,
    outcome: outcomeOf(fields.status, fields.severity),
    metric: fields.metric ?? null,
    value: fields.value ?? null,
    unit: fields.unit ?? null,
    range: fields.range ?? null,
    intended: fields.intended ?? null,
    ci: fields.ci ?? null,
    pValue: fields.pValue ?? null,
    chiSquare: fields.chiSquare ?? null,
    source: fields.source ?? null,
    message: fields.message,
    details: fields.details ?? null,
  };
}

/** "e.g. a, b, c" for sample ids, or "". */
export function examples(ids: readonly string[]): string {
  return ids.length > 0 ? ` (e.g. ${ids.join(", ")})` : "";
}
