// The calibration loop: a profile's targets, the static conflict check, rounds of the optimiser over the
// knobs on short seeded simulations, then a check at full size on seeds the search never saw.
import { withoutCalibration } from "../pipeline/config/index.ts";
import { badInput } from "../pipeline/errors/index.ts";
import { resolveSimulatorConfig } from "../pipeline/simulator/index.ts";
import { loadProfile } from "../validation/index.ts";
import { type EvalSpec, evaluate, metricsOf, resolveCandidate } from "./evaluate.ts";
import {
  applyKnobs,
  defaultStep,
  fromSearch,
  type Knob,
  loadKnobs,
  project,
  readKnobs,
  toSearch,
} from "./knobs.ts";
import type { MetricValues } from "./metrics.ts";
import { initialState, type LmState, lmRound, misses } from "./optimiser.ts";
import { calibrationBlock } from "./record.ts";
import { type Conflict, staticConflicts } from "./static-conflicts.ts";
import { inside, type Target, targetsOf } from "./targets.ts";
import { dynamicConflicts } from "./tension.ts";

export const CALIBRATE_DEFAULTS = {
  rounds: 12,
  seed: 1000,
  evalSeeds: 2,
  /** Events a search simulation aims at: the population is scaled down to this (never up). */
  evalEvents: 12_000,
  /** Share of each range's width kept free on both sides by the search's aim. */
  margin: 0.2,
} as const;

export interface CalibrateOptions {
  /** Profile name (validation/profiles/<name>.json) or path. */
  profile: string;
  /** The base config as read from its file (a `calibration` block in it is ignored). */
  base: unknown;
  /** Where the base came from, for error messages. */
  baseSource?: string;
  knobs?: Knob[];
  rounds?: number;
  seed?: number;
  evalSeeds?: number;
  evalEvents?: number;
  /** Seeds of the final full-size check (default: the config's seed and the first seed after the search's). */
  checkSeeds?: number[];
  margin?: number;
}

/** Full-size checks at most: the first, then one after each correction of the search by a missed check. */
const CHECK_PASSES = 3;

export type CalibrationStatus = "reached" | "not_reached" | "infeasible";

export interface TargetRow {
  target: Target;
  value: number | null;
  ok: boolean;
}

export interface RoundReport {
  round: number;
  evaluations: number;
  elapsedS: number;
  /** Half the sum of squared residuals against the aims (0: every aim met). */
  cost: number;
  rows: TargetRow[];
}

export interface CheckRun {
  seed: number;
  rows: TargetRow[];
}

export interface CalibrationResult {
  status: CalibrationStatus;
  profile: string;
  targets: Target[];
  conflicts: Conflict[];
  rounds: RoundReport[];
  checks: CheckRun[];
  /** The calibrated config (every key explicit), without the calibration block. */
  config: Record<string, unknown>;
  /** What calibrate achieved, written into the config as `calibration`. */
  calibration: Record<string, unknown>;
  evaluations: number;
  elapsedS: number;
}

export interface CalibrateHooks {
  onRound?: (r: RoundReport) => void;
  onCheck?: (c: CheckRun) => void;
}

const rowsOf = (targets: readonly Target[], m: MetricValues): TargetRow[] =>
  targets.map((t) => ({ target: t, value: m[t.metric] ?? null, ok: inside(m[t.metric], t.range) }));

export function calibrate(o: CalibrateOptions, hooks: CalibrateHooks = {}): CalibrationResult {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const profile = loadProfile(o.profile);
  const margin = o.margin ?? CALIBRATE_DEFAULTS.margin;
  const targets = targetsOf(profile, margin);
  // A bad base is the caller's config error (ConfigError naming each key), not a failed candidate.
  const base = resolveSimulatorConfig(withoutCalibration(o.base), {}, o.baseSource ?? "(base config)");
  const knobs = o.knobs ?? loadKnobs();
  const seed = o.seed ?? CALIBRATE_DEFAULTS.seed;
  const k = o.evalSeeds ?? CALIBRATE_DEFAULTS.evalSeeds;
  const spec: EvalSpec = {
    seeds: Array.from({ length: k }, (_, i) => seed + i),
    scale: Math.min(1, (o.evalEvents ?? CALIBRATE_DEFAULTS.evalEvents) / (base.rate * base.duration_s)),
  };
  const checkSeeds = o.checkSeeds ?? [base.seed, seed + k];
  const configAt = (u: readonly number[]) =>
    applyKnobs(
      base,
      knobs,
      u.map((v, i) => fromSearch(knobs[i]!, v)),
    );

  const result = (
    status: CalibrationStatus,
    conflicts: Conflict[],
    rounds: RoundReport[],
    checks: CheckRun[],
    u: readonly number[] | null,
    evaluations: number,
    searchMetrics: MetricValues | null,
  ): CalibrationResult => {
    const config = u === null ? (base as unknown as Record<string, unknown>) : configAt(u);
    const calibration = calibrationBlock({
      profile: profile.name,
      status,
      targets,
      conflicts,
      rounds: rounds.length,
      evaluations,
      spec,
      checks,
      searchMetrics,
      knobValues:
        u === null
          ? null
          : Object.fromEntries(
              knobs.map((kn, i) => [`${kn.mode ?? "set"} ${kn.path}`, fromSearch(kn, u[i]!)]),
            ),
    });
    return {
      status,
      profile: profile.name,
      targets,
      conflicts,
      rounds,
      checks,
      config,
      calibration,
      evaluations,
      elapsedS: elapsed(),
    };
  };

  const fixed = staticConflicts(targets);
  if (fixed.length) return result("infeasible", fixed, [], [], null, 0, null);

  const seen = new Map<string, MetricValues>();
  // Full size minus search size, per target, learnt from a failed check: the small search simulations can
  // be biased against the full run for some metrics, so the search aims at corrected values next.
  const offsets = targets.map(() => 0);
  const corrected = (m: MetricValues): MetricValues =>
    Object.fromEntries(
      targets.map((t, i) => {
        const v = m[t.metric];
        return [t.metric, v === null || v === undefined ? null : v + offsets[i]!];
      }),
    );
  const scaled = (m: MetricValues) =>
    targets.map((t) => {
      const v = corrected(m)[t.metric];
      return v === null || v === undefined || !Number.isFinite(v) ? t.aim.min / t.scale - 2 : v / t.scale;
    });
  const aims = {
    low: targets.map((t) => t.aim.min / t.scale),
    high: targets.map((t) => t.aim.max / t.scale),
  };
  const f = (u: readonly number[]): number[] | null => {
    const e = evaluate(configAt(u), spec);
    if (!e.ok) return null;
    seen.set(u.join(","), e.metrics);
    return scaled(e.metrics);
  };
  const clamp = (u: readonly number[]) => project(knobs, u);
  const u0 = readKnobs(knobs, base).map((x, i) => toSearch(knobs[i]!, x));
  const baseSteps = knobs.map(defaultStep);
  const lm = { steps: baseSteps, project: clamp };
  let state: LmState = initialState(u0, f, lm, aims);
  const rounds: RoundReport[] = [];
  const metricsAt = (s: LmState) => corrected(seen.get(s.u.join(","))!);
  const maxRounds = o.rounds ?? CALIBRATE_DEFAULTS.rounds;
  hooks.onRound?.({
    round: 0,
    evaluations: state.evaluations,
    elapsedS: elapsed(),
    cost: state.cost,
    rows: rowsOf(targets, metricsAt(state)),
  });
  const checks: CheckRun[] = [];
  for (let pass = 1; ; pass++) {
    let stale = 0;
    while (rounds.length < maxRounds && state.cost > 0) {
      const before = state.cost;
      state = lmRound(state, f, lm, aims);
      const report: RoundReport = {
        round: rounds.length + 1,
        evaluations: state.evaluations,
        elapsedS: elapsed(),
        cost: state.cost,
        rows: rowsOf(targets, metricsAt(state)),
      };
      rounds.push(report);
      hooks.onRound?.(report);
      // Every range holds but some aims do not: go on while the search still gains, for margin on new seeds.
      stale = state.cost >= before ? stale + 1 : 0;
      if (report.rows.every((r) => r.ok) && stale >= 2) break;
      // A round that gained nothing measured slopes the seeds' noise swamped: probe wider next time.
      lm.steps = baseSteps.map((h) => h * Math.min(4, 2 ** stale));
    }
    const best = metricsAt(state);
    // --rounds 0 checks the base as it is.
    if (maxRounds > 0 && !targets.every((t) => inside(best[t.metric], t.range))) {
      // A search that still improved in its last rounds was stopped by --rounds, not by the targets.
      const recent = rounds.slice(-3).map((r) => r.cost);
      const stalled = recent.length >= 3 && recent[recent.length - 1]! > 0.98 * recent[0]!;
      const conflicts =
        stalled && state.jacobian
          ? dynamicConflicts(targets, {
              values: best,
              w: state.w,
              aims,
              jacobian: state.jacobian,
              u: state.u,
              project: clamp,
            })
          : [];
      const status = conflicts.length ? "infeasible" : "not_reached";
      return result(status, conflicts, rounds, checks, state.u, state.evaluations, best);
    }
    const config = configAt(state.u);
    const runs: CheckRun[] = checkSeeds.map((s) => {
      const r = resolveCandidate(config, { seed: s });
      if (!r.ok)
        throw badInput(
          `the calibrated config does not resolve (a knob bound lets it leave the schema): ${r.error}`,
        );
      const run = { seed: s, rows: rowsOf(targets, metricsOf(r.config).metrics) };
      hooks.onCheck?.(run);
      return run;
    });
    checks.splice(0, checks.length, ...runs);
    const held = runs.every((c) => c.rows.every((r) => r.ok));
    if (held || pass >= CHECK_PASSES || rounds.length >= maxRounds) {
      return result(held ? "reached" : "not_reached", [], rounds, checks, state.u, state.evaluations, best);
    }
    // The check missed: correct the search by what the full runs measured, and go on from the same point.
    targets.forEach((t, i) => {
      const full = runs.map((c) => c.rows[i]!.value).filter((v): v is number => v !== null);
      const small = best[t.metric];
      if (full.length && small !== null && small !== undefined) {
        offsets[i]! += full.reduce((a, v) => a + v, 0) / full.length - small;
      }
    });
    state = { ...state, w: scaled(seen.get(state.u.join(","))!) };
    state = { ...state, cost: 0.5 * misses(state.w, aims).reduce((a, v) => a + v * v, 0) };
  }
}
