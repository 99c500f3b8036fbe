import { describe, expect, it } from "vitest";
import { CartstreamError, ERROR_CODES } from "../../../pipeline/errors/index.ts";
import { MemoryLog, partitionForKey } from "../../../pipeline/transport/index.ts";

describe("MemoryLog", () => {
  it("partitions by key, assigns contiguous offsets and reads back in order", async () => {
    const log = new MemoryLog({ now: () => 1_000 });
    await log.createTopic("events", 4);
    const users = Array.from({ length: 50 }, (_, i) => `user_${i}`);
    const messages = users.flatMap((u) => [1, 2, 3].map((n) => ({ key: u, value: `${u}#${n}` })));
    const positions = await log.produce("events", messages);

    expect(positions.map((p) => p.partition)).toEqual(messages.map((m) => partitionForKey(m.key, 4)));
    const ends = await log.endOffsets("events");
    expect(ends.reduce((a, b) => a + b, 0)).toBe(150);

    for (let p = 0; p < 4; p++) {
      const { messages: read, highWatermark } = await log.consume("events", p, 0, 1_000);
      expect(highWatermark).toBe(ends[p]);
      expect(read.map((m) => m.offset)).toEqual(read.map((_, i) => i));
      for (const m of read) expect(partitionForKey(m.key, 4)).toBe(p);
      // Per-key order is preserved inside a partition.
      const byUser = new Map<string, string[]>();
      for (const m of read) byUser.set(m.key, [...(byUser.get(m.key) ?? []), m.value]);
      for (const [u, values] of byUser) expect(values).toEqual([`${u}#1`, `${u}#2`, `${u}#3`]);
    }
  });

  it("pages with fromOffset / maxMessages and keeps headers and timestamps", async () => {
    const log = new MemoryLog({ now: () => 42 });
    await log.createTopic("t", 1);
    await log.produce("t", [
      { key: "k", value: "a", headers: { schema: "1" } },
      { key: "k", value: "b", timestamp: 7 },
      { key: "k", value: "c" },
    ]);
    const page = await log.consume("t", 0, 1, 1);
    expect(page).toEqual({
      messages: [{ offset: 1, key: "k", value: "b", headers: {}, timestamp: 7 }],
      highWatermark: 3,
    });
    const first = await log.consume("t", 0, 0, 1);
    expect(first.messages[0]).toEqual({
      offset: 0,
      key: "k",
      value: "a",
      headers: { schema: "1" },
      timestamp: 42,
    });
    expect((await log.consume("t", 0, 3, 10)).messages).toEqual([]);
    expect((await log.consume("t", 0, 99, 10)).messages).toEqual([]);
  });

  it("createTopic is idempotent for the same partition count and refuses a different one", async () => {
    const log = new MemoryLog();
    await log.createTopic("t", 3);
    await log.createTopic("t", 3);
    expect(await log.partitionCount("t")).toBe(3);
    await expect(log.createTopic("t", 4)).rejects.toThrow(/already exists with 3 partitions/);
  });

  it("reports unknown topics, bad partitions and use after close with coded errors", async () => {
    const log = new MemoryLog();
    await expect(log.produce("nope", [{ key: "k", value: "v" }])).rejects.toMatchObject({
      code: ERROR_CODES.NOT_FOUND,
    });
    await log.createTopic("t", 2);
    await expect(log.consume("t", 2, 0, 10)).rejects.toThrow(/partitions 0..1, got partition 2/);
    await expect(log.consume("t", 0, -1, 10)).rejects.toThrow(/fromOffset/);
    await log.close();
    const err = await log.endOffsets("t").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CartstreamError);
    expect((err as CartstreamError).message).toMatch(/after close/);
  });

  it("appends a message that names its partition there, whatever its key; refuses a partition out of range", async () => {
    const log = new MemoryLog({ now: () => 7 });
    await log.createTopic("t", 3);
    const key = "user_1";
    const other = (partitionForKey(key, 3) + 1) % 3;
    expect(
      await log.produce("t", [
        { key, value: "a" },
        { key, value: "b", partition: other },
      ]),
    ).toEqual([
      { partition: partitionForKey(key, 3), offset: 0 },
      { partition: other, offset: 0 },
    ]);
    expect((await log.consume("t", other, 0, 10)).messages.map((m) => m.value)).toEqual(["b"]);
    await expect(log.produce("t", [{ key, value: "c", partition: 3 }])).rejects.toThrow(
      /topic t has partitions 0\.\.2, got partition 3/,
    );
  });
});
