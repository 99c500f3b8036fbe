// Shapes of what the dataset builder returns and writes.
import type { EventType } from "../pipeline/model/index.ts";
import type { ColumnRole, LabelName, ReadToken, VariantName } from "./columns.ts";
import type { SplitMethod } from "./options.ts";

export type SplitName = "train" | "test";

export interface LabelBalance {
  positives: number;
  negatives: number;
  /** positives / (positives + negatives), rounded to 6 decimals; 0 for an empty split. */
  rate: number;
}

export interface SplitStats {
  rows: number;
  users: number;
  is_converted: LabelBalance;
  abandoned: LabelBalance;
}

export interface ManifestColumn {
  name: string;
  /** DuckDB type, e.g. VARCHAR, INTEGER, DOUBLE, DECIMAL(10,2), TIMESTAMP, BOOLEAN. */
  type: string;
  role: ColumnRole;
  meaning: string;
  /** What the value is computed from (ReadToken in features/columns.ts); null when not declared. */
  reads: ReadToken[] | null;
}

export interface VariantManifest {
  description: string;
  files: Record<SplitName, string>;
  splits: Record<SplitName, SplitStats>;
  columns: ManifestColumn[];
  /** Default feature list: the columns with role "feature" (none reads checkout_initiated or purchase). */
  features: string[];
  labels: string[];
  /** Per label, the features that read none of the session events defining it (featuresFor). */
  features_by_label: Record<LabelName, string[]>;
}

export interface FileEntry {
  /** Path relative to the dataset directory. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface CheckResult {
  name: string;
  severity: "error" | "warn";
  /** Rows that fail the check (0 = pass). */
  failing: number;
}

export interface DatasetManifest {
  format: "cartstream-dataset/1";
  name: string;
  description: string;
  /** The manifest holds no wall-clock time: same input + options = same manifest. Timings are in DatasetResult. */
  deterministic: true;
  seed: number | string;
  split: {
    method: SplitMethod;
    test_fraction: number;
    stratified_by: "is_converted" | null;
    /** time split only: sessions with start_time >= this (UTC ISO) are test. */
    time_cutoff: string | null;
    users_in_both: number;
  };
  point_in_time: {
    timeout_ms: number;
    rule: string;
  };
  command: string | null;
  config: unknown;
  duckdb_version: string;
  source: {
    sessions_rows: number;
    events_rows: number;
    /** Deduplicated events attached to a snapshotted session segment. */
    events_attached: number;
    users: number;
    first_start_time: string | null;
    last_start_time: string | null;
  };
  /** Each label and the event types of the session that define it. */
  label_definitions: Record<LabelName, { events: EventType[]; meaning: string }>;
  /** The rule every feature list follows. */
  feature_rule: string;
  variants: Record<VariantName, VariantManifest>;
  sql_steps: { file: string; sha256: string }[];
  checks: CheckResult[];
  /** Every file written except manifest.json itself (DATASET.md included). */
  files: FileEntry[];
}

export interface StepTiming {
  step: string;
  /** Wall-clock milliseconds. */
  ms: number;
  /** CPU milliseconds of this process (all DuckDB threads): steadier than wall time on a shared machine. */
  cpuMs: number;
}

export interface DatasetResult {
  name: string;
  outDir: string;
  /** Absolute or caller-relative paths of everything written. */
  paths: {
    train: string;
    test: string;
    trainPredictionPoint: string;
    testPredictionPoint: string;
    sessions: string;
    events: string;
    manifest: string;
    dataCard: string;
  };
  rows: {
    sessions: number;
    events: number;
    train: number;
    test: number;
    trainPredictionPoint: number;
    testPredictionPoint: number;
  };
  timings: StepTiming[];
  totalMs: number;
  manifest: DatasetManifest;
}
