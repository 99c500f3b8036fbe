// Data-quality checks. Column tests are declared as data (dbt style: not_null, unique, accepted_values,
// types) and turned into SQL here; value rules and the events-vs-sessions reconciliation live in sql/*.sql.
import type { DuckDBConnection } from "@duckdb/node-api";
import { listValue } from "@duckdb/node-api";
import { quoteIdent } from "../../pipeline/duckdb/index.ts";
import {
  ALWAYS_REQUIRED_EVENT_COLUMNS,
  type ColumnDef,
  EVENT_COLUMN_DEFS,
  type EventType,
  REQUIRED_BY_EVENT_TYPE,
  SESSION_COLUMN_DEFS,
} from "../../pipeline/model/index.ts";
import type { DatasetInput } from "../dataset.ts";
import { fmtInt } from "../format.ts";
import { count, num, queryOne, sqlFile, strings } from "../sql.ts";
import type { CheckResult } from "../types.ts";
import { examples, makeCheck } from "./result.ts";

type Table = "sessions" | "events";

/** Column types, by family: timestamps may be stored at any precision, integers at any width. */
/** A kind name, or the exact (lower-case) type a decimal column must keep. */
type TypeRule = string;

const INTEGER_TYPES = new Set([
  "TINYINT",
  "SMALLINT",
  "INTEGER",
  "BIGINT",
  "HUGEINT",
  "UTINYINT",
  "USMALLINT",
  "UINTEGER",
  "UBIGINT",
]);

function matches(rule: TypeRule, actual: string): boolean {
  const t = actual.toUpperCase();
  switch (rule) {
    case "timestamp":
      return /^TIMESTAMP(_S|_MS|_NS)?$/.test(t);
    case "integer":
      return INTEGER_TYPES.has(t);
    case "boolean":
      return t === "BOOLEAN";
    case "varchar":
      return t === "VARCHAR";
    default:
      return t === rule.toUpperCase();
  }
}

/** The rule for a catalogue column: its kind, except decimals, which must keep their exact type. */
function typeRule(def: ColumnDef): TypeRule {
  return def.kind === "decimal" ? (def.duckdb.toLowerCase() as TypeRule) : def.kind;
}

function rulesOf(catalogue: Readonly<Record<string, ColumnDef>>): Record<string, TypeRule> {
  return Object.fromEntries(Object.entries(catalogue).map(([c, def]) => [c, typeRule(def)]));
}

function valuesOf(catalogue: Readonly<Record<string, ColumnDef>>): Record<string, readonly string[]> {
  return Object.fromEntries(
    Object.entries(catalogue).flatMap(([c, def]) => (def.values === undefined ? [] : [[c, def.values]])),
  );
}

/** sessions.parquet column types, from the session column catalogue. */
export const SESSION_COLUMN_TYPES: Record<string, TypeRule> = rulesOf(SESSION_COLUMN_DEFS);

/** events.parquet column types, from the event column catalogue. */
export const EVENT_COLUMN_TYPES: Record<string, TypeRule> = rulesOf(EVENT_COLUMN_DEFS);

/** Key columns that must never be NULL. persona, intended_outcome and abandonment_reason may be. */
export const NOT_NULL: Record<Table, readonly string[]> = {
  sessions: Object.entries(SESSION_COLUMN_DEFS)
    .filter(([, def]) => !def.nullable)
    .map(([c]) => c),
  events: ALWAYS_REQUIRED_EVENT_COLUMNS,
};

export const UNIQUE: readonly { table: Table; column: string }[] = [
  { table: "sessions", column: "session_id" },
  { table: "events", column: "event_id" },
];

/** Allowed values (NULL passes; not_null covers it where a column is required). */
export const ACCEPTED_VALUES: Record<Table, Record<string, readonly string[]>> = {
  sessions: valuesOf(SESSION_COLUMN_DEFS),
  events: valuesOf(EVENT_COLUMN_DEFS),
};

function typeCheck(
  table: Table,
  path: string,
  actual: Map<string, string>,
  rules: Record<string, TypeRule>,
): CheckResult {
  const wrong = Object.entries(rules)
    .filter(([c]) => actual.has(c))
    .filter(([c, rule]) => !matches(rule, actual.get(c)!))
    .map(([c, rule]) => `${c} is ${actual.get(c)} (expected ${rule.toUpperCase()})`);
  return makeCheck({
    id: `quality.types.${table}`,
    kind: "quality",
    title: `${table} column types`,
    severity: "error",
    status: wrong.length === 0 ? "pass" : "fail",
    value: wrong.length,
    message:
      wrong.length === 0
        ? `${table} column types: all ${Object.keys(rules).filter((c) => actual.has(c)).length} known columns of ${path} have the expected types`
        : `${table} column types: ${wrong.length} column(s) of ${path} have the wrong type: ${wrong.join("; ")}`,
    details: { wrong },
  });
}

async function notNullCheck(
  con: DuckDBConnection,
  table: Table,
  columns: readonly string[],
): Promise<CheckResult> {
  const sql = `SELECT ${columns.map((c) => `count(*) FILTER (WHERE ${quoteIdent(c)} IS NULL) AS ${quoteIdent(c)}`).join(", ")} FROM ${quoteIdent(table)}`;
  const row = await queryOne(con, sql);
  const nulls = Object.fromEntries(
    columns.map((c) => [c, count(row[c])]).filter(([, n]) => (n as number) > 0),
  );
  const total = Object.values(nulls).reduce((a: number, b) => a + (b as number), 0);
  return makeCheck({
    id: `quality.not_null.${table}`,
    kind: "quality",
    title: `${table} key columns not null`,
    severity: "error",
    status: total === 0 ? "pass" : "fail",
    value: total,
    message:
      total === 0
        ? `${table} key columns not null: no NULLs in ${columns.join(", ")}`
        : `${table} key columns not null: ${fmtInt(total)} NULL value(s): ${Object.entries(nulls)
            .map(([c, n]) => `${c} ${fmtInt(n as number)}`)
            .join(", ")}`,
    details: { nulls },
  });
}

async function uniqueCheck(con: DuckDBConnection, table: Table, column: string): Promise<CheckResult> {
  const c = quoteIdent(column);
  const t = quoteIdent(table);
  const row = await queryOne(
    con,
    `SELECT count(${c}) - count(DISTINCT ${c}) AS extra,
       (SELECT count(*) FROM (SELECT ${c} FROM ${t} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING count(*) > 1)) AS keys,
       (SELECT list(k ORDER BY k)[1:3] FROM (SELECT ${c} AS k FROM ${t} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING count(*) > 1)) AS samples
     FROM ${t}`,
  );
  const extra = count(row.extra);
  const keys = count(row.keys);
  return makeCheck({
    id: `quality.unique.${column}`,
    kind: "quality",
    title: `unique ${column}`,
    severity: "error",
    status: extra === 0 ? "pass" : "fail",
    value: extra,
    message:
      extra === 0
        ? `unique ${column}: every ${table} row has its own ${column}`
        : `unique ${column}: ${fmtInt(keys)} ${column} value(s) appear more than once in ${table} (${fmtInt(extra)} extra rows)${examples(strings(row.samples))}`,
    details: { extraRows: extra, duplicatedKeys: keys, samples: strings(row.samples) },
  });
}

async function acceptedValuesCheck(
  con: DuckDBConnection,
  table: Table,
  columns: Record<string, readonly string[]>,
): Promise<CheckResult> {
  const bad: Record<string, { rows: number; samples: string[] }> = {};
  for (const [column, allowed] of Object.entries(columns)) {
    const c = quoteIdent(column);
    const row = await queryOne(
      con,
      `SELECT count(*) FILTER (WHERE ${c} IS NOT NULL AND NOT list_contains($allowed, CAST(${c} AS VARCHAR))) AS n,
         list(DISTINCT CAST(${c} AS VARCHAR)) FILTER (WHERE ${c} IS NOT NULL AND NOT list_contains($allowed, CAST(${c} AS VARCHAR)))[1:3] AS samples
       FROM ${quoteIdent(table)}`,
      { allowed: listValue([...allowed]) },
    );
    const n = count(row.n);
    if (n > 0) bad[column] = { rows: n, samples: strings(row.samples) };
  }
  const total = Object.values(bad).reduce((a, b) => a + b.rows, 0);
  return makeCheck({
    id: `quality.accepted_values.${table}`,
    kind: "quality",
    title: `${table} accepted values`,
    severity: "error",
    status: total === 0 ? "pass" : "fail",
    value: total,
    message:
      total === 0
        ? `${table} accepted values: ${Object.keys(columns).join(", ")} hold only allowed values`
        : `${table} accepted values: ${Object.entries(bad)
            .map(
              ([c, b]) =>
                `${c} has ${fmtInt(b.rows)} row(s) with values outside ${columns[c]!.join("/")}${examples(b.samples)}`,
            )
            .join("; ")}`,
    details: { bad },
  });
}

async function requiredFieldsCheck(con: DuckDBConnection): Promise<CheckResult> {
  const missing: Record<string, number> = {};
  for (const [type, fields] of Object.entries(REQUIRED_BY_EVENT_TYPE)) {
    const parts = fields.map((f) => `count(*) FILTER (WHERE ${quoteIdent(f)} IS NULL) AS ${quoteIdent(f)}`);
    const row = await queryOne(con, `SELECT ${parts.join(", ")} FROM events WHERE event_type = $type`, {
      type,
    });
    for (const f of fields) if (count(row[f]) > 0) missing[`${type}.${f}`] = count(row[f]);
  }
  const total = Object.values(missing).reduce((a, b) => a + b, 0);
  return makeCheck({
    id: "quality.required_fields.events",
    kind: "quality",
    title: "type-specific event fields",
    severity: "error",
    status: total === 0 ? "pass" : "fail",
    value: total,
    message:
      total === 0
        ? "type-specific event fields: every event carries the fields its type requires (product, quantity, cart_value, order, search_query)"
        : `type-specific event fields: ${fmtInt(total)} missing: ${Object.entries(missing)
            .map(([k, n]) => `${k} ${fmtInt(n)}`)
            .join(", ")}`,
    details: { missing },
  });
}

function ruleCheck(
  id: string,
  title: string,
  broken: number,
  okText: string,
  failText: string,
  samples: string[] = [],
): CheckResult {
  return makeCheck({
    id,
    kind: "quality",
    title,
    severity: "error",
    status: broken === 0 ? "pass" : "fail",
    value: broken,
    message:
      broken === 0 ? `${title}: ${okText}` : `${title}: ${fmtInt(broken)} ${failText}${examples(samples)}`,
    details: { rows: broken, samples },
  });
}

/** sessions column -> the event type whose events it counts (null: every event). */
export const RECONCILED_COUNTS: Record<string, EventType | null> = {
  page_views: "page_view",
  products_viewed: "product_view",
  searches: "search",
  cart_additions: "add_to_cart",
  cart_removals: "remove_from_cart",
  checkouts: "checkout_initiated",
  purchases: "purchase",
  event_count: null,
};

async function reconciliationChecks(con: DuckDBConnection): Promise<CheckResult[]> {
  const r = await queryOne(con, sqlFile("reconciliation"));
  const byType = new Map(
    (Array.isArray(r.events_by_type) ? (r.events_by_type as { type: string; n: unknown }[]) : []).map((x) => [
      x.type,
      count(x.n),
    ]),
  );
  const out: CheckResult[] = [];
  for (const [column, type] of Object.entries(RECONCILED_COUNTS)) {
    const s = count(r[`s_${column}`]);
    const e = type === null ? count(r.events_total) : (byType.get(type) ?? 0);
    const what = type === null ? "events" : `${type} events`;
    out.push(
      makeCheck({
        id: `quality.reconcile.${column}`,
        kind: "quality",
        title: `reconcile ${column}`,
        severity: "error",
        status: s === e ? "pass" : "fail",
        value: s - e,
        message:
          s === e
            ? `reconcile ${column}: sum of sessions.${column} ${fmtInt(s)} equals the ${fmtInt(e)} ${what}`
            : `reconcile ${column}: sum of sessions.${column} is ${fmtInt(s)} but there are ${fmtInt(e)} ${what} (difference ${s - e > 0 ? "+" : ""}${fmtInt(s - e)})`,
        details: { sessions: s, events: e },
      }),
    );
  }
  const sv = num(r.s_purchase_value) ?? 0;
  const ev = num(r.e_purchase_value) ?? 0;
  const same = Math.abs(sv - ev) < 0.005;
  out.push(
    makeCheck({
      id: "quality.reconcile.purchase_value",
      kind: "quality",
      title: "reconcile purchase_value",
      severity: "error",
      status: same ? "pass" : "fail",
      value: Math.round((sv - ev) * 100) / 100,
      message: same
        ? `reconcile purchase_value: sum of sessions.purchase_value $${sv.toFixed(2)} equals the purchase events' order_value total`
        : `reconcile purchase_value: sum of sessions.purchase_value is $${sv.toFixed(2)} but purchase events total $${ev.toFixed(2)}`,
      details: { sessions: sv, events: ev },
    }),
  );
  const orphans = count(r.orphan_events);
  out.push(
    ruleCheck(
      "quality.reconcile.events_have_sessions",
      "every event has a session",
      orphans,
      "every event's session_id appears as a sessions.base_session_id",
      `event(s) in ${fmtInt(count(r.orphan_event_sessions))} session_id(s) have no session row with that base_session_id`,
      strings(r.orphan_samples),
    ),
  );
  out.push(
    ruleCheck(
      "quality.reconcile.sessions_have_events",
      "every session has events",
      count(r.sessions_without_events),
      "every session's base_session_id has events",
      "session row(s) have no events with their base_session_id",
      strings(r.empty_samples),
    ),
  );
  return out;
}

async function sessionRuleChecks(con: DuckDBConnection): Promise<CheckResult[]> {
  const r = await queryOne(con, sqlFile("session-rules"));
  return [
    ruleCheck(
      "quality.ranges.sessions",
      "sessions value ranges",
      count(r.negative_values),
      "counts, durations and money are all >= 0",
      "session row(s) have a negative count, duration or amount",
    ),
    ruleCheck(
      "quality.time_order.sessions",
      "session time order",
      count(r.time_order),
      "start_time <= end_time <= last_activity in every row",
      "session row(s) break start_time <= end_time <= last_activity",
      strings(r.time_order_samples),
    ),
    ruleCheck(
      "quality.duration.sessions",
      "session duration consistent",
      count(r.duration_mismatch),
      "session_duration_seconds = floor((last_activity - start_time) / 1 s) in every row",
      "session row(s) have session_duration_seconds != floor((last_activity - start_time) / 1 s)",
      strings(r.duration_samples),
    ),
    ruleCheck(
      "quality.labels.sessions",
      "session labels consistent",
      count(r.label_mismatch),
      "is_converted = (purchases > 0), bounce follows its definition, unique_products_viewed <= products_viewed",
      "session row(s) break is_converted = (purchases > 0), the bounce definition or unique_products_viewed <= products_viewed",
      strings(r.label_samples),
    ),
  ];
}

async function eventRuleCheck(con: DuckDBConnection): Promise<CheckResult> {
  const r = await queryOne(con, sqlFile("event-rules"));
  return ruleCheck(
    "quality.ranges.events",
    "events value ranges",
    count(r.out_of_range),
    "price, cart_value and order_value >= 0, quantity > 0",
    "event(s) have a negative price, cart_value or order_value, or a quantity <= 0",
    strings(r.samples),
  );
}

export async function qualityChecks(con: DuckDBConnection, input: DatasetInput): Promise<CheckResult[]> {
  const checks: CheckResult[] = [
    typeCheck("sessions", input.sessionsPath, input.sessionTypes, SESSION_COLUMN_TYPES),
    typeCheck("events", input.eventsPath, input.eventTypes, EVENT_COLUMN_TYPES),
    await notNullCheck(con, "sessions", NOT_NULL.sessions),
    await notNullCheck(con, "events", NOT_NULL.events),
  ];
  for (const u of UNIQUE) checks.push(await uniqueCheck(con, u.table, u.column));
  checks.push(await acceptedValuesCheck(con, "sessions", ACCEPTED_VALUES.sessions));
  checks.push(await acceptedValuesCheck(con, "events", ACCEPTED_VALUES.events));
  checks.push(await requiredFieldsCheck(con));
  checks.push(...(await sessionRuleChecks(con)));
  checks.push(await eventRuleCheck(con));
  checks.push(...(await reconciliationChecks(con)));
  return checks;
}
