// report.md: for pull-request comments. Summary line, the checks table, intended deviations, the known
// contradictions of the phase-1 report as they apply to this dataset, and the metrics.
import { fmtP, fmtRange, fmtValue, OUTCOME_ICONS } from "../format.ts";
import type { CheckResult, ValidationResult } from "../types.ts";

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

export function summaryLine(r: ValidationResult): string {
  const s = r.summary;
  return `**${r.verdict}** (exit ${r.exitCode}${r.strict ? ", --strict" : ""}): ${s.total} checks, ${s.ok} ✅ passed, ${s.intended} ℹ️ intended deviation(s), ${s.warning} ⚠️ warning(s), ${s.error} ❌ failure(s)`;
}

export function ciText(c: CheckResult): string {
  return c.ci ? fmtRange({ min: c.ci.low, max: c.ci.high }, c.unit ?? "share") : "";
}

export function rangeText(c: CheckResult): string {
  if (!c.range) return c.chiSquare ? `p ≥ ${c.chiSquare.alpha}` : "";
  const base = fmtRange(c.range, c.unit);
  return c.intended ? `${base} (intended ${fmtRange(c.intended, c.unit)})` : base;
}

export function valueText(c: CheckResult): string {
  if (c.chiSquare) return `X² ${c.chiSquare.corrected.toFixed(2)} (df ${c.chiSquare.df})`;
  if (c.unit) return fmtValue(c.value, c.unit);
  return c.value === null ? "" : String(c.value);
}

export function renderMarkdown(r: ValidationResult): string {
  const lines: string[] = [];
  const name = r.dataset.split("/").filter(Boolean).pop() ?? r.dataset;
  lines.push(`## Dataset validation: \`${name}\` against profile \`${r.profile?.name ?? "?"}\``, "");
  lines.push(summaryLine(r), "");
  for (const n of r.profile?.notes ?? []) lines.push(`> Profile note: ${n}`, "");
  if (r.error) {
    lines.push(`Validation could not run: \`${r.error.code}\` ${r.error.message}`, "");
    return lines.join("\n");
  }
  const problems = r.checks.filter((c) => c.outcome !== "ok");
  if (problems.length > 0) {
    lines.push("### Needs attention", "");
    for (const c of problems)
      lines.push(`- ${OUTCOME_ICONS[c.outcome]} \`${c.id}\` (${c.severity}): ${c.message}`);
    lines.push("");
  }
  lines.push("### Checks", "");
  lines.push("| | check | kind | severity | value | range | 95% CI | p | message |");
  lines.push("|---|---|---|---|---|---|---|---|---|");
  for (const c of r.checks) {
    lines.push(
      `| ${OUTCOME_ICONS[c.outcome]} | \`${c.id}\` | ${c.kind} | ${c.severity} | ${cell(valueText(c))} | ${cell(rangeText(c))} | ${cell(ciText(c))} | ${fmtP(c.pValue)} | ${cell(c.message)} |`,
    );
  }
  lines.push("");
  lines.push(
    "Legend: ✅ pass, ℹ️ intended deviation (outside the benchmark, inside the profile's documented intended range: a pass, labelled), ⚠️ warning, ❌ failure. Confidence intervals are Wilson 95% on an effective sample size (n / design effect, users as clusters).",
    "",
  );
  const sourced = r.checks.filter((c) => (c.kind === "benchmark" || c.kind === "realism") && c.source);
  if (sourced.length > 0) {
    lines.push("<details><summary>Benchmark and realism sources</summary>", "");
    for (const c of sourced) lines.push(`- \`${c.id}\`: ${c.source}`);
    lines.push("", "</details>", "");
  }
  lines.push("### Known contradictions in the phase-1 report", "");
  for (const k of r.contradictions) {
    lines.push(
      `- **${k.title}**${k.appliesHere ? " (applies to this dataset)" : ""}: ${k.claim} ${k.finding}`,
    );
  }
  lines.push("");
  lines.push("<details><summary>Metrics</summary>", "", "| metric | value | 95% CI |", "|---|---|---|");
  for (const m of Object.values(r.metrics)) {
    const ci = m.ci ? fmtRange({ min: m.ci.low, max: m.ci.high }, m.unit) : "";
    lines.push(`| \`${m.name}\` | ${fmtValue(m.value, m.unit)} | ${ci} |`);
  }
  lines.push("", "</details>", "");
  if (r.reports) lines.push(`Reports: \`${r.reports.json}\`, \`${r.reports.html}\``, "");
  return lines.join("\n");
}
