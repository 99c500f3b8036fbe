// A commit that fails for a reason other than fencing (PostgreSQL restarting, the dead-letter topic away)
// must not lose what the processor had drained for it: the processor gives the partitions up, and after a
// reload from the last commit and a replay the table equals the ground truth. Found by the fault suite's
// PostgreSQL restart, where sessions lost events and the next ones were dead-lettered as out of sequence.
import { describe, expect, it } from "vitest";
import { PartitionProcessor } from "../../../pipeline/runner/index.ts";
import { expectClosedGroundTruth, partitionMessages, withMemoryStore } from "./fixtures.ts";

describe("PartitionProcessor after a failed commit", () => {
  it("gives its partitions up, and a reload from the last commit ends equal to the ground truth", async () => {
    const { events, messages } = partitionMessages({ seed: 7, duration_s: 300, users: 40 });
    await withMemoryStore(async (store) => {
      let failNext = false;
      const sink: typeof store.sink = Object.create(store.sink);
      sink.commit = async (batch) => {
        if (failNext) {
          failNext = false;
          throw new Error("Connection terminated unexpectedly");
        }
        return store.sink.commit(batch);
      };
      const proc = new PartitionProcessor({ group: "g", topic: "t", sink, reader: store.reader });
      const step = Math.floor(messages.length / 4);
      await proc.assign([0]);
      proc.process(0, messages.slice(0, step));
      await proc.flush();
      // Sessions open across this window change in memory; the commit that should save them fails.
      proc.process(0, messages.slice(step, 2 * step));
      failNext = true;
      await expect(proc.flush()).rejects.toThrow(/Connection terminated/);
      expect(proc.ownedPartitions()).toEqual([]);
      // The caller reloads from the store (what the aggregator does once PostgreSQL answers) and replays.
      const from = (await proc.assign([0])).get(0)!;
      expect(from).toBe(step);
      proc.process(0, messages.slice(from, 3 * step));
      await proc.flush();
      proc.process(0, messages.slice(3 * step));
      await proc.flush();
      await expectClosedGroundTruth(store, events);
    });
  }, 120_000);
});
