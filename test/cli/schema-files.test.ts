// Committed generated files must match the code they come from.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderEventSchema } from "../../cli/commands/schema.ts";
import { DEFAULT_CONFIG, resolveSimulatorConfig } from "../../pipeline/simulator/index.ts";

describe("generated files", () => {
  it("pipeline/events/event.schema.json is up to date (regenerate: npx cartstream schema --out pipeline/events/event.schema.json)", () => {
    const committed = readFileSync(
      new URL("../../pipeline/events/event.schema.json", import.meta.url),
      "utf8",
    );
    expect(committed).toBe(renderEventSchema());
  });

  it("data/configs/phase1.json holds exactly the built-in defaults", () => {
    const file = JSON.parse(readFileSync(new URL("../../data/configs/phase1.json", import.meta.url), "utf8"));
    expect(file).toEqual(DEFAULT_CONFIG);
    expect(resolveSimulatorConfig(file)).toEqual(resolveSimulatorConfig({}));
  });
});
