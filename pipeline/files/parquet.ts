// Parquet through DuckDB: NDJSON events -> typed, ZSTD-compressed Parquet.
import { DuckDBInstance } from "@duckdb/node-api";
import { quoteString } from "../duckdb/index.ts";
import { readJsonColumnsArg } from "./event-columns.ts";

/** Converts NDJSON event files (glob allowed) to one Parquet file, deduplicated by event_id, in event order. */
export async function eventsNdjsonToParquet(
  ndjsonGlob: string | string[],
  parquetPath: string,
): Promise<number> {
  const files = Array.isArray(ndjsonGlob) ? ndjsonGlob : [ndjsonGlob];
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    const source = `read_json([${files.map(quoteString).join(", ")}], format = 'newline_delimited', columns = ${readJsonColumnsArg()})`;
    await con.run(
      `COPY (SELECT * FROM ${source} QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY event_time) = 1 ORDER BY event_time, event_id)
       TO ${quoteString(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const r = await con.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${quoteString(parquetPath)})`,
    );
    return Number(r.getRowObjects()[0]!.n);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
