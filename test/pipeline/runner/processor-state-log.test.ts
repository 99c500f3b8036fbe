// Open-session state goes to the store as one log entry per partition per commit, with a snapshot now and
// then. A processor restarted after any commit (reading records, snapshot and log) must end equal to the
// ground truth, and the log a restart reads must stay bounded.
import { describe, expect, it } from "vitest";
import { PartitionProcessor } from "../../../pipeline/runner/index.ts";
import { expectClosedGroundTruth, partitionMessages, withMemoryStore } from "./fixtures.ts";

describe("PartitionProcessor state log", () => {
  it("restarts from records + snapshot + log after every few commits and ends equal to the ground truth", async () => {
    const { events, messages } = partitionMessages({ seed: 11, duration_s: 200, users: 30 });
    await withMemoryStore(async (store) => {
      // A tiny log budget: snapshots happen every few commits.
      const make = () =>
        new PartitionProcessor({
          group: "g",
          topic: "t",
          sink: store.sink,
          reader: store.reader,
          stateLogBytes: 4_000,
          openRowsMs: 0,
        });
      let proc = make();
      let next = (await proc.assign([0])).get(0)!;
      let commits = 0;
      let snapshots = 0;
      let maxLogBytes = 0;
      let maxSnapshotBytes = 0;
      const chunk = 250;
      while (next < messages.length) {
        proc.process(0, messages.slice(next, next + chunk));
        await proc.flush();
        commits++;
        const log = await store.reader.loadStateLog(0);
        if (log[0]?.snapshot) {
          snapshots++;
          maxSnapshotBytes = Math.max(maxSnapshotBytes, log[0].bases.length);
        }
        maxLogBytes = Math.max(
          maxLogBytes,
          log.reduce((n, e) => n + e.bases.length, 0),
        );
        if (commits % 3 === 0) {
          proc = make(); // a restart: everything comes from the store
          next = (await proc.assign([0])).get(0)!;
        } else {
          next = proc.nextOffset(0)!;
        }
      }
      await proc.flush(true);
      expect(commits).toBeGreaterThan(10);
      expect(snapshots).toBeGreaterThan(0);
      // What a restart reads stays within the budget or twice the last snapshot, plus the commit's entry
      // (an entry holds at most the changed bases, never more than a snapshot's).
      expect(maxLogBytes).toBeLessThanOrEqual(4 * maxSnapshotBytes);
      expect((await store.reader.loadStateLog(0)).length).toBeLessThan(commits);
      await expectClosedGroundTruth(store, events);
    });
  }, 180_000);
});
