// The catalogue of user_sessions columns, in table order: the phase-1 reference columns first (migration
// 001 keeps their DDL verbatim), cartstream's extra columns after them (migration 002). The store's upsert
// and reader, the ground truth, the snapshot and validation's quality checks all derive from it; the store
// suite checks the migrated table against it. created_at / updated_at are set by the database and are not
// part of a row.
import type { ColumnDef } from "./columns.ts";
import { columnNames } from "./columns.ts";
import type { SessionRow } from "./session-row.ts";
import { ABANDONMENT_REASONS, DEVICE_TYPES, ENDED_BY, INTENDED_OUTCOMES, PERSONAS } from "./vocabulary.ts";

export interface SessionColumnDef extends ColumnDef {
  /** Type in PostgreSQL's user_sessions, as the DDL writes it. */
  readonly postgres: string;
  /** reference: the phase-1 schema; extra: cartstream's columns after it. */
  readonly origin: "reference" | "extra";
  /** Compared with the ground truth row for row (false for transport details). */
  readonly compared: boolean;
  /** NULL is a valid value in a closed session's row (latent fields the events did not carry). */
  readonly nullable: boolean;
}

type Def = Omit<SessionColumnDef, "origin" | "compared" | "nullable"> &
  Partial<Pick<SessionColumnDef, "nullable">>;

/** Transport details, not compared with the ground truth (the only columns a mode may choose freely). */
const NOT_COMPARED = ["kafka_partition"] as const;

const varchar = (postgres: string, meaning: string, more: Partial<Def> = {}): Def => ({
  kind: "varchar",
  postgres,
  duckdb: "VARCHAR",
  meaning,
  ...more,
});
const timestamp = (meaning: string): Def => ({
  kind: "timestamp",
  postgres: "TIMESTAMP",
  duckdb: "TIMESTAMP",
  meaning,
});
const integer = (meaning: string, more: Partial<Def> = {}): Def => ({
  kind: "integer",
  postgres: "INTEGER",
  duckdb: "INTEGER",
  meaning,
  ...more,
});
const money = (meaning: string): Def => ({
  kind: "decimal",
  postgres: "DECIMAL(10,2)",
  duckdb: "DECIMAL(10,2)",
  meaning,
});
const boolean = (meaning: string): Def => ({
  kind: "boolean",
  postgres: "BOOLEAN",
  duckdb: "BOOLEAN",
  meaning,
});

const REFERENCE = {
  session_id: varchar(
    "VARCHAR(50)",
    "session (segment) id, primary key: the base session_id for segment 1, `<base>~<n>` for segment n > 1",
  ),
  user_id: varchar("VARCHAR(50)", "the user"),
  start_time: timestamp("first event's time (UTC, millisecond precision)"),
  end_time: timestamp("session_end's time, or last_activity once closed by timeout; NULL while open"),
  last_activity: timestamp("last event's time"),
  device_type: varchar("VARCHAR(20)", "device of the first event", { values: DEVICE_TYPES }),
  browser: varchar("VARCHAR(50)", "browser of the first event"),
  page_views: integer("page_view events"),
  products_viewed: integer("product_view events"),
  unique_products_viewed: integer("distinct products viewed"),
  searches: integer("search events"),
  cart_additions: integer("add_to_cart events"),
  cart_removals: integer("remove_from_cart events"),
  cart_value: money(
    "value left in the cart at the end (or at purchase): cart_value of the last event carrying one, else 0",
  ),
  is_converted: boolean("a purchase happened"),
  purchase_value: money("sum of the purchases' order_value"),
  session_duration_seconds: integer("floor((last_activity - start_time) / 1 s)"),
  avg_time_per_page: money(
    "duration / (page_views + products_viewed) in seconds, rounded half up; 0 without views",
  ),
  bounce: boolean("exactly one page or product view and no other interaction"),
} as const satisfies Record<string, Def>;

const EXTRA = {
  base_session_id: varchar("VARCHAR(50)", "the events' session_id (the segments of one id share it)"),
  segment: integer("1-based segment number within base_session_id (a gap > timeout starts a new one)"),
  event_count: integer("events in the segment"),
  checkouts: integer("checkout_initiated events"),
  purchases: integer("purchase events"),
  ended_by: varchar("VARCHAR(12)", "session_end or timeout; NULL while open", { values: ENDED_BY }),
  persona: varchar(
    "VARCHAR(20)",
    "the simulator's latent persona (ground truth: metadata, never a feature)",
    {
      values: PERSONAS,
      nullable: true,
    },
  ),
  intended_outcome: varchar("VARCHAR(12)", "the simulator's planned outcome (ground truth)", {
    values: INTENDED_OUTCOMES,
    nullable: true,
  }),
  abandonment_reason: varchar("VARCHAR(40)", "last abandonment_reason seen in the segment", {
    values: ABANDONMENT_REASONS,
    nullable: true,
  }),
  sequence_violations: integer("events of the segment that break a sequencing rule"),
  kafka_partition: integer("partition the session's events arrived on (a transport detail: not compared)", {
    nullable: true,
  }),
} as const satisfies Record<string, Def>;

function complete<T extends Record<string, Def>>(defs: T, origin: SessionColumnDef["origin"]) {
  return Object.fromEntries(
    Object.entries(defs).map(([name, d]) => [
      name,
      {
        nullable: false,
        ...d,
        origin,
        compared: !(NOT_COMPARED as readonly string[]).includes(name),
      } satisfies SessionColumnDef,
    ]),
  ) as { readonly [K in keyof T]: SessionColumnDef };
}

/** Every user_sessions column, in table order. A SessionRow field without an entry is a compile error. */
export const SESSION_COLUMN_DEFS = {
  ...complete(REFERENCE, "reference"),
  ...complete(EXTRA, "extra"),
} as const satisfies Record<keyof SessionRow, SessionColumnDef>;

export type SessionColumn = keyof typeof SESSION_COLUMN_DEFS;

// ...and no entry without a SessionRow field.
const _noExtraColumns: never = undefined as unknown as Exclude<SessionColumn, keyof SessionRow>;
void _noExtraColumns;

export type ComparedColumn = Exclude<SessionColumn, (typeof NOT_COMPARED)[number]>;

/** Every column, in table order. */
export const SESSION_COLUMNS: readonly SessionColumn[] = columnNames(SESSION_COLUMN_DEFS);

/** Columns compared against the ground truth (everything but wall-clock and transport columns). */
export const COMPARED_COLUMNS: readonly ComparedColumn[] = SESSION_COLUMNS.filter(
  (c): c is ComparedColumn => SESSION_COLUMN_DEFS[c].compared,
);
