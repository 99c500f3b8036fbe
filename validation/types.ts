// Result types of a validation run. report.json is a ValidationResult as JSON.

export const CHECK_KINDS = [
  "benchmark",
  "realism",
  "quality",
  "distribution",
  "training",
  "learnability",
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** What a failure of the check means: error fails the run, warning passes it (unless --strict). */
export const SEVERITIES = ["error", "warning"] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * pass: inside the range / rule holds. intended: outside the benchmark range but inside the profile's
 * documented intended range (a pass, labelled). fail: the rule is broken. skipped: the check applies but could
 * not be evaluated (its input is missing); it counts as a warning so nothing goes unverified silently.
 */
export const STATUSES = ["pass", "intended", "fail", "skipped"] as const;
export type Status = (typeof STATUSES)[number];

/** The effect of one check on the verdict. */
export const OUTCOMES = ["ok", "intended", "warning", "error"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Range {
  min: number;
  max: number;
}

/** A check's range; null on a side = unbounded there ("at least", "at most"). */
export interface CheckRange {
  min: number | null;
  max: number | null;
}

export interface ConfidenceInterval {
  level: 0.95;
  method: "wilson";
  low: number;
  high: number;
  /** Trials in the denominator (events or sessions). */
  n: number;
  /** Cluster-robust design effect (users are the clusters); the interval uses n / designEffect trials. */
  designEffect: number;
  nEffective: number;
}

export interface ChiSquareDetails {
  statistic: number;
  corrected: number;
  df: number;
  meanDesignEffect: number;
  referenceFactor: number;
  alpha: number;
  expected: Record<string, number>;
  observed: Record<string, number>;
  expectedFrom: string;
}

export interface CheckResult {
  id: string;
  kind: CheckKind;
  title: string;
  severity: Severity;
  status: Status;
  outcome: Outcome;
  /** The metric name for benchmark checks. */
  metric: string | null;
  value: number | null;
  unit: MetricUnit | null;
  range: CheckRange | null;
  intended: (Range & { reason: string }) | null;
  ci: ConfidenceInterval | null;
  pValue: number | null;
  chiSquare: ChiSquareDetails | null;
  source: string | null;
  message: string;
  /** Counts and sample ids behind the message. */
  details: Record<string, unknown> | null;
}

export const METRIC_UNITS = [
  "share",
  "ratio",
  "count",
  "minutes",
  "seconds",
  "currency",
  "per_session",
  "multiple",
] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

export interface MetricResult {
  name: string;
  label: string;
  unit: MetricUnit;
  value: number | null;
  /** Wilson 95% interval for proportions. */
  ci: ConfidenceInterval | null;
}

export interface Contradiction {
  id: string;
  title: string;
  /** What the phase-1 report says, and why it does not hold. */
  claim: string;
  /** What this dataset shows. */
  finding: string;
  /** Whether the contradiction shows up in this dataset too. */
  appliesHere: boolean;
}

/** Aggregates the report charts are drawn from (all computed by DuckDB). */
export interface DatasetFacts {
  events: number;
  sessions: number;
  users: number;
  eventCounts: Record<string, number>;
  deviceCounts: Record<string, number>;
  configuredDeviceShares: Record<string, number> | null;
  personas: { persona: string; sessions: number; converted: number }[];
  /** Session duration histogram: [start, end) seconds and count. */
  durationHistogram: { start: number; end: number; count: number }[];
  eventShareRanges: Record<string, Range>;
  /** Largest number of sessions one user had open at the same instant, and the peak over all users. */
  maxOpenSessionsPerUser: number;
  peakOpenSessions: number;
  /** Event-time span of the dataset in seconds (first to last event). */
  spanS: number;
  /** Distinct base_session_id values (a session split by the timeout has several rows). */
  baseSessions: number;
  sessionsEndedByTimeout: number;
  sessionsEndedBySessionEnd: number;
  /** Mean of last_activity - start_time in seconds (unfloored). */
  meanDurationS: number;
  sessionTimeoutS: number;
  sessionTimeoutFrom: string;
}

export interface ReportPaths {
  json: string;
  markdown: string;
  html: string;
}

export type ExitCode = 0 | 1 | 2 | 3;
export type Verdict = "PASS" | "PASS with warnings" | "FAIL" | "NOT RUN";

export interface ValidationResult {
  dataset: string;
  profile: { name: string; path: string; description: string; notes: string[] } | null;
  strict: boolean;
  verdict: Verdict;
  exitCode: ExitCode;
  /** Counts of checks per outcome. */
  summary: Record<Outcome, number> & { total: number };
  checks: CheckResult[];
  metrics: Record<string, MetricResult>;
  contradictions: Contradiction[];
  facts: DatasetFacts | null;
  manifest: { present: boolean; seed: number | null; rows: unknown };
  /** Set when the validation could not run (exit code 3). */
  error: { code: string; message: string } | null;
  reports: ReportPaths | null;
  generatedAt: string;
  durationMs: number;
}
