// Benchmark profiles as data files: validation/profiles/<name>.json, or any path to such a file.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseOptions } from "../pipeline/config/index.ts";
import { ConfigError, ERROR_CODES } from "../pipeline/errors/index.ts";
import { ValidationRunError } from "./errors.ts";
import { type ParsedProfile, PROFILE_ISSUE_FORMAT, profileSchema } from "./options.ts";

export const PROFILES_DIR = fileURLToPath(new URL("./profiles/", import.meta.url));

export interface ProfileInfo {
  name: string;
  description: string;
  path: string;
}

/** The profiles shipped in validation/profiles, by name. */
export function listProfiles(): ProfileInfo[] {
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const path = resolve(PROFILES_DIR, f);
      let description = "";
      try {
        const raw = JSON.parse(readFileSync(path, "utf8")) as { description?: unknown };
        description = typeof raw.description === "string" ? raw.description : "";
      } catch {
        description = "(unreadable profile file)";
      }
      return { name: basename(f, ".json"), description, path };
    });
}

function isPath(nameOrPath: string): boolean {
  return nameOrPath.endsWith(".json") || nameOrPath.includes("/") || nameOrPath.includes("\\");
}

/**
 * Loads and validates a profile by name (validation/profiles/<name>.json) or path. Throws
 * ValidationRunError (unknown profile) or ConfigError (bad file, naming every bad key).
 */
export function loadProfile(nameOrPath = "phase1"): ParsedProfile {
  const path = isPath(nameOrPath) ? resolve(nameOrPath) : resolve(PROFILES_DIR, `${nameOrPath}.json`);
  if (!existsSync(path)) {
    const known = listProfiles()
      .map((p) => p.name)
      .join(", ");
    throw new ValidationRunError(
      ERROR_CODES.NOT_FOUND,
      isPath(nameOrPath)
        ? `profile file ${path} does not exist; pass a profile name (${known}) or the path of a profile JSON file`
        : `unknown profile '${nameOrPath}'; known profiles: ${known} (or pass the path of a profile JSON file)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(path, [`(profile): not valid JSON: ${(err as Error).message}`]);
  }
  return { ...parseOptions(profileSchema, raw, path, PROFILE_ISSUE_FORMAT), path };
}
