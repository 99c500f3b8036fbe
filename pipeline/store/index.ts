// Public face of the session store: the same SQL and sink code on a PostgreSQL server and on PGlite.
export { checkSchemaName, type Db, type Queryable, quoteIdent, type Row } from "./db.ts";
export {
  loadMigrations,
  type Migration,
  type MigrationOutcome,
  type MigrationResult,
  type MigrationStatus,
  migrate,
  migrateOrThrow,
} from "./migrate.ts";
export {
  DEFAULT_DATABASE_URL,
  type PgDbOptions,
  type PgliteDbOptions,
  type SinkOptions,
} from "./options.ts";
export { openPgDb, PgDb, redactUrl } from "./pg-db.ts";
export { openPgliteDb, PgliteDb } from "./pglite-db.ts";
export { type PgliteServer, type PgliteServerOptions, servePglite } from "./pglite-server.ts";
export { type LoadedAssignment, type PartitionStateRows, SessionReader } from "./reader.ts";
export { readSessionPages, type SessionPagesOptions } from "./session-pages.ts";
export { SessionSink } from "./sink.ts";
export { openStore, type Store, type StoreOptions } from "./store.ts";
export type {
  CommitBatch,
  CommitResult,
  DeadLetter,
  DeadLetterRow,
  JsonValue,
  PartitionCommit,
  PartitionOffset,
  StateKey,
  StateLogEntry,
  StateRecord,
} from "./types.ts";
