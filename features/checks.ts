// Data tests, declared as data next to the models (dbt-style): each query counts the rows that fail.
// "error" checks stop the build; "warn" checks are only recorded in the manifest.
import type { SplitMethod } from "./options.ts";

export interface DataCheck {
  name: string;
  severity: "error" | "warn";
  /** SELECT returning one BIGINT: the number of failing rows. */
  sql: string;
  /** What to do when it fails. */
  hint: string;
  /** Only for this split method. */
  only?: SplitMethod;
}

export const DATA_CHECKS: readonly DataCheck[] = [
  {
    name: "sessions.session_id is unique",
    severity: "error",
    sql: "SELECT count(*) - count(DISTINCT session_id) FROM stg_sessions",
    hint: "the snapshot holds duplicate session rows; snapshot again or deduplicate the sessions table",
  },
  {
    name: "sessions key columns are not null",
    severity: "error",
    sql: "SELECT count(*) FROM stg_sessions WHERE session_id IS NULL OR user_id IS NULL OR start_time IS NULL OR last_activity IS NULL",
    hint: "session_id, user_id, start_time and last_activity must be set on every session row",
  },
  {
    name: "labels are not null",
    severity: "error",
    sql: "SELECT count(*) FROM dataset WHERE is_converted IS NULL OR purchase_value IS NULL OR abandoned IS NULL",
    hint: "is_converted, purchase_value and cart_value must be set on every session row",
  },
  {
    name: "abandoned implies not converted",
    severity: "error",
    sql: "SELECT count(*) FROM dataset WHERE abandoned AND is_converted",
    hint: "label definitions are inconsistent; this is a bug in features/sql",
  },
  {
    name: "history counts only earlier sessions",
    severity: "error",
    sql: "SELECT count(*) FROM dataset WHERE prior_closed_sessions > prior_sessions OR prior_converted_sessions > prior_closed_sessions OR prior_abandoned_carts > prior_closed_sessions OR seconds_since_last_session_end < 0",
    hint: "point-in-time history is inconsistent; this is a bug in features/sql/110_user_history.sql",
  },
  {
    name: "every session is in exactly one split",
    severity: "error",
    sql: "SELECT (SELECT count(*) FROM stg_sessions) - (SELECT count(*) FROM dataset WHERE split IN ('train', 'test'))",
    hint: "the split lost or duplicated sessions; this is a bug in features/sql/310_*",
  },
  {
    name: "no user in both splits",
    severity: "error",
    only: "user",
    sql: "SELECT count(*) FROM (SELECT user_id FROM dataset GROUP BY user_id HAVING count(DISTINCT split) > 1)",
    hint: "the user split leaked a user into both sets; this is a bug in features/split.ts",
  },
  {
    name: "sessions without events",
    severity: "warn",
    sql: "SELECT count(*) FROM session_features WHERE NOT has_events",
    hint: "the raw events do not cover every snapshotted session; derived features of those sessions are 0/NULL",
  },
  {
    name: "sessions with sequence violations",
    severity: "warn",
    sql: "SELECT count(*) FROM stg_sessions WHERE sequence_violations > 0",
    hint: "some sessions break a sequencing rule (see the aggregator's counters)",
  },
];
