// baseline/report.html: one self-contained page (inline CSS and SVG charts, no scripts or URLs to fetch).
import type { BaselineReport } from "../types.ts";
import { baselineCharts, renderSvg } from "./charts.ts";
import { fmt, METRIC_HEADER, MODEL_LABELS, metricRow, stratumText } from "./format.ts";

function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 24px; color: #1b1b1b; max-width: 1400px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #555; font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.chart { border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px; background: white; margin: 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #e0e0e0; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.leak td { background: #fff5f5; }
`;

export async function renderBaselineHtml(report: BaselineReport): Promise<string> {
  const charts = await Promise.all(
    baselineCharts(report.results).map(
      async (c) =>
        `<figure class="chart" id="chart-${esc(c.id)}" aria-label="${esc(c.title)}">${await renderSvg(c.spec)}</figure>`,
    ),
  );
  const rows = report.results
    .flatMap((r) =>
      r.models.map(
        (m) =>
          `<tr${m.derivable ? ' class="leak"' : ""}>${metricRow(r, m)
            .map((v, i) => `<td${i >= 3 ? ' class="num"' : ""}>${esc(v)}</td>`)
            .join("")}</tr>`,
      ),
    )
    .join("\n");
  const notes = report.results
    .flatMap((r) =>
      r.models.map(
        (m) =>
          `<li><b>${esc(`${r.variant} / ${r.label} / ${MODEL_LABELS[m.model]}`)}</b>: ${esc(stratumText(m, report.options.leak.auc))}${
            m.dropColumnImportance
              ? `. Drop-column importance: ${esc(m.dropColumnImportance.map((i) => `${i.feature} ${fmt(i.aucDrop)}`).join(", "))}`
              : ""
          }</li>`,
      ),
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baselines: ${esc(report.dataset)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Baseline models: ${esc(report.dataset)}</h1>
<div class="meta">seed ${report.seed} · generated ${esc(report.generatedAt)} · ${(report.durationMs / 1000).toFixed(1)} s · inputs ${esc(report.inputs.map((i) => i.file).join(", "))}</div>
<h2>Test metrics</h2>
<table>
<thead><tr>${METRIC_HEADER.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Leak rule and funnel strata</h2>
<ul>
${notes}
</ul>
<h2>Charts</h2>
<div class="charts">
${charts.join("\n")}
</div>
</body>
</html>
`;
}
