// The real clock releases the same events as the virtual clock, paced by the wall clock, and with warm
// start it is on the target rate from the first minute.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ClickEvent } from "../../../pipeline/events/index.ts";
import type { SimulatorConfig } from "../../../pipeline/simulator/index.ts";
import {
  eventToNdjson,
  paceRealTime,
  resolveSimulatorConfig,
  Simulation,
} from "../../../pipeline/simulator/index.ts";

const fast = JSON.parse(readFileSync(new URL("../../fixtures/configs/fast.json", import.meta.url), "utf8"));

/** Runs `config` in the real clock; returns each event with the wall time it was released at. */
async function realRun(config: SimulatorConfig) {
  const wallStart = Date.now();
  const sim = new Simulation(config, wallStart);
  const released: { event: ClickEvent; at: number }[] = [];
  // The pacing starts here (after the simulator's set-up): its wall clock maps to the run's start.
  const pacedFrom = Date.now();
  for await (const batch of paceRealTime(sim.events(), { startTimeMs: sim.startTimeMs, speed: 1 })) {
    const at = Date.now();
    for (const event of batch) released.push({ event, at });
  }
  return { released, wallStart, pacedFrom };
}

/** The same events apart from event_time, whose offsets from the run's start are equal too. */
function expectSameEvents(
  real: ClickEvent[],
  wallStart: number,
  virtual: ClickEvent[],
  virtualStart: number,
) {
  expect(real.length).toBe(virtual.length);
  real.forEach((event, i) => {
    const v = virtual[i]!;
    const { event_time: rt, ...restReal } = event;
    const { event_time: vt, ...restVirtual } = v;
    expect(restReal).toEqual(restVirtual);
    expect(Date.parse(rt) - wallStart).toBe(Date.parse(vt) - virtualStart);
  });
}

describe("real clock", () => {
  it("gives the same events as the virtual clock apart from wall-clock event times (about 5 s at 200 events/s)", async () => {
    const config = resolveSimulatorConfig(fast, { seed: 11 });
    const virtual = [...new Simulation(config).events()];
    const { released, wallStart, pacedFrom } = await realRun(config);
    const wallS = (Date.now() - pacedFrom) / 1000;

    // 5 s at a 200 events/s target, warm: about 1,000 events from the first second on.
    expect(virtual.length).toBeGreaterThan(850);
    expect(virtual.length).toBeLessThan(1150);
    expectSameEvents(
      released.map((r) => r.event),
      wallStart,
      virtual,
      Date.parse(config.start_time),
    );
    // Paced: nothing released before its time, and the run takes about the configured 5 s.
    const lag = pacedFrom - wallStart;
    for (const { event, at } of released) {
      expect(at).toBeGreaterThanOrEqual(Date.parse(event.event_time) + lag - 5);
    }
    expect(wallS).toBeGreaterThan(4);
    expect(wallS).toBeLessThan(8);
  }, 30_000);

  it("an abort ends the wait for the next event at once and releases nothing that is not due", async () => {
    const stop = new AbortController();
    const t0 = Date.now();
    // The second event is due an hour after the first.
    const events = [
      { event_time: new Date(t0).toISOString() },
      { event_time: new Date(t0 + 3_600_000).toISOString() },
    ];
    const released: string[] = [];
    setTimeout(() => stop.abort(), 200);
    for await (const batch of paceRealTime(events, { startTimeMs: t0, speed: 1, signal: stop.signal }))
      for (const e of batch) released.push(e.event_time);
    expect(released).toEqual([events[0]!.event_time]);
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 30_000);

  it("realizes 38-42 events/s in the first 60 s of a phase-1 run at 40 events/s (warm start), the same events as the virtual clock", async () => {
    const config = resolveSimulatorConfig({}, { seed: 42, duration_s: 60, end: "cut" });
    const virtual = [...new Simulation(config).events()];
    const { released, wallStart, pacedFrom } = await realRun(config);
    const first60 = released.filter(({ at }) => at < pacedFrom + 60_000).length;
    expect(first60 / 60).toBeGreaterThanOrEqual(38);
    expect(first60 / 60).toBeLessThanOrEqual(42);
    // Byte-identical apart from event_time: the NDJSON with times shifted back to the virtual start.
    const shift = wallStart - Date.parse(config.start_time);
    const realAsVirtual = released.map(({ event }) =>
      eventToNdjson({
        ...event,
        event_time: new Date(Date.parse(event.event_time) - shift).toISOString(),
      }),
    );
    expect(realAsVirtual.join("\n")).toBe(virtual.map(eventToNdjson).join("\n"));
  }, 120_000);

  it("ramps up from nothing with --warm-start off (the old behaviour)", () => {
    const config = resolveSimulatorConfig({}, { seed: 42, duration_s: 60, end: "cut", warm_start: false });
    const events = [...new Simulation(config).events()];
    expect(events.length / 60).toBeLessThan(20);
    expect(events[0]!.event_type).toBe("session_start");
  });
});
