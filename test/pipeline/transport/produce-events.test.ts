// produceSimulation through the in-process log: events keyed by user, bad messages when asked, and one
// end-of-stream control record per partition, appended to that partition.
import { describe, expect, it } from "vitest";
import { CONTROL_HEADERS, END_OF_STREAM, parseEvent, recordKind } from "../../../pipeline/events/index.ts";
import { resolveSimulatorConfig, Simulation } from "../../../pipeline/simulator/index.ts";
import { MemoryLog, partitionForKey, produceSimulation } from "../../../pipeline/transport/index.ts";

describe("produceSimulation", () => {
  it("keys events by user and ends every partition with one control record", async () => {
    const log = new MemoryLog({ now: () => 0 });
    await log.createTopic("t", 3);
    const sim = new Simulation(resolveSimulatorConfig({}, { seed: 3, duration_s: 120, users: 20 }));
    const r = await produceSimulation({
      transport: log,
      topic: "t",
      partitions: 3,
      sim,
      clock: "virtual",
      speed: 1,
      injectBad: 0,
      endMarker: true,
    });
    expect(r.events).toBeGreaterThan(0);
    expect(r.messages).toBe(r.events + 3);
    let events = 0;
    for (let p = 0; p < 3; p++) {
      const { messages } = await log.consume("t", p, 0, 1_000_000);
      const last = messages.at(-1)!;
      expect([last.value, last.headers.record_kind]).toEqual([END_OF_STREAM, CONTROL_HEADERS.record_kind]);
      for (const m of messages.slice(0, -1)) {
        expect(recordKind(m.headers)).toBe("event");
        const parsed = parseEvent(m.value);
        expect(
          parsed.ok && partitionForKey(parsed.event.user_id, 3) === p && m.key === parsed.event.user_id,
        ).toBe(true);
        events++;
      }
    }
    expect(events).toBe(r.events);
  });

  it("a stop request sends no more batches and no end-of-stream marker", async () => {
    const log = new MemoryLog({ now: () => 0 });
    await log.createTopic("t", 2);
    const sim = new Simulation(resolveSimulatorConfig({}, { seed: 3, duration_s: 3600, users: 50 }));
    const stop = new AbortController();
    const r = await produceSimulation({
      transport: log,
      topic: "t",
      partitions: 2,
      sim,
      clock: "virtual",
      speed: 1,
      injectBad: 0,
      endMarker: true,
      signal: stop.signal,
      onProgress: (n) => {
        if (n >= 4096 * 2) stop.abort("SIGINT");
      },
    });
    expect(r.interrupted).toBe(true);
    expect(r.events).toBe(4096 * 2);
    expect(r.messages).toBe(r.events);
    let stored = 0;
    for (let p = 0; p < 2; p++) {
      const { messages } = await log.consume("t", p, 0, 1_000_000);
      for (const m of messages) expect(recordKind(m.headers)).toBe("event");
      stored += messages.length;
    }
    expect(stored).toBe(r.events);
  });
});
