// What a baseline run returns and writes as baseline/report.json.
import type { VariantName } from "../features/index.ts";
import type { Importance } from "./importance.ts";
import type { Scores } from "./metrics.ts";
import type { FitSummary } from "./model.ts";
import type { BaselineLabel, BaselineOptions, ModelKind } from "./options.ts";

export interface StratumScores {
  /** The stratum is the test rows with column > above. */
  column: string;
  above: number;
  rows: number;
  positives: number;
  /** Positives of the label outside the stratum (0 when the funnel requires the step). */
  positivesOutside: number;
  /** ROC AUC of the 0/1 stratum indicator alone: the single-indicator funnel bound. */
  indicatorAuc: number;
  /** The model's ROC AUC among the stratum's rows (NaN -> null when one class is missing there). */
  rocAuc: number | null;
}

export interface ModelResult {
  model: ModelKind;
  fit: FitSummary;
  test: Scores;
  stratum: StratumScores | null;
  /** The leak rule: test AUC >= leak.auc, and inside the funnel stratum too when one is configured. */
  derivable: boolean;
  permutationImportance: Importance[];
  /** Only for a derivable model: which features carry the label. */
  dropColumnImportance: Importance[] | null;
}

export interface UnivariateResult {
  feature: string;
  /** Oriented (>= 0.5) test ROC AUC of the feature alone (categories scored by their train positive rate). */
  rocAuc: number;
  /** The same inside the funnel stratum, for a feature at or above leak.auc overall. */
  stratumAuc: number | null;
  derivable: boolean;
}

export interface LabelResult {
  variant: VariantName;
  label: BaselineLabel;
  train: { file: string; rows: number; positives: number };
  test: { file: string; rows: number; positives: number };
  features: string[];
  models: ModelResult[];
  univariate: UnivariateResult[];
}

export interface BaselineInput {
  file: string;
  sha256: string;
}

export interface BaselineReport {
  format: "cartstream-baseline/1";
  dataset: string;
  seed: number;
  options: BaselineOptions;
  /** The files the figures come from (a report is reused only while these hashes still match). */
  inputs: BaselineInput[];
  results: LabelResult[];
  generatedAt: string;
  durationMs: number;
}
