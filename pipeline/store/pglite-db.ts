// Embedded adapter: PGlite (PostgreSQL compiled to WASM) in this process, file-backed by default so
// the embedded pipeline survives restarts. One connection; PGlite serializes queries and transactions.
import { mkdir, open, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { PGlite, types } from "@electric-sql/pglite";
import { parseOptions } from "../config/index.ts";
import { CartstreamError, ERROR_CODES, serviceUnavailable } from "../errors/index.ts";
import {
  checkSchemaName,
  type Db,
  parseTimestampUtc,
  type Queryable,
  type Row,
  sessionSettingsSql,
  storeError,
} from "./db.ts";
import { PGLITE_DB_DEFAULTS, type PgliteDbOptions, pgliteDbOptionsSchema } from "./options.ts";

const IN_MEMORY = "memory://";

function sqlHead(sql: string): string {
  const one = sql.replace(/\s+/g, " ").trim();
  return `query "${one.length > 60 ? `${one.slice(0, 60)}...` : one}"`;
}

/**
 * PGlite does not stop a second process from opening the same directory, and two writers corrupt it.
 * A sibling `<dir>.lock` file holding the owner's pid guards it; a lock whose pid is gone is stale.
 */
async function acquireDirLock(lockPath: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(lockPath).catch(() => {});
    } catch (err) {
      if ((err as { code?: unknown }).code !== "EEXIST") throw err;
      const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new CartstreamError(
          ERROR_CODES.SERVICE_UNAVAILABLE,
          `it is already open in process ${owner}${owner === process.pid ? " (this one)" : ""} (lock file ${lockPath})`,
        );
      }
      await unlink(lockPath).catch(() => {});
    }
  }
  throw new CartstreamError(
    ERROR_CODES.SERVICE_UNAVAILABLE,
    `could not take the lock file ${lockPath}; delete it if no process has the store open`,
    { retriable: true },
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: unknown }).code === "EPERM";
  }
}

interface PgliteQueryable {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
}

export class PgliteDb implements Db {
  readonly kind = "pglite" as const;
  readonly target: string;
  readonly schema: string | null;
  /** The PGlite instance, e.g. to serve it over the wire protocol (pglite-server.ts). */
  readonly pglite: PGlite;
  readonly #release: () => Promise<void>;
  #closed = false;

  private constructor(pglite: PGlite, target: string, schema: string | null, release: () => Promise<void>) {
    this.pglite = pglite;
    this.target = target;
    this.schema = schema;
    this.#release = release;
  }

  /** Opens (creating if needed) the data directory; throws CS_SERVICE_UNAVAILABLE naming it if PGlite cannot start. */
  static async open(options: PgliteDbOptions = {}): Promise<PgliteDb> {
    const o = parseOptions(pgliteDbOptionsSchema, options, "PGlite store options");
    const dataDir = o.dataDir ?? path.join(PGLITE_DB_DEFAULTS.rootDir, o.name ?? PGLITE_DB_DEFAULTS.name);
    const schema = o.schema === undefined ? null : checkSchemaName(o.schema);
    const inMemory = dataDir.startsWith(IN_MEMORY);
    const target = inMemory ? dataDir : path.resolve(dataDir);
    let pglite: PGlite | undefined;
    let release = async () => {};
    try {
      if (!inMemory) {
        await mkdir(target, { recursive: true });
        release = await acquireDirLock(`${target}.lock`);
      }
      pglite = await PGlite.create(inMemory ? dataDir : target, {
        relaxedDurability: o.relaxedDurability ?? PGLITE_DB_DEFAULTS.relaxedDurability,
        // Same parsing as the pg adapter: TIMESTAMP is UTC wall-clock time (PGlite's default is local time).
        parsers: { [types.TIMESTAMP]: parseTimestampUtc },
      });
      await pglite.exec(sessionSettingsSql(schema));
    } catch (err) {
      await pglite?.close().catch(() => {});
      await release();
      throw serviceUnavailable(
        "PGlite",
        target,
        err,
        "Check that the directory is writable and not open in another process; delete it to start from an empty store",
      );
    }
    return new PgliteDb(pglite, target, schema, release);
  }

  async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.#query<R>(this.pglite, sql, params);
  }

  async exec(sql: string): Promise<void> {
    await this.#exec(this.pglite, sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#checkOpen();
    // PGlite commits when the callback resolves and rolls back (rethrowing) when it rejects.
    return this.pglite.transaction(async (raw) =>
      fn({
        query: <R extends Row = Row>(sql: string, params: readonly unknown[] = []) =>
          this.#query<R>(raw as PgliteQueryable, sql, params),
        exec: (sql: string) => this.#exec(raw as PgliteQueryable, sql),
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.pglite.close();
    } finally {
      await this.#release();
    }
  }

  async #query<R extends Row>(on: PgliteQueryable, sql: string, params: readonly unknown[]): Promise<R[]> {
    this.#checkOpen();
    try {
      return (await on.query<R>(sql, params as unknown[])).rows;
    } catch (err) {
      throw storeError(this, err, sqlHead(sql));
    }
  }

  async #exec(on: PgliteQueryable, sql: string): Promise<void> {
    this.#checkOpen();
    try {
      await on.exec(sql);
    } catch (err) {
      throw storeError(this, err, sqlHead(sql));
    }
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw serviceUnavailable(
        "PGlite",
        this.target,
        new Error("the database was closed"),
        "Open a new PgliteDb",
      );
    }
  }
}

/** Opens an embedded store; `dataDir: "memory://"` for an in-memory one. */
export function openPgliteDb(options: PgliteDbOptions = {}): Promise<PgliteDb> {
  return PgliteDb.open(options);
}
