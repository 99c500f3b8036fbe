// Sessionizer options: defaults (the shared session timeout), merging, and errors that name every key.
import { describe, expect, it } from "vitest";
import * as aggregator from "../../../pipeline/aggregator/index.ts";
import { DEFAULT_SESSION_TIMEOUT_MS } from "../../../pipeline/config/index.ts";
import { ConfigError } from "../../../pipeline/errors/index.ts";

const { DEFAULT_SESSIONIZER_OPTIONS, resolveSessionizerOptions, Sessionizer } = aggregator;

describe("sessionizer options", () => {
  it("defaults to a 60 s timeout and 5 s allowed lateness", () => {
    expect(DEFAULT_SESSIONIZER_OPTIONS).toEqual({ timeoutMs: 60_000, allowedLatenessMs: 5_000 });
    expect(new Sessionizer().options).toEqual({ timeoutMs: 60_000, allowedLatenessMs: 5_000 });
    expect(DEFAULT_SESSION_TIMEOUT_MS).toBe(DEFAULT_SESSIONIZER_OPTIONS.timeoutMs);
  });

  it("merges given values over the defaults", () => {
    expect(resolveSessionizerOptions({ timeoutMs: 1_800_000 })).toEqual({
      timeoutMs: 1_800_000,
      allowedLatenessMs: 5_000,
    });
  });

  it("rejects unknown keys and bad values, naming every key", () => {
    let error: unknown;
    try {
      resolveSessionizerOptions({ timeoutMs: -1, allowedLatenessMs: 1.5, timeout: 3 } as never);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues).toHaveLength(3);
    expect(issues.some((i) => i.startsWith("timeoutMs:"))).toBe(true);
    expect(issues.some((i) => i.startsWith("allowedLatenessMs:"))).toBe(true);
    expect(issues.some((i) => i.startsWith("timeout: unknown key") && i.includes("timeoutMs"))).toBe(true);
  });
});
