// PostgreSQL server adapter: a node-postgres Pool. Every connection starts with TimeZone=UTC and the
// target schema as search_path (startup options, so no connection ever runs without them).
import pg from "pg";
import { parseOptions } from "../config/index.ts";
import { serviceUnavailable } from "../errors/index.ts";
import {
  checkSchemaName,
  type Db,
  parseInt8,
  parseTimestampUtc,
  type Queryable,
  type Row,
  storeError,
  TYPE_OIDS,
} from "./db.ts";
import { DEFAULT_DATABASE_URL, PG_DB_DEFAULTS, type PgDbOptions, pgDbOptionsSchema } from "./options.ts";

const START_HINT =
  "Start PostgreSQL (on this machine: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), " +
  "or point DATABASE_URL at a running server, or use the embedded PGlite store";

/** Errors that mean "no usable connection" rather than "this SQL failed". */
const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "3D000", // database does not exist
  "57P01", // terminating connection due to administrator command (a fast shutdown or restart)
  "57P02", // terminating connection due to a crash of another server process
  "57P03", // the database system is starting up
]);

function isConnectionError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_ERROR_CODES.has(code) || /^(08|28)/.test(code))) return true;
  const message = err instanceof Error ? err.message : "";
  return /Connection terminated|timeout expired|connect ECONN|Client has encountered a connection error/i.test(
    message,
  );
}

/** An Error whose message is never empty (Node's AggregateError for dual-stack connects has none). */
function describe(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  if (err.message !== "") return err;
  const inner =
    err instanceof AggregateError ? err.errors.map((e) => (e instanceof Error ? e.message : String(e))) : [];
  const code = (err as { code?: unknown }).code;
  return new Error(inner.length > 0 ? inner.join("; ") : String(code ?? err.name), { cause: err });
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable database URL)";
  }
}

function sqlHead(sql: string): string {
  const one = sql.replace(/\s+/g, " ").trim();
  return `query "${one.length > 60 ? `${one.slice(0, 60)}...` : one}"`;
}

const getTypeParser = ((oid: number, format?: "text" | "binary") => {
  if (format !== "binary") {
    if (oid === TYPE_OIDS.INT8) return parseInt8;
    if (oid === TYPE_OIDS.TIMESTAMP) return parseTimestampUtc;
  }
  return pg.types.getTypeParser(oid, format ?? "text");
}) as pg.CustomTypesConfig["getTypeParser"];

export class PgDb implements Db {
  readonly kind = "postgres" as const;
  readonly target: string;
  readonly schema: string | null;
  readonly #pool: pg.Pool;
  #closed = false;

  constructor(options: PgDbOptions = {}) {
    const o = parseOptions(pgDbOptionsSchema, options, "PostgreSQL store options");
    const url = o.url ?? process.env["DATABASE_URL"] ?? DEFAULT_DATABASE_URL;
    this.target = redactUrl(url);
    this.schema = o.schema === undefined ? null : checkSchemaName(o.schema);
    this.#pool = new pg.Pool({
      connectionString: url,
      max: o.poolSize ?? PG_DB_DEFAULTS.poolSize,
      connectionTimeoutMillis: o.connectTimeoutMs ?? PG_DB_DEFAULTS.connectTimeoutMs,
      application_name: o.applicationName ?? PG_DB_DEFAULTS.applicationName,
      // Startup parameters, so they hold from the first statement of every pooled connection.
      options: `-c TimeZone=UTC${this.schema === null ? "" : ` -c search_path=${this.schema}`}`,
      types: { getTypeParser },
    });
    // An idle pooled client can die (server restart); the pool drops it and the next query reports the
    // outage. Without a listener the 'error' event would crash the process.
    this.#pool.on("error", () => {});
  }

  /** Fails fast with a serviceUnavailable error when the server cannot be reached. */
  async ping(): Promise<void> {
    await this.query("SELECT 1");
  }

  async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      const result = await this.#pool.query(sql, params as unknown[]);
      return result.rows as R[];
    } catch (err) {
      throw this.#error(err, sqlHead(sql));
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.#pool.query(sql);
    } catch (err) {
      throw this.#error(err, sqlHead(sql));
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw this.#error(err, "connect");
    }
    const tx: Queryable = {
      query: async <R extends Row = Row>(sql: string, params: readonly unknown[] = []) => {
        try {
          return (await client.query(sql, params as unknown[])).rows as R[];
        } catch (err) {
          throw this.#error(err, sqlHead(sql));
        }
      },
      exec: async (sql: string) => {
        try {
          await client.query(sql);
        } catch (err) {
          throw this.#error(err, sqlHead(sql));
        }
      },
    };
    let broken: Error | undefined;
    // A checked-out client has no pool listener: a server restart mid-transaction emits 'error' on it,
    // which would crash the process. Record it instead; the query in flight (or the next) reports it.
    const onError = (err: Error) => {
      broken ??= err;
    };
    client.on("error", onError);
    try {
      await tx.exec("BEGIN");
      const result = await fn(tx);
      await tx.exec("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch((rollbackErr: unknown) => {
        // The connection is unusable: destroy it instead of returning it to the pool.
        broken = describe(rollbackErr);
      });
      throw err;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #error(err: unknown, what: string): Error {
    if (isConnectionError(err))
      return serviceUnavailable("PostgreSQL", this.target, describe(err), START_HINT);
    return storeError(this, err, what);
  }
}

/** Opens a pool and checks the server answers; throws a CS_SERVICE_UNAVAILABLE error naming the URL if not. */
export async function openPgDb(options: PgDbOptions = {}): Promise<PgDb> {
  const db = new PgDb(options);
  try {
    await db.ping();
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}
