// The baseline report's charts as Vega-Lite specs (ROC curves, calibration curves, permutation importances),
// rendered to SVG strings in Node like the validation report's, so report.html needs nothing from the network.
// baseline/ cannot import validation/report (validation imports baseline for its leakage check), hence its own
// small renderer.
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { LabelResult } from "../types.ts";
import { MODEL_LABELS } from "./format.ts";

const CONFIG = {
  font: "sans-serif",
  background: "white",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { orient: "bottom" as const, labelFontSize: 11, labelLimit: 220, title: null },
  title: { fontSize: 13, subtitleFontSize: 11, subtitleColor: "#555", anchor: "start" as const },
};
const COLORS = { domain: Object.values(MODEL_LABELS), range: ["#4c78a8", "#f58518"] };
const SIZE = 260;

export interface Chart {
  id: string;
  title: string;
  spec: TopLevelSpec;
}

const diagonal = {
  data: { values: [{ a: 0 }, { a: 1 }] },
  mark: { type: "line" as const, strokeDash: [4, 3], color: "#999" },
  encoding: {
    x: { field: "a", type: "quantitative" as const },
    y: { field: "a", type: "quantitative" as const },
  },
};

function rocChart(r: LabelResult): Chart {
  const values = r.models.flatMap((m) =>
    m.test.roc.map((p) => ({ model: MODEL_LABELS[m.model], fpr: p.fpr, tpr: p.tpr })),
  );
  const title = `ROC: ${r.label} (${r.variant})`;
  return {
    id: `roc-${r.variant}-${r.label}`,
    title,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: {
        text: title,
        subtitle: r.models.map((m) => `${MODEL_LABELS[m.model]} AUC ${m.test.rocAuc.toFixed(3)}`).join(", "),
      },
      width: SIZE,
      height: SIZE,
      layer: [
        diagonal,
        {
          data: { values },
          mark: { type: "line", interpolate: "step-after" },
          encoding: {
            x: {
              field: "fpr",
              type: "quantitative",
              title: "false positive rate",
              scale: { domain: [0, 1] },
            },
            y: { field: "tpr", type: "quantitative", title: "true positive rate", scale: { domain: [0, 1] } },
            color: { field: "model", type: "nominal", scale: COLORS },
          },
        },
      ],
      config: CONFIG,
    },
  };
}

function calibrationChart(r: LabelResult): Chart {
  const values = r.models.flatMap((m) =>
    m.test.calibration
      .filter((b) => b.rows > 0)
      .map((b) => ({
        model: MODEL_LABELS[m.model],
        predicted: b.meanPredicted,
        observed: b.observedRate,
        rows: b.rows,
      })),
  );
  const title = `Calibration: ${r.label} (${r.variant})`;
  return {
    id: `calibration-${r.variant}-${r.label}`,
    title,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: { text: title, subtitle: "observed rate per 0.1 bin of predicted probability" },
      width: SIZE,
      height: SIZE,
      layer: [
        diagonal,
        {
          data: { values },
          mark: { type: "line", point: true },
          encoding: {
            x: {
              field: "predicted",
              type: "quantitative",
              title: "mean predicted probability",
              scale: { domain: [0, 1] },
            },
            y: { field: "observed", type: "quantitative", title: "observed rate", scale: { domain: [0, 1] } },
            color: { field: "model", type: "nominal", scale: COLORS },
          },
        },
      ],
      config: CONFIG,
    },
  };
}

function importanceChart(r: LabelResult): Chart {
  const values = r.models.flatMap((m) =>
    m.permutationImportance.map((i) => ({
      model: MODEL_LABELS[m.model],
      feature: i.feature,
      drop: i.aucDrop,
    })),
  );
  const title = `Permutation importance: ${r.label} (${r.variant})`;
  return {
    id: `importance-${r.variant}-${r.label}`,
    title,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: { text: title, subtitle: "test ROC AUC lost when the feature is shuffled" },
      width: SIZE,
      height: { step: 9 },
      data: { values },
      mark: { type: "bar" },
      encoding: {
        y: { field: "feature", type: "nominal", sort: "-x", title: null },
        yOffset: { field: "model", type: "nominal" },
        x: { field: "drop", type: "quantitative", title: "AUC drop" },
        color: { field: "model", type: "nominal", scale: COLORS },
      },
      config: CONFIG,
    },
  };
}

export function baselineCharts(results: readonly LabelResult[]): Chart[] {
  return results.flatMap((r) => [rocChart(r), calibrationChart(r), importanceChart(r)]);
}

/** Renders a Vega-Lite spec to an SVG string without a browser or canvas. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
