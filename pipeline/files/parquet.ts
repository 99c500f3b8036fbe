// Parquet through DuckDB: NDJSON events -> typed, ZSTD-compressed Parquet.
import { queryScalar, quoteString, withDuckDb } from "../duckdb/index.ts";
import { readJsonColumnsArg } from "./event-columns.ts";

/** Converts NDJSON event files (glob allowed) to one Parquet file, deduplicated by event_id, in event order. */
export async function eventsNdjsonToParquet(
  ndjsonGlob: string | string[],
  parquetPath: string,
): Promise<number> {
  const files = Array.isArray(ndjsonGlob) ? ndjsonGlob : [ndjsonGlob];
  return withDuckDb(async (con) => {
    const source = `read_json([${files.map((f) => quoteString(f)).join(", ")}], format = 'newline_delimited', columns = ${readJsonColumnsArg()})`;
    await con.run(
      `COPY (SELECT * FROM ${source} QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY event_time) = 1 ORDER BY event_time, event_id)
       TO ${quoteString(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    return Number(
      await queryScalar(con, `SELECT count(*)::INTEGER FROM read_parquet(${quoteString(parquetPath)})`),
    );
  });
}
