import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import { murmur2, partitionForKey, toPositive } from "../../../pipeline/transport/index.ts";

// kafkajs's own murmur2 (the Java client's variant) is the reference implementation.
const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (
  key: string,
) => number;

/** Deterministic keys: user ids, empty, every tail length, multi-byte UTF-8 and lone surrogates. */
function keys(count: number): string[] {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_-éß€😀\ud800 ";
  const out = ["", "a", "ab", "abc", "abcd", "user_000001", "😀", "\ud800"];
  while (out.length < count) {
    const kind = next() % 3;
    if (kind === 0) out.push(`user_${String(next() % 1_000_000).padStart(6, "0")}`);
    else if (kind === 1) out.push(randomBytes(next() % 24).toString("base64url"));
    else {
      const len = next() % 40;
      let s = "";
      for (let i = 0; i < len; i++) s += [...alphabet][next() % [...alphabet].length];
      out.push(s);
    }
  }
  return out;
}

describe("partitioner", () => {
  const sample = keys(10_000);

  it("murmur2 equals kafkajs's murmur2 for 10,000 keys", () => {
    const mismatches = sample.filter((k) => murmur2(Buffer.from(k, "utf8")) !== kafkajsMurmur2(k));
    expect(mismatches).toEqual([]);
  });

  it("partitionForKey equals kafkajs's DefaultPartitioner for several partition counts", () => {
    for (const n of [1, 2, 3, 4, 6, 12, 100]) {
      const kafkajs = Partitioners.DefaultPartitioner();
      const partitionMetadata = Array.from({ length: n }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        replicas: [0],
        isr: [0],
        partitionErrorCode: 0,
        offlineReplicas: [],
      }));
      for (const key of sample) {
        const expected = kafkajs({ topic: "t", partitionMetadata, message: { key, value: "v" } });
        const actual = partitionForKey(key, n);
        if (actual !== expected) expect({ key, n, actual }).toEqual({ key, n, actual: expected });
      }
    }
  });

  it("matches known Java client values", () => {
    // Values from org.apache.kafka.common.utils.UtilsTest#testMurmur2.
    const cases: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key, "utf8"))).toBe(hash);
    expect(toPositive(-1)).toBe(0x7fffffff);
  });

  it("rejects a non-positive partition count", () => {
    expect(() => partitionForKey("u", 0)).toThrow(RangeError);
  });
});
