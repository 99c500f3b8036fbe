// Opens a dataset folder: checks the files are there, reads manifest.json (optional) and loads
// sessions.parquet and events.parquet into tables `sessions` and `events` of a fresh in-memory DuckDB.
// Anything that stops the validation from running throws ValidationRunError (exit 3).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { z } from "zod";
import { DEFAULT_SESSION_TIMEOUT_S, formatIssues } from "../pipeline/config/index.ts";
import { describeRelation, quoteIdent, quoteString } from "../pipeline/duckdb/index.ts";
import { ERROR_CODES } from "../pipeline/errors/index.ts";
import { DEVICE_TYPES } from "../pipeline/events/index.ts";
import { EVENT_COLUMNS } from "../pipeline/files/index.ts";
import { COMPARED_COLUMNS } from "../pipeline/model/index.ts";
import { ValidationRunError } from "./errors.ts";

export const DATASET_FILES = {
  sessions: "sessions.parquet",
  events: "events.parquet",
  manifest: "manifest.json",
} as const;

/** manifest.json as far as validation reads it; the dataset builder owns the rest. */
const manifestSchema = z
  .object({
    seed: z.number().int().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    rows: z.unknown().optional(),
  })
  .loose();
export type Manifest = z.infer<typeof manifestSchema>;

export interface DatasetInput {
  dir: string;
  sessionsPath: string;
  eventsPath: string;
  manifest: Manifest | null;
  sessionTimeoutS: number;
  /** Where sessionTimeoutS came from. */
  sessionTimeoutFrom: string;
  /** manifest.config.devices.<d>.share, renormalised to 1; null without a manifest config. */
  configuredDeviceShares: Record<string, number> | null;
  /** DESCRIBE of the two tables: column name -> DuckDB type. */
  sessionTypes: Map<string, string>;
  eventTypes: Map<string, string>;
}

export interface OpenDataset {
  input: DatasetInput;
  instance: DuckDBInstance;
  con: DuckDBConnection;
  close(): void;
}

function readManifest(path: string): Manifest | null {
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ValidationRunError(
      ERROR_CODES.BAD_INPUT,
      `cannot read ${path}: ${(err as Error).message}; expected the dataset builder's JSON manifest (or no manifest.json at all)`,
      { cause: err },
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error, { root: "(manifest)" }, manifestSchema);
    throw new ValidationRunError(
      ERROR_CODES.BAD_INPUT,
      `manifest ${path} is not valid: ${issues.join("; ")}; expected an object with seed (integer), config (object) and rows`,
    );
  }
  return parsed.data;
}

function configuredDeviceShares(config: Record<string, unknown> | undefined): Record<string, number> | null {
  const devices = config?.devices;
  if (typeof devices !== "object" || devices === null) return null;
  const shares: Record<string, number> = {};
  let total = 0;
  for (const d of DEVICE_TYPES) {
    const share = (devices as Record<string, { share?: unknown }>)[d]?.share;
    if (typeof share !== "number" || !Number.isFinite(share) || share < 0) return null;
    shares[d] = share;
    total += share;
  }
  if (!(total > 0)) return null;
  for (const d of DEVICE_TYPES) shares[d] = shares[d]! / total;
  return shares;
}

async function loadTable(con: DuckDBConnection, table: string, path: string): Promise<void> {
  try {
    await con.run(`CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM read_parquet(${quoteString(path)})`);
  } catch (err) {
    throw new ValidationRunError(
      ERROR_CODES.BAD_INPUT,
      `cannot read ${path} as Parquet: ${(err as Error).message}; rebuild the dataset (the dataset builder writes it with DuckDB)`,
      { cause: err },
    );
  }
}

function requireColumns(types: Map<string, string>, required: readonly string[], path: string): void {
  const missing = required.filter((c) => !types.has(c));
  if (missing.length > 0) {
    throw new ValidationRunError(
      ERROR_CODES.BAD_INPUT,
      `${path} lacks column(s) ${missing.join(", ")}; expected at least: ${required.join(", ")}`,
    );
  }
}

/** Opens `dir` (a data/datasets/<name>/ folder). The caller must close() the result. */
export async function openDataset(dir: string): Promise<OpenDataset> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new ValidationRunError(
      ERROR_CODES.NOT_FOUND,
      `dataset folder ${abs} does not exist; expected a folder such as data/datasets/<name>/ holding ${DATASET_FILES.sessions} and ${DATASET_FILES.events}`,
    );
  }
  const sessionsPath = join(abs, DATASET_FILES.sessions);
  const eventsPath = join(abs, DATASET_FILES.events);
  const missing = [sessionsPath, eventsPath].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new ValidationRunError(
      ERROR_CODES.NOT_FOUND,
      `dataset folder ${abs} has no ${missing.map((p) => p.slice(abs.length + 1)).join(" and no ")}; expected ${DATASET_FILES.sessions} and ${DATASET_FILES.events} (build the dataset first)`,
    );
  }
  const manifest = readManifest(join(abs, DATASET_FILES.manifest));
  const timeout = manifest?.config?.session_timeout_s;
  const hasTimeout = typeof timeout === "number" && Number.isFinite(timeout) && timeout > 0;

  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  const close = () => {
    con.closeSync();
    instance.closeSync();
  };
  try {
    await con.run("SET TimeZone = 'UTC'");
    await loadTable(con, "sessions", sessionsPath);
    await loadTable(con, "events", eventsPath);
    const sessionTypes = await describeRelation(con, "sessions");
    const eventTypes = await describeRelation(con, "events");
    requireColumns(sessionTypes, COMPARED_COLUMNS, sessionsPath);
    requireColumns(eventTypes, Object.keys(EVENT_COLUMNS), eventsPath);
    return {
      input: {
        dir: abs,
        sessionsPath,
        eventsPath,
        manifest,
        sessionTimeoutS: hasTimeout ? timeout : DEFAULT_SESSION_TIMEOUT_S,
        sessionTimeoutFrom: hasTimeout
          ? "manifest.config.session_timeout_s"
          : `default ${DEFAULT_SESSION_TIMEOUT_S} s (no session_timeout_s in a manifest config)`,
        configuredDeviceShares: configuredDeviceShares(manifest?.config),
        sessionTypes,
        eventTypes,
      },
      instance,
      con,
      close,
    };
  } catch (err) {
    close();
    throw err;
  }
}
