// openStore: one call that opens a Db (server or embedded), applies the migrations and hands back the
// sink and the reader. The CLI picks the kind; everything after this is the same code for both.
import type { Db } from "./db.ts";
import { type MigrationOutcome, migrateOrThrow } from "./migrate.ts";
import type { PgDbOptions, PgliteDbOptions, SinkOptions } from "./options.ts";
import { openPgDb } from "./pg-db.ts";
import { openPgliteDb } from "./pglite-db.ts";
import { SessionReader } from "./reader.ts";
import { SessionSink } from "./sink.ts";

export type StoreOptions =
  | { kind: "postgres"; db?: PgDbOptions; sink?: SinkOptions }
  | { kind: "pglite"; db?: PgliteDbOptions; sink?: SinkOptions };

export interface Store {
  db: Db;
  sink: SessionSink;
  reader: SessionReader;
  /** What migrate() did on open. */
  migrations: MigrationOutcome[];
  close(): Promise<void>;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const db = options.kind === "postgres" ? await openPgDb(options.db) : await openPgliteDb(options.db);
  try {
    const migrations = await migrateOrThrow(db);
    return {
      db,
      sink: new SessionSink(db, options.sink),
      reader: new SessionReader(db),
      migrations,
      close: () => db.close(),
    };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}
