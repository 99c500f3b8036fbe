// Public face of the shared DuckDB helpers: SQL files, queries, DESCRIBE, and quoting for generated SQL
// (paths and identifiers cannot be bound as parameters). The quoting is @duckdb/node-api's own.
export {
  quotedIdentifier as quoteIdent,
  quotedString as quoteString,
} from "@duckdb/node-api";
export { describeRelation, queryOne, queryRows, queryScalar, type Row, withDuckDb } from "./query.ts";
export { readSqlFile, readSqlStatement } from "./sql-file.ts";
