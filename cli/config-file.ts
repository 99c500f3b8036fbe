// Reads a JSON config file (the only I/O of config handling); validation lives with each stage's schema.
import { existsSync, readFileSync } from "node:fs";
import { ConfigError } from "../pipeline/errors/index.ts";

export const DEFAULT_CONFIG_PATH = "data/configs/phase1.json";

export function readJsonConfig(path: string): unknown {
  if (!existsSync(path)) {
    throw new ConfigError(path, [
      `file not found; pass --config with a JSON file, e.g. ${DEFAULT_CONFIG_PATH}`,
    ]);
  }
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(path, [`not valid JSON: ${(err as Error).message}`]);
  }
}
