// Tables `sessions` and `events` from Parquet files (e.g. a dataset's own sessions.parquet/events.parquet,
// or a snapshot's), for tests and notebooks. The snapshot step is the production way to fill them.
import { existsSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteString } from "../pipeline/duckdb/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";

export interface LoadedTables {
  sessions: number;
  events: number;
}

/** Replaces tables `sessions` and `events` on `con` with the rows of the two Parquet files. */
export async function loadFromParquet(
  con: DuckDBConnection,
  sessionsParquet: string,
  eventsParquet: string,
): Promise<LoadedTables> {
  for (const [what, path] of [
    ["sessions", sessionsParquet],
    ["events", eventsParquet],
  ] as const) {
    if (!existsSync(path)) {
      throw new CartstreamError(
        ERROR_CODES.NOT_FOUND,
        `${what} Parquet file ${path} does not exist; pass the path of a ${what}.parquet (a dataset directory holds both)`,
      );
    }
  }
  await con.run("SET TimeZone = 'UTC'");
  try {
    await con.run(
      `CREATE OR REPLACE TABLE sessions AS SELECT * FROM read_parquet(${quoteString(sessionsParquet)})`,
    );
    await con.run(
      `CREATE OR REPLACE TABLE events AS SELECT * FROM read_parquet(${quoteString(eventsParquet)})`,
    );
  } catch (err) {
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `cannot read ${sessionsParquet} / ${eventsParquet} as Parquet: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const r = await con.runAndReadAll(
    "SELECT (SELECT count(*) FROM sessions) AS s, (SELECT count(*) FROM events) AS e",
  );
  const [s, e] = r.getRowsJS()[0]!;
  return { sessions: Number(s), events: Number(e) };
}
