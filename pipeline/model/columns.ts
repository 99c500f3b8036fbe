// What a column is, independent of where it is stored: its value kind, its DuckDB / Parquet type and its
// meaning. The session and event catalogues (session-columns.ts, event-columns.ts) are lists of these.

/** Value families: how JS, PostgreSQL and DuckDB hold a value. */
export type ColumnKind = "varchar" | "timestamp" | "integer" | "decimal" | "boolean";

export interface ColumnDef {
  readonly kind: ColumnKind;
  /** Type in DuckDB tables and in the Parquet files cartstream writes. */
  readonly duckdb: string;
  /** What the value means, for data cards, reports and readers of the code. */
  readonly meaning: string;
  /** The only values allowed (NULL aside), for closed vocabularies. */
  readonly values?: readonly string[];
}

/** Column names of a catalogue, in catalogue order (object key order). */
export function columnNames<K extends string>(catalogue: Readonly<Record<K, unknown>>): K[] {
  return Object.keys(catalogue) as K[];
}
