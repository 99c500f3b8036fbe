// A run's folder, data/runs/NAME: run.json (what the run was started with), archive/*.ndjson (the accepted
// raw events, written by the processors) and events.parquet (the archive compacted, the ground truth's input).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CartstreamError, ERROR_CODES, UsageError } from "../errors/index.ts";

export interface RunPaths {
  dir: string;
  runFile: string;
  archiveDir: string;
  eventsParquet: string;
}

/** What a run name may be (it names folders, a PostgreSQL schema and Kafka topics). */
export const RUN_NAME_RULE = "must be 1-60 letters, digits, _ . -";

export function isRunName(name: string): boolean {
  return /^[A-Za-z0-9_.-]{1,60}$/.test(name);
}

export function runPaths(name: string): RunPaths {
  if (!isRunName(name)) {
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `run name '${name}' ${RUN_NAME_RULE}; pick another name`,
    );
  }
  const dir = join("data", "runs", name);
  return {
    dir,
    runFile: join(dir, "run.json"),
    archiveDir: join(dir, "archive"),
    eventsParquet: join(dir, "events.parquet"),
  };
}

/**
 * Prepares the run folder and records `recorded` in run.json. A fresh run removes the folder first; a
 * resumed one must find run.json with exactly the same content.
 */
export function startRunFolder(paths: RunPaths, recorded: unknown, resume: boolean): void {
  const name = paths.dir.split(/[\\/]/).at(-1);
  if (resume) {
    if (!existsSync(paths.runFile)) {
      throw new CartstreamError(
        ERROR_CODES.NOT_FOUND,
        `--resume: no run named '${name}' (${paths.runFile} is missing); start it without --resume`,
      );
    }
    const before = JSON.parse(readFileSync(paths.runFile, "utf8"));
    if (JSON.stringify(before) !== JSON.stringify(recorded)) {
      throw new UsageError(
        `--resume: the config, partitions or store differ from the interrupted run recorded in ${paths.runFile}; pass the same options (or run without --resume to start over)`,
      );
    }
  } else {
    rmSync(paths.dir, { recursive: true, force: true });
  }
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(paths.runFile, `${JSON.stringify(recorded, null, 2)}\n`);
}
