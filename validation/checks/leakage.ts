// Leakage and learnability of the training files, from the baseline models (baseline/): a label that a
// single feature (univariate) or the model over all features (multivariate) reproduces at test ROC AUC >=
// the profile's leak_auc is derivable from the features (an error naming the features that carry it:
// single-column AUCs, drop-column importance); a baseline AUC outside the profile's learnability band is a
// warning. Funnel strata: when every positive needs a funnel step that few sessions take (a cart, for both
// labels), that step alone ranks the label almost perfectly; the AUC must then reach leak_auc among the
// stratum's rows too, so the structure of the funnel is not reported as a leak while a crafted one still is.
import {
  type BaselineOptions,
  currentBaseline,
  DEFAULT_BASELINE_OPTIONS,
  hasTrainingFiles,
  type LabelResult,
  type ModelResult,
} from "../../baseline/index.ts";
import type { ParsedProfile } from "../options.ts";
import type { CheckResult } from "../types.ts";
import { makeCheck } from "./result.ts";

const f3 = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? "-" : v.toFixed(3);
const MODEL: Record<ModelResult["model"], string> = {
  logistic_regression: "logistic regression",
  gradient_boosting: "gradient-boosted trees",
};

/** The baseline options a profile asks for (the defaults of `cartstream baseline` when it says nothing). */
export function baselineOptionsFor(profile: ParsedProfile): Partial<BaselineOptions> {
  const l = profile.learnability;
  if (!l) return {};
  return {
    leak: {
      ...DEFAULT_BASELINE_OPTIONS.leak,
      auc: l.leak_auc,
      strata: l.funnel
        ? l.funnel.map(({ source: _source, ...s }) => s)
        : DEFAULT_BASELINE_OPTIONS.leak.strata,
    },
  };
}

function modelFigures(m: ModelResult) {
  return {
    model: m.model,
    trainRows: m.fit.trainRows,
    rocAuc: m.test.rocAuc,
    prAuc: m.test.prAuc,
    logLoss: m.test.logLoss,
    brier: m.test.brier,
    f1: m.test.f1,
    calibration: m.test.calibration,
    stratum: m.stratum,
    derivable: m.derivable,
    permutationImportance: m.permutationImportance,
    dropColumnImportance: m.dropColumnImportance,
  };
}

function within(m: ModelResult): string {
  const s = m.stratum;
  return s ? ` (${f3(s.rocAuc)} among the ${s.rows} test rows with ${s.column} > ${s.above})` : "";
}

function univariateCheck(r: LabelResult, threshold: number): CheckResult {
  const bad = r.univariate.filter((u) => u.derivable);
  const top = r.univariate[0];
  const where = `${r.variant} ${r.label}`;
  return makeCheck({
    id: `learnability.univariate.${r.variant}.${r.label}`,
    kind: "learnability",
    title: `no single feature gives away ${r.label} (${r.variant})`,
    severity: "error",
    status: bad.length === 0 ? "pass" : "fail",
    value: top?.rocAuc ?? null,
    message:
      bad.length === 0
        ? `${where}: no single feature reaches test ROC AUC ${threshold} (highest: ${top ? `${top.feature} ${f3(top.rocAuc)}` : "none"})`
        : `${where}: the label is derivable from a single feature: ${bad
            .map(
              (u) =>
                `${u.feature} alone has test ROC AUC ${f3(u.rocAuc)}${u.stratumAuc !== null ? ` (${f3(u.stratumAuc)} inside the funnel stratum)` : ""}`,
            )
            .join(
              "; ",
            )}; a feature must not be the label or derive from the events that define it (${r.test.file})`,
    details: { univariate: r.univariate.slice(0, 10) },
  });
}

function multivariateCheck(r: LabelResult, threshold: number, reused: boolean): CheckResult {
  const bad = r.models.filter((m) => m.derivable);
  const best = [...r.models].sort((a, b) => b.test.rocAuc - a.test.rocAuc)[0]!;
  const where = `${r.variant} ${r.label}`;
  const carriers = (m: ModelResult) =>
    (m.dropColumnImportance ?? [])
      .filter((i) => i.aucDrop > 0.005)
      .slice(0, 5)
      .map((i) => `${i.feature} (AUC ${f3(i.aucWithout)} without it)`);
  const strata = r.models
    .filter((m) => m.stratum && m.test.rocAuc >= threshold)
    .map(
      (m) =>
        `; ${MODEL[m.model]} ${f3(m.test.rocAuc)} overall is the funnel's structure: ${m.stratum!.column} > ${m.stratum!.above} alone reaches ${f3(m.stratum!.indicatorAuc)}, and inside it the model reaches ${f3(m.stratum!.rocAuc)}`,
    )
    .join("");
  return makeCheck({
    id: `learnability.multivariate.${r.variant}.${r.label}`,
    kind: "learnability",
    title: `the features together do not give away ${r.label} (${r.variant})`,
    severity: "error",
    status: bad.length === 0 ? "pass" : "fail",
    value: best.test.rocAuc,
    message:
      bad.length === 0
        ? `${where}: no baseline model reaches test ROC AUC ${threshold}: ${r.models.map((m) => `${MODEL[m.model]} ${f3(m.test.rocAuc)}${within(m)}`).join(", ")}${strata}`
        : `${where}: the label is derivable from the features: ${bad
            .map((m) => {
              const names = carriers(m);
              const perm = m.permutationImportance
                .slice(0, 3)
                .map((i) => `${i.feature} ${f3(i.aucDrop)}`)
                .join(", ");
              return `${MODEL[m.model]} test ROC AUC ${f3(m.test.rocAuc)}${within(m)}; drop-column importance: ${names.length > 0 ? names.join(", ") : `no single feature carries it alone (redundant features do; permutation importance, AUC lost: ${perm})`}`;
            })
            .join("; ")}`,
    details: {
      trainRows: r.train.rows,
      testRows: r.test.rows,
      testPositives: r.test.positives,
      reusedReport: reused,
      models: r.models.map(modelFigures),
    },
  });
}

function bandChecks(r: LabelResult, profile: ParsedProfile): CheckResult[] {
  const l = profile.learnability;
  if (!l) return [];
  return l.bands
    .filter((b) => b.variant === r.variant && b.label === r.label)
    .flatMap((b) => {
      const m = r.models.find((x) => x.model === b.model);
      if (!m) return [];
      const auc = m.test.rocAuc;
      const inside = auc >= b.min && auc <= b.max;
      return [
        makeCheck({
          id: `learnability.band.${r.variant}.${r.label}.${b.model}`,
          kind: "learnability",
          title: `${MODEL[b.model]} AUC for ${r.label} (${r.variant}) in the believable band`,
          severity: l.severity ?? "warning",
          status: inside ? "pass" : "fail",
          value: auc,
          range: { min: b.min, max: b.max },
          source: b.source,
          message: `${r.variant} ${r.label}: ${MODEL[b.model]} test ROC AUC ${f3(auc)} is ${inside ? "inside" : auc < b.min ? "below" : "above"} the ${profile.name} learnability band ${b.min}-${b.max}${inside ? "" : auc < b.min ? ": the label is hardly learnable from the features" : ": the classes are more separable than real shoppers'"}`,
          details: { model: modelFigures(m) },
        }),
      ];
    });
}

/** The learnability checks of a dataset folder; none when its manifest lists no training files. */
export async function leakageChecks(dir: string, profile: ParsedProfile): Promise<CheckResult[]> {
  if (!hasTrainingFiles(dir)) return [];
  const options = baselineOptionsFor(profile);
  let baseline: Awaited<ReturnType<typeof currentBaseline>>;
  try {
    baseline = await currentBaseline(dir, options);
  } catch (err) {
    // A baseline that cannot run fails the gate: the files people train on were not checked.
    return [
      makeCheck({
        id: "learnability.baseline",
        kind: "learnability",
        title: "baseline models on the training files",
        severity: "error",
        status: "fail",
        message: `baseline models on the training files could not run: ${(err as Error).message}`,
        details: { error: (err as Error).message },
      }),
    ];
  }
  const threshold = baseline.report.options.leak.auc;
  return baseline.report.results.flatMap((r) => [
    univariateCheck(r, threshold),
    multivariateCheck(r, threshold, baseline.reused),
    ...bandChecks(r, profile),
  ]);
}
