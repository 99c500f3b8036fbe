// Schema migrations: numbered .sql files in ./migrations, applied in order, each at most once
// (recorded in schema_migrations with a checksum), all in one transaction under an advisory lock so
// two processes starting at once cannot race. Like kysely's migrator, the result lists every outcome.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import { type Db, quoteIdent } from "./db.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** sha256 of the SQL (line endings normalized). */
  checksum: string;
}

export type MigrationStatus =
  | "applied"
  | "already-applied"
  | "changed"
  | "failed"
  | "rolled-back"
  | "not-run";

export interface MigrationOutcome {
  version: number;
  name: string;
  status: MigrationStatus;
}

export interface MigrationResult {
  outcomes: MigrationOutcome[];
  /** Set when nothing was committed; `outcomes` says which migration failed and why the others did not run. */
  error?: CartstreamError;
}

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);
const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

const CREATE_SCHEMA_MIGRATIONS = `
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    checksum CHAR(64) NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`;
const SELECT_APPLIED = "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
const INSERT_APPLIED = "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)";
const ADVISORY_LOCK = "SELECT pg_advisory_xact_lock($1::bigint)";

/** "001_user_sessions": how a migration is named in messages (its file name without .sql). */
export function migrationLabel(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(3, "0")}_${m.name}`;
}

export function checksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

/** The store's migrations, read from pipeline/store/migrations/NNN_name.sql, in version order. */
export async function loadMigrations(from: URL | string = MIGRATIONS_DIR): Promise<Migration[]> {
  const dir = from instanceof URL ? from : pathToFileURL(from.endsWith("/") ? from : `${from}/`);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const m = FILE_NAME.exec(file);
    if (m === null) {
      throw new CartstreamError(
        ERROR_CODES.STORE,
        `migration file ${file}: expected NNN_lower_case_name.sql`,
      );
    }
    const sql = await readFile(new URL(file, dir), "utf8");
    migrations.push({ version: Number(m[1]), name: m[2]!, sql, checksum: checksum(sql) });
  }
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new CartstreamError(ERROR_CODES.STORE, `two migrations have version ${migrations[i]!.version}`);
    }
  }
  return migrations;
}

/** Advisory lock key for one schema: the first 8 bytes of sha256, as a signed bigint. */
function lockKey(schema: string): string {
  const digest = createHash("sha256").update(`cartstream:migrate:${schema}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Creates the target schema if the Db has one, then applies the pending migrations. Never throws for a
 * failed migration: the result's `error` says what failed, and nothing was committed.
 */
export async function migrate(db: Db, migrations?: readonly Migration[]): Promise<MigrationResult> {
  const list = migrations ?? (await loadMigrations());
  const outcomes: MigrationOutcome[] = list.map((m) => ({
    version: m.version,
    name: m.name,
    status: "not-run",
  }));
  let current: MigrationOutcome | undefined;
  try {
    await db.transaction(async (tx) => {
      await tx.query(ADVISORY_LOCK, [lockKey(db.schema ?? "public")]);
      if (db.schema !== null) await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(db.schema)}`);
      await tx.exec(CREATE_SCHEMA_MIGRATIONS);
      const applied = new Map(
        (await tx.query<{ version: number; name: string; checksum: string }>(SELECT_APPLIED)).map((r) => [
          r.version,
          r,
        ]),
      );
      for (const [i, m] of list.entries()) {
        current = outcomes[i]!;
        const done = applied.get(m.version);
        if (done !== undefined) {
          if (done.checksum !== m.checksum) {
            current.status = "changed";
            throw new CartstreamError(
              ERROR_CODES.STORE,
              `migration ${migrationLabel(m)} was edited after it was applied to ${db.kind} ${db.target} (checksum ${done.checksum.slice(0, 12)} != ${m.checksum.slice(0, 12)}); add a new migration instead`,
            );
          }
          current.status = "already-applied";
          continue;
        }
        await tx.exec(m.sql);
        await tx.query(INSERT_APPLIED, [m.version, m.name, m.checksum]);
        current.status = "applied";
      }
      current = undefined;
    });
    return { outcomes };
  } catch (err) {
    for (const o of outcomes) if (o.status === "applied") o.status = "rolled-back";
    if (current !== undefined && current.status !== "changed") current.status = "failed";
    const cause = err instanceof Error ? err.message : String(err);
    const error =
      err instanceof CartstreamError && current?.status === "changed"
        ? err
        : new CartstreamError(
            err instanceof CartstreamError ? err.code : ERROR_CODES.STORE,
            current === undefined
              ? `migrations on ${db.kind} ${db.target} failed: ${cause}`
              : `migration ${migrationLabel(current)} failed on ${db.kind} ${db.target}: ${cause}; nothing was applied`,
            { retriable: err instanceof CartstreamError && err.retriable, cause: err },
          );
    return { outcomes, error };
  }
}

/** migrate(), throwing the result's error. */
export async function migrateOrThrow(db: Db, migrations?: readonly Migration[]): Promise<MigrationOutcome[]> {
  const result = await migrate(db, migrations);
  if (result.error !== undefined) throw result.error;
  return result.outcomes;
}
