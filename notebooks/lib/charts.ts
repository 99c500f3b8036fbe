// Vega-Lite specs to inline SVG, through validation's renderer (vega View with renderer "none" -> toSVG): no
// browser, canvas or network, so the HTML exports carry their charts.
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "../../validation/index.ts";

/** The notebooks' shared look; a spec's own `config` keys win. */
export const CHART_CONFIG = {
  font: "sans-serif",
  background: "white",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 480 },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: "#555", anchor: "start", offset: 10 },
  range: { category: ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2"] },
} as const;

export const COLORS = { bar: "#4c78a8", accent: "#f58518", good: "#2e7d32", bad: "#c62828", rule: "#222222" };

/** Renders a Vega-Lite spec (any object shaped like one) to an SVG string with the shared config. */
export async function svg(spec: object): Promise<string> {
  const s = spec as TopLevelSpec & { config?: object };
  return renderSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...s,
    config: { ...CHART_CONFIG, ...(s.config ?? {}) },
  } as TopLevelSpec);
}
