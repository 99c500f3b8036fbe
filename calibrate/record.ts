// The calibration block written into a calibrated config: what the run aimed at and what it achieved.
import type { CalibrationStatus, CheckRun } from "./calibrate.ts";
import type { EvalSpec } from "./evaluate.ts";
import type { MetricValues } from "./metrics.ts";
import type { Conflict } from "./static-conflicts.ts";
import { inside, type Target } from "./targets.ts";

export interface BlockInput {
  profile: string;
  status: CalibrationStatus;
  targets: Target[];
  conflicts: Conflict[];
  rounds: number;
  evaluations: number;
  spec: EvalSpec;
  checks: CheckRun[];
  searchMetrics: MetricValues | null;
  knobValues: Record<string, number> | null;
}

export function calibrationBlock(b: BlockInput): Record<string, unknown> {
  return {
    note: "written by cartstream calibrate; the simulator ignores this block",
    profile: b.profile,
    status: b.status,
    rounds: b.rounds,
    evaluations: b.evaluations,
    search: { seeds: b.spec.seeds, population_scale: Number(b.spec.scale.toPrecision(4)) },
    check_seeds: b.checks.map((c) => c.seed),
    achieved: Object.fromEntries(
      b.targets.map((t) => [
        t.metric,
        {
          range: [t.range.min, t.range.max],
          ...(t.intended ? { benchmark: [t.benchmark.min, t.benchmark.max] } : {}),
          search: b.searchMetrics?.[t.metric] ?? null,
          check: b.checks.map((c) => c.rows.find((r) => r.target.metric === t.metric)?.value ?? null),
          holds:
            b.checks.length > 0
              ? b.checks.every((c) => c.rows.find((r) => r.target.metric === t.metric)?.ok)
              : inside(b.searchMetrics?.[t.metric], t.range),
        },
      ]),
    ),
    conflicts: b.conflicts.map((c) => ({ kind: c.kind, metrics: c.metrics, message: c.message })),
    knobs: b.knobValues,
  };
}
