// Where a run's user_sessions live: embedded PGlite under data/pglite/NAME, or the schema cs_NAME on the
// PostgreSQL server at $DATABASE_URL. A fresh run wipes that run's previous store data first.
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Store } from "../store/index.ts";
import { openPgDb, openStore, quoteIdent } from "../store/index.ts";

export const STORE_KINDS = ["pglite", "postgres"] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export function pgliteDir(name: string): string {
  return join("data", "pglite", name);
}

/** Schema used on a PostgreSQL server for a run name. */
export function pgSchema(name: string): string {
  return `cs_${name.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`.slice(0, 63);
}

/** Opens (and migrates) the store of a run; `fresh` wipes that run's previous data first. */
export async function openRunStore(kind: StoreKind, name: string, fresh: boolean): Promise<Store> {
  if (kind === "pglite") {
    const dataDir = pgliteDir(name);
    if (fresh) {
      rmSync(dataDir, { recursive: true, force: true });
      await copyPgliteTemplate(dataDir);
    }
    return openStore({ kind: "pglite", db: { dataDir } });
  }
  if (fresh) await dropRunSchema(name);
  return openStore({ kind: "postgres", db: { schema: pgSchema(name) } });
}

/** Runs `fn` on an open store and closes it (a close failure after a failure of `fn` is not reported). */
export async function withStore<T>(store: Store, fn: (store: Store) => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await fn(store);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  await store.close();
  return result;
}

/** Drops the run's schema on the PostgreSQL server (tests and fresh runs). */
export async function dropRunSchema(name: string): Promise<void> {
  const db = await openPgDb({});
  try {
    await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(pgSchema(name))} CASCADE`);
  } finally {
    await db.close();
  }
}

const TEMPLATE_DIR = join(".cache", "pglite-template");

/**
 * PGlite's initdb (WASM) takes several seconds; a freshly migrated, empty database directory is kept
 * under .cache/ and copied for each fresh run. Migrations still run on open, so a stale template only
 * costs the difference.
 */
async function copyPgliteTemplate(dataDir: string): Promise<void> {
  if (!existsSync(TEMPLATE_DIR)) {
    const building = `${TEMPLATE_DIR}.${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    const store = await openStore({ kind: "pglite", db: { dataDir: building } });
    await store.close();
    mkdirSync(join(".cache"), { recursive: true });
    try {
      renameSync(building, TEMPLATE_DIR);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another process won the race
    }
  }
  mkdirSync(join(dataDir, ".."), { recursive: true });
  cpSync(TEMPLATE_DIR, dataDir, { recursive: true });
}
