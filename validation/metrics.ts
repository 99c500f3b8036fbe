// Computes every metric of metric-definitions.ts with DuckDB over tables `sessions` and `events`.
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdent } from "../pipeline/duckdb/index.ts";
import { METRICS, type RatioMetric, SCALAR_QUERIES } from "./metric-definitions.ts";
import { createPerUserCounts } from "./per-user-counts.ts";
import { num, queryOne, type Row, sqlFile } from "./sql.ts";
import { type ClusterSums, ratioEstimate } from "./stats.ts";
import type { ConfidenceInterval, MetricResult } from "./types.ts";

/** Cluster (per-user) sums of one ratio metric: Σy, Σx, clusters, Σy², Σxy, Σx². */
export function ratioSumsSql(m: RatioMetric): string {
  const y = m.numerator.map(quoteIdent).join(" + ");
  const x = m.denominator.map(quoteIdent).join(" + ");
  return `SELECT sum(y) AS y, sum(x) AS x, count(*) FILTER (WHERE x > 0) AS clusters,
  sum(y * y) AS yy, sum(x * y) AS xy, sum(x * x) AS xx
FROM (SELECT CAST(${y} AS DOUBLE) AS y, CAST(${x} AS DOUBLE) AS x FROM ${quoteIdent(m.table)})`;
}

export interface ComputedMetrics {
  metrics: Record<string, MetricResult>;
  /** Cluster sums of every ratio metric (design effects for the chi-square tests). */
  sums: Record<string, ClusterSums>;
  /** Design effect of every ratio metric (1 when undefined). */
  designEffects: Record<string, number>;
}

export async function computeMetrics(con: DuckDBConnection): Promise<ComputedMetrics> {
  await createPerUserCounts(con);
  const rows: Partial<Record<(typeof SCALAR_QUERIES)[number], Row>> = {};
  for (const q of SCALAR_QUERIES) rows[q] = await queryOne(con, sqlFile(q));
  const metrics: Record<string, MetricResult> = {};
  const sums: Record<string, ClusterSums> = {};
  const designEffects: Record<string, number> = {};
  for (const m of METRICS) {
    if (m.kind === "scalar") {
      metrics[m.name] = {
        name: m.name,
        label: m.label,
        unit: m.unit,
        value: num(rows[m.query]![m.column]),
        ci: null,
      };
      continue;
    }
    const row = await queryOne(con, ratioSumsSql(m));
    const s: ClusterSums = {
      y: num(row.y) ?? 0,
      x: num(row.x) ?? 0,
      clusters: num(row.clusters) ?? 0,
      yy: num(row.yy) ?? 0,
      xy: num(row.xy) ?? 0,
      xx: num(row.xx) ?? 0,
    };
    sums[m.name] = s;
    const est = ratioEstimate(s);
    designEffects[m.name] = est.designEffect;
    const ci: ConfidenceInterval | null =
      m.proportion && est.ci
        ? {
            level: 0.95,
            method: "wilson",
            low: est.ci.low,
            high: est.ci.high,
            n: est.n,
            designEffect: est.designEffect,
            nEffective: est.nEffective,
          }
        : null;
    metrics[m.name] = { name: m.name, label: m.label, unit: m.unit, value: est.value, ci };
  }
  return { metrics, sums, designEffects };
}
