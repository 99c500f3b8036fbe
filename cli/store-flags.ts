// --store pglite|postgres, shared by run and dataset: where user_sessions lives.
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Store } from "../pipeline/store/index.ts";
import { openPgDb, openStore, quoteIdent } from "../pipeline/store/index.ts";
import type { FlagSpec } from "./args.ts";

export const STORE_KINDS = ["pglite", "postgres"] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const STORE_FLAGS = {
  store: {
    type: "string",
    arg: "pglite|postgres",
    help: "pglite: embedded, file-backed under data/pglite/NAME; postgres: the server at $DATABASE_URL, schema cs_NAME",
    default: "pglite",
  },
} satisfies Record<string, FlagSpec>;

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
  const schema = pgSchema(name);
  if (fresh) {
    const db = await openPgDb({});
    try {
      await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    } finally {
      await db.close();
    }
  }
  return openStore({ kind: "postgres", db: { schema } });
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
