// The tables calibrate prints: target vs achieved per metric, after each round and for the final check.
import { fmtRange, fmtValue, type Range } from "../validation/index.ts";
import type { CalibrationResult, CheckRun, RoundReport, TargetRow } from "./calibrate.ts";

/** A range for fmtRange: an open side (infinite) is null there. */
export const openRange = (r: Range) => ({
  min: Number.isFinite(r.min) ? r.min : null,
  max: Number.isFinite(r.max) ? r.max : null,
});

function table(rows: TargetRow[], valueHeader: string): string[] {
  const cells = rows.map((r) => [
    r.target.metric,
    fmtRange(openRange(r.target.range), r.target.unit) + (r.target.intended ? " (intended)" : ""),
    fmtValue(r.value, r.target.unit),
    r.ok ? "ok" : "MISS",
  ]);
  const head = ["metric", "target", valueHeader, ""];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === 2 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), ...cells.map(line)];
}

export function formatRound(r: RoundReport): string {
  const held = r.rows.filter((x) => x.ok).length;
  return [
    `${r.round === 0 ? "start" : `round ${r.round}`}: ${held}/${r.rows.length} targets hold on the search seeds; miss ${r.cost.toFixed(4)}; ${r.evaluations} evaluations, ${r.elapsedS.toFixed(1)} s`,
    ...table(r.rows, "achieved").map((l) => `  ${l}`),
  ].join("\n");
}

export function formatCheck(c: CheckRun): string {
  const held = c.rows.filter((x) => x.ok).length;
  return [
    `check, seed ${c.seed} (full size): ${held}/${c.rows.length} targets hold`,
    ...table(c.rows, "achieved").map((l) => `  ${l}`),
  ].join("\n");
}

const VERDICTS = {
  reached: "REACHED: every target holds on the check seeds",
  not_reached: "NOT REACHED",
  infeasible: "INFEASIBLE",
} as const;

/** The closing lines: the verdict, the conflicting targets when there are any, where the config went. */
export function formatOutcome(r: CalibrationResult, out: string | null): string {
  const lines = [
    `calibrate ${r.profile}: ${VERDICTS[r.status]} (${r.rounds.length} rounds, ${r.evaluations} evaluations, ${r.elapsedS.toFixed(1)} s)`,
  ];
  if (r.status === "not_reached" && r.conflicts.length === 0 && r.checks.length > 0) {
    for (const c of r.checks) {
      const missed = c.rows.filter((x) => !x.ok);
      if (missed.length)
        lines.push(
          `  seed ${c.seed}: ${missed.map((x) => `${x.target.metric} ${fmtValue(x.value, x.target.unit)} outside ${fmtRange(openRange(x.target.range), x.target.unit)}`).join("; ")}`,
        );
    }
  }
  const costs = r.rounds.map((x) => x.cost);
  if (r.status === "not_reached" && r.checks.length === 0 && costs.length) {
    const recent = costs.slice(-3);
    lines.push(
      recent.length >= 3 && recent[recent.length - 1]! > 0.98 * recent[0]!
        ? "  the search stalled, but the knobs' measured response says the targets can hold together nearby: try other --seed or more --eval-seeds"
        : `  the search was still improving (miss ${recent[0]!.toFixed(3)} -> ${recent[recent.length - 1]!.toFixed(3)} over its last rounds): run more --rounds`,
    );
  }
  if (r.conflicts.length) {
    const kind = r.conflicts.some((c) => c.kind === "static")
      ? "the profile's ranges contradict each other (no config can meet them)"
      : "at the search's best point these targets pull against each other";
    lines.push(`  conflicting targets: ${kind}:`);
    for (const c of r.conflicts) lines.push(`  - [${c.metrics.join(", ")}] ${c.message}`);
  }
  if (out) lines.push(`  config written to ${out} (its "calibration" block records what was achieved)`);
  return lines.join("\n");
}
