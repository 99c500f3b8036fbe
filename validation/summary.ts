// The human summary of a validation result: one line per check that is not a plain pass, then the
// verdict and the report paths (what `cartstream validate` and `cartstream dataset` print).
import type { CheckResult, ValidationResult } from "./types.ts";

const TAGS: Record<CheckResult["outcome"], string> = {
  ok: "ok      ",
  intended: "intended",
  warning: "warning ",
  error: "FAIL    ",
};

export function formatSummary(r: ValidationResult): string {
  if (r.error) return `${r.verdict} (exit ${r.exitCode})`;
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
