// A fingerprint of a simulator config that ignores what does not change behaviour (seed, description), so a
// dataset can be matched with the config its reference event mix was measured on.
import { createHash } from "node:crypto";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** sha256 (hex) of the config's canonical JSON without `seed` and `description`. */
export function configFingerprint(config: Record<string, unknown>): string {
  const { seed: _seed, description: _description, ...rest } = config;
  return createHash("sha256")
    .update(JSON.stringify(canonical(rest)))
    .digest("hex");
}

/** Leaf key paths where two configs differ (seed and description ignored), sorted. */
export function configDifferences(a: unknown, b: unknown, path: string[] = []): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys
      .filter((k) => path.length > 0 || (k !== "seed" && k !== "description"))
      .flatMap((k) => configDifferences(a[k], b[k], [...path, k]));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path.join(".")];
}
