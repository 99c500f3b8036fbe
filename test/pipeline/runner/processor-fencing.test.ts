// Two processors race for one partition on the same store: the stale one is fenced, reloads from the
// store and continues. The final table must equal the ground truth (the oracle), with nothing left open.
import { describe, expect, it } from "vitest";
import { FencedError } from "../../../pipeline/errors/index.ts";
import { PartitionProcessor } from "../../../pipeline/runner/index.ts";
import { expectClosedGroundTruth, partitionMessages, withMemoryStore } from "./fixtures.ts";

describe("PartitionProcessor fencing", () => {
  it("a fenced processor reloads state and offsets and ends equal to the ground truth", async () => {
    const { events, messages } = partitionMessages({ seed: 5, duration_s: 300, users: 40 });
    await withMemoryStore(async (store) => {
      const make = () =>
        new PartitionProcessor({ group: "g", topic: "t", sink: store.sink, reader: store.reader });
      const a = make();
      const b = make();
      const third = Math.floor(messages.length / 3);
      await a.assign([0]);
      a.process(0, messages.slice(0, third));
      await a.flush();
      // b takes over while a still believes it owns the partition and commits once more.
      const bStart = (await b.assign([0])).get(0)!;
      expect(bStart).toBe(third);
      a.process(0, messages.slice(third, 2 * third));
      await a.flush();
      b.process(0, messages.slice(bStart, bStart + 500));
      await expect(b.flush()).rejects.toBeInstanceOf(FencedError);
      expect(b.ownedPartitions()).toEqual([]);
      // b reloads from the store and finishes the stream; a's next commit is fenced.
      const reloaded = (await b.assign([0])).get(0)!;
      expect(reloaded).toBe(2 * third);
      a.process(0, messages.slice(2 * third, 2 * third + 10));
      b.process(0, messages.slice(reloaded));
      await b.flush();
      await expect(a.flush()).rejects.toBeInstanceOf(FencedError);
      await expectClosedGroundTruth(store, events);
    });
  }, 120_000);
});
