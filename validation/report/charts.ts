// The report's charts: Vega-Lite specs built from the dataset facts, rendered to SVG strings in Node (vega View
// with renderer "none" -> toSVG), so report.html carries them inline and needs nothing from the network.
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { DEVICE_TYPES, EVENT_TYPES } from "../../pipeline/events/index.ts";
import type { ValidationResult } from "../types.ts";

const WIDTH = 520;
const OK = "#2e7d32";
const BAD = "#c62828";
const BAR = "#4c78a8";
const RANGE = "#222222";

/** Shared look: system sans-serif (no web fonts), white background. */
const CONFIG = {
  font: "sans-serif",
  background: "white",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: "#555", anchor: "start" as const, offset: 10 },
};

export interface Chart {
  id: string;
  title: string;
  spec: TopLevelSpec;
}

function funnelChart(r: ValidationResult): Chart {
  const counts = r.facts!.eventCounts;
  const steps = ["product_view", "add_to_cart", "checkout_initiated", "purchase"];
  const values = steps.map((step, i) => {
    const n = counts[step] ?? 0;
    const prev = i === 0 ? null : (counts[steps[i - 1]!] ?? 0);
    return {
      step,
      count: n,
      label: `${n.toLocaleString("en-US")}${prev ? ` (${((100 * n) / prev).toFixed(1)}% of ${steps[i - 1]})` : ""}`,
    };
  });
  return {
    id: "funnel",
    title: "Funnel (event level)",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: { text: "Funnel (event level)", subtitle: "events per step and the ratio to the previous step" },
      width: WIDTH - 220,
      height: 160,
      data: { values },
      encoding: {
        y: { field: "step", type: "nominal", sort: steps, title: null },
        x: { field: "count", type: "quantitative", title: "events" },
      },
      layer: [
        { mark: { type: "bar", color: BAR } },
        {
          mark: { type: "text", align: "left", dx: 4, fontSize: 11 },
          encoding: { text: { field: "label" } },
        },
      ],
      config: CONFIG,
    },
  };
}

/** The share printed as a percentage at height `y`. */
function shareLabel(y: string, mark: Record<string, string | number>) {
  return {
    mark: { type: "text" as const, fontSize: 10, ...mark },
    encoding: {
      y: { field: y, type: "quantitative" as const },
      text: { field: "share", type: "quantitative" as const, format: ".1%" },
    },
  };
}

/** A range drawn on a bar chart: a rule from min to max with a tick at each end. */
function rangeLayers() {
  const tick = (field: string) => ({
    mark: { type: "tick" as const, color: RANGE, thickness: 2, size: 18 },
    encoding: { y: { field, type: "quantitative" as const } },
  });
  return [
    {
      mark: { type: "rule" as const, color: RANGE, strokeWidth: 2 },
      encoding: { y: { field: "min", type: "quantitative" as const }, y2: { field: "max" } },
    },
    tick("min"),
    tick("max"),
  ];
}

function eventMixChart(r: ValidationResult): Chart {
  const f = r.facts!;
  const values = EVENT_TYPES.map((t) => {
    const share = f.events > 0 ? (f.eventCounts[t] ?? 0) / f.events : 0;
    const range = f.eventShareRanges[t];
    return {
      type: t,
      share,
      min: range?.min ?? null,
      max: range?.max ?? null,
      status: range
        ? share >= range.min && share <= range.max
          ? "inside range"
          : "outside range"
        : "no range",
    };
  });
  const hasRanges = values.some((v) => v.min !== null);
  const statuses = [
    { name: "inside range", color: OK },
    { name: "outside range", color: BAD },
    { name: "no range", color: BAR },
  ].filter((x) => values.some((v) => v.status === x.name));
  return {
    id: "event-mix",
    title: "Event mix against its ranges",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: {
        text: "Event mix: share of events",
        subtitle: hasRanges
          ? `bars: observed share; black rule with ticks: the ${r.profile?.name ?? ""} range`
          : `bars: observed share (profile ${r.profile?.name ?? ""} has no event-share ranges)`,
      },
      width: WIDTH,
      height: 220,
      data: { values },
      encoding: { x: { field: "type", type: "nominal", sort: null, title: null, axis: { labelAngle: -30 } } },
      layer: [
        {
          mark: { type: "bar", opacity: 0.85 },
          encoding: {
            y: { field: "share", type: "quantitative", title: "share of events", axis: { format: ".0%" } },
            color: {
              field: "status",
              type: "nominal",
              scale: { domain: statuses.map((x) => x.name), range: statuses.map((x) => x.color) },
              legend: { title: null, orient: "top" },
            },
          },
        },
        ...rangeLayers(),
        // Labels sit inside the bars, clear of the range ticks above them.
        {
          transform: [{ calculate: "datum.share / 2", as: "mid" }],
          ...shareLabel("mid", { color: "white", fontWeight: "bold" }),
        },
      ],
      config: CONFIG,
    },
  };
}

function deviceChart(r: ValidationResult): Chart {
  const f = r.facts!;
  const mobileRange = r.checks.find((c) => c.id === "benchmark.mobile_share")?.range ?? null;
  const values = DEVICE_TYPES.map((d) => ({
    device: d,
    share: f.sessions > 0 ? (f.deviceCounts[d] ?? 0) / f.sessions : 0,
    configured: f.configuredDeviceShares?.[d] ?? null,
    min: d === "mobile" ? (mobileRange?.min ?? null) : null,
    max: d === "mobile" ? (mobileRange?.max ?? null) : null,
  }));
  return {
    id: "devices",
    title: "Device shares",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: {
        text: "Devices: share of sessions",
        subtitle: mobileRange
          ? "orange tick: configured share; black rule with ticks: the profile's mobile range"
          : "orange tick: configured share",
      },
      width: WIDTH - 160,
      height: 180,
      data: { values },
      encoding: { x: { field: "device", type: "nominal", sort: null, title: null, axis: { labelAngle: 0 } } },
      layer: [
        {
          mark: { type: "bar", color: BAR },
          encoding: {
            y: { field: "share", type: "quantitative", title: "share of sessions", axis: { format: ".0%" } },
          },
        },
        {
          mark: { type: "tick", color: "#f58518", thickness: 3, size: 50 },
          encoding: { y: { field: "configured", type: "quantitative" } },
        },
        ...rangeLayers(),
        shareLabel("share", { dy: -6 }),
      ],
      config: CONFIG,
    },
  };
}

function personaChart(r: ValidationResult): Chart {
  const f = r.facts!;
  const values = f.personas.map((p) => ({
    persona: p.persona,
    share: f.sessions > 0 ? p.sessions / f.sessions : 0,
    conversion: p.sessions > 0 ? p.converted / p.sessions : 0,
  }));
  // Horizontal bars: persona names are long for a category axis.
  const bar = (field: string, title: string) => ({
    width: (WIDTH - 180) / 2,
    height: 110,
    title,
    layer: [
      {
        mark: { type: "bar" as const, color: BAR },
        encoding: {
          y: { field: "persona", type: "nominal" as const, title: null, sort: null },
          x: { field, type: "quantitative" as const, title: null, axis: { format: ".0%" } },
        },
      },
      {
        mark: { type: "text" as const, align: "left" as const, dx: 3, fontSize: 10 },
        encoding: {
          y: { field: "persona", type: "nominal" as const, sort: null },
          x: { field, type: "quantitative" as const },
          text: { field, type: "quantitative" as const, format: ".1%" },
        },
      },
    ],
  });
  return {
    id: "personas",
    title: "Personas",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      data: { values },
      hconcat: [
        bar("share", "Persona share of sessions"),
        bar("conversion", "Session conversion per persona"),
      ],
      config: CONFIG,
    },
  };
}

function durationChart(r: ValidationResult): Chart {
  const f = r.facts!;
  const median = r.metrics.median_session_duration_s?.value ?? null;
  const mean = r.metrics.avg_session_duration_min?.value;
  const marks = [
    ...(median !== null ? [{ label: `median ${median.toFixed(0)} s`, at: median, color: BAD }] : []),
    ...(mean !== null && mean !== undefined
      ? [{ label: `mean ${(mean * 60).toFixed(0)} s`, at: mean * 60, color: "#f58518" }]
      : []),
  ];
  return {
    id: "duration",
    title: "Session duration",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: `Session duration histogram (${f.durationHistogram[0] ? f.durationHistogram[0].end - f.durationHistogram[0].start : 30} s bins)`,
      width: WIDTH,
      height: 200,
      layer: [
        {
          data: { values: f.durationHistogram },
          mark: { type: "bar", color: BAR, binSpacing: 1 },
          encoding: {
            x: { field: "start", type: "quantitative", bin: "binned", title: "session_duration_seconds" },
            x2: { field: "end" },
            y: { field: "count", type: "quantitative", title: "sessions" },
          },
        },
        {
          data: { values: marks },
          mark: { type: "rule", strokeWidth: 2, strokeDash: [4, 3] },
          encoding: {
            x: { field: "at", type: "quantitative" },
            color: {
              field: "label",
              type: "nominal",
              scale: { domain: marks.map((m) => m.label), range: marks.map((m) => m.color) },
              legend: { title: null, orient: "top" },
            },
          },
        },
      ],
      config: CONFIG,
    },
  };
}

/** The chart specs of a result (none when the validation did not run). */
export function chartSpecs(result: ValidationResult): Chart[] {
  if (!result.facts) return [];
  return [
    funnelChart(result),
    eventMixChart(result),
    deviceChart(result),
    personaChart(result),
    durationChart(result),
  ];
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
