// Options of the store's adapters and sink: typed interfaces, strict runtime schemas (unknown keys are
// rejected, every issue reported with its path), defaults in one place.
import { z } from "zod";

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

const schemaName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, "lower-case letters, digits and _, max 63, not starting with a digit");

export interface PgDbOptions {
  /** Connection URL; default: $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test. */
  url?: string;
  /** Target schema (search_path); created by migrate(). Default: the server's search_path. */
  schema?: string;
  /** Pool size (default 4). */
  poolSize?: number;
  /** Connect timeout in ms (default 10000). */
  connectTimeoutMs?: number;
  /** application_name shown in pg_stat_activity (default "cartstream"). */
  applicationName?: string;
}

export const pgDbOptionsSchema = z
  .object({
    url: z.string().min(1).optional(),
    schema: schemaName.optional(),
    poolSize: z.number().int().min(1).max(100).optional(),
    connectTimeoutMs: z.number().int().min(1).optional(),
    applicationName: z.string().max(63).optional(),
  })
  .strict();

export const PG_DB_DEFAULTS = {
  poolSize: 4,
  connectTimeoutMs: 10_000,
  applicationName: "cartstream",
} as const satisfies Required<Omit<PgDbOptions, "url" | "schema">>;

export interface PgliteDbOptions {
  /** Data directory; "memory://" for an in-memory database. Default: data/pglite/<name>. */
  dataDir?: string;
  /** Name of the default data directory under data/pglite/ (default "cartstream"). */
  name?: string;
  /** Target schema (search_path); created by migrate(). Default: public. */
  schema?: string;
  /** Skip the flush to disk after each query (faster, may lose the last commits on a crash). Default false. */
  relaxedDurability?: boolean;
}

export const pgliteDbOptionsSchema = z
  .object({
    dataDir: z.string().min(1).optional(),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . -")
      .optional(),
    schema: schemaName.optional(),
    relaxedDurability: z.boolean().optional(),
  })
  .strict();

export const PGLITE_DB_DEFAULTS = {
  name: "cartstream",
  rootDir: "data/pglite",
  relaxedDurability: false,
} as const;

export interface SinkOptions {
  /** Rows per INSERT ... SELECT FROM unnest(...) statement (default 5000). */
  chunkSize?: number;
}

export const sinkOptionsSchema = z
  .object({
    chunkSize: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();

export const SINK_DEFAULTS = { chunkSize: 5_000 } as const satisfies Required<SinkOptions>;
