// Loading a partition reads its offsets and its open-session state in two queries. When the previous owner
// commits between them (its last flush during a rebalance), the new owner must not combine the old offset
// with the new state: it reads again. Found by the fault suite, where such a load failed with "cannot
// import sessionizer state: segment ... has events after maxEventTimeMs" and stopped the aggregator.
import { describe, expect, it } from "vitest";
import { CONTROL_HEADERS, END_OF_STREAM } from "../../../pipeline/events/index.ts";
import { compareSessions, groundTruthSessions } from "../../../pipeline/ground-truth/index.ts";
import { PartitionProcessor } from "../../../pipeline/runner/index.ts";
import { eventToNdjson, resolveSimulatorConfig, simulate } from "../../../pipeline/simulator/index.ts";
import { openStore } from "../../../pipeline/store/index.ts";
import type { ConsumedMessage } from "../../../pipeline/transport/index.ts";
import { expectSameSessions } from "../../helpers/sessions.ts";

describe("PartitionProcessor.assign racing the previous owner's commit", () => {
  it("reads offsets and state of one commit, and the run ends equal to the ground truth", async () => {
    const { events } = simulate(resolveSimulatorConfig({}, { seed: 9, duration_s: 300, users: 40 }));
    const messages: ConsumedMessage[] = events.map((e, i) => ({
      offset: i,
      key: e.user_id,
      value: eventToNdjson(e),
      headers: {},
      timestamp: 0,
    }));
    messages.push({
      offset: events.length,
      key: "x",
      value: END_OF_STREAM,
      headers: { ...CONTROL_HEADERS },
      timestamp: 0,
    });
    const store = await openStore({ kind: "pglite", db: { dataDir: "memory://" } });
    try {
      const old = new PartitionProcessor({ group: "g", topic: "t", sink: store.sink, reader: store.reader });
      const third = Math.floor(messages.length / 3);
      await old.assign([0]);
      old.process(0, messages.slice(0, third));
      await old.flush();
      old.process(0, messages.slice(third, 2 * third));
      // The new owner's reader: the old owner commits right after the offsets were read.
      let raced = false;
      const loadSessionState = async (p: number) => {
        if (!raced) {
          raced = true;
          await old.flush();
        }
        return store.reader.loadSessionState(p);
      };
      const reader = new Proxy(store.reader, {
        get: (target, prop) => {
          if (prop === "loadSessionState") return loadSessionState;
          const value = Reflect.get(target, prop);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const next = new PartitionProcessor({ group: "g", topic: "t", sink: store.sink, reader });
      const from = (await next.assign([0])).get(0)!;
      expect(raced).toBe(true);
      expect(from).toBe(2 * third);
      next.process(0, messages.slice(from));
      await next.flush();
      const actual = await store.reader.readSessions();
      expect(actual.every((r) => r.ended_by !== null)).toBe(true);
      expectSameSessions(await compareSessions(await groundTruthSessions({ events }), actual));
    } finally {
      await store.close();
    }
  }, 180_000);
});
