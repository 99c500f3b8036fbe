// report.html: one self-contained page (inline CSS, inline SVG charts, no scripts, fonts or URLs to fetch).
import { fmtP, fmtRange, fmtValue } from "../format.ts";
import type { Outcome, ValidationResult } from "../types.ts";
import { chartSpecs, renderSvg } from "./charts.ts";
import { ciText, rangeText, valueText } from "./markdown.ts";

/** Text badges, not emoji: the page must read the same on machines without an emoji font. */
const BADGES: Record<Outcome, string> = {
  ok: '<span class="b b-ok">&#x2713; pass</span>',
  intended: '<span class="b b-intended">i intended</span>',
  warning: '<span class="b b-warning">! warning</span>',
  error: '<span class="b b-error">&#x2717; fail</span>',
};

function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 24px; color: #1b1b1b; max-width: 1400px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; font-size: 13px; }
.verdict { display: inline-block; padding: 6px 12px; border-radius: 6px; font-weight: 600; margin: 12px 0; }
.v-PASS { background: #e8f5e9; color: #1b5e20; } .v-PASS-with-warnings { background: #fff8e1; color: #8d6e00; }
.v-FAIL, .v-NOT-RUN { background: #ffebee; color: #b71c1c; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.chart { border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px; background: white; margin: 0; }
.b { display: inline-block; padding: 1px 6px; border-radius: 4px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.b-ok { background: #e8f5e9; color: #1b5e20; } .b-intended { background: #e3f2fd; color: #0d47a1; }
.b-warning { background: #fff3cd; color: #7a5a00; } .b-error { background: #ffebee; color: #b71c1c; }
table { border-collapse: collapse; font-size: 13px; width: 100%; }
th, td { border: 1px solid #e0e0e0; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.checks td:last-child { width: 48%; }
tr.o-error td { background: #fff5f5; } tr.o-warning td { background: #fffbeb; } tr.o-intended td { background: #eef6ff; }
code { font-size: 12px; } .src { color: #666; font-size: 12px; }
li { margin-bottom: 6px; } .applies { font-weight: 600; color: #8d2c00; }
`;

export async function renderHtml(r: ValidationResult): Promise<string> {
  const name = r.dataset.split("/").filter(Boolean).pop() ?? r.dataset;
  const charts = await Promise.all(
    chartSpecs(r).map(
      async (c) =>
        `<figure class="chart" id="chart-${c.id}" aria-label="${esc(c.title)}">${await renderSvg(c.spec)}</figure>`,
    ),
  );
  const rows = r.checks
    .map(
      (
        c,
      ) => `<tr class="o-${c.outcome}"><td>${BADGES[c.outcome]}</td><td><code>${esc(c.id)}</code></td><td>${c.kind}</td><td>${c.severity}</td>
<td class="num">${esc(valueText(c))}</td><td class="num">${esc(rangeText(c))}</td><td class="num">${esc(ciText(c))}</td><td class="num">${esc(fmtP(c.pValue))}</td>
<td>${esc(c.message)}${c.source && (c.kind === "benchmark" || c.kind === "realism") ? `<div class="src">source: ${esc(c.source)}</div>` : ""}</td></tr>`,
    )
    .join("\n");
  const contradictions = r.contradictions
    .map(
      (k) =>
        `<li><strong>${esc(k.title)}</strong>${k.appliesHere ? ' <span class="applies">(applies to this dataset)</span>' : ""}<br>${esc(k.claim)}<br>${esc(k.finding)}</li>`,
    )
    .join("\n");
  const metrics = Object.values(r.metrics)
    .map(
      (m) =>
        `<tr><td><code>${esc(m.name)}</code></td><td>${esc(m.label)}</td><td class="num">${esc(fmtValue(m.value, m.unit))}</td><td class="num">${m.ci ? esc(fmtRange({ min: m.ci.low, max: m.ci.high }, m.unit)) : ""}</td><td class="num">${m.ci ? m.ci.designEffect.toFixed(2) : ""}</td></tr>`,
    )
    .join("\n");
  const s = r.summary;
  const summary = `${r.verdict} (exit ${r.exitCode}${r.strict ? ", --strict" : ""}): ${s.total} checks: ${s.ok} passed, ${s.intended} intended deviation(s), ${s.warning} warning(s), ${s.error} failure(s)`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Validation: ${esc(name)} (${esc(r.profile?.name ?? "")}) ${esc(r.verdict)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Dataset validation: ${esc(name)}</h1>
<div class="meta">dataset <code>${esc(r.dataset)}</code> · profile <code>${esc(r.profile?.name ?? "?")}</code> (${esc(r.profile?.description ?? "")}) · generated ${esc(r.generatedAt)}</div>
<div class="verdict v-${r.verdict.replaceAll(" ", "-")}">${esc(summary)}</div>
${(r.profile?.notes ?? []).map((n) => `<p class="meta">Profile note: ${esc(n)}</p>`).join("\n")}
${r.error ? `<p>Validation could not run: <code>${esc(r.error.code)}</code> ${esc(r.error.message)}</p>` : ""}
<h2>Charts</h2>
<div class="charts">
${charts.join("\n")}
</div>
<h2>Checks</h2>
<table class="checks">
<thead><tr><th></th><th>check</th><th>kind</th><th>severity</th><th>value</th><th>range</th><th>95% CI</th><th>p</th><th>message</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="meta">${BADGES.ok} rule holds · ${BADGES.intended} intended deviation (outside the benchmark, inside the profile's documented intended range: a pass, labelled) · ${BADGES.warning} warning (a pass unless --strict; skipped checks count here) · ${BADGES.error} failure. Intervals: Wilson 95% on n / design effect (users as clusters).</p>
<h2>Known contradictions in the phase-1 report</h2>
<ul>
${contradictions}
</ul>
<h2>Metrics</h2>
<table>
<thead><tr><th>metric</th><th>meaning</th><th>value</th><th>95% CI</th><th>design effect</th></tr></thead>
<tbody>
${metrics}
</tbody>
</table>
</body>
</html>
`;
}
