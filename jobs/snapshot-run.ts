// A run's sessions and raw events into DuckDB tables `sessions` and `events`: user_sessions through pg
// (PGlite is served on a loopback port for it, the server is read in the run's schema), the events from
// the run's events.parquet.
import { existsSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { loadEventsParquet, snapshotSessions } from "../features/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
import { pgliteDir, pgSchema, runPaths } from "../pipeline/service/index.ts";
import type { PgliteDb } from "../pipeline/store/index.ts";
import { DEFAULT_DATABASE_URL, openStore, servePglite } from "../pipeline/store/index.ts";

export type RunBackend = "embedded" | "kafka";

export async function snapshotRun(
  con: DuckDBConnection,
  name: string,
  backend: RunBackend,
): Promise<{ sessions: number; events: number }> {
  const { eventsParquet } = runPaths(name);
  if (!existsSync(eventsParquet)) {
    throw new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `no raw event archive at ${eventsParquet}: run 'cartstream run --name ${name}' first (or drop --skip-run)`,
    );
  }
  const sessions =
    backend === "embedded"
      ? await snapshotPglite(con, name)
      : await snapshotSessions(con, {
          url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
          schema: pgSchema(name),
        });
  const events = await loadEventsParquet(con, eventsParquet);
  return { sessions, events };
}

async function snapshotPglite(con: DuckDBConnection, name: string): Promise<number> {
  const dir = pgliteDir(name);
  if (!existsSync(dir)) {
    throw new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `no embedded store at ${dir}: run 'cartstream run --name ${name}' first`,
    );
  }
  const store = await openStore({ kind: "pglite", db: { dataDir: dir } });
  const server = await servePglite(store.db as PgliteDb);
  try {
    return await snapshotSessions(con, { url: server.url, schema: null });
  } finally {
    await server.stop();
    await store.close();
  }
}
