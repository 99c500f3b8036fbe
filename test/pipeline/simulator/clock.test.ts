// The real clock releases the same events as the virtual clock, paced by the wall clock.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ClickEvent } from "../../../pipeline/events/index.ts";
import { paceRealTime, resolveSimulatorConfig, Simulation } from "../../../pipeline/simulator/index.ts";

const fast = JSON.parse(readFileSync(new URL("../../fixtures/configs/fast.json", import.meta.url), "utf8"));

describe("real clock", () => {
  it("gives the same events as the virtual clock apart from wall-clock event times (about 5 s at 200 events/s)", async () => {
    const config = resolveSimulatorConfig(fast, { seed: 11 });
    const virtual = [...new Simulation(config).events()];

    const wallStart = Date.now();
    const real = new Simulation(config, wallStart);
    const released: { event: ClickEvent; at: number }[] = [];
    for await (const batch of paceRealTime(real.events(), { startTimeMs: real.startTimeMs, speed: 1 })) {
      const at = Date.now();
      for (const event of batch) released.push({ event, at });
    }
    const wallS = (Date.now() - wallStart) / 1000;

    // 5 s at a 200 events/s target; --end cut loses the ramp-up of sessions in flight, so about 700.
    expect(virtual.length).toBeGreaterThan(600);
    expect(released.length).toBe(virtual.length);
    const virtualStart = Date.parse(config.start_time);
    released.forEach(({ event }, i) => {
      const v = virtual[i]!;
      const { event_time: rt, ...restReal } = event;
      const { event_time: vt, ...restVirtual } = v;
      expect(restReal).toEqual(restVirtual);
      expect(Date.parse(rt) - wallStart).toBe(Date.parse(vt) - virtualStart);
    });
    // Paced: nothing released before its time, and the run takes about the configured 5 s.
    for (const { event, at } of released) expect(at).toBeGreaterThanOrEqual(Date.parse(event.event_time) - 5);
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
});
